"""Unwrap printed lines into paragraphs, across page breaks and footnote blocks.

A printed line ends its paragraph when it ends a sentence *and* the next line's first word
would have fitted on it: justified text fills every line of a paragraph but the last, so a
line with room left over that ends a sentence was ended on purpose. Widths are measured with
the advance widths of a serif font (relative widths are what matter), against the measure
of the text: the widest body lines.

Line-end hyphens are resolved while joining (see :mod:`ebookmaker.steps.hyphenation`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..explain import Report
from ..metrics import text_width, text_width_spaced
from ..model import (
    Block,
    BlockKind,
    Inline,
    Line,
    NoteRef,
    PageBreak,
    Role,
    SourceDocument,
    StyleMark,
    TocTarget,
)
from .hyphenation import split_line_end_hyphen

STEP = "paragraphs"
TEXT_ROLES = (Role.BODY, Role.HEADING, Role.QUOTE)
# Enum members as plain names for the per-line tests: a look-up like Role.BODY costs
# ~90 ns in Python 3.11, more than the test itself.
_BODY, _HEADING = Role.BODY, Role.HEADING
KIND_OF_ROLE = {
    Role.BODY: BlockKind.PARAGRAPH,
    Role.HEADING: BlockKind.HEADING,
    Role.QUOTE: BlockKind.BLOCKQUOTE,
}
# Sentence end: . ! ? : … optionally followed by closing quotes/brackets.
SENTENCE_END_RE = re.compile(r"[.!?:…][\"'”’»)\]]*$|[\"”»]$")
FIRST_WORD_RE = re.compile(r"^\S+")
# "S." or "G. D. H." at a line end is an initial, not a sentence end.
INITIAL_RE = re.compile(r"(?:^|[\s(])\w\.$")
# A letter after leading digits and punctuation: the line starts with a word.
LETTER_START_RE = re.compile(r"[\W\d]*[^\W\d_]")
OPENERS = "\"'“”«»‘’([ "
SHORT_LINE_SLACK = 0.25
FIT_MARGIN = 0.005  # the measure is estimated: a word must fit with this much to spare
INDENT_MIN = 0.015  # first lines this much shorter than full lines show an indent
DASH_END_RE = re.compile(r"\w—$|\d–$")
DASH_START_RE = re.compile(r"—\w")
_DASH_ENDS = ("—", "–", "—\n", "–\n")  # what DASH_END_RE can match at ("$": before a "\n")
_SPACES_RE = re.compile(r"\s+")
# A line end in one of these (or "" or a space) may join the next line without a space.
_JOINT_MARKS = "-\u2010\u00ad—–"
JOINED_LINE_FACTOR = 1.06


@dataclass
class Piece:
    """Text of one printed line with its markers cut out as ``NoteRef``s or raw labels."""

    line: Line
    parts: list[Inline]


def line_parts(line: Line, unlinked_as_text: bool = True) -> list[Inline]:
    """Split a line's text at its markers and style spans: linked markers become
    ``NoteRef``s, span edges ``StyleMark``s (a note reference after an emphasised word
    stands after its closing mark).

    >>> from ebookmaker.model import Marker
    >>> line_parts(Line("word. Next", 0, markers=[Marker(5, "1", "1")]))
    ['word.', NoteRef(note_id='1', label='1'), ' Next']
    >>> line_parts(Line("so Sovjet-", 0, styles=[(3, 10, "em")]))[1:]
    [StyleMark(kind='em', opening=True), 'Sovjet-', StyleMark(kind='em', opening=False)]
    """
    if not line.markers and not line.styles:  # most lines: nothing to cut
        return [line.text] if line.text else []
    # Cut points: (offset, order, inline); at one offset closing marks, then note
    # references, then opening marks.
    cuts: list[tuple[int, int, Inline | None]] = []
    for marker in line.markers:
        if marker.note_id:
            cuts.append((marker.offset, 1, NoteRef(marker.note_id, marker.label)))
        elif unlinked_as_text:
            cuts.append((marker.offset, 1, marker.label))
        else:
            cuts.append((marker.offset, 1, None))
    size = len(line.text)
    for start, end, kind in line.styles:
        start, end = max(0, start), min(end, size)
        if start >= end or (
            line.role == Role.HEADING and line.text[start:end] == line.text.strip()
        ):
            continue  # a heading set bold (or italic) as a whole: that is its style
        cuts.append((start, 2, StyleMark(kind, True)))
        cuts.append((end, 0, StyleMark(kind, False)))
    parts: list[Inline] = []
    last = 0
    for offset, _, inline in sorted(cuts, key=lambda c: (c[0], c[1])):
        if offset > last:
            parts.append(line.text[last:offset])
            last = offset
        if inline is not None:
            parts.append(inline)
    if last < len(line.text):
        parts.append(line.text[last:])
    return parts


def measure_of(lines: list[Line]) -> float:
    """The text measure: the width that the fullest lines reach.

    The 90th percentile of line widths, ignoring lines far wider than the median (two
    printed lines an extractor ran together, a table row).
    """
    # (text_width's own dict look-up, mapped in C: a generator costs twice as much)
    widths = sorted(map(text_width.__getitem__, [line.text for line in lines if line.text]))
    if not widths:
        return 0.0
    median = widths[len(widths) // 2]
    widths = [w for w in widths if w <= 1.3 * median] or widths
    return widths[int(0.9 * (len(widths) - 1))]


def ends_sentence(text: str) -> bool:
    """``SENTENCE_END_RE.search(text)``, without a regex scan for most lines (the search
    tries every position): only a line ending in a closing quote or bracket needs it.

    >>> [ends_sentence(t) for t in ("so.", "so.)", "so)", "so", "”", "")]
    [True, True, False, False, True, False]
    """
    last = text[-1:]
    if last in _STOPS:
        return True
    if last in _CLOSERS or last == "\n":  # ("$" also matches before a final newline)
        return SENTENCE_END_RE.search(text) is not None
    return False


def ends_with_initial(text: str) -> bool:
    """``INITIAL_RE.search(text)``; only a line that ends with a full stop can match.

    >>> ends_with_initial("said G. D. H."), ends_with_initial("it ended.")
    (True, False)
    """
    # A match is three characters and a newline at most: searched from there, not from
    # every position of the line ("^" still matches only at the real start).
    return (
        text.endswith((".", ".\n")) and INITIAL_RE.search(text, max(0, len(text) - 4)) is not None
    )


_STOPS = frozenset('.!?:…"”»')  # a line ending in one of these matches SENTENCE_END_RE
_CLOSERS = frozenset("'’)]")  # closers after a sentence end: ended only after a stop
# The last characters with which a line may end a sentence or an initial: other lines (most)
# need neither test.
_MAY_END = _STOPS | _CLOSERS | {"\n"}


def line_fill(line: Line, measure: float) -> tuple[float, bool]:
    """The width of a line's last printed line, and whether the extractor joined lines.

    >>> line_fill(Line("word", 0), measure=text_width("word word"))[1]
    False
    """
    width = text_width_spaced(line.text.rstrip())
    # (No measure: a text of blank-width lines, such as soft hyphens alone, shows no joins.)
    joined = 0 < measure and JOINED_LINE_FACTOR * measure < width
    if joined:
        # The extractor ran two printed lines together (it joined a hyphenated line end):
        # only the last printed line's fill counts, and the first one was full.
        full_lines = max(1, int(width / measure + 0.05))
        width -= measure * full_lines
    # A superscript marker takes width the plain text does not show: allow for it.
    if line.markers:
        width += sum(text_width(m.label) * 0.6 for m in line.markers)
    return width, joined


def _next_word(text: str) -> str:
    """The text that must fit for the next line's start to have fitted: its first word,
    with a leading dash or quote kept together with the word after it."""
    words = text.split(None, 2)  # (the first two words are all it needs)
    if not words:
        return ""
    first = words[0]
    if len(words) > 1 and not first[0].isalnum() and not any(c.isalnum() for c in first):
        return f"{first} {words[1]}"
    return first


def _room(
    line: Line, next_text: str, measure: float, indent: float
) -> tuple[str, float, float, bool]:
    """What decides whether the next line's start would have fitted on ``line``: (the next
    line's first word, its width, the room left on the line, whether the extractor joined
    lines). Measured only where a decision needs it: most lines end mid-sentence.

    >>> first, need, room, joined = _room(Line("word", 0), "next one", text_width("word word"), 0)
    >>> first, need == text_width("next"), room == text_width("word"), joined
    ('next', True, True, False)
    """
    first_word = _next_word(next_text)
    width, joined = line_fill(line, measure)
    return first_word, text_width(first_word), measure - width - indent, joined


def ends_paragraph(
    line: Line, next_line: Line, measure: float, indent: float = 0.0
) -> tuple[bool, str, bool]:
    """Decide whether ``line`` ends its paragraph; returns (break, evidence, unsure).

    ``indent`` is the first-line indent of this line, as a width, when it starts a
    paragraph of a text with indented paragraphs.

    >>> a, b = Line("Short end.", 0), Line("Next one", 0)
    >>> ends_paragraph(a, b, measure=5000)[0]
    True
    """
    next_text = next_line.text
    next_lower = next_text[:1].islower()
    if next_lower and split_line_end_hyphen(line.text) is not None:
        return False, "a hyphenated word continues on the next line", False
    text = line.text.rstrip()
    initial = sentence_end = False
    if text[-1:] in _MAY_END:
        initial = ends_with_initial(text)
        sentence_end = not initial and ends_sentence(text)
    # A gap or an indent only tells something within a page: at a page top they are layout.
    # Some extractors also leave gaps inside paragraphs: a full line that ends mid-sentence
    # goes on whatever the gap says.
    same_page = next_line.page == line.page and not next_line.page_start
    if next_line.gap_before and same_page:
        first_word, need, room, joined = _room(line, next_text, measure, indent)
        if sentence_end or room >= need:
            return True, "a vertical gap precedes the next line", False
    if next_line.indent > line.indent and next_line.indent >= 2 and same_page:
        return True, "the next line is indented", False
    if initial:
        return False, "ends with an initial, not a sentence", False
    if not sentence_end:
        # Titles and headings end short without punctuation; a wrapped sentence never
        # leaves that much room, and what follows a heading starts with a capital.
        # (A small letter first, as on most lines, is neither: no further test.)
        starts_new = (
            not next_lower
            and LETTER_START_RE.match(next_text) is not None
            and (next_text.lstrip(OPENERS)[:1].isupper() or next_text[:1].isdigit())
        )
        if starts_new and not text.endswith((",", ";", "-")):
            first_word, need, room, joined = _room(line, next_text, measure, indent)
            if not joined and room >= need + SHORT_LINE_SLACK * measure:
                return True, "short line without a sentence end (title or heading)", False
        return False, "no sentence end", False
    if next_lower or next_text.lstrip(OPENERS)[:1].islower():
        return False, "the next line starts in lower case: the sentence goes on", False
    first_word, need, room, joined = _room(line, next_text, measure, indent)
    margin = FIT_MARGIN * measure
    if room >= need + margin:
        unsure = room - need < 0.03 * measure
        return True, f"sentence end, {first_word!r} would fit ({room:.0f} ≥ {need:.0f})", unsure
    unsure = need + margin - room < 0.03 * measure
    return False, f"sentence end but {first_word!r} would not fit", unsure


def first_line_indent(body: list[Line], breaks: list[bool], measure: float) -> tuple[float, float]:
    """Estimate the first-line indent of paragraphs from the lines after sure breaks.

    Returns (indent, typical full width), both as widths. In a text with indented
    paragraphs, a paragraph's first line (when the paragraph goes on after it) is full
    but shorter than the other full lines by the indent. Zero when the text shows none.
    """
    if measure <= 0:
        return 0.0, measure  # no line has a width: no indent to see
    firsts: list[float] = []
    middles: list[float] = []
    # Each line but the first and the last, with the line before it and the breaks after both.
    for before, line, after_break, ends in zip(body, body[1:-1], breaks, breaks[1:], strict=False):
        if line.role != _BODY or line.page != before.page or ends:
            continue
        width, joined = line_fill(line, measure)
        if joined:
            continue
        (firsts if after_break else middles).append(width)
    if len(firsts) < 3 or len(middles) < 10:
        return 0.0, measure
    firsts.sort()
    middles.sort()
    first = firsts[len(firsts) // 2]
    middle = middles[len(middles) // 2]
    indent = middle - first
    return (indent if indent > INDENT_MIN * measure else 0.0), middle


def unwrap(
    doc: SourceDocument,
    report: Report,
    decide_hyphen: Callable[[str, str, bool], tuple[str, str, str, bool]] | None = None,
    page_labels: dict[int, str] | None = None,
) -> list[Block]:
    """Join BODY lines into paragraph blocks.

    With ``page_labels`` (page index → printed label), a :class:`PageBreak` is put before
    the first text of each page after the first; never inside a word (after a word that a
    line-end hyphen split over the page break) nor inside a heading (it waits for the next
    line that is no heading's continuation).

    ``decide_hyphen(left, right, soft)`` returns (action, result, evidence, unsure) for a line
    that ends in ``left-`` followed by a line starting with ``right`` (``soft``: the hyphen was
    marked as a soft one); without it, hyphens are joined.

    Two passes: the first decides breaks by line fill alone; from its sure breaks the
    first-line indent of the text is estimated, and the second pass uses it (a paragraph's
    indented first line has less room, and a short full line after a sentence end starts
    a paragraph).
    """
    body = [line for line in doc.lines() if line.role in TEXT_ROLES]
    measure = measure_of([line for line in body if line.role == _BODY])
    decisions = [_boundary(body, i, measure, 0.0) for i in range(len(body) - 1)]
    indent, full = first_line_indent(body, [d[0] for d in decisions] + [True], measure)
    if indent:
        report.add(
            STEP,
            "indent",
            f"paragraphs are indented by about {indent / measure:.1%} of the line",
            evidence="first lines after sure breaks are shorter than other full lines",
        )
        previous_break = True
        for i in range(len(body) - 1):
            decisions[i] = _boundary(
                body,
                i,
                measure,
                indent if previous_break else 0.0,
                full=full,
                indent=indent,
                next_is_last=decisions[i + 1][0] if i + 1 < len(decisions) else True,
                # Without a first-line indent, line fill decides as in the first pass.
                known=None if previous_break else decisions[i],
            )
            previous_break = decisions[i][0]

    blocks: list[Block] = []
    current: list[Inline] = []
    start = 0
    pending: list[Inline] = []  # page breaks waiting for a place
    page = doc.pages[0].index if doc.pages else 0

    def _block(parts: list[Inline], first: int, end: int) -> Block:
        role = body[first].role
        kind = KIND_OF_ROLE[role]
        return Block(
            kind,
            _merge_text(parts),
            level=body[first].level if role == _HEADING else 2,
            first_line=body[first].number,
            line_count=end - first,
        )

    for index, line in enumerate(body):
        # (line_parts' own first test, without a call: most lines have no markers or styles)
        parts = line_parts(line) if line.markers or line.styles or not line.text else [line.text]
        if page_labels and line.page > page:
            pending += [
                PageBreak(page_labels[p])
                for p in range(page + 1, line.page + 1)
                if p in page_labels
            ]
            page = line.page
        if line.toc:
            pending += line.toc  # outline entries point here: markers, as page breaks are
        breaks = []
        if pending and not (current and line.role == _HEADING):  # (no break inside a heading)
            breaks, pending = pending, []
        if current:
            _join_into(current, parts, line, report, decide_hyphen, breaks)
        else:
            current = breaks + parts
        if index + 1 >= len(body):
            break
        next_line = body[index + 1]
        brk, evidence, unsure = decisions[index]
        if next_line.page != line.page or next_line.page_start or unsure:
            report.add(
                STEP,
                "break" if brk else "join",
                f"{line.text[-30:]!r} | {next_line.text[:30]!r}",
                evidence=evidence
                + (" (across a page break)" if next_line.page != line.page else ""),
                line=line.number,
                unsure=unsure,
            )
        if brk:
            blocks.append(_block(current, start, index + 1))
            current = []
            start = index + 1
    if current:
        blocks.append(_block(current, start, len(body)))
    return blocks


def _boundary(
    body: list[Line],
    i: int,
    measure: float,
    line_indent: float,
    full: float = 0.0,
    indent: float = 0.0,
    next_is_last: bool = True,
    known: tuple[bool, str, bool] | None = None,
) -> tuple[bool, str, bool]:
    """The break decision between body[i] and body[i + 1].

    ``known``: the decision of this function for the same ``line_indent`` without
    ``indent``, when already made (it is what :func:`ends_paragraph` decided, if it decided).
    """
    line, next_line = body[i], body[i + 1]
    if next_line.role != line.role or (line.role == _HEADING and next_line.level != line.level):
        return True, f"{line.role.value} → {next_line.role.value}", False
    if line.role == _HEADING:
        return False, "heading continues", False
    if next_line.starts_paragraph is not None:
        return next_line.starts_paragraph, "the PDF layout shows it", False
    if known is None:
        known = ends_paragraph(line, next_line, measure, line_indent)
    brk, evidence, unsure = known
    if brk or not indent or next_is_last or next_line.role != _BODY:
        return brk, evidence, unsure
    # The next line is full (its paragraph goes on) yet short by about the indent: it is
    # the indented first line of a new paragraph.
    text = line.text.rstrip()
    starts_lower = next_line.text.lstrip(OPENERS)[:1].islower()
    if ends_sentence(text) and not ends_with_initial(text) and not starts_lower:
        width, joined = line_fill(next_line, measure)
        if not joined and width <= full - 0.6 * indent:
            return True, "sentence end, and the next line is short by the first-line indent", True
    return brk, evidence, unsure


def _join_into(
    current: list[Inline],
    parts: list[Inline],
    line: Line,
    report,
    decide,
    breaks: list[Inline] | None = None,
) -> None:
    """Append the parts of the next printed line, resolving a line-end hyphen.

    ``breaks`` (page breaks before the line) go before the line's text, or after the word
    a line-end hyphen joined across them. Emphasis marks between the line end and the next
    line's first word are looked past: the joined word takes the left half's emphasis.
    """
    last = current[-1] if current else ""
    first = parts[0] if parts else ""
    # Most lines: text after text, and neither a hyphen nor a dash at the joint (what the
    # checks below look at first): a space, without them.
    if (
        type(last) is str
        and type(first) is str
        and last[-1:] not in _JOINT_MARKS
        and not last[-1:].isspace()
        and first[:1] != "—"
    ):
        current.append(" ")
        current.extend(breaks or ())
        current.extend(parts)
        return
    # The last text of the paragraph and the first of the line, past emphasis marks.
    at_last = len(current) - 1
    while at_last > 0 and isinstance(current[at_last], StyleMark):
        at_last -= 1
    at_first = 0
    while at_first < len(parts) - 1 and isinstance(parts[at_first], StyleMark):
        at_first += 1
    last = current[at_last] if current else ""
    first = parts[at_first] if parts else ""
    if isinstance(last, str) and isinstance(first, str):
        split = split_line_end_hyphen(last)
        right_match = FIRST_WORD_RE.match(first) if split else None
        if split and right_match:
            prefix, left_word = split
            soft = last.rstrip().endswith("\u00ad")
            right_word = right_match.group(0)
            if decide is None:
                action, result, evidence, unsure = "join", left_word + right_word, "", True
            else:
                action, result, evidence, unsure = decide(left_word, right_word, soft)
            if action == "suspended":
                shown = f"{result} {right_word}"
            else:
                shown = result
            current[at_last] = prefix + shown
            parts = [*parts[:at_first], first[len(right_word) :], *parts[at_first + 1 :]]
            report.add(
                "hyphenation",
                action,
                f"{left_word}-|{right_word} → {shown}",
                evidence=evidence,
                line=line.number - 1 if line.number else 0,
                unsure=unsure,
            )
            current.extend(breaks or ())
            current.extend(parts)
            return
    if isinstance(last, str) and (
        (last.endswith(_DASH_ENDS) and DASH_END_RE.search(last))
        or (isinstance(first, str) and DASH_START_RE.match(first) and last[-1:].isalnum())
    ):
        # "class—" + "the": a dash set closed up to its word continues without a space.
        if breaks and isinstance(first, str):  # "1914–" + "1918": after the closed-up word
            word = FIRST_WORD_RE.match(first)
            cut = word.end() if word else 0
            parts = [*parts[:at_first], first[:cut], *breaks, first[cut:], *parts[at_first + 1 :]]
        else:
            current.extend(breaks or ())
        current.extend(parts)
        return
    current.append(" ")
    current.extend(breaks or ())
    current.extend(parts)


def _merge_text(parts: list[Inline]) -> list[Inline]:
    """Merge adjacent strings and normalise spaces; drop empty strings. Emphasis marks are
    made well-formed and minimal (see :func:`_merge_styled`)."""
    kinds = set(map(type, parts))
    if StyleMark in kinds:
        return _merge_styled(parts)
    if kinds <= {str}:  # most paragraphs: one text
        text = _squeeze_spaces("".join(parts)).strip()
        return [text] if text else []
    merged: list[Inline] = []
    run: list[str] = []  # adjacent strings, joined at once (not copied line by line)
    for part in parts:
        if isinstance(part, str):
            run.append(part)
            continue
        if run:
            merged.append("".join(run))
            run = []
        merged.append(part)
    if run:
        merged.append("".join(run))
    out: list[Inline] = []
    for part in merged:
        if isinstance(part, str):
            part = _squeeze_spaces(part)
            if all(isinstance(p, PageBreak) for p in out):  # leading page breaks: ≤ a few
                part = part.lstrip()
            if part:
                out.append(part)
        else:
            out.append(part)
    if out and isinstance(out[-1], str):
        out[-1] = out[-1].rstrip()
        if not out[-1]:
            out.pop()
    return out


STYLE_ORDER = ("strong", "em")  # the outer one first where both open at once


def _merge_styled(parts: list[Inline]) -> list[Inline]:
    """:func:`_merge_text` for parts with emphasis marks: the same text and spaces, with
    marks only where the emphasis changes, properly nested, and never around spaces or a
    note reference at an emphasis's edge; empty emphasis is dropped, and two runs of one
    emphasis with only spaces (a line break) between them become one.

    >>> em, end = StyleMark("em", True), StyleMark("em", False)
    >>> _merge_styled(["a ", em, "Sovjet", end, " ", em, "unionen ", end, "b"])
    ['a ', StyleMark(kind='em', opening=True), 'Sovjet unionen', \
StyleMark(kind='em', opening=False), ' b']
    """
    # Every character with the emphasis it stands in; other inlines with None.
    items: list[tuple[Inline, frozenset[str] | None]] = []
    open_count: dict[str, int] = {}
    for part in parts:
        if isinstance(part, StyleMark):
            change = 1 if part.opening else -1
            open_count[part.kind] = max(0, open_count.get(part.kind, 0) + change)
        elif isinstance(part, str):
            active = frozenset(k for k, n in open_count.items() if n)
            for char in part:
                if not char.isspace():
                    items.append((char, active))
                elif not (items and items[-1][0] == " "):
                    items.append((" ", active))  # runs of spaces become one
        else:
            items.append((part, None))
    # Leading spaces (before any text or note reference) and trailing ones go.
    start = 0
    while start < len(items) and (
        items[start][0] == " " or isinstance(items[start][0], PageBreak | TocTarget)
    ):
        start += 1
    items = [it for k, it in enumerate(items) if k >= start or it[0] != " "]
    while items and items[-1][0] == " ":
        items.pop()
    # Spaces and inlines take only the emphasis shared by the text on both sides.
    before: list[frozenset[str]] = []
    last: frozenset[str] = frozenset()
    for c, st in items:
        before.append(last)
        if st is not None and c != " ":
            last = st
    after: list[frozenset[str]] = [frozenset()] * len(items)
    nxt: frozenset[str] = frozenset()
    for k in range(len(items) - 1, -1, -1):
        after[k] = nxt
        c, st = items[k]
        if st is not None and c != " ":
            nxt = st
    out: list[Inline] = []
    stack: list[str] = []
    text: list[str] = []

    def flush() -> None:
        if text:
            out.append("".join(text))
            text.clear()

    for k, (c, st) in enumerate(items):
        styles = st if st is not None and c != " " else before[k] & after[k]
        if set(stack) != styles:
            keep = 0
            while keep < len(stack) and stack[keep] in styles:
                keep += 1
            flush()
            while len(stack) > keep:
                out.append(StyleMark(stack.pop(), False))
            for kind in STYLE_ORDER:
                if kind in styles and kind not in stack:
                    stack.append(kind)
                    out.append(StyleMark(kind, True))
        if isinstance(c, str):
            text.append(c)
        else:
            flush()
            out.append(c)
    flush()
    while stack:
        out.append(StyleMark(stack.pop(), False))
    return out


def _squeeze_spaces(text: str) -> str:
    """``re.sub(r"\\s+", " ", text)``; a printable text without double spaces has nothing to
    change (every whitespace character but the space is unprintable), and the check is fast.

    >>> _squeeze_spaces("a  b\\u00a0c\\nd"), _squeeze_spaces("a b")
    ('a b c d', 'a b')
    >>> [c for c in map(chr, range(0x110000)) if c.isspace() and c.isprintable() and c != " "]
    []
    """
    if text.isprintable() and "  " not in text:
        return text
    return _SPACES_RE.sub(" ", text)
