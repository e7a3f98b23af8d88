"""Line-end hyphens: join the two halves of a word, keep a real hyphen, or keep a suspended one.

A printed line that ends in ``Sovjet-`` and a next line that starts with ``unionen`` may be one
word broken by the typesetter (``Sovjetunionen``), a compound that really has a hyphen
(``anglo-ryska``, ``1950-talet``, ``Kai-shek``) or a *suspended* hyphen whose compound is
completed later (``arbetar- och bondestat``). :class:`WordKnowledge` decides, looking at the
evidence in this order:

1. a coordinating conjunction after the hyphen → suspended (``1950- och 1960-talen`` too);
   then form: digits or an acronym before the hyphen, a capital after it, one-letter halves
   → keep;
2. the document itself (calibre's "document as dictionary"): is the word written solid or
   with a hyphen elsewhere, also in an inflected form;
3. a word-frequency list of the language (wordfreq's data, through :mod:`ebookmaker.wordlists`);
4. what the language does with compounds (Swedish writes them solid, English often does not);
5. hyphenation patterns (pyphen): is the break a legal hyphenation point of the joined word.

>>> wk = WordKnowledge("Sovjetunionen är stor. Den anglo-ryska kommittén.", "sv")
>>> wk.decide("Sovjet", "unionen.").result
'Sovjetunionen.'
>>> wk.decide("anglo", "ryska").action
'keep'
>>> wk.decide("arbetar", "och").action
'suspended'
>>> split_line_end_hyphen("befinner sig utanför Sovjet-")
('befinner sig utanför ', 'Sovjet')
"""

from __future__ import annotations

import bisect
import marshal
import os
import re
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache, partial
from typing import Any

from ..wordlists import available_languages, zipf

# Coordinating conjunctions that can follow a suspended hyphen ("arbetar- och bondestat",
# "Ein- und Ausfuhr", "pre- and post-war"). Per language, because "en" is a conjunction in
# Dutch but an article in Swedish and a preposition in French.
CONJUNCTIONS: dict[str, frozenset[str]] = {
    "sv": frozenset({"och", "eller", "samt", "respektive", "resp"}),
    "da": frozenset({"og", "eller", "samt"}),
    "nb": frozenset({"og", "eller", "samt"}),
    "nn": frozenset({"og", "eller", "samt"}),
    "no": frozenset({"og", "eller", "samt"}),
    "de": frozenset({"und", "oder", "bzw", "sowie", "noch", "als"}),
    "nl": frozenset({"en", "of"}),
    "en": frozenset({"and", "or", "nor"}),
    "fr": frozenset({"et", "ou", "ni"}),
    "es": frozenset({"y", "e", "o", "u", "ni"}),
    "it": frozenset({"e", "ed", "o", "od"}),
    "pt": frozenset({"e", "ou"}),
    "pl": frozenset({"i", "lub", "albo", "oraz", "czy"}),
    "ru": frozenset({"и", "или"}),
    "fi": frozenset({"ja", "tai"}),
}
# Used when the language is unknown: only conjunctions that are not ordinary words elsewhere.
_ANY_LANGUAGE_CONJUNCTIONS = frozenset(
    {"och", "eller", "und", "oder", "and", "or", "et", "ou", "og", "lub", "или"}
)

_LANGUAGE_ALIASES = {"no": "nb"}  # wordfreq and pyphen know Bokmål as "nb"

# Languages that write compounds solid: a break between two words is a typesetter's break.
_SOLID_COMPOUNDING = frozenset({"sv", "da", "nb", "nn", "no", "de", "nl", "fi", "is"})

# French enclitic pronouns and particles joined by a hyphen (est-il, peut-on, celui-ci,
# eux-mêmes); a line break before them keeps the hyphen.
_ENCLITICS: dict[str, frozenset[str]] = {
    "fr": frozenset(
        "il ils elle elles on je tu nous vous le la les lui leur moi toi y en ce ci là même "
        "mêmes t".split()
    ),
}

# Languages that capitalise every noun: a capital says nothing about names.
_NOUN_CAPITALISING = frozenset({"de", "lb"})

# Zipf frequencies (wordfreq's log scale: 3 = once per million words).
_KNOWN = 1.0  # listed at all in wordfreq's large lists
_COMMON = 2.5  # a word in its own right, not a stray fragment
_FREQUENT = 3.0

_SOFT_MARKS = "\u00ad\ufffe"  # soft hyphen; U+FFFE where PDFium joined a hyphenated line
_HYPHENS = "-\u2010\u00ad"  # hyphen-minus, Unicode hyphen, soft hyphen (not dashes)
_CORE = r"[^\W_]+(?:[-\u2010'’][^\W_]+)*"  # a word, with inner hyphens and apostrophes
_WORD_RE = re.compile(_CORE)
# _WORD_RE for a text without "_" (\w is [^\W_] there): the same words, found ~20 % faster (re
# tests \w in one step, and a possessive match never backtracks; it would find no other word).
_PLAIN_WORD_RE = re.compile(r"\w++(?:[-\u2010'’]\w++)*+")
_LEFT_CORE_RE = re.compile(f"{_CORE}$")
_RIGHT_CORE_RE = re.compile(_CORE)
_MARKER_DIGITS_RE = re.compile(r"(?<=[^\W\d_])\d+$")  # a note marker glued to a word's end
# A break at a line end: a word, optional space (pdfminer on justified text), hyphen, newline,
# optional blank lines and indentation, the next fragment. Its halves are no evidence. This is
# the line's end; the next line must start with a word (see _count_words).
_BROKEN_END_RE = re.compile(rf"(?<![^\W_]){_CORE} ?[-\u2010\u00ad][ \t]*\r?\Z")


@dataclass(frozen=True)
class HyphenDecision:
    """What to write for ``left`` + hyphen + line break + ``right``.

    ``result`` is the merged text for "join" and "keep" (``"Sovjetunionen."``,
    ``"anglo-ryska"``); for "suspended" it is ``left`` with its hyphen (``"arbetar-"``) and the
    caller writes a space and ``right`` after it.
    """

    action: str  # "join" | "keep" | "suspended"
    result: str
    evidence: str  # one short sentence: why
    unsure: bool  # the evidence was weak; worth reporting


def split_line_end_hyphen(line_text: str) -> tuple[str, str] | None:
    """Split a line that ends in a word and a hyphen into (text before the word, the word).

    The word is the whole whitespace-delimited token before the hyphen (it may carry leading
    punctuation such as ``«``; :meth:`WordKnowledge.decide` handles that). A space between
    word and hyphen (``uppmärk -``, pdfminer/pdftotext on justified lines) and a soft hyphen
    (U+00AD) count as line-end hyphens; dashes (``–``, ``—``, ``--``) do not.

    >>> split_line_end_hyphen("utanför Sovjet-")
    ('utanför ', 'Sovjet')
    >>> split_line_end_hyphen("splittra sin uppmärk -")
    ('splittra sin ', 'uppmärk')
    >>> split_line_end_hyphen("det 1950-") , split_line_end_hyphen("slut –")
    (('det ', '1950'), None)
    """
    last = line_text[-1:]
    if not last or (last not in _HYPHENS and not last.isspace()):
        return None  # most lines, and whole paragraphs: no copy of the text
    text = line_text.rstrip()
    if not text or text[-1] not in _HYPHENS or text.endswith("--"):
        return None
    body = text[:-1]
    if body.endswith(" ") and not body.endswith("  "):
        body = body[:-1]  # "uppmärk -": the extractor put a space before the hyphen
    if not body or not body[-1].isalnum():
        return None
    start = len(body)
    while start > 0 and not body[start - 1].isspace():
        start -= 1
    return body[:start], body[start:]


def _split_affixes(fragment: str, right: bool) -> tuple[str, str, str]:
    """Split a fragment into (text before the word, the word, text after it).

    The left fragment's word is its end (``«sölke``, ``betydelse—emigratio``), the right
    fragment's its start (``dom—Free``). On the right, a digit run after letters is a note
    marker glued to the word (``gions6.``), not part of it.

    >>> _split_affixes("unionen6.»", right=True)
    ('', 'unionen', '6.»')
    >>> _split_affixes("betydelse—emigratio", right=False)
    ('betydelse—', 'emigratio', '')
    """
    if right:
        match = _RIGHT_CORE_RE.match(fragment)
        if not match:
            return "", "", fragment
        core = match.group()
        if core[-1].isdecimal():  # (\d: a decimal digit) most words end in no digit
            core = _MARKER_DIGITS_RE.sub("", core)
        return "", core, fragment[len(core) :]
    match = _LEFT_CORE_RE.search(fragment)
    if not match:
        return fragment, "", ""
    return fragment[: match.start()], match.group(), ""


@cache
def _wordfreq_languages() -> frozenset[str]:
    return available_languages("large") | available_languages("small")


@lru_cache(maxsize=65536)
def _zipf(word: str, language: str) -> float:
    """wordfreq's Zipf frequency ("best" list), from the shared tables of :mod:`..wordlists`."""
    return zipf(word, language)


@cache
def _pyphen_dic(language: str) -> Any:
    """pyphen's hyphenation patterns for ``language``, or None where pyphen has none."""
    import pyphen

    lang = pyphen.language_fallback(language)
    if not lang:
        return None
    try:
        return HyphenationPatterns.of(pyphen.LANGUAGES[lang])
    except (AttributeError, TypeError, ValueError):  # a pyphen that keeps them otherwise
        return pyphen.Pyphen(lang=lang)


class HyphenationPatterns:
    """``pyphen.Pyphen(lang=…)``'s hyphenation points (``left=right=2``), its patterns cached.

    pyphen parses a ``hyph_*.dic`` on every first use in a process (Swedish ~0.06 s, German
    ~0.5 s: every batch worker pays it). The parsed patterns are kept, once per machine, in a
    file of the cache folder of :mod:`ebookmaker.wordlists`, named after pyphen's version and
    the pattern file's name, size and time (an upgraded pyphen gets a new file). A process
    looks its first words' patterns up one by one in a hash table of that file (German: 66,000
    patterns, ~50 µs a word, 3 ms to open); one that asks about many words reads them all into
    a dict (~13 ms, ~20 µs a word). The points are pyphen's (tests/test_hyphenation.py).

    >>> import pyphen
    >>> HyphenationPatterns.of(pyphen.LANGUAGES["sv"]).positions("uppfattning")
    [3, 7]
    """

    def __init__(
        self, patterns: Any, maxlen: int, read_all: Callable[[], dict] | None = None
    ) -> None:
        import pyphen

        # pyphen's own dictionary object, its parsing skipped: its positions() does the rest.
        self._dict = object.__new__(pyphen.HyphDict)
        self._dict.patterns = patterns  # pattern letters -> (start offset, its digits)
        self._dict.cache = {}
        self._dict.maxlen = maxlen
        self._read_all = read_all  # where patterns is a _PatternTable: the dict of them all
        self._new_words = 0

    @classmethod
    def of(cls, dic: Any) -> HyphenationPatterns:
        """The patterns of a pyphen dictionary file (a path or a resource), cached."""
        import pyphen

        from ..wordlists import build_table, cache_dir, write_cache_file

        try:
            stat = os.stat(dic)
        except (OSError, TypeError):  # not a file (a resource inside an archive): no cache
            target = None
        else:
            # marshal's format belongs to the Python version
            python = f"py{sys.version_info[0]}{sys.version_info[1]}"
            name = f"{dic.name}-{pyphen.__version__}-{stat.st_size}-{stat.st_mtime_ns}-{python}"
            target = cache_dir() / "pyphen" / f"{name}.v3.marshal"
            try:
                return cls._read(target.read_bytes())
            except (OSError, ValueError, EOFError, TypeError):
                pass
        # Equal values as one object (German: 2,500 values): marshal writes each once.
        shared: dict[tuple[int, tuple[int, ...]], tuple[int, tuple[int, ...]]] = {}
        patterns = {}
        for key, (start, values) in pyphen.HyphDict(dic).patterns.items():
            value = (start, tuple(map(int, values)))  # pyphen's DataInt: only the number counts
            patterns[key] = shared.setdefault(value, value)
        maxlen = max(map(len, patterns))
        if target is not None and len(shared) < 0xFFFF:  # (numbered in 16 bits)
            # (maxlen, the distinct values, a table: pattern -> number of its value, the dict)
            values = list(shared)
            number = {value: i for i, value in enumerate(values)}
            table = build_table({key: number[value] for key, value in patterns.items()})
            cached = (maxlen, values, table, marshal.dumps(patterns))
            try:
                write_cache_file(target, marshal.dumps(cached))
            except OSError:
                pass  # no writable cache: this process parsed them itself
        return cls(patterns, maxlen)

    @classmethod
    def _read(cls, data: bytes) -> HyphenationPatterns:
        """The patterns of a cache file (ValueError, TypeError: not one)."""
        from ..wordlists import WordTable

        maxlen, values, table, everything = marshal.loads(data)
        if not (isinstance(maxlen, int) and isinstance(values, list) and type(everything) is bytes):
            raise ValueError("not a pattern cache")
        lookup = _PatternTable(WordTable(table), values)
        return cls(lookup, maxlen, partial(marshal.loads, everything))

    def positions(self, word: str) -> list[int]:
        """Where ``word`` may be hyphenated: pyphen's ``Pyphen.positions`` (left=right=2)."""
        if self._read_all is not None and word.lower() not in self._dict.cache:
            self._new_words += 1  # (pyphen's positions() asks ~100 patterns of a new word)
            if self._new_words > _TABLE_WORDS:
                self._dict.patterns, self._read_all = self._read_all(), None
        right = len(word) - 2
        return [int(i) for i in self._dict.positions(word) if 2 <= i <= right]


# New words a process hyphenates from the pattern table before it reads all patterns: a word
# costs ~30 µs more there (German), reading them all ~13 ms; most processes ask about a few.
_TABLE_WORDS = 100


class _PatternTable:
    """pyphen's patterns as ``HyphDict.positions`` asks them (``get``), from a hash table."""

    def __init__(self, table: Any, values: list) -> None:
        self._number = table.band  # pattern letters -> the number of their value, -1: none
        self._values = values

    def get(self, key: str) -> tuple[int, tuple[int, ...]] | None:
        number = self._number(key)
        return self._values[number] if number >= 0 else None


@lru_cache(maxsize=1 << 16)
def _line_words(line: str) -> tuple[tuple[str, ...], bool, bool, bool]:
    """One line's words for :class:`WordKnowledge`, and how the line meets its neighbours.

    (casefolded words, blank, starts with a word, ends in a word broken by a hyphen). Cached
    per line text: both users of a document's word counts see mostly the same lines.

    >>> _line_words("  Anglo-ryska i Sovjet-")
    (('anglo-ryska', 'i', 'sovjet'), False, True, True)
    >>> _line_words("Straße")
    (('strasse',), False, True, False)
    """
    for mark in _SOFT_MARKS:  # marks of hyphens already removed: the word is whole
        if mark in line:
            line = line.replace(mark, "")
    folded = line.casefold()
    if len(folded) != len(line) or "\u0345" in line:
        folded = ""  # 'ß' → 'ss', 'İ' → 'i̇', U+0345 → a letter: fold word by word
    # Otherwise each character folded to one of the same kind: the same words, folded.
    text = folded or line
    found = (_WORD_RE if "_" in text else _PLAIN_WORD_RE).findall(text)
    words = tuple(found) if folded else tuple(map(str.casefold, found))
    # Only a line ending in a hyphen can end in a broken word, and only in its last word.
    ends = False
    if found and line.rstrip(" \t\r")[-1:] in _HYPHENS:
        ends = _BROKEN_END_RE.match(line, text.rindex(found[-1])) is not None
    return words, not line.strip(), line.lstrip()[:1].isalnum(), ends


def _count_words(lines: list[str]) -> Counter[str]:
    """The casefolded words of ``lines`` counted (in order of first occurrence), without the
    halves of words broken at a line end (a word and a hyphen ending a line, the word
    starting the next non-blank line).

    The same as removing every ``_CORE ?-\\n\\s*_CORE`` of the joined text, line by line.

    >>> _count_words(["utanför Anglo-", "", "ryska gränsen", "uppmärk -", "samhet"])
    Counter({'utanför': 1, 'gränsen': 1})
    """
    counts: Counter[str] = Counter()
    out: list[str] = []  # counted a few thousand at a time: a long book has millions
    pending: tuple[str, ...] = ()  # the last non-blank line's words, its last maybe broken
    broken_end = False
    for line in lines:
        words, blank, starts, ends = _line_words(line)
        if blank:
            continue  # blank lines and indentation lie between the halves of a broken word
        if broken_end and starts:
            out.extend(pending[:-1])
            # The first word is the broken word's second half; the only word can't be a first.
            words, ends = words[1:], ends and len(words) > 1
        else:
            out.extend(pending)
        pending, broken_end = words, ends
        if len(out) > _COUNT_CHUNK:
            counts.update(out)
            out.clear()
    out.extend(pending)
    counts.update(out)
    return counts


_COUNT_CHUNK = 1 << 14  # words


class WordKnowledge:
    """Word evidence for one document: its own word counts first, then a frequency list
    (wordfreq) for the language, then hyphenation patterns (pyphen).

    ``document_text`` is the raw extracted text; words broken at a line end are not counted
    (they are what is being decided), hyphens that PDFium or a soft hyphen marked as line-end
    hyphens are removed first (``ori\\ufffeginalet`` counts as ``originalet``), and words with
    a hyphen inside a line count as hyphenated forms (``anglo-ryska``). ``language`` is an
    ISO 639-1 code, or "" when unknown (then only the document and the form rules are used).

    >>> wk = WordKnowledge("byråkratins makt; Kai-shek kom", "")
    >>> wk.decide("byrå", "kratin").evidence
    "the document writes 'byråkratin' solid 1x (as 'byråkratins'), never with a hyphen"
    >>> wk.decide("Kai", "shek,").result
    'Kai-shek,'
    """

    def __init__(self, document_text: str, language: str) -> None:
        code = (language or "").lower().replace("_", "-").split("-")[0]
        self.language = _LANGUAGE_ALIASES.get(code, code)
        self._text = document_text  # counted on first use: many documents ask nothing
        self._wordfreq_ok: bool | None = None

    @cached_property
    def counts(self) -> Counter[str]:
        """The document's words, casefolded, with their counts (in order of first occurrence)."""
        return _count_words(self._text.replace("\r\n", "\n").split("\n"))

    @cached_property
    def _sorted(self) -> list[str]:
        """The document's words in order, for prefix (inflected form) look-ups."""
        return sorted(self.counts)

    # -- evidence sources -------------------------------------------------------------------

    def _doc_count(self, form: str, min_stem: int) -> tuple[int, str]:
        """Occurrences of ``form`` or of a word sharing its first ``min_stem`` letters.

        Returns (count, example). Inflection changes the end of a word (byråkratin/-ins,
        möjligheten/möjlighet), so a stem of all but the last few letters is enough, as long
        as the stem reaches past the break (checked by the caller through ``min_stem``).
        """
        stem = form[:min_stem]
        i = bisect.bisect_left(self._sorted, stem)
        total, example = 0, ""
        while i < len(self._sorted) and self._sorted[i].startswith(stem):
            word = self._sorted[i]
            # The rest must look like an ending, not a further compound part across a hyphen.
            if "-" not in word[len(stem) :]:
                total += self.counts[word]
                if not example or abs(len(word) - len(form)) < abs(len(example) - len(form)):
                    example = word  # report the form closest to the one asked about
            i += 1
        return total, example

    def _has_wordfreq(self) -> bool:
        if self._wordfreq_ok is None:
            self._wordfreq_ok = bool(self.language) and self.language in _wordfreq_languages()
        return self._wordfreq_ok

    def _legal_break(self, word: str, at: int) -> bool | None:
        """Is ``at`` a hyphenation point of ``word`` in this language (None: no patterns)."""
        if not self.language:
            return None
        dic = _pyphen_dic(self.language)
        if dic is None:
            return None
        return at in dic.positions(word)

    def _by_frequency(self, lpart: str, rpart: str) -> tuple[str, str, bool]:
        """Decide from wordfreq: (action, reason, unsure) for the parts next to the hyphen."""
        lang, lfold, rfold = self.language, lpart.casefold(), rpart.casefold()
        zj, zl, zr = _zipf(lfold + rfold, lang), _zipf(lfold, lang), _zipf(rfold, lang)
        freq = (
            f"wordfreq {lang}: '{lfold + rfold}' {zj:.1f}, '{lfold}' {zl:.1f}, '{rfold}' {zr:.1f}"
        )
        words = zl >= _COMMON and zr >= _COMMON  # both halves are words in their own right
        if lang in _SOLID_COMPOUNDING:
            if zj >= _KNOWN:
                return "join", f"{freq}: the joined word is known", False
            if lpart[0].isupper() and lang not in _NOUN_CAPITALISING and zl >= _COMMON:
                # A name before a common word is a solid compound (Decemberdag); before a
                # rare one it is a two-part name (Kai-shek).
                if _KNOWN <= zr < _FREQUENT:
                    return "keep", f"{freq}: a two-part name", True
            if lfold.endswith("o") and len(lfold) >= 4 and zr >= _COMMON:
                # Combining forms (anglo-, politiko-) before a word keep their hyphen.
                return "keep", f"{freq}: a combining form before a word", True
            if not words:
                return "join", f"{freq}: a part is no word, so one word was broken", False
            if lang in _NOUN_CAPITALISING and lpart.islower():
                # Noun compounds start with a capital; two lower-case words are coordinated
                # adjectives (bürgerlich-gesetzlichen), which keep the hyphen.
                return "keep", f"{freq}: two adjectives, coordinated", True
            return "join", f"{freq}: compounds are written solid in '{lang}'", True
        if zj >= _FREQUENT:
            return "join", f"{freq}: the joined word is common", False
        if words and zj < min(zl, zr) - _COMMON:
            # Far rarer than its parts: the joined spelling is a misspelling of a compound
            # that is written with a hyphen (working-class, twenty-five).
            return "keep", f"{freq}: two words, a hyphenated compound", True
        if zj >= _KNOWN:
            return "join", f"{freq}: the joined word is known", zj < _COMMON
        if not words:
            return "join", f"{freq}: a part is no word, so one word was broken", False
        if self._legal_break(lfold + rfold, len(lfold)) is False:
            return "keep", f"{freq}: the break is no hyphenation point", True
        return "keep", f"{freq}: two words, joined form unknown", True

    # -- the decision -----------------------------------------------------------------------

    def _decide_soft(self, lcore: str, rcore: str, out: Any) -> HyphenDecision:
        """A hyphen the extractor marked as soft: join, unless the next word says otherwise.

        >>> WordKnowledge("", "sv").decide("tistel", "och", soft=True).result
        'tistel-'
        """
        why = "the extractor marked the hyphen as a soft line-end hyphen"
        lfold, rfold = lcore.casefold(), rcore.casefold()
        if not lfold or not rfold:
            return out("join", why)
        joined = lfold + rfold
        known = self.counts.get(joined, 0) > 0 or (
            self._has_wordfreq() and _zipf(joined, self.language) >= _COMMON
        )
        if known:
            return out("join", why)
        conjunctions = CONJUNCTIONS.get(self.language, _ANY_LANGUAGE_CONJUNCTIONS)
        if rfold in conjunctions:
            return out("suspended", f"{why}, but '{rcore}' is a conjunction: a suspended compound")
        if rfold in _ENCLITICS.get(self.language, frozenset()):
            return out("keep", f"{why}, but '-{rcore}' is an enclitic joined by a hyphen")
        if (
            self._has_wordfreq()
            and self.language not in _SOLID_COMPOUNDING
            and min(len(lfold), len(rfold)) >= 4
            and _zipf(joined, self.language) < _KNOWN
            and min(_zipf(lfold, self.language), _zipf(rfold, self.language)) >= _COMMON
        ):
            return out("keep", f"{why}, but two words make no word joined: a compound", True)
        return out("join", why)

    def decide(self, left: str, right: str, *, soft: bool = False) -> HyphenDecision:
        """Decide about ``left`` + "-" at a line end + ``right`` at the start of the next line.

        ``left`` is everything before the hyphen (the token from :func:`split_line_end_hyphen`,
        without the hyphen); ``right`` is the next line's first token including trailing
        punctuation (``"unionen."``), which is re-attached in ``result``. ``soft=True`` says the
        extractor marked the hyphen as a typesetter's hyphen (U+FFFE, U+00AD): always join.

        >>> WordKnowledge("", "sv").decide("1950", "talet").result
        '1950-talet'
        """
        _, lcore, _ = _split_affixes(left, right=False)
        _, rcore, _ = _split_affixes(right, right=True)

        def out(action: str, evidence: str, unsure: bool = False) -> HyphenDecision:
            if action == "join":
                result = f"{left}{right}"
            elif action == "keep":
                result = f"{left}-{right}"
            else:
                result = f"{left}-"
            return HyphenDecision(action, result, evidence, unsure)

        if soft:
            # PDFium marks every line-end hyphen it removed, real ones too: a conjunction
            # or an enclitic after it still says suspended / kept ('tistel- och', 'est-il').
            return self._decide_soft(lcore, rcore, out)
        if not lcore or not rcore:
            return out("keep", "not a word broken at the hyphen (punctuation around it)", True)

        # Look-ups use the last hyphen-free part (wordfreq splits at hyphens) and casefold.
        lpart = lcore.replace("\u2010", "-").rsplit("-", 1)[-1]
        rpart = rcore.replace("\u2010", "-").split("-", 1)[0]
        lfold, rfold = lpart.casefold(), rpart.casefold()
        if not lfold or not rfold:
            return out("keep", "a hyphen next to another hyphen", True)

        joined = lcore.casefold() + rcore.casefold()
        hyphenated = f"{lcore.casefold()}-{rcore.casefold()}"

        # 1. Suspended hyphen: the next word is a coordinating conjunction (also after a
        # number or an acronym: '1950- och 1960-talen', 'EU- och Natoländer').
        conjunctions = CONJUNCTIONS.get(self.language, _ANY_LANGUAGE_CONJUNCTIONS)
        if rfold in conjunctions:
            # A word can end in a conjunction's letters (col-or, hon-or): join when the
            # joined word is seen in the document, common, or known and broken legally.
            if self.counts.get(joined, 0):
                return out("join", f"'{joined}' occurs in the document; '{rpart}' ends it")
            if self._has_wordfreq():
                zj = _zipf(lfold + rfold, self.language)
                if zj >= _FREQUENT or (
                    zj >= _KNOWN and self._legal_break(lfold + rfold, len(lfold))
                ):
                    why = f"wordfreq {self.language}: '{lfold + rfold}' {zj:.1f}, a word"
                    return out("join", f"{why}, not '{rpart}' after a suspended hyphen")
            return out("suspended", f"'{rpart}' is a conjunction: a suspended compound")

        # 2. Form: things a typesetter's break never produces.
        if lpart[-1].isdigit() or rpart[0].isdigit():
            return out("keep", f"a number at the hyphen ('{lpart}-{rpart}')")
        if len(lpart) >= 2 and lpart.isupper() and not rpart.isupper():
            return out("keep", f"an acronym before the hyphen ('{lpart}-')")
        if rpart[0].isupper() and not rpart.isupper():
            return out("keep", f"the next line starts with a capital ('{rpart}'): a name part")
        if len(lfold) == 1 or len(rfold) == 1:
            return out("keep", "a one-letter part, which hyphenation never leaves alone")

        # 3. The document: solid vs hyphenated elsewhere, inflected forms included.
        # The stem must reach past the break, or 'för-giftade' would match any 'för…'.
        reach = min(3, len(rcore))
        j_stem = max(len(lcore) + reach, len(joined) - 3)
        h_stem = max(len(lcore) + 1 + reach, len(hyphenated) - 3)
        n_joined, j_example = self._doc_count(joined, j_stem)
        n_hyph, h_example = self._doc_count(hyphenated, h_stem)
        if n_joined != n_hyph:
            if n_joined > n_hyph:
                action, form, n, example, other = "join", joined, n_joined, j_example, n_hyph
                how, other_how = "solid", "with a hyphen"
            else:
                action, form, n, example, other = "keep", hyphenated, n_hyph, h_example, n_joined
                how, other_how = "with a hyphen", "solid"
            inflected = f" (as '{example}')" if example != form else ""
            against = f"{other}x {other_how}" if other else f"never {other_how}"
            return out(
                action,
                f"the document writes '{form}' {how} {n}x{inflected}, {against}",
                unsure=other > 0 and n < 2 * other,  # mixed usage: only a majority
            )
        tie = ""
        if n_joined:
            tie = f"the document has '{joined}' and '{hyphenated}' {n_joined}x each; "

        # French clitics after a hyphen (est-il, celui-ci), unless the join is a real word.
        enclitics = _ENCLITICS.get(self.language, frozenset())
        if rfold in enclitics and not (
            self._has_wordfreq() and _zipf(lfold + rfold, self.language) >= _COMMON
        ):
            return out("keep", f"{tie}'-{rpart}' is an enclitic joined by a hyphen")

        # 4. Word frequencies and what the language does with compounds.
        if self._has_wordfreq():
            action, why, unsure = self._by_frequency(lpart, rpart)
            return out(action, f"{tie}{why}", unsure)

        # 5. No frequency list: hyphenation patterns, then the plain odds (most line-end
        # hyphens are the typesetter's). Patterns load only here: German's take ~0.7 s.
        legal = self._legal_break(lfold + rfold, len(lfold))
        if legal is False:
            return out("keep", f"{tie}the break is not a hyphenation point of '{joined}'", True)
        why = "a hyphenation point" if legal else "no word knowledge; most line-end hyphens join"
        return out("join", f"{tie}{why}", unsure=True)
