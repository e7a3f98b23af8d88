"""Restore line-end hyphens that the extractor destroyed by joining the lines.

poppler's ``pdftotext`` (default mode) and PDFium (whose U+FFFE mark the reader drops inside a
line) join a printed line that ends in a hyphen with the next one. What is left:

* a word split by a space where the extractor saw a space before the hyphen on a justified
  line (``uppmärk samhet``, ``dyli ka``);
* a *silent* join: ``auktoritet`` (right), but a suspended hyphen glued to its conjunction
  (``tisteloch`` for ``tistel- och``) or a real hyphen lost (``estil`` for ``est-il``,
  ``1950talet`` for ``1950-talet``).

The lines of such an extraction are printed lines joined only where a hyphen was, so the
joins can be located: a line wider than the text measure holds one, about one measure from
where its printed line began. Repairs near such a place need document or word-frequency
evidence (see :mod:`ebookmaker.steps.hyphenation`); a stray space anywhere else is only closed
when both halves are no words and the joined word is common (``unauf hörlich``). Extractions
that kept their line-end hyphens have no over-wide lines and are left alone by the positional
rules.

>>> from ebookmaker.model import Line, Page, Role
>>> text = "Den allmänna uppfattningen är att denna sak och denna fråga kräver en allmännare"
>>> lines = [Line(text, 0, role=Role.BODY) for _ in range(6)]
>>> lines.append(Line(text[:-2] + " re uppfattning än den som nu råder här", 0, role=Role.BODY))
>>> doc = SourceDocument([Page(0, lines)], "plain")
>>> restore_joined_hyphens(doc, "sv", Report())
>>> "allmännare uppfattning" in lines[-1].text
True
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property

from ..explain import Report
from ..metrics import text_width, word_widths
from ..model import Line, Role, SourceDocument
from .hyphenation import (
    _ANY_LANGUAGE_CONJUNCTIONS,
    _COMMON,
    _ENCLITICS,
    _KNOWN,
    _SOLID_COMPOUNDING,
    CONJUNCTIONS,
    WordKnowledge,
    _zipf,
)

STEP = "hyphenation"
ROLES = (Role.BODY, Role.HEADING, Role.QUOTE, Role.NOTE)

# A document "kept" its line-end hyphens when this share of its long lines end in one.
_KEPT_SHARE = 0.03
# Widths relative to the measure: a printed line of justified text is within a few percent of
# it; the first line of a paragraph may be indented.
_FULL_LINE = 1.06  # wider than this: the line holds a join
_BEFORE = 0.08  # how far before the expected place a join may be (indent, loose lines)
_AFTER = 0.10  # how far after it
_WORD_RE = re.compile(r"\S+")
_LEFT_CORE_RE = re.compile(r"[^\W\d_]+$")  # the letters a token ends with
_RIGHT_CORE_RE = re.compile(r"^[^\W\d_]+")  # the letters a token starts with
_EDGE_PUNCT_RE = re.compile(r"^\W+|\W+$")
_LINE_END_HYPHEN_RE = re.compile(r"[^\W\d_] ?[-\u2010\u00ad]$")
_GLUED_RE = re.compile(r"^(\W*)(\w+)(\W*)$")
_NUMBER_WORD_RE = re.compile(r"(\d+)([^\W\d_]{4,})")
_TIGHT = 0.035  # weak evidence counts only this close to the expected place of a join
_FUNCTION_WORD = 5.5  # zipf: two words this frequent in a row are two words
_SHORT_PART = 6  # letters: one of two fragments is this short
_COMPOUND_PART = 3  # letters: the shortest word of a compound
_RARER = 3.0  # zipf: a compound may be this much rarer than its rarer part
_SHORT_WORD = 6  # letters: shorter words are looked up as written, not inflected
_LONG_LINE = 30  # characters; shorter lines say nothing about hyphens at line ends


@dataclass(frozen=True)
class Repair:
    """Replace ``text[start:end]`` of a line by ``new``, because of ``evidence``."""

    start: int
    end: int
    new: str
    evidence: str
    unsure: bool = False


def restore_joined_hyphens(doc: SourceDocument, language: str, report: Report) -> None:
    """Repair words the extractor joined or split at former line-end hyphens.

    Works on BODY, HEADING, QUOTE and NOTE lines; every repair is reported.
    """
    lines = [line for line in doc.lines() if line.role in ROLES and line.text.strip()]
    if not lines:
        return
    knowledge = _Evidence("\n".join(line.text for line in lines), language)
    ending, total = _hyphen_share(lines)
    joined = _joined(ending, total)
    report.add(
        STEP,
        "shape",
        "line-end hyphens joined by the extractor" if joined else "line-end hyphens kept",
        evidence=f"{ending} of {total} long lines end in a hyphen",
    )
    note = Role.NOTE  # (read once: an enum member look-up costs ~90 ns in Python 3.11)
    for group in (
        [line for line in lines if line.role != note],
        [line for line in lines if line.role == note],
    ):
        measure = text_measure(group) if joined else 0.0
        if not measure and not knowledge.stray_pairs:
            continue  # most documents: no line can hold a join, no stray space to close
        for line in group:
            repairs = _line_repairs(line, measure, knowledge)
            if not repairs:
                continue
            for repair in sorted(repairs, key=lambda r: r.start, reverse=True):
                old = line.text[repair.start : repair.end]
                _edit(line, repair)
                report.add(
                    STEP,
                    "restore",
                    f"{old!r} → {repair.new!r}",
                    evidence=repair.evidence,
                    line=line.number,
                    unsure=repair.unsure,
                )


# -- the shape of the extraction -------------------------------------------------------------


def _hyphen_share(lines: list[Line]) -> tuple[int, int]:
    """(long lines that end in a hyphen, long lines)."""
    long_lines = [line.text.rstrip() for line in lines if len(line.text.strip()) >= _LONG_LINE]
    # The pattern is anchored at the end and at most 3 characters long: search the tail only.
    search = _LINE_END_HYPHEN_RE.search
    ending = sum(1 for text in long_lines if search(text, len(text) - 3))
    return ending, len(long_lines)


def _joined(ending: int, total: int) -> bool:
    return total > 0 and ending <= _KEPT_SHARE * total


def extractor_joined_hyphens(lines: list[Line]) -> bool:
    """Did the extractor remove the line-end hyphens (almost no line ends in one)?

    >>> extractor_joined_hyphens([Line("x" * 40 + " ord-", 0)] * 3 + [Line("y" * 40, 0)])
    False
    >>> extractor_joined_hyphens([Line("y" * 40, 0)] * 4)
    True
    """
    return _joined(*_hyphen_share(lines))


_width = text_width


def text_measure(lines: list[Line]) -> float:
    """The width of a full printed line: the densest cluster of line widths (±3 %).

    Joined lines (two or more printed lines) are wider and spread out; paragraph ends are
    shorter and spread out; full lines of justified text pile up at the measure. Short lines
    (labels, numbers: they pile up too) are no full lines.

    >>> text_measure([Line("a" * 50, 0)] * 5 + [Line("a" * 80, 0), Line("a" * 20, 0)]) > 0
    True
    >>> text_measure([Line("1", 0), Line("2", 0), Line("3", 0), Line("a" * 50, 0)])
    0.0
    """
    texts = (line.text.strip() for line in lines)
    widths = sorted(_width(text) for text in texts if len(text) >= _LONG_LINE)
    if len(widths) < 3:
        return 0.0
    best, best_count, j = 0.0, 0, 0
    for i, low in enumerate(widths):
        while j < len(widths) and widths[j] <= low * 1.06:
            j += 1
        if j - i > best_count:
            best_count = j - i
            best = widths[(i + j - 1) // 2]
    return best if best_count >= 3 else 0.0


# -- evidence --------------------------------------------------------------------------------


def _punctuated_sides(
    token: str, counts: Counter[str]
) -> tuple[tuple[str, int] | None, str | None]:
    """:attr:`_Evidence.stray_sides` of a token that is not all letters: (left, right).

    >>> _punctuated_sides("«unauf", Counter()), _punctuated_sides("ord,", Counter({"ord": 2}))
    ((('unauf', 1), None), (None, None))
    """
    left: tuple[str, int] | None = None
    right: str | None = None
    last = token[-1]  # the letters must end the token: a cheap test first
    if last.isalnum() and not last.isdecimal():
        lcore = _LEFT_CORE_RE.search(token)
        if lcore and lcore.end() - lcore.start() >= 2:
            core = lcore.group()
            if counts.get(core.casefold(), 0) <= 1:
                left = (core, lcore.start())
    if token[0].islower():  # a second half starts in lower case
        rcore = _RIGHT_CORE_RE.match(token)
        if rcore and rcore.end() >= 2:
            core = rcore.group()
            if counts.get(core.casefold(), 0) <= 1:
                right = core
    return left, right


def _folded_core(token: str) -> str:
    """A token casefolded, without the punctuation at its edges (:data:`_EDGE_PUNCT_RE`).

    >>> _folded_core("«Ord,»"), _folded_core("ord."), _folded_core("—")
    ('ord', 'ord', '')
    """
    fold = token.casefold()
    if fold.isalnum():
        return fold  # most tokens: nothing to strip
    head, last = fold[:-1], fold[-1]
    if head.isalnum() and not last.isalnum() and last != "_":
        return head  # a word and one mark after it ('ord,'): \W is neither alnum nor '_'
    return _EDGE_PUNCT_RE.sub("", fold)


class _Evidence:
    """Word counts and pair counts of the document, and the language's word knowledge."""

    def __init__(self, text: str, language: str) -> None:
        self.words = WordKnowledge(text, language)
        self.language = self.words.language
        self._text = text
        conjunctions = CONJUNCTIONS.get(self.language, _ANY_LANGUAGE_CONJUNCTIONS)
        self.conjunctions = sorted(conjunctions, key=len, reverse=True)
        self.enclitics = _ENCLITICS.get(self.language, frozenset())
        # Memos for the stray-space pass (the document's counts never change during it).
        self._stray: dict[tuple[str, str], tuple[int, str, bool] | None] = {}

    @cached_property
    def tokens(self) -> list[str]:
        """The document's tokens (what spaces separate), as :data:`_WORD_RE` finds them.

        In a long text equal tokens are one string: millions of tokens, but few words.
        """
        if len(self._text) < 1 << 20:
            return self._text.split()
        canon: dict[str, str] = {}
        tokens: list[str] = []
        for line in self._text.split("\n"):
            found = line.split()
            tokens += map(canon.setdefault, found, found)
        return tokens

    @cached_property
    def pairs(self) -> Counter[tuple[str, str]]:
        """How often two words (casefolded, edge punctuation stripped) stand side by side.

        Only repairs at a join ask: built on first use.
        """
        tokens = self.tokens
        core_of = {token: _folded_core(token) for token in set(tokens)}
        # Each token looked up twice rather than a list of the cores and its copy: a long
        # book's millions of tokens would take two lists of pointers.
        cores, following = map(core_of.__getitem__, tokens), map(core_of.__getitem__, tokens)
        next(following, None)
        return Counter(zip(cores, following, strict=False))

    @cached_property
    def hyphenated(self) -> dict[str, str]:
        """Hyphenated words of the document by their solid spelling: 'angloryska' -> 'anglo-ryska'.

        Only repairs at a join ask: built on first use.
        """
        hyphenated: dict[str, str] = {}
        for word, count in self.words.counts.items():
            if word.count("-") == 1 and count:
                hyphenated.setdefault(word.replace("-", ""), word)
        return hyphenated

    @cached_property
    def stray_sides(self) -> tuple[dict[str, tuple[str, int]], dict[str, str]]:
        """What the document's tokens offer the stray-space pass: (lefts, rights).

        lefts: token → (the letters it ends with, their offset), where they may be the first
        half of a word split by a stray space; rights: token → the letters it starts with,
        where they may be the second half. Other tokens offer nothing:
        :func:`split_word_evidence` (``offset`` None) would say no whatever the other half is.

        >>> lefts, rights = _Evidence("Ein unauf «hörlich, unauf", "de").stray_sides
        >>> lefts, rights
        ({'Ein': ('Ein', 0)}, {})
        """
        counts = self.words.counts
        lefts: dict[str, tuple[str, int]] = {}
        rights: dict[str, str] = {}
        for token in set(self.tokens):
            if token.isalpha():  # most tokens: the letters are the whole token
                if len(token) >= 2 and counts.get(token.casefold(), 0) <= 1:
                    lefts[token] = (token, 0)
                    if token[0].islower():
                        rights[token] = token
                continue
            head, last = token[:-1], token[-1]
            if head.isalpha() and not (last.isalnum() and not last.isdecimal()):
                # 'ord,': the letters before the punctuation, a second half at most
                if len(head) >= 2 and head[0].islower() and counts.get(head.casefold(), 0) <= 1:
                    rights[token] = head
                continue
            left, right = _punctuated_sides(token, counts)
            if left:
                lefts[token] = left
            if right:
                rights[token] = right
        return lefts, rights

    @cached_property
    def stray_pairs(
        self,
    ) -> dict[tuple[str, str], tuple[tuple[str, int], str, tuple[int, str, bool]]]:
        """Two tokens of the document, side by side, with a stray space between them.

        (left token, right token) → (what the left one offers, what the right one offers,
        :meth:`stray_evidence` of the two; see :attr:`stray_sides`). Every pair of neighbours
        is asked once here, so a line without such a pair is skipped at once.

        >>> _Evidence("es war unauf hörlich laut", "de").stray_pairs[("unauf", "hörlich")][1]
        'hörlich'
        """
        if not self.words._has_wordfreq():
            return {}  # without word frequencies no half is sure to be no word
        lefts, rights = self.stray_sides
        tokens = self.tokens
        neighbours = zip(tokens, tokens[1:], strict=False)
        pairs = {}
        zipf = self.zipf
        for pair in {pair for pair in neighbours if pair[0] in lefts and pair[1] in rights}:
            left, right = lefts[pair[0]], rights[pair[1]]
            if zipf(left[0]) >= _KNOWN or zipf(right) >= _KNOWN:
                continue  # a half is a word: split_word_evidence says no (most pairs, cheaply)
            found = self.stray_evidence(left[0], right)
            if found:
                pairs[pair] = (left, right, found)
        return pairs

    def stray_evidence(self, left: str, right: str) -> tuple[int, str, bool] | None:
        """``split_word_evidence(left, right, self)``, memoized per document."""
        key = (left, right)
        if key not in self._stray:
            self._stray[key] = split_word_evidence(left, right, self)
        return self._stray[key]

    def count(self, word: str) -> int:
        return self.words.counts.get(word.casefold(), 0)

    def zipf(self, word: str) -> float:
        if not self.words._has_wordfreq():
            return 0.0
        return _zipf(word.casefold(), self.language)

    def solid_count(self, word: str, left: int) -> int:
        """Occurrences of ``word`` written solid, also inflected (the stem must pass ``left``)."""
        reach = min(3, len(word) - left)
        return self.words._doc_count(word, max(left + reach, len(word) - 3))[0]

    def starts_other_word(self, prefix: str) -> bool:
        """Does another word of the document start with ``prefix`` (a word start, then)?"""
        prefix = prefix.casefold()
        i = bisect.bisect_left(self.words._sorted, prefix)
        found = 0
        while i < len(self.words._sorted) and self.words._sorted[i].startswith(prefix):
            found += self.words.counts[self.words._sorted[i]]
            if found > 1:
                return True
            i += 1
        return False

    def legal_break(self, word: str, at: int) -> bool | None:
        return self.words._legal_break(word.casefold(), at)


# -- the rules ---------------------------------------------------------------------------------


def split_word_evidence(
    left: str, right: str, knowledge: _Evidence, offset: float | None = None
) -> tuple[int, str, bool] | None:
    """Evidence that ``left right`` is one word split by a stray space: (tier, why, unsure).

    ``offset``: how far (in measures) the space stands from where the extractor joined two
    printed lines; None away from any join, where only halves that are no words at all are
    closed up. Tiers: 1 the document writes the word, 2 a known word of which a half is no
    word, 3 a known compound of two words, 4 two fragments next to a join (3 and 4 only
    right at the join, and where the break is a hyphenation point).

    >>> k = _Evidence("denna sak, denna fråga och denna", "sv")
    >>> split_word_evidence("den", "na", k, offset=0.0)[:2]
    (1, "'denna' occurs 3x in the document, 'den na' never")
    >>> split_word_evidence("i", "den", k, offset=0.0) is None
    True
    """
    if len(left) < 2 or len(right) < 2 or not right[0].islower():
        return None
    fold = (left + right).casefold()
    zipf = knowledge.zipf

    def freq(zj: float, zl: float, zr: float) -> str:
        lang = knowledge.language
        return f"wordfreq {lang}: '{fold}' {zj:.1f}, '{left}' {zl:.1f}, '{right}' {zr:.1f}"

    if offset is None:
        # Only halves that are no words at all, neither of the language nor of this document
        # (cheapest checks first: this runs for every space of the document).
        if knowledge.count(left) > 1 or knowledge.count(right) > 1:
            return None
        zl = zipf(left)
        if zl >= _KNOWN:
            return None
        zr = zipf(right)
        if zr >= _KNOWN:
            return None
        zj = zipf(fold)
        if zj >= _COMMON:
            return 2, f"{freq(zj, zl, zr)}: the halves are no words", False
        return None
    n_pair = knowledge.pairs.get((left.casefold(), right.casefold()), 0)
    # Inflected forms count only for a word without rivals ('förde' is no 'fördel').
    n_joined = knowledge.count(fold)
    if n_pair <= 1 and len(fold) > _SHORT_WORD:
        n_joined = knowledge.solid_count(fold, len(left))
    if n_joined and (n_pair <= 1 or n_joined >= 2 * n_pair):
        seen = f"{n_pair}x" if n_pair > 1 else "never"
        return (
            1,
            f"'{fold}' occurs {n_joined}x in the document, '{left} {right}' {seen}",
            n_pair > 1,
        )
    if n_pair > 1:
        return None  # the two words stand together elsewhere too
    zj, zl, zr = zipf(fold), zipf(left), zipf(right)
    # A fragment: no word of the language, and not a word of this document either.
    l_fragment = zl < _COMMON and knowledge.count(left) <= 1
    r_fragment = zr < _COMMON and knowledge.count(right) <= 1
    if zj >= _KNOWN and (l_fragment or r_fragment):
        return 2, f"{freq(zj, zl, zr)}: the joined word is known, a half is no word", False
    if abs(offset) > _TIGHT:
        return None
    if zj >= max(_KNOWN, min(zl, zr) - _RARER) and min(zl, zr) < _FUNCTION_WORD:
        if knowledge.language in _SOLID_COMPOUNDING or zj >= min(zl, zr) - 1.5:
            return 3, f"{freq(zj, zl, zr)}: the joined word is known", True
    if zj < _KNOWN and l_fragment and r_fragment:
        if (
            min(len(left), len(right)) <= _SHORT_PART
            and not knowledge.starts_other_word(right[:4])
            and knowledge.legal_break(fold, len(left)) is not False
        ):
            return 4, f"{freq(zj, zl, zr)}: two fragments at a hyphenation point", True
        parts = _compound_parts(fold, zipf) if knowledge.language in _SOLID_COMPOUNDING else None
        if parts and knowledge.legal_break(fold, len(left)) is not False:
            why = f"{freq(zj, zl, zr)}: two fragments of the compound {parts[0]}+{parts[1]}"
            return 4, why, True
    return None


def _compound_parts(word: str, zipf) -> tuple[str, str] | None:
    """Two words of the language that make up ``word`` (a linking "s" allowed), if any.

    >>> from ebookmaker.steps.hyphenation import _zipf
    >>> _compound_parts("weltbürgerrecht", lambda w: _zipf(w, "de"))
    ('weltbürger', 'recht')
    >>> _compound_parts("weltbürgerxqzt", lambda w: _zipf(w, "de")) is None
    True
    """
    for cut in range(len(word) - _COMPOUND_PART, _COMPOUND_PART - 1, -1):
        head, tail = word[:cut], word[cut:]
        if zipf(tail) < _COMMON:
            continue
        if zipf(head) >= _COMMON or (head.endswith("s") and zipf(head[:-1]) >= _COMMON):
            return head, tail
    return None


def glued_repair(token: str, split_at: int, knowledge: _Evidence) -> tuple[str, str] | None:
    """A lost hyphen in ``token`` joined near ``split_at``: (repaired token, why).

    Restores a suspended hyphen glued to its conjunction, a hyphen the document writes
    elsewhere, a hyphen after a number and a hyphen before a French enclitic.

    >>> k = _Evidence("den tisteloch törntäckta", "sv")
    >>> glued_repair("tisteloch", 6, k)
    ('tistel- och', "'och' glued to 'tistel': a suspended hyphen ('tistel- och')")
    >>> glued_repair("1950talet", 4, _Evidence("", "sv"))[0]
    '1950-talet'
    """
    match = _GLUED_RE.match(token)
    if not match:
        return None
    lead, word, tail = match.groups()
    fold = word.casefold()
    if knowledge.count(fold) > 1:
        return None  # written solid elsewhere: a word
    known = knowledge.zipf(fold) >= _KNOWN
    number = _NUMBER_WORD_RE.fullmatch(word)
    if number and knowledge.zipf(number.group(2)) >= _KNOWN:
        new = f"{number.group(1)}-{number.group(2)}"
        return lead + new + tail, f"a number before a word ('{new}'): the hyphen is kept"
    if not word.isalpha():
        return None
    for clitic in knowledge.enclitics:
        stem = fold[: -len(clitic)]
        if (
            fold.endswith(clitic)
            and len(stem) >= 2
            and knowledge.zipf(fold) < _COMMON
            and knowledge.zipf(stem) >= _COMMON
        ):
            new = f"{word[: len(stem)]}-{word[len(stem) :]}"
            return lead + new + tail, f"'{clitic}' is an enclitic joined by a hyphen ('{new}')"
    if known:
        return None
    for conj in knowledge.conjunctions:
        stem = fold[: -len(conj)]
        if fold.endswith(conj) and len(stem) >= 3 and abs(len(stem) - split_at) <= 3:
            # The stem is a word, perhaps with a linking s ('dödlighets- och').
            bare = stem[:-1] if stem.endswith("s") else stem
            if max(knowledge.zipf(stem), knowledge.zipf(bare)) >= _KNOWN or knowledge.count(stem):
                new = f"{word[: len(stem)]}- {word[len(stem) :]}"
                why = f"'{conj}' glued to '{word[: len(stem)]}': a suspended hyphen ('{new}')"
                return lead + new + tail, why
    hyphenated = knowledge.hyphenated.get(fold)
    if hyphenated:
        at = hyphenated.index("-")
        new = f"{word[:at]}-{word[at:]}"
        return lead + new + tail, f"the document writes '{hyphenated}' with a hyphen"
    if knowledge.language and knowledge.language not in _SOLID_COMPOUNDING:
        # Two words glued into no word, where compounds keep their hyphen: 'wagelaborers'.
        for at in range(max(4, split_at - 2), min(len(word) - 3, split_at + 3)):
            if knowledge.zipf(fold[:at]) >= _COMMON and knowledge.zipf(fold[at:]) >= _COMMON:
                new = f"{word[:at]}-{word[at:]}"
                return lead + new + tail, f"two words glued into no word: '{new}'"
    return None


# -- one line ----------------------------------------------------------------------------------


def _tokens(text: str) -> list[tuple[int, int, float, float]]:
    """Tokens as (start, end, x_start, x_end): offsets and widths from the line start."""
    space = _width(" ")
    out, x = [], 0.0
    spans = [m.span() for m in _WORD_RE.finditer(text)]
    for (start, end), w in zip(spans, word_widths(text, spans), strict=True):
        if out:
            x += space
        out.append((start, end, x, x + w))
        x += w
    return out


def _pair_at(text: str, left: tuple, right: tuple) -> tuple[str, str, int, int] | None:
    """The letters around the space between two tokens: (left core, right core, start, end)."""
    lcore = _LEFT_CORE_RE.search(text[left[0] : left[1]])
    rcore = _RIGHT_CORE_RE.match(text[right[0] : right[1]])
    if not lcore or not rcore:
        return None
    return lcore.group(), rcore.group(), left[0] + lcore.start(), right[0] + rcore.end()


def _line_repairs(line: Line, measure: float, knowledge: _Evidence) -> list[Repair]:
    text = line.text
    # Token widths matter only on a line that may be over-wide (it may hold a join); the
    # width of the whole line is known from text_measure() (cached). Words measured one by
    # one are never wider together than the line (no kerning across spaces): 3 % to spare.
    if measure and _width(text.strip()) * 1.03 <= measure * _FULL_LINE:
        measure = 0.0
    repairs: list[Repair] = []
    used: set[int] = set()  # token indexes already repaired
    spans: list[tuple[int, int]] | None = None
    if measure:
        tokens = _tokens(text)
        if len(tokens) < 2:
            return []
        _join_repairs(text, tokens, measure, knowledge, repairs, used)
        spans = [(s, e) for s, e, _, _ in tokens]
    _stray_repairs(text, spans, knowledge, repairs, used)
    return repairs


def _join_repairs(
    text: str,
    tokens: list[tuple[int, int, float, float]],
    measure: float,
    knowledge: _Evidence,
    repairs: list[Repair],
    used: set[int],
) -> None:
    """Repairs at the places of an over-wide line where the extractor joined printed lines."""
    hyphen = _width("-")
    total = tokens[-1][3]
    start_x = 0.0
    while total - start_x > measure * _FULL_LINE:
        target = start_x + measure - hyphen
        low, high = target - _BEFORE * measure, target + _AFTER * measure
        best: tuple[int, float, int, Repair] | None = None
        for i in range(len(tokens) - 1):
            gap = tokens[i][3]
            if not low <= gap <= high or i in used or i + 1 in used:
                continue
            pair = _pair_at(text, tokens[i], tokens[i + 1])
            if not pair:
                continue
            offset = (gap - target) / measure
            found = split_word_evidence(pair[0], pair[1], knowledge, offset)
            if found and (best is None or (found[0], abs(offset)) < best[:2]):
                why = f"a join of the extractor near here ({offset:+.3f}); {found[1]}"
                new = pair[0] + pair[1]
                best = (found[0], abs(offset), i, Repair(pair[2], pair[3], new, why, found[2]))
        if best:
            _, _, i, repair = best
            repairs.append(repair)
            used.update((i, i + 1))
            start_x = tokens[i + 1][2]
            continue
        for i, (s, e, xs, xe) in enumerate(tokens):
            if xs <= target <= xe and i not in used:
                token = text[s:e]
                split_at = _split_offset(token, target - xs)
                fixed = glued_repair(token, split_at, knowledge)
                if fixed:
                    why = f"a join of the extractor in '{token}'; {fixed[1]}"
                    repairs.append(Repair(s, e, fixed[0], why))
                    used.add(i)
                break
        start_x = target + hyphen


def _stray_repairs(
    text: str,
    spans: list[tuple[int, int]] | None,
    knowledge: _Evidence,
    repairs: list[Repair],
    used: set[int],
) -> None:
    """Stray spaces anywhere: only sure cases (halves that are no words at all).

    The same as asking :func:`split_word_evidence` (``offset`` None) about the letters around
    every space, with what each token offers looked up once per document
    (:attr:`_Evidence.stray_pairs`).
    """
    pairs = knowledge.stray_pairs
    if not pairs:
        return  # most documents
    words = text.split()  # the same as _WORD_RE.findall
    if pairs.keys().isdisjoint(zip(words, words[1:], strict=False)):
        return  # most lines
    for i in range(len(words) - 1):
        hit = pairs.get((words[i], words[i + 1]))
        if hit is None or i in used or i + 1 in used:
            continue
        (core, offset), right, found = hit
        if spans is None:
            spans = [m.span() for m in _WORD_RE.finditer(text)]
        start, end = spans[i][0] + offset, spans[i + 1][0] + len(right)
        repairs.append(Repair(start, end, core + right, found[1], found[2]))
        used.update((i, i + 1))


def _split_offset(token: str, x: float) -> int:
    """The character offset in ``token`` nearest to width ``x``."""
    for i in range(1, len(token) + 1):
        if _width(token[:i]) >= x:
            return i
    return len(token)


def _edit(line: Line, repair: Repair) -> None:
    """Apply a repair to a line, keeping its note markers and style spans where they were."""
    line.replace(repair.start, repair.end, repair.new)
