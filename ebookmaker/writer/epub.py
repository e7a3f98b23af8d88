"""Write a :class:`~ebookmaker.model.Book` as a reproducible, EPUBCheck-clean EPUB 3.

Layout of the package (``EPUB/`` inside the zip)::

    cover.xhtml      the cover image alone (linear, so EPUBCheck has no OPF-096 to say)
    title.xhtml      author(s), title as <h1>, date, the front lines (publication note …);
                     the date is written out ("6 september 1935" for sv) unless a front
                     line already states it
    nav.xhtml        toc + hidden landmarks (+ hidden page list); in the spine only when the
                     book has headings; the toc follows the source's outline where the blocks
                     carry its :class:`~ebookmaker.model.TocTarget` markers (a heading, or an
                     empty ``<span id="toc-3"/>`` in the text), else the headings
    text.xhtml       the body; long books with <h2> headings are split: text-2.xhtml, …
    toc.ncx          for EPUB 2 reading systems
    style/book.css   ebookmaker/data/book.css
    images/cover.jpg the drawn cover (or the user's JPEG/PNG)

ebooklib builds the package document and the NCX; the XHTML documents are written here as
text, laid out and escaped as lxml's pretty_print writes them (ebooklib's ``EpubHtml`` would
re-parse them with the HTML parser and drop attributes on ``<html>``/``<body>``); the zip is
made here too, for reproducibility.

Notes — "aside per chapter". A reference is exactly::

    <a epub:type="noteref" role="doc-noteref" href="#n1" id="nref1">1</a>

with no child element (``<sup>`` inside the link broke Apple Books popups; CSS makes it
superscript). Every note is its own ``<aside epub:type="footnote" role="doc-footnote">``
in a ``<section class="footnotes">`` at the end of the same XHTML file as its first
reference, so it always comes *after* the reference; its paragraph starts with the label as
a ``doc-backlink`` to the reference. Why this shape:

* Apple Books pops up ``epub:type="footnote"`` targets and hides ``aside`` from the flow;
* Kobo pops up links to targets *later* in the book with 9–5000 characters;
* Kindle shows one note per popup only when each note is one element, backlink first;
* KOReader (and Readium) break when notes are hidden with CSS, so they never are;
* the DAISY guidance puts ``doc-footnote`` on ``aside`` and the backlink before the text;
  ``doc-endnotes`` on the section would be wrong for ``aside`` children, so the section
  carries only a class and a localized heading ("Noter", "Notes", "Anmerkungen" …).

Pages of the source — a :class:`~ebookmaker.model.PageBreak` in a block is written as::

    <span epub:type="pagebreak" role="doc-pagebreak" id="page-3" aria-label="3"/>

(empty; a page break at a heading's start goes right before the heading element, never into
it) and listed in a hidden ``<nav epub:type="page-list">`` of the nav document; the package
then declares ``pageBreakMarkers`` and ``pageNavigation`` and names the source of the pages
(``pageBreakSource``, the book's title: the EPUB's pages are those of the document it was
made from).

Emphasis — a :class:`~ebookmaker.model.StyleMark` pair becomes ``<em>`` (italic) or
``<strong>`` (bold), in paragraphs, headings, quotes and notes; marks that cross are closed
and reopened so the XHTML stays well-formed, and what is open at a block's end closes there.

Note ids become ``n1``, ``n2`` … in the order of ``book.notes`` (printed labels such as
``*`` or ``†`` are not valid XML ids); the label stays the link text. A second reference to
the same note gets ``nref1-2``; a reference to a missing note is written as plain text; a
note without a reference is still written, without a backlink.

Reproducibility: the identifier is ``urn:uuid:`` + a UUID5 of a SHA-256 of the content
(unless ``metadata.identifier`` is set); ``dcterms:modified`` comes from ``SOURCE_DATE_EPOCH``
if set, else from ``metadata.date`` when it is a full ``YYYY-MM-DD`` date (the text's own
date, stable across runs), else the fixed ``2000-01-01T00:00:00Z``; zip entries have fixed
times and attributes, ``mimetype`` first and stored, the others deflated in a fixed order.

>>> from ebookmaker.model import Block, BlockKind, Book, Metadata
>>> book = Book(Metadata(title="T", authors=["A"], language="en"),
...             blocks=[Block(BlockKind.PARAGRAPH, ["Hello."])])
>>> epub_bytes(book) == epub_bytes(book)
True
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import uuid
import zipfile
from collections import OrderedDict
from dataclasses import asdict, dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from ebooklib import epub

from ebookmaker.atomic import write_atomic
from ebookmaker.cover import cover_from_bytes, draw_cover

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Any

from ebookmaker.model import (
    Block,
    BlockKind,
    Book,
    Inline,
    Note,
    NoteRef,
    PageBreak,
    StyleMark,
    TocTarget,
)

__all__ = ["book_identifier", "epub_bytes", "modified_timestamp", "write_epub"]

XHTML_NS = "http://www.w3.org/1999/xhtml"
OPS_NS = "http://www.idpf.org/2007/ops"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

FALLBACK_MODIFIED = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
_COMPRESSED_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp")
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can hold
ZIP_LEVEL = 1  # deflate level of the text entries
SPLIT_CHARS = 250_000  # a body longer than this is split at <h2> (readers slow down on huge files)
# ... and in files of about this much text at most (calibre splits at 260 KB of XHTML; Adobe's
# reader, inside many e-readers, once refused files over 300 KB).
PIECE_CHARS = 100_000
UNTITLED = "Untitled"

# XML 1.0 forbids C0 controls other than tab/LF/CR, lone surrogates and U+FFFE/U+FFFF.
_XML_FORBIDDEN_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# A character that is neither whitespace nor forbidden: what makes a string show.
_SHOWN_RE = re.compile(r"[^\s\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_LANG_RE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")

# Generated labels, by primary language subtag: notes heading, table of contents, cover,
# title page, landmarks heading. English is the fallback.
_LABELS: dict[str, tuple[str, str, str, str, str]] = {
    "en": ("Notes", "Contents", "Cover", "Title page", "Landmarks"),
    "sv": ("Noter", "Innehåll", "Omslag", "Titelsida", "Orientering"),
    "da": ("Noter", "Indhold", "Omslag", "Titelside", "Orientering"),
    "no": ("Noter", "Innhold", "Omslag", "Tittelside", "Orientering"),
    "nb": ("Noter", "Innhold", "Omslag", "Tittelside", "Orientering"),
    "nn": ("Noter", "Innhald", "Omslag", "Tittelside", "Orientering"),
    "de": ("Anmerkungen", "Inhalt", "Umschlag", "Titelseite", "Orientierung"),
    "fr": ("Notes", "Table des matières", "Couverture", "Page de titre", "Repères"),
    "es": ("Notas", "Índice", "Cubierta", "Portada", "Puntos de referencia"),
    "it": ("Note", "Indice", "Copertina", "Frontespizio", "Punti di riferimento"),
    "nl": ("Noten", "Inhoud", "Omslag", "Titelpagina", "Oriëntatiepunten"),
    "pl": ("Przypisy", "Spis treści", "Okładka", "Strona tytułowa", "Punkty orientacyjne"),
    "ru": ("Примечания", "Содержание", "Обложка", "Титульный лист", "Ориентиры"),
}

# Month names for the title page date, and the order "d m y" pattern per language.
_MONTHS: dict[str, tuple[str, str]] = {
    "en": (
        "January February March April May June July August September October November December",
        "{d} {m} {y}",
    ),
    "sv": (
        "januari februari mars april maj juni juli augusti september oktober november december",
        "{d} {m} {y}",
    ),
    "da": (
        "januar februar marts april maj juni juli august september oktober november december",
        "{d}. {m} {y}",
    ),
    "no": (
        "januar februar mars april mai juni juli august september oktober november desember",
        "{d}. {m} {y}",
    ),
    "de": (
        "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
        "{d}. {m} {y}",
    ),
    "fr": (
        "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
        "{d} {m} {y}",
    ),
    "es": (
        "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
        "{d} de {m} de {y}",
    ),
    "it": (
        "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre "
        "novembre dicembre",
        "{d} {m} {y}",
    ),
    "nl": (
        "januari februari maart april mei juni juli augustus september oktober november december",
        "{d} {m} {y}",
    ),
}
_MONTHS["nb"] = _MONTHS["nn"] = _MONTHS["no"]

_A11Y_SUMMARY = (
    "This publication is text only, with a table of contents, structured headings, "
    "and footnotes linked to and from their references."
)
_A11Y_PAGES = " Page break markers and a page list give the pages of the source document."


# --- public API -----------------------------------------------------------------------


def write_epub(book: Book, path: str | Path) -> None:
    """Write ``book`` to ``path`` atomically: a temp file in the same directory, fsync, rename.

    On any error the temp file is removed and an existing ``path`` is left untouched.
    """
    write_atomic(path, epub_bytes(book))


def epub_bytes(book: Book) -> bytes:
    """Return the EPUB for ``book`` as bytes; the same ``Book`` always gives the same bytes."""
    writer = _EntryWriter(
        "",
        _build(book),
        {
            "mtime": _modified_datetime(book),
            "epub2_guide": False,
            "epub3_landmark": False,
            "epub3_pages": False,
        },
    )
    writer.process()
    writer.write()
    return _zip(writer.entries)


def book_identifier(book: Book) -> str:
    """``metadata.identifier`` if set, else ``urn:uuid:`` + a UUID5 of the book's content.

    >>> from ebookmaker.model import Book, Metadata
    >>> book_identifier(Book(Metadata(title="T"))) == book_identifier(Book(Metadata(title="T")))
    True
    """
    if book.metadata.identifier.strip():
        return _xml_safe(book.metadata.identifier.strip())
    # The SHA-256 of the JSON of {"blocks", "front", "metadata", "notes"} (keys sorted), fed
    # in pieces: the JSON of a long book in one string would hold the book twice more.
    digest = hashlib.sha256()
    metadata = {k: v for k, v in asdict(book.metadata).items() if k != "identifier"}
    digest.update(b'{"blocks": ')
    _hash_json_list(digest, book.blocks, lambda b: [b.kind.value, b.level, _identity(b.content)])
    digest.update(b', "front": ' + _json(book.front).encode("utf-8"))
    digest.update(b', "metadata": ' + _json(metadata).encode("utf-8"))
    digest.update(b', "notes": ')
    _hash_json_list(digest, book.notes, lambda n: [n.id, n.label, n.text])
    digest.update(b"}")
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'ebookmaker:' + digest.hexdigest())}"


_ID_CHUNK = 1000  # blocks or notes whose JSON is made in one string


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _hash_json_list(digest: hashlib._Hash, items: list, row: Callable[[Any], list]) -> None:
    """Feed ``digest`` ``json.dumps([row(item) for item in items])`` (items joined by ", "
    inside brackets), made a chunk of items at a time.

    >>> a, b = hashlib.sha256(), hashlib.sha256()
    >>> _hash_json_list(a, [1, 2], lambda n: [n, "x"]); b.update(b'[[1, "x"], [2, "x"]]')
    >>> a.hexdigest() == b.hexdigest()
    True
    """
    digest.update(b"[")
    for start in range(0, len(items), _ID_CHUNK):
        rows = [row(item) for item in items[start : start + _ID_CHUNK]]
        digest.update((b", " if start else b"") + _json(rows)[1:-1].encode("utf-8"))
    digest.update(b"]")


def _identity(content: list[Inline]) -> list:
    """A block's content as it counts for the identifier: the text (however it is cut into
    strings) and the note references; page-break markers are no content."""
    out: list = []
    for part in content:
        if isinstance(part, str):
            if out and isinstance(out[-1], str):
                out[-1] += part
            else:
                out.append(part)
        elif isinstance(part, NoteRef):
            out.append([part.note_id, part.label])
    return out


def modified_timestamp(book: Book) -> str:
    """The ``dcterms:modified`` value: ``SOURCE_DATE_EPOCH``, else a full ``metadata.date``,
    else 2000-01-01.

    >>> from ebookmaker.model import Book, Metadata
    >>> import os; os.environ.pop("SOURCE_DATE_EPOCH", None) and None
    >>> modified_timestamp(Book(Metadata(date="1935-09-06")))
    '1935-09-06T00:00:00Z'
    >>> modified_timestamp(Book(Metadata(date="1935")))
    '2000-01-01T00:00:00Z'
    """
    return _modified_datetime(book).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- building the ebooklib book --------------------------------------------------------


@dataclass
class _Part:
    """One body XHTML file; its notes are those whose first reference it holds."""

    file_name: str
    blocks: list[Block] = field(default_factory=list)
    colophon: list[Block] = field(default_factory=list)


@dataclass
class _TocEntry:
    href: str
    title: str
    children: list[_TocEntry] = field(default_factory=list)


class _Document(epub.EpubHtml):
    """An XHTML document whose bytes are built here; ebooklib writes them unchanged."""

    def get_content(self, default: bytes | None = None) -> bytes:
        return self.content


class _Context:
    """State shared while rendering: language, labels, note ids and reference ids."""

    def __init__(self, book: Book) -> None:
        self.book = book
        self.lang = _language(book.metadata.language)
        primary = self.lang.split("-")[0].lower()
        self.labels = _LABELS.get(primary, _LABELS["en"])
        self.months = _MONTHS.get(primary)
        self.title = _clean(book.metadata.title) or UNTITLED
        # Note ids by position: printed labels like "*" are not valid XML ids.
        self.note_index: dict[str, int] = {}
        for i, note in enumerate(book.notes):
            self.note_index.setdefault(note.id, i)
        self.first_ref: dict[int, str] = {}  # note index -> id of its first reference
        self.first_ref_file: dict[int, str] = {}  # note index -> file of its first reference
        self.ref_count: dict[int, int] = {}
        self.headings: list[tuple[str, int, str, str]] = []  # (file, level, id, text)
        self.pages: list[tuple[str, str, str]] = []  # page breaks: (file, id, label)
        self.targets: list[tuple[str, str, str, int]] = []  # outline: (file, id, title, depth)
        self.page_ids: set[str] = set()
        self.current_file = ""

    @staticmethod
    def note_id(index: int) -> str:
        return f"n{index + 1}"

    def new_ref_id(self, index: int) -> str:
        count = self.ref_count.get(index, 0) + 1
        self.ref_count[index] = count
        ref_id = f"nref{index + 1}" if count == 1 else f"nref{index + 1}-{count}"
        if count == 1:
            self.first_ref[index] = ref_id
            self.first_ref_file[index] = self.current_file
        return ref_id

    def new_page_id(self, label: str) -> str:
        """``page-3`` for page "3", unique in the book; records the page for the page list."""
        base = "page-" + (re.sub(r"[^A-Za-z0-9_.-]+", "_", label) or "x")
        page_id, n = base, 1
        while page_id in self.page_ids:
            n += 1
            page_id = f"{base}-{n}"
        self.page_ids.add(page_id)
        self.pages.append((self.current_file, page_id, label))
        return page_id


def _build(book: Book) -> epub.EpubBook:
    ctx = _Context(book)
    meta = book.metadata
    out = epub.EpubBook()
    out.set_identifier(book_identifier(book))
    out.set_title(ctx.title)
    out.set_language(ctx.lang)

    css = epub.EpubItem(
        uid="css", file_name="style/book.css", media_type="text/css", content=_stylesheet()
    )
    out.add_item(css)

    if book.cover_image:
        image, media_type = cover_from_bytes(book.cover_image)
    else:
        authors = [_clean(a) for a in meta.authors if _clean(a)]
        image, media_type = draw_cover(ctx.title, authors), "image/jpeg"
    image_name = "images/cover.png" if media_type == "image/png" else "images/cover.jpg"
    # What set_cover(create_page=False) does, with the media type given: ebooklib would guess
    # it from the mimetypes database, whose first use reads the system's mime.types (~10 ms).
    cover = epub.EpubCover(file_name=image_name)
    cover.content = image
    cover.media_type = media_type
    out.add_item(cover)
    out.add_metadata(None, "meta", "", OrderedDict([("name", "cover"), ("content", "cover-img")]))

    parts = _split_parts(book)
    body_docs = [_render_part(ctx, part, last=i == len(parts) - 1) for i, part in enumerate(parts)]
    toc = _toc_entries(ctx, parts)  # after rendering: heading ids are assigned there
    has_headings = bool(ctx.headings or ctx.targets)
    _add_metadata(out, book, pages=bool(ctx.pages))  # after rendering: page breaks are known

    docs = [
        _document("cover", "cover.xhtml", ctx.labels[2], _cover_xhtml(ctx, image_name)),
        _document("titlepage", "title.xhtml", ctx.title, _title_xhtml(ctx)),
    ]
    nav = _document("nav", "nav.xhtml", ctx.labels[1], _nav_xhtml(ctx, toc, parts))
    nav.properties = ["nav"]
    docs.append(nav)
    for i, (part, content) in enumerate(zip(parts, body_docs, strict=True)):
        docs.append(
            _document("text" if i == 0 else f"text-{i + 1}", part.file_name, ctx.title, content)
        )
    for doc in docs:
        out.add_item(doc)
    out.add_item(epub.EpubNcx())

    out.toc = [_ebooklib_toc(entry, f"toc-{i}") for i, entry in enumerate(toc)]
    # The nav page is worth reading only when it lists headings; it is in the manifest anyway.
    out.spine = [d for d in docs if d is not nav or has_headings]
    return out


def _document(uid: str, file_name: str, title: str, content: bytes) -> _Document:
    # The media type ebooklib would guess for .xhtml, given: its guess reads the system's
    # mime.types on first use (~2-5 ms in every process).
    doc = _Document(uid=uid, file_name=file_name, title=title, media_type="application/xhtml+xml")
    doc.content = content
    return doc


def _ebooklib_toc(entry: _TocEntry, uid: str) -> epub.Link | tuple:
    link = epub.Link(entry.href, entry.title, uid)
    if not entry.children:
        return link
    return (link, [_ebooklib_toc(c, f"{uid}-{j}") for j, c in enumerate(entry.children)])


def _add_metadata(out: epub.EpubBook, book: Book, pages: bool = False) -> None:
    """Dublin Core and accessibility metadata; ``pages``: the body has page-break markers."""
    meta = book.metadata
    for i, author in enumerate(a for a in map(_clean, meta.authors) if a):
        out.add_author(author, role="aut", uid=f"author{i + 1}")
    for i, name in enumerate(t for t in map(_clean, meta.translators) if t):
        uid = f"translator{i + 1}"
        out.add_metadata("DC", "contributor", name, {"id": uid})
        out.add_metadata(
            None,
            "meta",
            "trl",
            {"refines": f"#{uid}", "property": "role", "scheme": "marc:relators"},
        )
    if _parse_date(meta.date):
        out.add_metadata("DC", "date", meta.date.strip())
    for name in ("publisher", "rights", "description"):
        value = _clean(getattr(meta, name))
        if value:
            out.add_metadata("DC", name, value)
    series = _clean(meta.series)
    if series:
        out.add_metadata(
            None, "meta", series, {"property": "belongs-to-collection", "id": "series"}
        )
        out.add_metadata(
            None, "meta", "series", {"refines": "#series", "property": "collection-type"}
        )
    # EPUB Accessibility 1.1 discovery metadata: true for every book this writer makes.
    features = [
        "structuralNavigation",
        "tableOfContents",
        "readingOrder",
        "displayTransformability",
    ]
    if pages:
        features += ["pageBreakMarkers", "pageNavigation"]
    for prop, values in (
        ("schema:accessMode", ["textual"]),
        ("schema:accessModeSufficient", ["textual"]),
        ("schema:accessibilityFeature", features),
        ("schema:accessibilityHazard", ["none"]),
    ):
        for value in values:
            out.add_metadata(None, "meta", value, {"property": prop})
    summary = _A11Y_SUMMARY + (_A11Y_PAGES if pages else "")
    out.add_metadata(
        None, "meta", summary, {"property": "schema:accessibilitySummary", XML_LANG: "en"}
    )
    if pages:
        # Where the page list comes from (EPUB Accessibility 1.1, "page source"): the
        # document this book was made from, known here by its title.
        source = _clean(meta.title) or UNTITLED
        out.add_metadata(None, "meta", source, {"property": "pageBreakSource"})


# --- XHTML documents -------------------------------------------------------------------


def _page(ctx: _Context, title: str, body_attrs: str, content: list[str]) -> bytes:
    """An XHTML page: head (title, stylesheet) and a body with ``body_attrs`` holding
    ``content``, the lines of :func:`_nested` elements.

    The pages are written as text, byte for byte as lxml wrote the same tree (pretty_print,
    libxml2's escaping, see :func:`_text`): ~1.7x faster than building an element tree of
    every paragraph and serializing it.
    """
    lang = _attr(ctx.lang)
    return "".join(
        (
            "<?xml version='1.0' encoding='utf-8'?>\n<!DOCTYPE html>\n",
            f'<html xmlns="{XHTML_NS}" xmlns:epub="{OPS_NS}" lang="{lang}" xml:lang="{lang}">\n',
            '  <head>\n    <meta charset="utf-8"/>\n',
            f"    <title>{_text(_xml_safe(title))}</title>\n",
            '    <link rel="stylesheet" type="text/css" href="style/book.css"/>\n  </head>\n',
            *(f"  {line}\n" for line in _nested("body", body_attrs, content)),
            "</html>\n",
        )
    ).encode()


def _nested(tag: str, attrs: str, children: list[str]) -> list[str]:
    """The lines of an element ``<tag attrs>`` whose content is elements only (``children``,
    their lines), laid out as pretty_print lays it out: each child on lines of its own,
    indented by two spaces, or ``<tag/>`` without children. (An element holding text is
    one line, whatever is inside: pretty_print leaves mixed content untouched.)

    >>> _nested("ol", ' class="x"', ["<li>a</li>"])
    ['<ol class="x">', '  <li>a</li>', '</ol>']
    """
    if not children:
        return [f"<{tag}{attrs}/>"]
    return [f"<{tag}{attrs}>", *["  " + line for line in children], f"</{tag}>"]


def _cover_xhtml(ctx: _Context, image_name: str) -> bytes:
    authors = ", ".join(a for a in map(_clean, ctx.book.metadata.authors) if a)
    alt = f"{ctx.title} – {authors}" if authors else ctx.title
    image = f'<img src="{_attr(image_name)}" alt="{_attr(alt)}"/>'
    return _page(
        ctx,
        ctx.labels[2],
        ' epub:type="cover" class="cover"',
        _nested("div", ' class="cover"', [image]),
    )


def _title_xhtml(ctx: _Context) -> bytes:
    meta = ctx.book.metadata
    lines = [f'<p class="author">{_text(a)}</p>' for a in map(_clean, meta.authors) if a]
    lines.append(f'<h1 class="title">{_text(ctx.title)}</h1>')
    # The model says front holds only the lines after title/author/date; a reader that keeps
    # the title or author lines there too must not get them printed twice.
    known = {ctx.title.casefold(), *(_clean(a).casefold() for a in meta.authors)}
    front = [line for line in map(_clean, ctx.book.front) if line and line.casefold() not in known]
    date = _parse_date(meta.date)
    if date:
        human = _human_date(date, ctx.months)
        # A date the front already gives is printed as given, not twice.
        if not any(_is_date_line(line, date, human, meta.date.strip()) for line in front):
            time = f'<time datetime="{_attr(meta.date.strip())}">{_text(human)}</time>'
            lines.append(f'<p class="date">{time}</p>')
    lines += [f'<p class="front">{_text(line)}</p>' for line in front]
    section = _nested("section", ' class="titlepage" epub:type="titlepage"', lines)
    return _page(ctx, ctx.title, ' epub:type="frontmatter"', section)


def _nav_xhtml(ctx: _Context, toc: list[_TocEntry], parts: list[_Part]) -> bytes:
    heading = f"<h2>{_text(ctx.labels[1])}</h2>"
    lines = _nested("nav", ' id="toc" role="doc-toc" epub:type="toc"', [heading, *_nav_list(toc)])
    # Landmarks let reading systems open the book at the text; not shown in the page.
    landmarks: list[str] = []
    for href, kind, label in (
        ("cover.xhtml", "cover", ctx.labels[2]),
        ("title.xhtml", "titlepage", ctx.labels[3]),
        (parts[0].file_name, "bodymatter", ctx.title),
    ):
        landmarks += _nav_item(href, label, attrs=f' epub:type="{kind}"')
    heading = f"<h2>{_text(ctx.labels[4])}</h2>"
    attrs = ' id="landmarks" hidden="hidden" epub:type="landmarks"'
    lines += _nested("nav", attrs, [heading, *_nested("ol", "", landmarks)])
    if ctx.pages:
        # The pages of the source, for "go to page"; not shown in the page either.
        pages: list[str] = []
        for file_name, page_id, label in ctx.pages:
            pages += _nav_item(f"{file_name}#{page_id}", label)
        attrs = ' id="page-list" role="doc-pagelist" hidden="hidden" epub:type="page-list"'
        lines += _nested("nav", attrs, _nested("ol", "", pages))
    return _page(ctx, ctx.labels[1], ' epub:type="frontmatter"', lines)


def _nav_list(entries: list[_TocEntry]) -> list[str]:
    items: list[str] = []
    for entry in entries:
        children = _nav_list(entry.children) if entry.children else []
        items += _nav_item(entry.href, entry.title, children)
    return _nested("ol", "", items)


def _nav_item(href: str, label: str, children: Sequence[str] = (), attrs: str = "") -> list[str]:
    """``<li>`` with a link (and a nested list)."""
    link = f'<a href="{_attr(href)}"{attrs}>{_text(label)}</a>'
    return _nested("li", "", [link, *children])


def _split_parts(book: Book) -> list[_Part]:
    """Body files: one for a short book. A long book gets one per <h2> section, and a
    section (or a book without <h2>) is cut before a paragraph once its file holds
    PIECE_CHARS: readers slow down on huge files, and some refuse them."""
    # (Enum members read once: a look-up like BlockKind.HEADING costs ~90 ns in Python 3.11.)
    colophon_kind, heading_kind = BlockKind.COLOPHON, BlockKind.HEADING
    body = [b for b in book.blocks if b.kind is not colophon_kind and _has_content(b)]
    colophon = [b for b in book.blocks if b.kind is colophon_kind and _has_content(b)]
    sizes = [len(b.plain_text()) for b in body]
    long_book = sum(sizes) > SPLIT_CHARS
    parts = [_Part("text.xhtml")]
    size = 0  # characters of text in the last file
    for block, length in zip(body, sizes, strict=True):
        heading = block.kind is heading_kind
        starts_chapter = heading and _heading_level(block) == 2
        # (A heading stays with the text after it.)
        full = size >= PIECE_CHARS and parts[-1].blocks[-1].kind is not heading_kind
        if long_book and parts[-1].blocks and (starts_chapter or full):
            parts.append(_Part(f"text-{len(parts) + 1}.xhtml"))
            size = 0
        parts[-1].blocks.append(block)
        size += length
    parts[-1].colophon = colophon
    return parts


def _render_part(ctx: _Context, part: _Part, last: bool) -> bytes:
    """Render one body file: blocks, colophon, then the notes first referenced in it."""
    ctx.current_file = part.file_name
    lines: list[str] = []  # the body's content (see _nested)
    heading_kind, quote_kind = BlockKind.HEADING, BlockKind.BLOCKQUOTE  # (read once, as above)
    for block in part.blocks:
        if block.kind is heading_kind:
            # A page that begins with the heading: its page break goes before the heading.
            content = list(block.content)
            while content and isinstance(content[0], PageBreak):
                if span := _page_break(ctx, content.pop(0)):
                    lines.append(span)
            targets = [p for p in content if isinstance(p, TocTarget)]
            content = [p for p in content if not isinstance(p, PageBreak | TocTarget)]
            block = Block(block.kind, content, block.level, block.first_line, block.line_count)
            level = _heading_level(block)
            hid = f"h{len(ctx.headings) + 1}"
            ctx.headings.append((part.file_name, level, hid, _heading_text(block)))
            # An outline entry naming this heading points at it.
            ctx.targets += [(part.file_name, hid, _clean(t.title), t.level) for t in targets]
            lines.append(f'<h{level} id="{hid}">{_inlines(ctx, block.content)}</h{level}>')
        elif block.kind is quote_kind:
            lines += _nested("blockquote", "", [f"<p>{_inlines(ctx, block.content)}</p>"])
        else:
            lines.append(f"<p>{_inlines(ctx, block.content)}</p>")
    if part.colophon:
        paragraphs = [f"<p>{_inlines(ctx, block.content)}</p>" for block in part.colophon]
        lines += _nested("section", ' class="colophon" epub:type="colophon"', paragraphs)

    # Notes first referenced in this file, in book order; unreferenced notes go to the last.
    indexes = [
        i
        for i in range(len(ctx.book.notes))
        if ctx.first_ref_file.get(i) == part.file_name or (last and i not in ctx.first_ref)
    ]
    if indexes:
        notes = [f"<h2>{_text(ctx.labels[0])}</h2>"]
        for i in indexes:
            notes += _render_note(ctx, i)
        lines += _nested("section", ' class="footnotes"', notes)
    return _page(ctx, ctx.title, ' epub:type="bodymatter"', lines)


def _inlines(ctx: _Context, content: list[Inline]) -> str:
    """Text, note references and emphasis (``em``, ``strong``) as XHTML. Emphasis is always
    well-formed: a mark closing one that is not innermost closes the inner ones and opens
    them again; what is open at the end of the content ends there."""
    out: list[str] = []
    opened: list[str] = []  # open emphasis, innermost last
    for part in content:
        if isinstance(part, str):
            out.append(_text(_xml_safe(part)))
            continue
        if isinstance(part, StyleMark):
            if part.kind not in ("em", "strong"):
                continue
            if not part.opening and part.kind not in opened:
                continue  # nothing of that kind is open
            if part.opening:
                depth = len(opened)
            else:
                depth = len(opened) - 1 - opened[::-1].index(part.kind)
            reopen = opened[depth + 1 :]
            while len(opened) > depth:  # close it and what is open inside it
                out.append(f"</{opened.pop()}>")
            for kind in [part.kind] * part.opening + reopen:
                opened.append(kind)
                out.append(f"<{kind}>")
            continue
        if isinstance(part, PageBreak):
            out.append(_page_break(ctx, part))
            continue
        if isinstance(part, TocTarget):
            out.append(_toc_anchor(ctx, part))
            continue
        index = ctx.note_index.get(part.note_id)
        label = _text(_clean(part.label) or (str(index + 1) if index is not None else ""))
        if index is None:
            out.append(label)  # no such note: keep what was printed, without a broken link
            continue
        ref_id = ctx.new_ref_id(index)
        # The note is in the file of its first reference: a later one in another file names it.
        note_file = ctx.first_ref_file[index]
        target = "" if note_file == ctx.current_file else note_file
        out.append(
            f'<a href="{_attr(target)}#{ctx.note_id(index)}" id="{ref_id}" role="doc-noteref"'
            f' epub:type="noteref">{label}</a>'
        )
    out += [f"</{kind}>" for kind in reversed(opened)]
    return "".join(out)


def _page_break(ctx: _Context, page: PageBreak) -> str:
    """The empty ``<span epub:type="pagebreak">`` of a page ("" for an empty label)."""
    label = _clean(page.label)
    if not label:
        return ""
    page_id = ctx.new_page_id(label)
    return (
        f'<span id="{page_id}" role="doc-pagebreak" epub:type="pagebreak"'
        f' aria-label="{_attr(label)}"/>'
    )


def _toc_anchor(ctx: _Context, target: TocTarget) -> str:
    """An empty ``<span id="toc-1">`` where an outline entry without a heading points."""
    anchor_id = f"toc-{len(ctx.targets) + 1}"
    ctx.targets.append((ctx.current_file, anchor_id, _clean(target.title), target.level))
    return f'<span id="{anchor_id}"/>'


def _render_note(ctx: _Context, index: int) -> list[str]:
    """One ``aside`` per note (its lines): label as backlink first (if referenced), then
    the text."""
    note: Note = ctx.book.notes[index]
    paragraphs = [p for p in re.split(r"\n\s*\n", _xml_safe(note.text)) if p.strip()] or [""]
    label = _clean(note.label) or _clean(note.id) or str(index + 1)
    ref = ctx.first_ref.get(index)
    link = f'<a href="#{_attr(ref)}" role="doc-backlink">{_text(label)}</a>' if ref else ""
    if note.content:  # the note's text with its emphasis (one paragraph)
        start = f"{link} " if ref else _text(f"{label} ")
        first = [f"<p>{start}{_inlines(ctx, note.content)}</p>"]
    elif ref and not paragraphs[0].strip():
        first = _nested("p", "", [link])  # the link alone: an element-only <p>
    elif ref:
        first = [f"<p>{link}{_text(' ' + paragraphs[0].strip())}</p>"]
    else:
        first = [f"<p>{_text(f'{label} {paragraphs[0].strip()}'.rstrip())}</p>"]
    if not note.content:
        first += [f"<p>{_text(text.strip())}</p>" for text in paragraphs[1:]]
    attrs = f' id="{ctx.note_id(index)}" role="doc-footnote" epub:type="footnote"'
    return _nested("aside", attrs, first)


def _toc_entries(ctx: _Context, parts: list[_Part]) -> list[_TocEntry]:
    """Title page, then the <h2> headings (with their <h3>s), or the text as one entry; the
    source's outline instead of the headings where it has one."""
    if ctx.targets:
        return _outline_entries(ctx, parts)
    entries = [_TocEntry("title.xhtml", ctx.labels[3])]
    first = ctx.headings[0] if ctx.headings else None
    starts_with_heading = (
        first is not None and parts[0].blocks and parts[0].blocks[0].kind is BlockKind.HEADING
    )
    if not starts_with_heading:
        entries.append(_TocEntry(parts[0].file_name, ctx.title))
    for file_name, level, hid, text in ctx.headings:
        entry = _TocEntry(f"{file_name}#{hid}", text or ctx.title)
        if level > 2 and len(entries) > 1 and "#" in entries[-1].href:
            if level == 3:
                entries[-1].children.append(entry)
            continue  # deeper levels are left out of the toc
        entries.append(entry)
    return entries


def _outline_entries(ctx: _Context, parts: list[_Part]) -> list[_TocEntry]:
    """Title page, then the outline's entries nested by depth (an entry goes under the last
    one less deep; a skipped depth nests one step), the text first if no entry starts it."""
    entries = [_TocEntry("title.xhtml", ctx.labels[3])]
    first = parts[0].blocks[0] if parts[0].blocks else None
    if first is None or not any(isinstance(p, TocTarget) for p in first.content):
        entries.append(_TocEntry(parts[0].file_name, ctx.title))
    stack: list[tuple[int, _TocEntry]] = []  # open entries: (depth, entry)
    for file_name, target_id, title, depth in ctx.targets:
        entry = _TocEntry(f"{file_name}#{target_id}", title or ctx.title)
        while stack and stack[-1][0] >= depth:
            stack.pop()
        (stack[-1][1].children if stack else entries).append(entry)
        stack.append((depth, entry))
    return entries


# --- helpers ----------------------------------------------------------------------------


def _has_content(block: Block) -> bool:
    # A search for one character that shows, not a cleaned copy of every string.
    return any(
        isinstance(p, NoteRef) or (isinstance(p, str) and _SHOWN_RE.search(p) is not None)
        for p in block.content
    )


def _heading_level(block: Block) -> int:
    return min(max(block.level, 2), 6)  # <h1> is the book title on the title page


def _heading_text(block: Block) -> str:
    return _clean("".join(p for p in block.content if isinstance(p, str)))


def _xml_safe(text: str) -> str:
    """Drop characters XML 1.0 cannot hold (parsers would refuse them, readers would choke)."""
    return _XML_FORBIDDEN_RE.sub("", text)


def _clean(text: str) -> str:
    """XML-safe with whitespace collapsed: for metadata and one-line labels."""
    return " ".join(_xml_safe(text).split())


def _text(text: str) -> str:
    r"""``text`` (XML-safe) as character data, escaped as libxml2 escapes it.

    >>> _text("a < b & c > d\r")
    'a &lt; b &amp; c &gt; d&#13;'
    """
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    )


def _attr(value: str) -> str:
    r"""``value`` (XML-safe) as an attribute value in double quotes, escaped as libxml2 does.

    >>> _attr('say "x"\n')
    'say &quot;x&quot;&#10;'
    """
    # Character data's escaping, then what an attribute adds. (replace() calls: a quarter of
    # the cost of one str.translate() with a table.)
    return _text(value).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")


def _language(value: str) -> str:
    """A well-formed BCP 47 tag for dc:language / xml:lang; ``und`` when missing or broken.

    >>> _language("sv_SE"), _language(""), _language("not a language")
    ('sv-SE', 'und', 'und')
    """
    tag = value.strip().replace("_", "-")
    return tag if _LANG_RE.match(tag) else "und"


def _parse_date(value: str) -> tuple[int, int | None, int | None] | None:
    """(year, month, day) of an ISO 8601 ``YYYY[-MM[-DD]]`` date, or None if invalid."""
    match = _DATE_RE.match(value.strip())
    if not match:
        return None
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError:
        return None
    return year, month, day


def _is_date_line(
    line: str, date: tuple[int, int | None, int | None], human: str, iso: str
) -> bool:
    """Does this front line state the book's date (``6 september 1935``, ``Paris, 1788``)?"""
    if human in line or iso in line:
        return True
    return str(date[0]) in line and len(line.split()) <= 5  # short: a date line, not a note


def _human_date(date: tuple[int, int | None, int | None], months: tuple[str, str] | None) -> str:
    """``6 september 1935`` for sv, ``6. September 1935`` for de; ISO when no month names."""
    year, month, day = date
    if months is None or month is None:
        return "-".join(f"{v:02d}" if i else str(v) for i, v in enumerate(date) if v is not None)
    name = months[0].split()[month - 1]
    if day is None:
        return f"{name} {year}"
    return months[1].format(d=day, m=name, y=year)


def _modified_datetime(book: Book) -> dt.datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        try:
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
        except (OverflowError, OSError, ValueError):
            pass  # out of range: fall back as if unset
    date = _parse_date(book.metadata.date)
    if date and date[1] and date[2]:
        return dt.datetime(date[0], date[1], date[2], tzinfo=dt.UTC)
    return FALLBACK_MODIFIED


@cache
def _stylesheet() -> bytes:
    return resources.files("ebookmaker").joinpath("data/book.css").read_bytes()


class _EntryWriter(epub.EpubWriter):
    """ebooklib's writer, keeping the entries it writes instead of zipping them: the zip is
    made once, by :func:`_zip`, in its own fixed way."""

    def write(self) -> None:
        self.entries: dict[str, bytes] = {}
        self.out = self  # ebooklib writes each entry with self.out.writestr(name, data, …)
        self._write_container()
        self._write_opf()
        self._write_items()

    def writestr(
        self, name: str | zipfile.ZipInfo, data: str | bytes, *args: object, **kwargs: object
    ) -> None:
        """What ``ZipFile.writestr`` takes; str data is UTF-8, as the zip module writes it."""
        name = name.filename if isinstance(name, zipfile.ZipInfo) else name
        self.entries[name] = data.encode("utf-8") if isinstance(data, str) else data


def _zip(contents: dict[str, bytes]) -> bytes:
    """The EPUB zip: fixed dates/attributes, ``mimetype`` first and stored, then
    ``META-INF``, the package document, everything else by name."""
    first = ["mimetype", "META-INF/container.xml"]
    opf = sorted(n for n in contents if n.endswith(".opf"))
    order = first + opf + sorted(n for n in contents if n not in first and n not in opf)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.create_system = 3  # Unix, so external_attr means rw-r--r--
            info.external_attr = 0o100644 << 16
            if name == "mimetype":
                info.compress_type = zipfile.ZIP_STORED
                target.writestr(info, b"application/epub+zip")
            elif name.lower().endswith(_COMPRESSED_SUFFIXES):
                # JPEG and PNG are compressed already: deflating them again costs time only.
                info.compress_type = zipfile.ZIP_STORED
                target.writestr(info, contents[name])
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
                # Level 1: a third of the time of level 9 for ~10 % more bytes of text, which
                # is ~1 % of a book (the cover is most of it).
                target.writestr(info, contents[name], compresslevel=ZIP_LEVEL)
    return out.getvalue()
