"""The one small document model every reader produces and the EPUB writer consumes.

Two levels, one direction:

* :class:`Page` / :class:`Line` — what a reader knows about the printed pages: the text of
  each printed line, on which page it stands, and hints (indent, vertical gap, a note
  marker or note label the reader already recognised). Cleaning steps set each line's
  :class:`Role` and find what the reader could not.
* :class:`Book` — the cleaned result: metadata, front matter, blocks of running text with
  inline note references, page-break markers and emphasis marks, and the notes. The writer
  only ever sees a ``Book``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import attrgetter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
from enum import StrEnum


class Role(StrEnum):
    """What a printed line is, decided by the cleaning steps."""

    UNKNOWN = "unknown"
    BODY = "body"
    NOTE = "note"  # part of a footnote at the page bottom
    HEADER = "header"  # running header or footer text
    PAGE_NUMBER = "page-number"
    SEPARATOR = "separator"  # footnote separator rule (often only spaces)
    LINK = "link"  # stray URL in a note area, re-attached to a note
    HEADING = "heading"  # a heading line of the body (level in Line.level)
    QUOTE = "quote"  # a line of a block quote in the body
    BLANK = "blank"


@dataclass
class Marker:
    """A note marker in a body line: ``label`` printed right before ``offset`` in ``text``."""

    offset: int
    label: str
    note_id: str | None = None  # set when linked to a note


@dataclass(slots=True)
class Line:
    """One printed line of the source.

    >>> Line("Sovjet-", page=0).text
    'Sovjet-'
    """

    text: str
    page: int
    number: int = 0  # 1-based line number in the input file, for reports
    indent: int = 0  # leading spaces in the source
    gap_before: bool = False  # the extractor showed a vertical gap (blank line) before it
    role: Role = Role.UNKNOWN
    # Markers, outline targets and style spans: most lines have none, and a long book has
    # 100,000 lines, so the default is one shared empty tuple (20 MB less on a 10 MB text
    # than three new lists a line); steps assign new sequences instead of appending.
    markers: Sequence[Marker] = ()
    note_label: str | None = None  # this line starts a footnote with this printed label
    page_start: bool = False  # the first body line of a page
    level: int = 2  # for HEADING lines: 2 = h2, 3 = h3
    starts_paragraph: bool | None = None  # the reader saw it (PDF geometry); None: unknown
    toc: Sequence[TocTarget] = ()  # outline entries pointing at this line
    # Emphasis the reader saw (PDF fonts): (start, end, "em"/"strong"), offsets into text.
    styles: Sequence[tuple[int, int, str]] = ()

    def replace(self, start: int, end: int, new: str) -> None:
        """Replace ``text[start:end]`` by ``new``, keeping markers and style spans on the
        characters they belong to (a span reaching into the replaced text covers ``new``).

        >>> line = Line("Sovjet- unionen", 0, styles=[(0, 15, "em")])
        >>> line.replace(6, 8, ""); line.text, line.styles
        ('Sovjetunionen', [(0, 13, 'em')])
        """
        delta = len(new) - (end - start)
        self.text = self.text[:start] + new + self.text[end:]
        for marker in self.markers:
            if marker.offset >= end:
                marker.offset += delta
            elif marker.offset > start:
                marker.offset = min(marker.offset, start + len(new))
        self.styles = shift_styles(self.styles, start, end, len(new))


def shift_styles(
    styles: Sequence[tuple[int, int, str]], start: int, end: int, length: int
) -> list[tuple[int, int, str]]:
    """Style spans after ``text[start:end]`` was replaced by ``length`` characters; spans
    left empty are dropped. Text inserted at a span's edge stays outside it.

    >>> shift_styles([(0, 4, "em"), (5, 9, "strong")], 4, 4, 2)
    [(0, 4, 'em'), (7, 11, 'strong')]
    """
    delta = length - (end - start)
    out = []
    for a, b, kind in styles:
        a = a if a < start else a + delta if a >= end else start
        b = b if b <= start else b + delta if b > end else start + length
        if a < b:
            out.append((a, b, kind))
    return out


_ROLE_OF = attrgetter("role")


def has_role(lines: Iterable[Line], role: Role) -> bool:
    """Whether any of ``lines`` has ``role``, tested in C (a generator over the lines, and
    ``Role.X`` looked up per line, cost several times as much).

    >>> has_role([Line("a", 0, role=Role.BODY)], Role.NOTE)
    False
    """
    return role in map(_ROLE_OF, lines)


@dataclass
class Page:
    index: int
    lines: list[Line] = field(default_factory=list)


@dataclass
class OutlineEntry:
    """One entry of the source's own outline (a PDF's bookmarks).

    ``level`` is its depth (0 = top), ``page`` the page index it points to, ``line`` the
    ``Line.number`` of the first line at or below the point it shows (0: the page's top).
    """

    title: str
    level: int
    page: int
    line: int = 0


@dataclass
class SourceDocument:
    """What a reader returns: the pages of printed lines, plus the reader's name, and the
    source's outline where it has one."""

    pages: list[Page]
    shape: str  # reader name, e.g. "seedstyle", "pdftotext"
    name: str = ""
    outline: list[OutlineEntry] = field(default_factory=list)

    def lines(self) -> list[Line]:
        return [line for page in self.pages for line in page.lines]


# --- the cleaned book -------------------------------------------------------------


@dataclass
class NoteRef:
    """An inline reference to a note, printed as its ``label``."""

    note_id: str
    label: str


@dataclass
class PageBreak:
    """Where a page of the source begins, printed there as page ``label`` ("3", "iv").

    Only a marker: it adds no text to the paragraph it stands in.
    """

    label: str


@dataclass
class TocTarget:
    """Where an entry of the table of contents points: ``title`` at depth ``level`` (0 = top).

    Only a marker, like :class:`PageBreak`: at the start of a heading it makes that heading the
    entry; inside running text it is an anchor that adds no text.
    """

    title: str
    level: int = 0


@dataclass
class StyleMark:
    """Where an emphasis of ``kind`` ("em" italic, "strong" bold) opens or closes.

    Only a marker, like :class:`PageBreak`: it adds no text.
    """

    kind: str
    opening: bool


Inline = str | NoteRef | PageBreak | TocTarget | StyleMark


class BlockKind(StrEnum):
    PARAGRAPH = "paragraph"
    HEADING = "heading"
    BLOCKQUOTE = "blockquote"
    COLOPHON = "colophon"


@dataclass
class Block:
    kind: BlockKind
    content: list[Inline]
    level: int = 2  # for headings: 2 = h2, 3 = h3
    first_line: int = 0  # 1-based input line where the block starts, for reports
    line_count: int = 0  # printed lines it was made from

    def plain_text(self) -> str:
        # (one isinstance test a string, the common part: this runs several times a block)
        return "".join(
            part if isinstance(part, str) else part.label if isinstance(part, NoteRef) else ""
            for part in self.content
        )


@dataclass
class Note:
    """A footnote: ``id`` is unique and stable (the printed label where it is one)."""

    id: str
    label: str
    text: str
    # The text with its emphasis marks (and nothing else), when it has any; else empty.
    content: list[Inline] = field(default_factory=list)


@dataclass
class Metadata:
    title: str = ""
    authors: list[str] = field(default_factory=list)
    language: str = ""
    date: str = ""  # ISO 8601: YYYY, YYYY-MM or YYYY-MM-DD
    translators: list[str] = field(default_factory=list)
    publisher: str = ""
    series: str = ""
    rights: str = ""
    description: str = ""
    identifier: str = ""  # filled by the writer from the content when empty


@dataclass
class Book:
    metadata: Metadata
    front: list[str] = field(default_factory=list)  # title-page lines after title/author/date
    blocks: list[Block] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    cover_image: bytes | None = None  # user's cover (JPEG or PNG); drawn when None
    cover_media_type: str = "image/jpeg"
