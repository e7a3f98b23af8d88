"""Page list: the source's pages as page-break markers in the text and a nav page-list.

A reader can cite "p. 13" of the source: each page after the first begins with an empty
``<span epub:type="pagebreak">`` labelled with the page's printed number, and the nav
document lists them all. The markers never change the text: not a word, not a paragraph,
never inside a word, never inside a heading or a note.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from ebookmaker.explain import Report
from ebookmaker.model import Block, BlockKind, Line, NoteRef, Page, PageBreak, Role, SourceDocument
from ebookmaker.pipeline import convert_pdf, convert_text
from ebookmaker.steps.pagebreaks import page_labels
from ebookmaker.steps.paragraphs import _merge_text, unwrap
from ebookmaker.writer.epub import book_identifier, epub_bytes, write_epub

from .conftest import CORPUS, epubcheck, problems

NS = {
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
    "opf": "http://www.idpf.org/2007/opf",
}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
PDF = CORPUS / "en-03-marx-engels-manifesto" / "source.pdf"

# A form-feed text (pdftotext's shape): a title page, then three pages numbered 12–14 at
# the bottom; "informa-|tion" is split over the first page break.
TITLE_PAGE = "Anna Berg\n\nThe Village Ledger\n\n1921\n"
PAGES = [
    "The first chapter tells how the village began, and how its people kept\n"
    "records of every harvest, of every birth and of every death in the parish\n"
    "for more than a hundred years, without a single year missing from the\n"
    "books. The records were written by the priest, who kept the informa-\n"
    "\n12\n",
    "tion safe in a chest of oak under the altar, where no fire could reach\n"
    "it and no thief would dare to look for it in the dark of the night.\n"
    "    When the war came, the chest was carried away into the forest and\n"
    "buried under the roots of an old tree that nobody could find again.\n"
    "\n13\n",
    "Years later, a boy who was looking for his lost goat found the tree and\n"
    "the chest, and the village had its information back, every page of it.\n"
    "\n14\n",
]
FORM_FEED_TEXT = "\f".join([TITLE_PAGE, *PAGES])


# --- helpers ----------------------------------------------------------------------------


def breaks_of(blocks: list[Block]) -> list[str]:
    return [p.label for b in blocks for p in b.content if isinstance(p, PageBreak)]


def without_breaks(blocks: list[Block]) -> list[tuple]:
    """The blocks as they would be without page breaks: kind, level, merged content."""
    return [
        (b.kind, b.level, _merge_text([p for p in b.content if not isinstance(p, PageBreak)]))
        for b in blocks
    ]


def assert_never_inside_a_word(blocks: list[Block]) -> None:
    """No page break between two letters or digits, none inside a heading's text."""
    for block in blocks:
        content = block.content
        for i, part in enumerate(content):
            if not isinstance(part, PageBreak):
                continue
            before = next((p for p in reversed(content[:i]) if not isinstance(p, PageBreak)), "")
            after = next((p for p in content[i + 1 :] if not isinstance(p, PageBreak)), "")
            left = before[-1:] if isinstance(before, str) else ""
            right = after[:1] if isinstance(after, str) else ""
            assert not (re.match(r"\w", left) and re.match(r"[\w-]", right)), (
                f"page {part.label} inside a word: …{str(before)[-20:]!r} | {str(after)[:20]!r}"
            )
            if block.kind is BlockKind.HEADING:
                assert all(isinstance(p, PageBreak) for p in content[:i]), "inside a heading"


def read_zip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def page_list(files: dict[str, bytes]) -> list[tuple[str, str]]:
    """(label, href) of each entry of the nav document's page list."""
    nav = etree.fromstring(files["EPUB/nav.xhtml"])
    (element,) = nav.xpath("//x:nav[@epub:type='page-list']", namespaces=NS)
    assert element.get("hidden") is not None  # a list to go to, not a page to read
    return [(a.text, a.get("href")) for a in element.iterfind(".//x:a", NS)]


def page_spans(files: dict[str, bytes]) -> dict[str, etree._Element]:
    """Every page-break span by ``file#id``."""
    found = {}
    for name, data in sorted(files.items()):
        if name.endswith(".xhtml"):
            root = etree.fromstring(data)
            for span in root.xpath("//*[@epub:type='pagebreak']", namespaces=NS):
                found[f"{name.removeprefix('EPUB/')}#{span.get('id')}"] = span
    return found


def accessibility_features(files: dict[str, bytes]) -> set[str]:
    package = etree.fromstring(files["EPUB/content.opf"])
    xpath = "//opf:meta[@property='schema:accessibilityFeature']/text()"
    return set(package.xpath(xpath, namespaces=NS))


# --- page labels ------------------------------------------------------------------------


def test_page_labels_printed_inferred_and_fallback() -> None:
    def doc(numbers: list[str | None]) -> SourceDocument:
        pages = []
        for i, number in enumerate(numbers):
            lines = [Line("Some text of the page.", i, role=Role.BODY)]
            if number is not None:
                lines.append(Line(number, i, role=Role.PAGE_NUMBER))
            pages.append(Page(i, lines))
        return SourceDocument(pages, "plain")

    # printed numbers win; a page without one continues the numbering around it
    assert page_labels(doc([None, "12", None, "– 14 –"])) == {0: "11", 1: "12", 2: "13", 3: "14"}
    assert page_labels(doc(["iii", "iv", None, "2"])) == {0: "iii", 1: "iv", 2: "1", 3: "2"}
    # no numbers at all: the position; a taken label is not given twice
    assert page_labels(doc([None, None, None])) == {0: "1", 1: "2", 2: "3"}
    assert page_labels(doc([None, "1", None])) == {1: "1", 2: "2"}  # none before page 1
    assert page_labels(doc(["7"])) == {}  # one page: no page breaks


# --- the unwrapping step ----------------------------------------------------------------


def test_page_break_goes_after_a_word_split_over_the_page() -> None:
    pages = [
        Page(0, [Line("The records were kept by the informa-", 0, role=Role.BODY)]),
        Page(1, [Line("tion keeper, a priest.", 1, role=Role.BODY)]),
        Page(2, [Line("Then came the class—", 2, role=Role.BODY)]),
        Page(3, [Line("struggle of the age.", 3, role=Role.BODY)]),
    ]
    blocks = unwrap(SourceDocument(pages, "plain"), Report(), page_labels={1: "2", 2: "3", 3: "4"})
    assert [b.content for b in blocks] == [
        [
            "The records were kept by the information",
            PageBreak("2"),
            " keeper, a priest. ",
            PageBreak("3"),
            "Then came the class—struggle",
            PageBreak("4"),
            " of the age.",
        ]
    ]
    assert_never_inside_a_word(blocks)


def test_page_break_is_never_inside_a_heading() -> None:
    pages = [
        Page(0, [Line("A paragraph ends here.", 0, role=Role.BODY)]),
        Page(1, [Line("A Heading That", 1, role=Role.HEADING)]),
        Page(2, [Line("Goes On", 2, role=Role.HEADING), Line("Text after it.", 2, role=Role.BODY)]),
        Page(3, []),  # a page without text: its break waits for the next text
        Page(4, [Line("The last page.", 4, role=Role.BODY)]),
    ]
    labels = {i: str(i + 1) for i in range(5)}
    blocks = unwrap(SourceDocument(pages, "plain"), Report(), page_labels=labels)
    assert [(b.kind, b.content) for b in blocks] == [
        (BlockKind.PARAGRAPH, ["A paragraph ends here."]),
        (BlockKind.HEADING, [PageBreak("2"), "A Heading That Goes On"]),
        (
            BlockKind.PARAGRAPH,
            [PageBreak("3"), "Text after it. ", PageBreak("4"), PageBreak("5"), "The last page."],
        ),
    ]
    assert_never_inside_a_word(blocks)
    # without labels (or for one page) nothing changes
    assert breaks_of(unwrap(SourceDocument(pages, "plain"), Report())) == []


def test_the_writer_puts_a_heading_page_break_before_the_heading() -> None:
    from ebookmaker.model import Book, Metadata

    book = Book(
        Metadata(title="T", language="en"),
        blocks=[
            Block(BlockKind.PARAGRAPH, ["One."]),
            Block(BlockKind.HEADING, [PageBreak("2"), "Second part"]),
            Block(BlockKind.PARAGRAPH, ["Two", PageBreak("3"), " words."]),
        ],
    )
    files = read_zip(epub_bytes(book))
    root = etree.fromstring(files["EPUB/text.xhtml"])
    heading = root.find(".//x:h2", NS)
    assert heading.text == "Second part" and len(heading) == 0
    span = heading.getprevious()
    assert span.get(EPUB_TYPE) == "pagebreak" and span.get("aria-label") == "2"
    assert page_list(files) == [("2", "text.xhtml#page-2"), ("3", "text.xhtml#page-3")]
    nav = etree.fromstring(files["EPUB/nav.xhtml"])
    assert nav.xpath("//x:nav[@epub:type='toc']//x:a/text()", namespaces=NS)[-1] == "Second part"
    # the markers change neither the text nor the identifier
    plain = Book(
        book.metadata, blocks=[Block(b.kind, without_breaks([b])[0][2]) for b in book.blocks]
    )
    assert book_identifier(book) == book_identifier(plain)
    assert "page-list" not in read_zip(epub_bytes(plain))["EPUB/nav.xhtml"].decode()


# --- whole books --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The form-feed text and a corpus PDF, built twice each, plus a one-page text."""
    out = tmp_path_factory.mktemp("pagelist")
    text_book, _ = convert_text(FORM_FEED_TEXT)
    pdf_book, _ = convert_pdf(PDF.read_bytes())
    one_page, _ = convert_text(TITLE_PAGE + "\n" + PAGES[0])
    paths = {
        "text": out / "text.epub",
        "text-again": out / "text-again.epub",
        "pdf": out / "pdf.epub",
        "pdf-again": out / "pdf-again.epub",
        "one-page": out / "one-page.epub",
    }
    write_epub(text_book, paths["text"])
    write_epub(convert_text(FORM_FEED_TEXT)[0], paths["text-again"])
    write_epub(pdf_book, paths["pdf"])
    write_epub(convert_pdf(PDF.read_bytes())[0], paths["pdf-again"])
    write_epub(one_page, paths["one-page"])
    return paths


def test_form_feed_text_has_a_page_list_with_printed_numbers(built: dict[str, Path]) -> None:
    book, _ = convert_text(FORM_FEED_TEXT)
    assert breaks_of(book.blocks) == ["12", "13", "14"]
    assert_never_inside_a_word(book.blocks)
    text = " ".join(b.plain_text() for b in book.blocks)
    assert "the information safe in a chest" in text and "12" not in text
    files = read_zip(built["text"].read_bytes())
    entries = page_list(files)
    assert [label for label, _ in entries] == ["12", "13", "14"]
    spans = page_spans(files)
    assert [href for _, href in entries] == list(spans)  # every entry has its marker
    for label, href in entries:
        span = spans[href]
        assert span.tag == f"{{{NS['x']}}}span" and len(span) == 0 and not span.text
        assert span.get("role") == "doc-pagebreak" and span.get("aria-label") == label
    # the joined word stays whole in the XHTML: the marker comes after it
    raw = files["EPUB/text.xhtml"].decode()
    assert re.search(r"information<span [^>]*aria-label=\"13\"/> safe", raw)
    assert accessibility_features(files) >= {"pageBreakMarkers", "pageNavigation"}
    package = etree.fromstring(files["EPUB/content.opf"])
    assert package.xpath("//opf:meta[@property='pageBreakSource']/text()", namespaces=NS) == [
        "The Village Ledger"
    ]


def test_corpus_pdf_has_a_page_list(built: dict[str, Path]) -> None:
    files = read_zip(built["pdf"].read_bytes())
    assert [label for label, _ in page_list(files)] == ["2", "3", "4", "5", "6", "7"]
    assert list(page_spans(files)) == [href for _, href in page_list(files)]


def test_one_page_has_no_page_list(built: dict[str, Path]) -> None:
    files = read_zip(built["one-page"].read_bytes())
    assert not page_spans(files)
    assert b"page-list" not in files["EPUB/nav.xhtml"]
    assert not accessibility_features(files) & {"pageBreakMarkers", "pageNavigation"}
    assert b"pageBreakSource" not in files["EPUB/content.opf"]


def test_builds_are_reproducible(built: dict[str, Path]) -> None:
    assert built["text"].read_bytes() == built["text-again"].read_bytes()
    assert built["pdf"].read_bytes() == built["pdf-again"].read_bytes()


def test_page_list_books_pass_epubcheck(built: dict[str, Path]) -> None:
    paths = [built["text"], built["pdf"], built["one-page"]]
    for path, report in epubcheck(paths).items():
        assert problems(report) == [], path.name


CORPUS_INPUTS = sorted(CORPUS.glob("*/extracted/*.txt")) + sorted(CORPUS.glob("*/source.pdf"))


def test_page_breaks_change_no_text_on_the_corpus(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every corpus input: the same blocks, notes and metadata with and without page breaks;
    a page break for every page after the first; none inside a word or a heading."""
    import ebookmaker.pipeline as pipeline

    def convert(path: Path):
        if path.suffix == ".pdf":
            return convert_pdf(path.read_bytes(), name=path.stem)[0]
        return convert_text(path.read_text("utf-8"), name=path.stem)[0]

    for path in CORPUS_INPUTS:
        book = convert(path)
        with monkeypatch.context() as patch:
            patch.setattr(pipeline, "page_labels", lambda doc: {})
            plain = convert(path)
        name = f"{path.parent.parent.name}/{path.name}"
        labels = breaks_of(book.blocks)
        # the corpus PDFs number their pages from 1: every page after the first is listed
        assert labels == [str(n) for n in range(2, len(labels) + 2)], name
        assert_never_inside_a_word(book.blocks)
        assert without_breaks(book.blocks) == without_breaks(plain.blocks), name
        assert book.notes == plain.notes and book.metadata == plain.metadata, name
        refs = [p for b in book.blocks for p in b.content if isinstance(p, NoteRef)]
        assert refs == [p for b in plain.blocks for p in b.content if isinstance(p, NoteRef)]
