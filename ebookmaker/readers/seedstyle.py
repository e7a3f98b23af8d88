"""Reader for the "copy-paste" shape: printed lines separated by empty lines.

The shape (see the seed's DECISIONS.md) has these traits, which this reader turns into
:class:`~ebookmaker.model.Line` objects with roles, markers and note labels:

* every printed line is followed by an empty line;
* a note marker is cut out of its printed line: the text before it ends the line, the label
  stands alone on the next line, and the rest of the printed line follows with a leading
  space (possibly after an empty line);
* a footnote area starts with a separator line of spaces, then each note is a label alone on
  a line followed by its text with a leading space;
* a new page starts with a line that has a leading space and directly follows the last note
  line (no empty line between);
* when a page lost its separator and first note label, the note's first line directly follows
  the last body line and starts with spaces.

>>> doc = read_seedstyle("Title \\n\\nText ends here.\\n1\\n rest of line \\n\\n" + " " * 30 +
...                      "\\n1\\n The note. \\n Next page. \\n")
>>> [(line.role.value, line.text) for line in doc.lines()][:3]
[('body', 'Title'), ('body', 'Text ends here. rest of line'), ('separator', '')]
>>> doc.lines()[1].markers[0].label
'1'
"""

from __future__ import annotations

import operator
import re

from ..metrics import text_width
from ..model import Line, Marker, Page, Role, SourceDocument

LABEL_RE = re.compile(r"^\s*(\d{1,4}|[*†‡§‖¶#]{1,3})\s*$")
GLUED_LABEL_RE = re.compile(r"^\s*(\d{1,3}|[*†‡§‖¶]{1,3})\s+(\S.*)$")
URL_RE = re.compile(r"^\s*(https?://|www\.)\S+\s*$")
SEPARATOR_MIN_SPACES = 10
LOST_LABEL = "?"


def looks_like_seedstyle(text: str) -> bool:
    """True when most printed lines are followed by an empty line.

    >>> looks_like_seedstyle("a \\n\\nb \\n\\nc \\n\\nd\\n")
    True
    >>> looks_like_seedstyle("a\\nb\\nc\\nd\\n")
    False
    """
    filled = list(map(bool, map(str.strip, text.split("\n"))))  # (loops in C: fast)
    nonblank = filled.count(True)
    if nonblank < 4:
        return False
    followed_by_blank = sum(map(operator.gt, filled, filled[1:]))  # filled, then blank
    return followed_by_blank / nonblank > 0.6


def _continues_numbering(label: str, lines: list[Line]) -> bool:
    """Would a note labelled ``label`` be the next note of this note area?

    >>> _continues_numbering("3", [Line("", 0, note_label="2", role=Role.NOTE)])
    True
    >>> _continues_numbering("1956", [Line("", 0, note_label="12", role=Role.NOTE)])
    False
    """
    previous = [line.note_label for line in lines if line.note_label]
    if not label.isdigit():
        return True
    if not previous or not previous[-1].isdigit():
        return int(label) < 1000
    return int(label) == int(previous[-1]) + 1


def _starts_lost_note_area(
    raw: list[str], index: int, body_widths: list[float], page_markers: set[str]
) -> bool:
    """Is the indented line at ``index`` (directly after body text) a note, not a page start?

    Both follow a body line without an empty line between. A note that lost its label keeps
    the label's space (two leading spaces), and note lines are set in a smaller font, so
    they run wider than any body line; a new page starts with a body line or a header. A
    label that repeats a marker already used on this page also starts a note.
    """
    if raw[index].startswith("  "):
        return True
    if not body_widths:
        return False
    ahead: list[float] = []
    k = index
    while k < len(raw) and len(ahead) < 4:
        line = raw[k]
        if line.strip():
            label = LABEL_RE.match(line)
            if label and not line.endswith(" ") and label.group(1) in page_markers:
                return True  # a label whose marker this page already used: a note follows
            if label or (k > index and line.startswith(" ") and raw[k - 1].strip()):
                break
            ahead.append(text_width(line.strip()))
        elif len(line) >= SEPARATOR_MIN_SPACES:
            break
        k += 1
    widest_body = sorted(body_widths)[int(0.9 * (len(body_widths) - 1))]
    return bool(ahead) and max(ahead) > 1.08 * widest_body


def read_seedstyle(text: str, name: str = "") -> SourceDocument:
    """Read text of the copy-paste shape into pages of printed lines."""
    raw = text.split("\n")
    pages: list[Page] = [Page(0)]
    in_notes = False
    pending_marker: tuple[str, int] | None = None  # label waiting for its continuation
    current: Line | None = None  # the printed line being assembled
    body_widths: list[float] = []  # widths of the body lines read so far
    page_markers: set[str] = set()  # marker labels used on the current page
    body_page = -1  # the index of the last page with a body line (not a scan of a page a line)
    i = 0

    def blank_before(index: int) -> bool:
        return index > 0 and not raw[index - 1].strip()

    while i < len(raw):
        source = raw[i]
        number = i + 1
        stripped = source.strip()
        page = pages[-1]

        if not stripped:
            # A separator is a long run of spaces; a bare " " after a marker is an empty rest.
            if len(source) >= SEPARATOR_MIN_SPACES:
                page.lines.append(Line("", page.index, number, role=Role.SEPARATOR))
                in_notes = True
                current = None
                pending_marker = None
            elif source and pending_marker is not None:
                pending_marker = None  # marker at the very end of the printed line
            i += 1
            continue

        # A cut-out label has no trailing space; a printed line always ends with one, so a
        # number followed by a space is a printed line (a page number, a year).
        label = LABEL_RE.match(source) if not source.endswith(" ") else None
        if in_notes and label is None and LABEL_RE.match(source):
            page.lines.append(Line(stripped, page.index, number, role=Role.PAGE_NUMBER))
            current = None
            pending_marker = None
            i += 1
            continue
        starts_with_space = source.startswith(" ")
        directly_after_text = i > 0 and raw[i - 1].strip() != ""

        if label and current is not None and not blank_before(i) and not in_notes:
            # A note marker cut out of a body line: the rest of the line follows.
            current.markers = [*current.markers, Marker(len(current.text), label.group(1))]
            page_markers.add(label.group(1))
            pending_marker = (label.group(1), number)
            i += 1
            continue

        if label and in_notes:
            # A note label alone on its line: the note's text follows with a leading space.
            pending_marker = (label.group(1), number)
            current = None
            i += 1
            continue

        if pending_marker is not None and starts_with_space:
            if in_notes:
                current = Line(
                    stripped,
                    page.index,
                    number,
                    role=Role.NOTE,
                    note_label=pending_marker[0],
                )
                page.lines.append(current)
            elif current is not None:
                # The rest of the printed line after the marker: glue it back on.
                rest = source.strip()
                current.text = f"{current.text.rstrip()} {rest}" if rest else current.text.rstrip()
            pending_marker = None
            i += 1
            continue
        pending_marker = None

        if (
            not in_notes
            and starts_with_space
            and directly_after_text
            and current is not None
            and _starts_lost_note_area(raw, i, body_widths, page_markers)
        ):
            # The page lost its separator and first note label: a note starts here.
            in_notes = True
            page.lines.append(Line("", page.index, number, role=Role.SEPARATOR))
            current = Line(stripped, page.index, number, role=Role.NOTE, note_label=LOST_LABEL)
            page.lines.append(current)
            i += 1
            continue

        if starts_with_space and directly_after_text:
            # A page start directly after the last note line (or body line of a page without notes).
            in_notes = False
            pages.append(Page(len(pages)))
            page = pages[-1]
            page_markers = set()
            current = Line(stripped, page.index, number, role=Role.BODY, page_start=True)
            page.lines.append(current)
            body_page = page.index
            i += 1
            continue

        glued = GLUED_LABEL_RE.match(source) if in_notes else None
        if glued and _continues_numbering(glued.group(1), page.lines):
            # A note whose label is printed on the same line as its text ("1 Så kallas…").
            current = Line(
                glued.group(2).strip(),
                page.index,
                number,
                role=Role.NOTE,
                note_label=glued.group(1),
            )
            page.lines.append(current)
            pending_marker = None
            i += 1
            continue

        if in_notes and URL_RE.match(source):
            page.lines.append(Line(stripped, page.index, number, role=Role.LINK))
            current = None
            i += 1
            continue

        role = Role.NOTE if in_notes else Role.BODY
        if not in_notes:
            body_widths.append(text_width(stripped))
        # (text, page, number, indent, gap_before, role) by position: keyword arguments cost
        # a third more a line.
        indent = len(source) - len(source.lstrip(" "))
        current = Line(stripped, page.index, number, indent, False, role)
        current.page_start = not in_notes and body_page != page.index
        page.lines.append(current)
        if not in_notes:
            body_page = page.index
        i += 1

    return SourceDocument(pages=pages, shape="seedstyle", name=name)
