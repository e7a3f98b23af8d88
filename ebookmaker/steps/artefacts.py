"""Page artefacts: running headers and footers, page numbers.

Marks them :attr:`Role.HEADER` / :attr:`Role.PAGE_NUMBER` so later steps drop them from the
body; every removal is recorded in the report with its evidence. Only general evidence is
used, never a word of a particular document:

* **page-number sequence** — a page number is a bare number at the top or bottom edge of a
  page whose value minus the page's index is the same constant on at least half of the pages
  (``2, 3, 4`` on pages 1, 2, 3). Note labels at a page bottom do not keep that step, and a
  bare number is only taken when the page shows more copies of it than its note markers
  account for (a label ``3`` under a text with the marker ``…behandeln3.`` is the note's);
* **repetition** — a running header or footer is a line at the page edge that repeats, with
  its digits ignored, on at least half of the pages after the first;
* **the first page** keeps its title block: a line there that merely repeats the running
  header (the title, the author) is kept, unless it also carries the page number of the
  sequence;
* a page number an extractor glued to the last word of a page (``between ex3`` for
  ``between ex-`` + page 3) is cut off when it fits the sequence.

A document without page breaks (one page) is left alone. Runs in linear time: each page is
looked at only at its edges, and the marker count of a page and label is one search for
the label's copies.

>>> pages = [Page(i, [Line(f"{word} begins here.", i, role=Role.BODY),
...                   Line(str(i + 1), i, role=Role.BODY)])
...          for i, word in enumerate(["One", "Two", "Three"])]
>>> report = Report()
>>> remove_page_artefacts(SourceDocument(pages, "plain"), report)
>>> [line.role.value for page in pages for line in page.lines]
['body', 'page-number', 'body', 'page-number', 'body', 'page-number']
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from itertools import islice

from ..explain import Report
from ..model import Line, Page, Role, SourceDocument, has_role
from .hyphenation import split_line_end_hyphen

STEP = "artefacts"
TOP_LINES = 3  # lines at a page's top where a page number may stand
BOTTOM_LINES = 4  # lines at a page's bottom (the number may follow note labels)
HEADER_LINES = 2  # lines at each edge where a running header or footer may stand
_ELIGIBLE = (Role.BODY, Role.UNKNOWN)

PAGE_NUMBER_RE = re.compile(r"^(?:[-–—]\s*)?(\d{1,4})(?:\s*[-–—])?$")
# A note marker glued to the text it follows: "behandeln3.", "own.”1 Here": a run of up to
# four digits right after a letter or one of these.
_DIGIT_RUN_RE = re.compile(r"\d+")
_BEFORE_MARKER_RE = re.compile(r"[^\W\d_]|[.,;:!?»”’\"')\]]")
# A note label glued to its note's text: "3Gemeiniglich", "1 Så kallas".
_GLUED_LABEL_RE = re.compile(r"^(\d{1,4})(\s*)([^\W\d_]|[“‘„«»\"'(\[¿¡])")
# A page number glued to the last word of a page: "contests between ex3".
_GLUED_NUMBER_RE = re.compile(r"^(.*[^\W\d_])(\d{1,4})$")


@dataclass(frozen=True)
class Sequence:
    """Where the page numbers stand ("top" / "bottom") and value − page index."""

    position: str
    offset: int
    support: int  # pages that show a number of the sequence
    pages: int  # pages with text


def remove_page_artefacts(doc: SourceDocument, report: Report) -> None:
    """Mark running headers/footers and page numbers (Role.HEADER / Role.PAGE_NUMBER)."""
    pages = [page for page in doc.pages if page.lines]
    if len(pages) < 2:
        return  # no page breaks: nothing tells a page number from a number in the text
    markers = _MarkerCounts()
    sequence = find_page_number_sequence(pages, markers)
    if sequence is not None:
        mark_page_numbers(pages, sequence, markers, report)
        strip_glued_page_numbers(pages, sequence, markers, report)
    mark_running_lines(pages, "top", sequence, report)
    mark_running_lines(pages, "bottom", sequence, report)


# --- page numbers -----------------------------------------------------------------


def page_number_value(text: str) -> int | None:
    """The value of a line that is only a page number, else None.

    >>> page_number_value("12"), page_number_value("– 3 –"), page_number_value("1795 a")
    (12, 3, None)
    """
    match = PAGE_NUMBER_RE.match(text.strip())
    return int(match.group(1)) if match else None


class _MarkerCounts:
    """Note-marker labels glued to the text of each page, counted once per page and label.

    >>> page = Page(0, [Line("enemy3. In 1795, 3 men", 0), Line("a13 b.3", 0)])
    >>> _MarkerCounts().count(page, "3")
    2
    """

    def __init__(self) -> None:
        self._pages: dict[int, tuple[str, Counter[str]]] = {}
        self._counts: dict[tuple[int, str], int] = {}

    def count(self, page: Page, label: str) -> int:
        key = (id(page), label)
        if key not in self._counts:
            if id(page) not in self._pages:  # the page as first asked about
                text = "\n".join([line.text for line in page.lines])  # (no marker spans lines)
                known = Counter(marker.label for line in page.lines for marker in line.markers)
                self._pages[id(page)] = (text, known)
            text, known = self._pages[id(page)]
            # Only the copies of this label are looked at (str.find), not every digit of the
            # page: a copy counts when it is a whole digit run right after a letter or mark.
            found = 0
            at = text.find(label, 1)
            while at != -1:
                end = at + len(label)
                if _BEFORE_MARKER_RE.match(text, at - 1) and not text[end : end + 1].isdecimal():
                    found += 1
                at = text.find(label, end)
            self._counts[key] = found + known[label]
        return self._counts[key]


def has_surplus(page: Page, value: int, markers: _MarkerCounts) -> bool:
    """Does the page show more copies of ``value`` than its note markers account for?

    Each note marker ``N`` in the text has its label ``N`` in the note area; a bare ``N``
    beyond those is free to be the page number.

    >>> page = Page(0, [Line("treated as an enemy3.", 0), Line("The note.", 0),
    ...                 Line("3", 0)])
    >>> has_surplus(page, 3, _MarkerCounts())
    False
    >>> page.lines.append(Line("3", 0))
    >>> has_surplus(page, 3, _MarkerCounts())
    True
    """
    label = str(value)
    copies = 0
    for line in page.lines:
        if line.note_label == label:
            copies += 1
        elif line.text[:1].isdecimal():  # (a copy starts with a digit: most lines do not)
            if line.text == label:
                copies += 1
                continue
            glued = _GLUED_LABEL_RE.match(line.text)
            if glued and glued.group(1) == label and not glued.group(3).islower():
                copies += 1
    return copies > markers.count(page, label)


def _edge(page: Page, position: str, size: int) -> list[Line]:
    return page.lines[:size] if position == "top" else page.lines[-size:]


def _number_candidates(page: Page, position: str, markers: _MarkerCounts) -> list[Line]:
    """Bare-number lines at one edge of a page that may be its page number."""
    found = []
    for line in _edge(page, position, TOP_LINES if position == "top" else BOTTOM_LINES):
        value = page_number_value(line.text)
        if value is None:
            continue
        if line.role == Role.PAGE_NUMBER or (
            line.role in _ELIGIBLE and has_surplus(page, value, markers)
        ):
            found.append(line)
    return found


def find_page_number_sequence(pages: list[Page], markers: _MarkerCounts) -> Sequence | None:
    """The edge and offset (value − page index) most pages agree on, if at least half do.

    >>> pages = [Page(i, [Line(str(i + 5), i, role=Role.BODY), Line("Text.", i)])
    ...          for i in range(3)]
    >>> find_page_number_sequence(pages, _MarkerCounts())
    Sequence(position='top', offset=5, support=3, pages=3)
    """
    support: Counter[tuple[str, int]] = Counter()
    for page in pages:
        for position in ("top", "bottom"):
            offsets = {
                page_number_value(line.text) - page.index  # type: ignore[operator]
                for line in _number_candidates(page, position, markers)
            }
            support.update((position, offset) for offset in offsets)
    if not support:
        return None
    (position, offset), count = max(support.items(), key=lambda item: (item[1], item[0][0]))
    if count < 2 or 2 * count < len(pages):
        return None
    return Sequence(position, offset, count, len(pages))


def mark_page_numbers(
    pages: list[Page], sequence: Sequence, markers: _MarkerCounts, report: Report
) -> None:
    """Mark the bare number of the sequence at the sequence's edge of each page.

    Of several candidates the outermost is taken (at the bottom the last: a note label with
    the same value stands above the page number).
    """
    for page in pages:
        fitting = [
            line
            for line in _number_candidates(page, sequence.position, markers)
            if page_number_value(line.text) == page.index + sequence.offset
        ]
        if not fitting:
            continue
        line = fitting[0] if sequence.position == "top" else fitting[-1]
        if line.role == Role.PAGE_NUMBER:
            continue  # the reader already knew
        line.role = Role.PAGE_NUMBER
        report.add(
            STEP,
            "drop",
            line.text,
            evidence=_sequence_evidence(sequence, "page number"),
            line=line.number,
        )


def strip_glued_page_numbers(
    pages: list[Page], sequence: Sequence, markers: _MarkerCounts, report: Report
) -> None:
    """Cut a page number glued to the last word of a page that shows no page number.

    The extractor joined a line-end hyphen with the number below it, so the hyphen is put
    back as a soft hyphen for the hyphenation step.

    >>> pages = [Page(i, [Line("Text between ex", i, role=Role.BODY),
    ...                   Line(str(i + 1), i, role=Role.PAGE_NUMBER)]) for i in range(3)]
    >>> pages[1].lines = [Line("Text between ex2", 1, role=Role.BODY)]
    >>> strip_glued_page_numbers(pages, Sequence("bottom", 1, 2, 3), _MarkerCounts(), Report())
    >>> pages[1].lines[0].text
    'Text between ex\\xad'
    """
    if sequence.position != "bottom":
        return
    for page in pages:
        if has_role(page.lines, Role.PAGE_NUMBER):
            continue
        line = page.lines[-1]
        match = _GLUED_NUMBER_RE.match(line.text)
        if line.role not in _ELIGIBLE or not match:
            continue
        value = int(match.group(2))
        if value != page.index + sequence.offset or has_surplus(page, value, markers):
            continue  # a note marker whose label is on this page
        line.replace(len(match.group(1)), len(line.text), "\u00ad")
        report.add(
            STEP,
            "drop",
            f"{match.group(2)} (glued to “{match.group(1)[-20:]}”)",
            evidence=_sequence_evidence(sequence, "page number glued to the last word"),
            line=line.number,
        )


def _sequence_evidence(sequence: Sequence, what: str) -> str:
    return (
        f"{what} at the page {sequence.position}: value − page index = {sequence.offset} "
        f"on {sequence.support} of {sequence.pages} pages"
    )


# --- running headers and footers --------------------------------------------------


def header_key(text: str) -> str | None:
    """What stays the same of a running header from page to page; None without letters.

    >>> header_key("Zum ewigen Frieden.      12")
    'zum ewigen frieden. #'
    >>> header_key("12") is None
    True
    """
    if not any(map(str.isalpha, text)):  # (one C-level pass, no generator)
        return None
    return " ".join(_DIGIT_RUN_RE.sub("#", text.casefold()).split())


def _header_window(page: Page, position: str) -> list[Line]:
    # Walk in from the edge: the first lines that are not page numbers, no copy of the page.
    lines = page.lines if position == "top" else reversed(page.lines)
    window = list(islice((line for line in lines if line.role != Role.PAGE_NUMBER), HEADER_LINES))
    return window if position == "top" else window[::-1]


def mark_running_lines(
    pages: list[Page], position: str, sequence: Sequence | None, report: Report
) -> None:
    """Mark lines at one page edge that repeat (digits ignored) on half the later pages.

    Digits in such a line must be the same on every page or be the page number.
    The first page is the title page: a line there that repeats the header is the title or
    the author and is kept, unless its number is the page number the sequence expects.
    """
    later = pages[1:]
    # Each edge line's key and number variants, worked out once for both passes below.
    windows = [
        [
            (line, header_key(line.text), _number_variants(line.text, page))
            for line in _header_window(page, position)
        ]
        for page in pages
    ]
    seen: Counter[tuple[str, tuple]] = Counter()
    for window in windows[1:]:
        found = {(key, variant) for _, key, variants in window if key for variant in variants}
        seen.update(found)
    needed = max(2, (len(later) + 1) // 2)
    running = {item: count for item, count in seen.items() if count >= needed}
    if not running:
        return
    # A line that, wherever it repeats, carries on a word broken by a hyphen on the line above
    # is text that happens to repeat ("kollektiv-" / "iseringen och."), not a running line.
    carried = {
        key
        for key, _ in running
        if all(
            _carries_broken_word(page, line)
            for page, window in zip(later, windows[1:], strict=True)
            for line, other, _ in window
            if other == key
        )
    }
    running = {item: count for item, count in running.items() if item[0] not in carried}
    if not running:
        return
    what = "running header" if position == "top" else "running footer"
    for page, window in zip(pages, windows, strict=True):
        done: set[str] = set()
        for line, key, variants in window:
            matched = {
                variant: running[(key, variant)]
                for variant in variants
                if key and (key, variant) in running
            }
            if not matched or key in done or line.role not in _ELIGIBLE:
                continue
            support = max(matched.values())
            done.add(key)
            evidence = (
                f"{what}: repeated at the page {position} on {support} of {len(later)} later pages"
            )
            numbered = any(variant[0] == "page" for variant in matched)
            if page is pages[0] and not (
                numbered or _carries_page_number(line.text, page, sequence)
            ):
                report.add(
                    STEP,
                    "keep",
                    line.text,
                    evidence=f"first page (title block); {evidence}",
                    line=line.number,
                )
                continue
            line.role = Role.HEADER
            report.add(STEP, "drop", line.text, evidence=evidence, line=line.number)


def _carries_broken_word(page: Page, line: Line) -> bool:
    """Does ``line`` start in lower case under a line of ``page`` that ends in a word and a
    hyphen (:func:`split_line_end_hyphen`): the second half of a broken word?

    >>> page = Page(3, lines=[Line("Samhällets kollektiv-", 3), Line("iseringen och.", 3)])
    >>> _carries_broken_word(page, page.lines[1]), _carries_broken_word(page, page.lines[0])
    (True, False)
    """
    if not line.text.lstrip()[:1].islower():
        return False
    lines = page.lines
    for index in range(len(lines) - 1, 0, -1):  # (running lines sit near an edge)
        if lines[index] is line:
            return split_line_end_hyphen(lines[index - 1].text) is not None
    return False


def _number_variants(text: str, page: Page) -> list[tuple]:
    """How the digits of a header-like line may repeat: the same numbers on every page, or
    a page number (value − page index constant). "Article 7" on one page and "Article 9" on
    the next is neither.

    >>> _number_variants("Title 3", Page(2))
    [('same', (3,)), ('page', 1)]
    >>> _number_variants("Title", Page(2))
    [('same', ())]
    """
    numbers = tuple(map(int, _DIGIT_RUN_RE.findall(text)))
    variants: list[tuple] = [("same", numbers)]
    if numbers:
        variants.append(("page", numbers[-1] - page.index))
    return variants


def _carries_page_number(text: str, page: Page, sequence: Sequence | None) -> bool:
    """Does a header-like line end or start with this page's number of the sequence?

    >>> _carries_page_number("Title 1", Page(0), Sequence("top", 1, 3, 4))
    True
    >>> _carries_page_number("Title 1795", Page(0), Sequence("top", 1, 3, 4))
    False
    """
    if sequence is None:
        return False
    numbers = re.findall(r"^\d+|\d+$", text.strip())
    return any(int(number) == page.index + sequence.offset for number in numbers)
