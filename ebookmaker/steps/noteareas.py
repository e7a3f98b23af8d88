"""Note areas and note markers in shapes that do not mark them (pdftotext, pypdf, PDFium, …).

A plain extraction prints a page's footnotes after its body lines, in one of these shapes:

* the label glued to the note text (``4Att en god…``) or before it with a space (``4 Att``);
* the label alone on a line, the note text on the next line (``pdftotext -layout``);
* the labels alone on lines *after* the note texts (``pdftotext`` in its default mode);

and the note markers in the body as digits or symbols glued to a word or punctuation
(``utredning,4 ville``) or set off by a space (``utredning, 4 ville``).

Evidence is taken only from the document: a marker candidate counts only when a note with the
same label is found at the bottom of the same page, and a note label only when a marker for it
stands on that page; labels must rise through the document (gaps of up to
:data:`MAX_LABEL_GAP` are allowed, as when a note number is missing in the source). A note that
runs over a page break continues at the bottom of the next page without a label: those lines
become unlabelled note lines, which :func:`~ebookmaker.steps.notes.gather_notes` appends to the
previous note. Bare page numbers at a page's top or bottom (those that follow the page index)
are never taken for note labels.

Everything is linear in the number of lines.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from operator import attrgetter

from ..explain import Report
from ..model import Line, Marker, Page, Role, SourceDocument, has_role

STEP = "notes"
SYMBOLS = "*†‡§‖¶"
MAX_LABEL_GAP = 3  # a label may skip up to two numbers (a note missing in the source)
MAX_CONTINUATION_LINES = 15
SENTENCE_END = ".!?…"
CLOSERS = "\"'”’»)]"

_ALONE_RE = re.compile(r"^(\d{1,3}|[*†‡§‖¶]{1,3})$")
_GLUED_RE = re.compile(r"^(\d{1,3})(?=[^\W\d_]|[\"“”„«»‘’'(\[])")
_SPACED_RE = re.compile(r"^(\d{1,3})\s+(?=[^\W\d_]|[\"“”„«»‘’'(\[])")
_SYMBOL_START_RE = re.compile(r"^([*†‡§‖¶]{1,3})\s*(?=[^\W\d_]|[\"“”„«»‘’'(\[])")
# Runs of digits; one of over three digits (a year, a figure) is no marker. (The run, then
# its length: a pattern that starts with a look-behind is tried at every position.)
_DIGITS_RE = re.compile(r"\d+")
_SYMBOL_RE = re.compile(r"[*†‡§‖¶]{1,3}")
_PUNCT_BEFORE = ".,;:!?)\"'’”»"
_WORD_RE = re.compile(r"[^\W\d_]+")
_END_LABEL_RE = re.compile(r"^(.*[^\W\d_]) ?(\d{1,3}|[*†‡§‖¶]{1,3})$")
# Lines' markers for any() in C, not a generator per line.
_MARKERS = attrgetter("markers")
_TEXT = attrgetter("text")
_BRACKET_RE = re.compile(r"[()\[\]]")
_MAY_HOLD_MARKER_RE = re.compile(r"[\d*†‡§‖¶]")  # what a number or symbol marker needs


@dataclass(frozen=True)
class LabelStart:
    """A line that begins with a note label: ``kind`` is alone, glued or spaced."""

    label: str
    kind: str
    rest: str


@dataclass(frozen=True)
class MarkerCandidate:
    """A possible note marker in a body line: ``text[start:end]`` is removed when it is one."""

    label: str
    kind: str  # glued or spaced
    start: int
    end: int
    offset: int  # where the marker stands in the cleaned text


@dataclass
class _State:
    """What the walk through the document knows so far."""

    last_number: int | None = None
    width: float = 0.0  # typical length of a full body line, in characters
    open_note: list[Line] = field(default_factory=list)  # last note, if it looks unfinished


def label_value(label: str) -> int | None:
    """The place of a label in its sequence: ``'12'`` → 12, ``'†'`` → 2, ``'**'`` → 7.

    >>> [label_value(x) for x in ("12", "*", "†", "**", "x")]
    [12, 1, 2, 7, None]
    """
    if label.isdecimal():
        return int(label)
    if label and all(c == label[0] for c in label) and label[0] in SYMBOLS:
        return SYMBOLS.index(label[0]) + 1 + len(SYMBOLS) * (len(label) - 1)
    return None


def parse_label_start(text: str) -> LabelStart | None:
    """The note label a line begins with, if any.

    >>> parse_label_start("4Att en god ansats")
    LabelStart(label='4', kind='glued', rest='Att en god ansats')
    >>> parse_label_start("12 Man kan")
    LabelStart(label='12', kind='spaced', rest='Man kan')
    >>> parse_label_start("†")
    LabelStart(label='†', kind='alone', rest='')
    >>> parse_label_start("1848 war ein Jahr") is None, parse_label_start("1. Mai") is None
    (True, True)
    """
    if not text or not (text[0].isdecimal() or text[0] in SYMBOLS):
        return None  # (every label pattern starts with a digit or a symbol)
    if m := _ALONE_RE.match(text):
        return LabelStart(m.group(1), "alone", "")
    if m := _GLUED_RE.match(text):
        return LabelStart(m.group(1), "glued", text[m.end() :])
    if m := _SPACED_RE.match(text):
        return LabelStart(m.group(1), "spaced", text[m.end() :])
    if m := _SYMBOL_START_RE.match(text):
        return LabelStart(m.group(1), "glued", text[m.end() :])
    return None


def _after_word(text: str, index: int) -> bool:
    """True when ``text[:index]`` ends with a letter, or with punctuation after a letter."""
    if index <= 0:
        return False
    c = text[index - 1]
    if c.isalpha():
        return True
    if c in _PUNCT_BEFORE:
        k = index - 1
        while k > 0 and text[k - 1] in _PUNCT_BEFORE:
            k -= 1
        return k > 0 and text[k - 1].isalpha()
    return False


def marker_candidates(text: str) -> list[MarkerCandidate]:
    """Numbers and symbols that may be note markers: glued to a word or punctuation, or set
    off by one space after one. Years (four digits) and numbers in figures are not.

    >>> [(c.label, c.kind) for c in marker_candidates("utredning,4 ville och 1848 år.5")]
    [('4', 'glued'), ('5', 'glued')]
    >>> [(c.label, c.kind, c.offset) for c in marker_candidates("inflytande. 5 Och")]
    [('5', 'spaced', 11)]
    >>> [c.label for c in marker_candidates("700 kr. 11 Men se s. 12 i boken")]
    ['11']
    >>> marker_candidates("5–9 procent, s. 12, 1,000")
    []
    >>> [(c.label, c.kind) for c in marker_candidates("betydelse.† Men")]
    [('†', 'glued')]
    """
    return list(_marker_candidates(text))


@lru_cache(maxsize=4096)  # asked up to three times per line (page numbers, glue, markers)
def _marker_candidates(text: str) -> tuple[MarkerCandidate, ...]:
    if not _MAY_HOLD_MARKER_RE.search(text):
        return ()
    found: list[MarkerCandidate] = []
    for m in _DIGITS_RE.finditer(text):
        start, end = m.span()
        if end - start > 3:
            continue
        after = text[end : end + 1]
        if after and not (after.isspace() or after in ",.;:)!?\"'’”»"):
            continue  # "2nd", "5–9", "12a"
        if _after_word(text, start):
            found.append(MarkerCandidate(m.group(), "glued", start, end, start))
        elif (
            start >= 2
            and text[start - 1] == " "
            and _after_word(text, start - 1)
            and not (
                _abbreviation_before(text, start - 1) and not text[end + 1 : end + 2].isupper()
            )
            and (not after or after.isspace() or after in ",.;:)\"'’”»")
        ):
            found.append(MarkerCandidate(m.group(), "spaced", start - 1, end, start - 1))
    for m in _SYMBOL_RE.finditer(text):
        start, end = m.span()
        after = text[end : end + 2]
        if after[:1] and not (after[:1].isspace() or after[:1] in ",.;:)"):
            continue
        if after[:1] == " " and after[1:2].isdigit():
            continue  # "§ 12"
        if _after_word(text, start):
            found.append(MarkerCandidate(m.group(0), "glued", start, end, start))
    found.sort(key=lambda c: c.start)
    return tuple(found)


def _abbreviation_before(text: str, index: int) -> bool:
    """True when ``text[:index]`` ends with a short abbreviation that takes a number
    ("s.", "p.", "chap.", "N:o", "Nr."), so that the number after it is a reference.

    >>> _abbreviation_before("se s.", 5), _abbreviation_before("ville.", 6)
    (True, False)
    """
    word = text[:index].rsplit(" ", 1)[-1]
    return (word.endswith(".") and len(word) <= 5 and word[:1].islower()) or ":" in word[:-1]


def _ends_sentence(text: str) -> bool:
    """True when a line ends a sentence (a paragraph may end here).

    >>> _ends_sentence('hade då upphört att verka".'), _ends_sentence("irgend worinn zu")
    (True, False)
    """
    stripped = text.rstrip(CLOSERS + " ")
    return bool(stripped) and stripped[-1] in SENTENCE_END


def _fits(last: int | None, value: int, numeric: bool) -> bool:
    """True when ``value`` may be the next label after ``last`` (symbols restart at ``*``)."""
    if not numeric:
        return True  # symbol labels restart on every page; their order is checked per page
    return last is None or last < value <= last + MAX_LABEL_GAP


# --- page numbers -------------------------------------------------------------------------


def _page_number_lines(doc: SourceDocument) -> set[int]:
    """ids of bare-number lines at a page's top or bottom that follow the page index.

    The artefacts step marks page numbers when it can; this only keeps them from being
    read as note labels when it did not.
    """
    slots: list[tuple[Line, int]] = []
    body_role = Role.BODY  # (an enum member look-up costs more than the test: once, not per line)
    for page in doc.pages:
        if has_role(page.lines, Role.PAGE_NUMBER):
            continue  # the artefacts step found this page's number
        body = [line for line in page.lines if line.role == body_role]
        copies: Counter[str] | None = None  # counted only for a page with a bare number
        markers: Counter[str] = Counter()
        ends = [body[:2], list(reversed(body[-2:]))]
        for end in ends:
            for line in end:
                if line.text.isdecimal() and len(line.text) <= 4:
                    if copies is None:
                        copies = Counter(s.label for x in body if (s := parse_label_start(x.text)))
                        # (the cached tuples themselves: no list copy per line)
                        markers = Counter(c.label for x in body for c in _marker_candidates(x.text))
                    if copies[line.text] <= markers[line.text]:
                        break  # no more copies than markers: the number is a note label
                    slots.append((line, int(line.text) - page.index))
                    break
    offsets = Counter(offset for _, offset in slots)
    if not offsets:
        return set()
    offset, count = offsets.most_common(1)[0]
    if count < max(2, len(doc.pages) * 0.3):
        return set()
    return {id(line) for line, o in slots if o == offset}


# --- the walk -----------------------------------------------------------------------------


def find_note_areas(doc: SourceDocument, report: Report) -> None:
    """Mark footnote lines (Role.NOTE, note_label) and body markers (Line.markers)."""
    lines = doc.lines()
    if has_role(lines, Role.NOTE) or any(map(_MARKERS, lines)):
        return  # the reader marked them already
    _marker_candidates.cache_clear()  # its lines are this document's: the next shares few
    page_numbers = _page_number_lines(doc)
    state = _State(width=_body_width(lines))
    body = Role.BODY  # (an enum member look-up costs more than the test: once, not per line)
    contents = [
        [line for line in page.lines if line.role == body and id(line) not in page_numbers]
        for page in doc.pages
    ]
    for k, (page, content) in enumerate(zip(doc.pages, contents, strict=True)):
        following = next((c[0] for c in contents[k + 1 :] if c), None)
        if content:
            _note_page(page, content, state, report, following)


def _glue_point(text: str) -> int | None:
    """Where a capitalised word is glued without a space to small letters before it
    (``…auf der alle rechtGemeiniglich nimmt``): the last such place in the line.

    >>> t = "auf der alle rechtGemeiniglich nimmt man"
    >>> t[_glue_point(t):]
    'Gemeiniglich nimmt man'
    >>> _glue_point("McDonald and iPhone") is None, _glue_point("no glue here") is None
    (True, True)
    """
    found = None
    # The regex finds the few places worth a look (a capital between small letters), in
    # one scan; each is then checked letter by letter.
    for m in _glue_candidate_re().finditer(text):
        k = m.start()
        if (
            text[k].isupper()
            and text[k + 1].islower()
            and text[k - 1].islower()
            and text[k - 2].islower()
            and _WORD_RE.fullmatch(text, k - 2, k + 2)  # (the four letters make one word)
        ):
            found = k
    return found


@lru_cache(maxsize=1)
def _glue_candidate_re() -> re.Pattern[str]:
    """A capital after two small letters and before one; beyond Cyrillic every character
    counts as both (a table of all Unicode letters would take long to build)."""
    beyond = "\u0530-\U0010ffff"
    letters = [chr(c) for c in range(0x530) if _WORD_RE.match(chr(c))]
    small = re.escape("".join(c for c in letters if c.islower())) + beyond
    capital = re.escape("".join(c for c in letters if c.isupper())) + beyond
    return re.compile(f"[{capital}](?<=[{small}][{small}].)(?=[{small}])")


def _split_glued_lines(
    page: Page, content: list[Line], state: _State, continues: bool, report: Report
) -> int | None:
    """Undo what ``pdftotext`` does when the page's last body line ends with a hyphenated
    word: it drops the hyphen and joins the next line in its reading order, which is the
    first line of the notes (``…alle rechtGemeiniglich nimmt…``) or a note label
    (``…inom läkare 5``). Both are split off only when the next page's body continues
    the cut word (begins with a small letter), the label has a marker above on the page
    and text follows (a label) or a label comes later (a note text). The hyphen is put
    back so that the hyphenation step decides the word. Returns the index of a note text
    split off this way, or None. Lines are inserted into ``content`` and ``page.lines``.
    """
    if not continues or len(content) < 2:
        return None
    candidates: list[tuple[int, MarkerCandidate]] | None = None  # found where a split needs them

    def marker_above(label: str, index: int, offset: int) -> bool:
        nonlocal candidates
        if candidates is None:
            candidates = [(i, c) for i, x in enumerate(content) for c in _marker_candidates(x.text)]
        return any(
            i < index or (i == index and c.end <= offset) for i, c in candidates if c.label == label
        )

    def fits(label: str) -> bool:
        value = label_value(label)
        return value is not None and _fits(state.last_number, value, label.isdecimal())

    def insert_after(index: int, text: str) -> None:
        line = content[index]
        new = Line(text, line.page, line.number, role=Role.BODY)
        content.insert(index + 1, new)
        at = next(k for k, x in enumerate(page.lines) if x is line)
        page.lines.insert(at + 1, new)

    # A note text glued to the body: the latest glue point above a label printed after it.
    # Labels first: only the lines above a fitting one need the glue-point search.
    labels_after = [
        (i, s.label)
        for i, line in enumerate(content)
        if (s := parse_label_start(line.text)) and s.kind == "alone" and fits(s.label)
    ]
    for g in range(max((i for i, _ in labels_after), default=0) - 1, -1, -1):
        text = content[g].text
        p = _glue_point(text)
        if p is None:
            continue
        label = next(
            (lab for i, lab in labels_after if i > g and marker_above(lab, g, p)),
            None,
        )
        if label is None:
            continue
        content[g].replace(p, len(text), "-")
        insert_after(g, text[p:])
        report.add(
            STEP,
            "area",
            f"note text glued to the body's last word split off: {text[p : p + 40]}",
            evidence=f"small letters run into a capitalised word; the next page continues "
            f"the cut word; label {label} below, its marker above",
            line=content[g].number,
        )
        return g + 1
    # A note label glued to the body's last word, followed by the note text.
    for g in range(len(content) - 2, -1, -1):
        last = content[g].text[-1:]
        if not (last.isdecimal() or (last and last in SYMBOLS) or last == "\n"):
            continue  # (the regex below needs a label at the end: a slow search otherwise)
        m = _END_LABEL_RE.search(content[g].text)
        if m is None or not _starts_like_note(content[g + 1].text):
            continue
        label = m.group(2)
        if not fits(label) or not marker_above(label, g, m.start(2) - 1):
            continue
        if any(
            (s := parse_label_start(line.text)) and s.label == label for line in content[g + 1 :]
        ):
            continue  # the label is printed elsewhere: this is a marker
        content[g].replace(len(m.group(1)), len(content[g].text), "-")
        insert_after(g, label)
        report.add(
            STEP,
            "area",
            f"note label {label} glued to the body's last word split off",
            evidence="the next page continues the cut word; a marker with the label above, "
            "note text below",
            line=content[g].number,
            unsure=True,
        )
        return None
    return None


def _continues(following: Line | None) -> bool:
    """True when the next page's body begins inside a sentence (with a small letter or
    punctuation), so that this page's body ends mid-sentence.

    >>> _continues(Line("liche Gesetzgebung", 1)), _continues(Line("Gleichwie wir", 1))
    (True, False)
    """
    text = following.text if following is not None else ""
    return bool(text) and (text[0].islower() or text[0] in ",;:)]")


def _note_page(
    page: Page, content: list[Line], state: _State, report: Report, following: Line | None = None
) -> None:
    continues = _continues(following)
    forced = _split_glued_lines(page, content, state, continues, report)
    starts = {i: s for i, line in enumerate(content) if (s := parse_label_start(line.text))}
    # Markers are asked for only by the labels of start lines (as printed or as numbers), or
    # all of them by a note continued from the previous page: without that, a line that
    # holds none of those labels is not searched.
    wanted = {s.label for s in starts.values()} | {
        str(v) for s in starts.values() if (v := label_value(s.label)) is not None
    }
    candidates = [
        (i, c)
        for i, line in enumerate(content)
        if state.open_note or any(map(line.text.__contains__, wanted))
        for c in _marker_candidates(line.text)
    ]
    by_label: dict[str, list[int]] = {}
    for k, (_, c) in enumerate(candidates):
        by_label.setdefault(c.label, []).append(k)

    def marker_before(label: str, index: int, strong_label: bool) -> bool:
        return any(
            candidates[k][0] < index and (strong_label or candidates[k][1].kind == "glued")
            for k in by_label.get(label, ())
        )

    def weak_pair_ok(i: int, value: int, last: int | None) -> bool:
        """A spaced label with a spaced marker: only the next number, after a gap."""
        prev = content[i - 1]
        return (
            last is not None
            and value == last + 1
            and (content[i].gap_before or _ends_sentence(prev.text))
            and marker_before(str(value), i, True)
        )

    # 1. The area starts at the first label that fits the numbering and has a marker above it.
    area = None
    for i, s in sorted(starts.items()):
        value = label_value(s.label)
        if value is None or i == 0 or not _fits(state.last_number, value, s.label.isdigit()):
            continue
        if marker_before(s.label, i, s.kind != "spaced") or (
            s.kind == "spaced" and weak_pair_ok(i, value, state.last_number)
        ):
            area = i
            break
    end = len(content)
    notes: list[tuple[str, int]] = []  # (label, index of its first text line)
    trailing: list[str] = []  # labels printed after the note texts (pdftotext)
    separators: list[int] = []
    if area is not None:
        current = state.last_number
        pending: list[str] = []  # labels alone on their lines, waiting for their texts
        expect_start = False
        used: set[str] = set()
        for j in range(area, end):
            s = starts.get(j)
            accepted = None
            if s is not None and s.label not in used and (value := label_value(s.label)):
                numeric = s.label.isdigit()
                nxt = current + 1 if (numeric and current is not None) else None
                if _fits(current, value, numeric) and (
                    marker_before(s.label, area, s.kind != "spaced")
                    or (nxt is not None and value == nxt and s.kind != "spaced")
                    or (s.kind == "spaced" and weak_pair_ok(j, value, current))
                ):
                    accepted = s
                elif s.kind == "alone" and marker_before(s.label, area, True):
                    accepted = s  # a label out of order, printed after its text (pdftotext)
            if accepted is None:
                if pending and (expect_start or _ends_sentence(content[j - 1].text)):
                    notes.append((pending.pop(0), j))
                expect_start = False
                continue
            used.add(accepted.label)
            if accepted.label.isdigit():
                v = int(accepted.label)
                current = v if current is None else max(current, v)
            if accepted.kind == "alone":
                separators.append(j)
                pending.append(accepted.label)
                expect_start = True
            else:
                trailing.extend(pending)
                pending = []
                notes.append((accepted.label, j))
        trailing.extend(pending)
        state.last_number = current

    # 2. Labels printed after their texts: the texts are the paragraphs above the area.
    top = area if area is not None else end
    if trailing:
        top = _texts_before_labels(
            content,
            top,
            trailing,
            notes,
            candidates,
            _Bounds(state.width, continues, forced),
            report,
        )

    # 3. A note that ran over the page break continues above this page's notes.
    continuation_top = top
    if state.open_note:
        continuation_top = _continuation(content, top, candidates)
        if continuation_top < top:
            report.add(
                STEP,
                "area",
                f"{top - continuation_top} line(s) continue the note from the previous page",
                evidence="the previous page's last note ends mid-sentence at full width",
                line=content[continuation_top].number,
                unsure=True,
            )

    # 4. Apply: roles and labels of the area, markers in the body above it.
    area_lines = range(continuation_top, end)
    for j in area_lines:
        content[j].role = Role.NOTE
    for j in separators:
        content[j].role = Role.SEPARATOR
    for label, j in notes:
        line = content[j]
        s = starts.get(j)
        if s is not None and s.label == label and s.kind != "alone" and j not in separators:
            line.replace(0, len(line.text) - len(s.rest), "")
        line.note_label = label
        report.add(
            STEP,
            "area",
            f"note {label} starts: {line.text[:50]}",
            evidence="label at the page bottom, marker above it on the page",
            line=line.number,
            unsure=(s is None or s.kind == "spaced"),
        )
    _apply_markers(content, continuation_top, [label for label, _ in notes], candidates, report)

    page_notes = [content[j] for j in area_lines if content[j].role == Role.NOTE]
    if page_notes or state.open_note:
        last_start = max((j for _, j in notes), default=None)
        if last_start is not None:
            tail = [content[j] for j in range(last_start, end) if content[j].role == Role.NOTE]
        else:
            tail = state.open_note + page_notes
        state.open_note = tail if _looks_unfinished(tail) else []


@dataclass(frozen=True)
class _Bounds:
    """What bounds the note texts above labels printed after them."""

    width: float  # typical body line length
    continues: bool  # the next page's body continues this page's last sentence
    forced: int | None  # a note start split off a glued line (strongest evidence)


def _starts_like_note(text: str) -> bool:
    """True when a line begins, after opening quotes or brackets, with a capital letter.

    >>> _starts_like_note("»Ein Schmidt"), _starts_like_note("as such, stood")
    (True, False)
    """
    stripped = text.lstrip("\"'“”„«»‘’‚([ ")
    return bool(stripped) and stripped[0].isupper()


def _brackets_balanced(lines: list[Line]) -> bool:
    """False when the text closes a parenthesis or bracket it never opened (it began
    inside a parenthesis of the text above it).

    >>> _brackets_balanced([Line("further developed.) Further, it is", 0)])
    False
    """
    depth = {")": 0, "]": 0}
    for line in lines:
        for c in _BRACKET_RE.findall(line.text):  # (the brackets alone, found in C)
            if c in "([":
                depth[")" if c == "(" else "]"] += 1
            elif c in ")]":
                depth[c] -= 1
                if depth[c] < 0:
                    return False
    return True


def _texts_before_labels(
    content: list[Line],
    top: int,
    leftovers: list[str],
    notes: list[tuple[str, int]],
    candidates: list[tuple[int, MarkerCandidate]],
    bounds: _Bounds,
    report: Report,
) -> int:
    """Give the labels printed after their note texts to the unlabelled lines above.

    The note texts stand between the body and the labels. Where the body ends is decided
    by general evidence only, and when it is unclear a note is left unlinked (its text
    stays in the body) rather than body text being taken for a note:

    * the note texts come after the marker of their label;
    * the first note line begins with a capital letter;
    * the line above it is the body's last line: when the next page's body continues a
      sentence (begins with a small letter), that line must not end a sentence; when the
      next page begins a sentence, it may;
    * the note text does not close a parenthesis it never opened;
    * a note is short: the latest such line is taken, and the start moves up to an
      earlier one only over lines that are not as long as body lines (note lines are set
      in smaller type and hold more characters);
    * a start split off a line where the extractor glued the note to the body's last,
      hyphenated word (:func:`_split_glued_lines`) wins.

    Several labels share the note texts, cut at lines that end a sentence. Returns the
    new top of the note area.
    """
    wanted = sorted(leftovers, key=lambda x: label_value(x) or 0)
    lo = 0
    for label in wanted:
        options = [(i, c) for i, c in candidates if c.label == label and i < top]
        glued = [i for i, c in options if c.kind == "glued"]
        lines = glued or [i for i, _ in options]
        if lines:
            lo = max(lo, min(lines) + 1)

    def boundary_ok(j: int) -> bool:
        before = content[j - 1].text
        if bounds.continues:
            return not _ends_sentence(before)
        return True

    possible = [
        j
        for j in range(max(lo, 1), top)
        if _starts_like_note(content[j].text)
        and boundary_ok(j)
        and _brackets_balanced(content[j:top])
    ]
    first: int | None
    if bounds.forced is not None and lo <= bounds.forced < top:
        first = bounds.forced
        evidence = "the note text was glued to the body's last, hyphenated word"
    elif possible:
        first = possible[-1]
        for j in reversed(possible[:-1]):
            if any(_body_like(content[x].text, bounds.width) for x in range(j, first)):
                break
            first = j
        evidence = (
            "first line begins with a capital after the body's last line"
            + (", whose sentence the next page continues" if bounds.continues else "")
            + f"; {len(possible)} possible start(s), the latest taken unless only lines "
            "longer or shorter than body lines lie between"
        )
    else:
        first = None
        evidence = ""
    if first is None:
        for label in wanted:
            report.add(
                STEP,
                "area",
                f"label {label} printed after a note text that could not be bounded",
                evidence="no line below its marker begins a note after the body's end; "
                "the text stays in the body, the note is not linked",
                line=content[top - 1].number if top > 0 else 0,
                unsure=True,
            )
        return top
    # Several labels: cut the block at sentence ends followed by a capital.
    breaks = [
        j + 1
        for j in range(first, top - 1)
        if _ends_sentence(content[j].text) and _starts_like_note(content[j + 1].text)
    ]
    k = len(wanted)
    firsts = [first] + breaks[len(breaks) - (k - 1) :] if k > 1 else [first]
    if len(firsts) < k:
        wanted = wanted[:1] + wanted[len(wanted) - len(firsts) + 1 :]
    for label, j in zip(wanted, firsts, strict=False):
        notes.append((label, j))
        report.add(
            STEP,
            "area",
            f"label {label} printed after its note text: {content[j].text[:40]}",
            evidence=evidence,
            line=content[j].number,
            unsure=bounds.forced is None or j != first,
        )
    notes.sort(key=lambda n: n[1])
    return first


def _body_width(lines: list[Line]) -> float:
    """The median length of lines that look like full body lines (40–159 characters)."""
    # All lengths sorted in C; those of full lines are a slice of them.
    lengths = sorted(map(len, map(_TEXT, lines)))
    lengths = lengths[bisect_left(lengths, 40) : bisect_left(lengths, 160)]
    return float(lengths[len(lengths) // 2]) if lengths else 0.0


def _body_like(text: str, width: float) -> bool:
    """True when a line is as long as one, two or three body lines joined (a smaller-type
    note line holds more characters).

    >>> _body_like("x" * 92, 95.0), _body_like("x" * 118, 95.0), _body_like("x" * 186, 95.0)
    (True, False, True)
    """
    if width <= 0:
        return False
    return any(0.85 * m * width <= len(text) <= 1.06 * m * width for m in (1, 2, 3))


def _continuation(
    content: list[Line], top: int, candidates: list[tuple[int, MarkerCandidate]]
) -> int:
    """First line of the rest of a note that ran over the page break: the paragraph that
    ends right above this page's own notes (or the page end)."""
    if top == 0 or not _ends_sentence(content[top - 1].text):
        return top
    marker_lines = {i for i, _ in candidates}
    start = top - 1
    while start > 0 and top - start < MAX_CONTINUATION_LINES:
        if content[start].gap_before or _ends_sentence(content[start - 1].text):
            break
        if start - 1 in marker_lines:
            break
        start -= 1
    if start == 0 or start in marker_lines:
        return top
    return start


def _looks_unfinished(note_lines: list[Line]) -> bool:
    """True when a note's last line runs to the full width without ending a sentence."""
    if not note_lines:
        return False
    last = note_lines[-1].text
    if _ends_sentence(last):
        return False
    widths = sorted(len(line.text) for line in note_lines)
    # the median, not the longest: extractors join hyphenated lines into long ones
    return len(note_lines) > 1 and len(last) >= 0.8 * widths[len(widths) // 2]


def _apply_markers(
    content: list[Line],
    area: int,
    labels: list[str],
    candidates: list[tuple[int, MarkerCandidate]],
    report: Report,
) -> None:
    """Turn the candidates that match this page's notes into markers, in order."""
    position = (-1, -1)
    chosen: list[tuple[int, MarkerCandidate]] = []
    for label in sorted(labels, key=lambda x: label_value(x) or 0):
        options = [
            (i, c)
            for i, c in candidates
            if c.label == label and i < area and (i, c.start) > position
        ]
        if not options:
            options = [(i, c) for i, c in candidates if c.label == label and i < area]
        if not options:
            report.add(STEP, "marker", f"note {label} has no marker on its page", unsure=True)
            continue
        glued = [o for o in options if o[1].kind == "glued"]
        i, c = (glued or options)[0]
        position = (i, c.start)
        chosen.append((i, c))
    # Remove from right to left so earlier offsets stay valid.
    for i, c in sorted(chosen, key=lambda o: (o[0], -o[1].start)):
        line = content[i]
        line.replace(c.start, c.end, "")
        line.markers = sorted([*line.markers, Marker(c.offset, c.label)], key=lambda m: m.offset)
        report.add(
            STEP,
            "marker",
            f"{c.label} in “{line.text[max(0, c.offset - 20) : c.offset + 10]}”",
            evidence=f"{c.kind} to the word before it; note {c.label} at the page bottom",
            line=line.number,
            unsure=c.kind == "spaced",
        )
