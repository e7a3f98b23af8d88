"""EPUB writer: real EPUBs, checked with the real EPUBCheck, lxml and the project's scorer.

EPUBCheck needs Java; when it is missing these tests fail (CI installs it), they never skip.
The three EPUBs that go through EPUBCheck are validated in parallel, once per module.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from ebookmaker.model import Block, BlockKind, Book, Metadata, Note, NoteRef, PageBreak
from ebookmaker.writer.epub import book_identifier, epub_bytes, modified_timestamp, write_epub

from .conftest import SHARED, epubcheck, score

SEED_TRUTH = SHARED / "corpus" / "dev" / "seed-trotskij-terror" / "truth.json"

NS = {
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


# --- books ------------------------------------------------------------------------------


def small_book() -> Book:
    """Two paragraphs with two note references (one labelled ``*``), a heading, a quote,
    a colophon, Swedish metadata with a translator, and text that needs escaping."""
    return Book(
        metadata=Metadata(
            title="Om <script> & ]]> i böcker",
            authors=["Leo Trotskij"],
            language="sv",
            date="1935-09-06",
            translators=["P-O Mattsson"],
            publisher="Förlaget",
            series="Småskrifter",
        ),
        front=["Publicerad i New Militant den 2 november 1935."],
        blocks=[
            Block(
                BlockKind.PARAGRAPH,
                [
                    "Första stycket med <script>alert(1)</script>, &amp; och ]]> i texten.",
                    NoteRef("1", "1"),
                    " Fortsättning\x00 efter\x0b noten\ufffe.",
                ],
            ),
            Block(BlockKind.HEADING, ["En rubrik"], level=2),
            Block(BlockKind.PARAGRAPH, ["Andra stycket.", NoteRef("*", "*"), " Slut."]),
            Block(BlockKind.BLOCKQUOTE, ["Ett citat ur ett brev."]),
            Block(BlockKind.COLOPHON, ["Översättning: P-O Mattsson"]),
        ],
        notes=[
            Note("1", "1", "Den första noten, med lite text i."),
            Note("*", "*", "Stjärnnoten, som har en symbol som etikett."),
        ],
    )


MARKER_RE = re.compile(r"\[\^([^\]]+)\]")
KINDS = {kind.value: kind for kind in BlockKind}


def book_from_truth(truth: dict) -> Book:
    """The Book a perfect pipeline would produce for a corpus truth.json."""

    def inlines(text: str) -> list[str | NoteRef]:
        parts: list[str | NoteRef] = []
        for piece in re.split(r"(\[\^[^\]]+\])", text):
            marker = MARKER_RE.fullmatch(piece)
            if marker:
                parts.append(NoteRef(marker.group(1), marker.group(1)))
            elif piece:
                parts.append(piece)
        return parts

    title, authors = truth["title"], truth["authors"]
    year = (truth.get("date") or "")[:4]
    # Book.front holds the title-page lines after title, author and date.
    front = [
        line
        for line in truth["front"]
        if line != title
        and line not in authors
        and line != " and ".join(authors)
        and not (year and year in line and len(line.split()) <= 4)
    ]
    meta = Metadata(
        title=title,
        authors=authors,
        language=truth["language"],
        date=truth.get("date") or "",
        translators=[c["name"] for c in truth.get("contributors", []) if c.get("role") == "trl"],
    )
    blocks = [
        Block(KINDS[b["type"]], inlines(b["text"]), level=b.get("level", 2))
        for b in truth["blocks"]
    ]
    notes = [Note(n["id"], n["id"], n["text"]) for n in truth["notes"]]
    return Book(meta, front=front, blocks=blocks, notes=notes)


def long_title_book() -> Book:
    book = small_book()
    book.metadata.title = ("Ett mycket långt namn " * 500)[:10_000]
    return book


def paged_book() -> Book:
    """The small book with page breaks (one starting the heading, a repeated label, a label
    that is no XML name), long enough to be split into several files."""
    book = small_book()
    first, heading, second, quote, colophon = book.blocks
    first.content.insert(2, PageBreak("2"))  # after the note reference
    heading.content.insert(0, PageBreak("3"))
    quote.content[1:1] = [" ", PageBreak("iv"), "Mer citat.", PageBreak("iv")]
    colophon.content.insert(0, PageBreak("A 1"))
    chapters = []
    for n in range(4):
        chapters.append(Block(BlockKind.HEADING, [f"Kapitel {n + 1}"]))
        chapters += [
            Block(BlockKind.PARAGRAPH, ["Ett stycke text. " * 400, PageBreak(f"{10 + 10 * n + i}")])
            for i in range(10)
        ]
    book.blocks = [first, heading, second, quote, *chapters, colophon]
    return book


def unbroken_book() -> Book:
    """A long book without headings: sixty paragraphs of ~6,000 characters, notes referenced
    near its start and end, one note referenced twice far apart."""
    blocks = [
        Block(BlockKind.PARAGRAPH, [f"Stycke {n}. " + "Ett stycke text utan rubriker. " * 190])
        for n in range(60)
    ]
    blocks[4].content += [NoteRef("1", "1"), " Efter noten."]
    blocks[50].content += [NoteRef("2", "2")]
    blocks[55].content += [NoteRef("1", "1")]
    notes = [Note("1", "1", "Den första noten."), Note("2", "2", "Den andra noten.")]
    return Book(metadata=Metadata(title="Utan rubriker", language="sv"), blocks=blocks, notes=notes)


# --- helpers ----------------------------------------------------------------------------


def read_zip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def xhtml_docs(files: dict[str, bytes]) -> dict[str, etree._Element]:
    return {name: etree.fromstring(data) for name, data in files.items() if name.endswith(".xhtml")}


def opf(files: dict[str, bytes]) -> etree._Element:
    return etree.fromstring(files["EPUB/content.opf"])


# --- fixtures ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("epubs")
    paths = {
        "small": out / "small.epub",
        "long_title": out / "long-title.epub",
        "seed": out / "seed.epub",
        "paged": out / "paged.epub",
        "unbroken": out / "unbroken.epub",
    }
    write_epub(paged_book(), paths["paged"])
    write_epub(unbroken_book(), paths["unbroken"])
    write_epub(small_book(), paths["small"])
    write_epub(long_title_book(), paths["long_title"])
    write_epub(book_from_truth(json.loads(SEED_TRUTH.read_text("utf-8"))), paths["seed"])
    return paths


@pytest.fixture(scope="module")
def epubcheck_reports(books: dict[str, Path]) -> dict[str, dict]:
    """Run EPUBCheck on every book at once (one JVM each, in parallel)."""
    reports = epubcheck(list(books.values()))
    return {name: reports[path] for name, path in books.items()}


@pytest.fixture(scope="module")
def small_files(books: dict[str, Path]) -> dict[str, bytes]:
    return read_zip(books["small"].read_bytes())


# --- EPUBCheck --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["small", "long_title", "seed", "paged", "unbroken"])
def test_epubcheck_reports_no_errors_and_no_warnings(
    epubcheck_reports: dict[str, dict], name: str
) -> None:
    report = epubcheck_reports[name]
    checker = report["checker"]
    messages = [f"{m['severity']} {m['ID']}: {m['message']}" for m in report["messages"]]
    assert (checker["nFatal"], checker["nError"], checker["nWarning"]) == (0, 0, 0), messages


# --- reproducibility and the zip --------------------------------------------------------


def test_same_book_gives_identical_bytes(books: dict[str, Path], tmp_path: Path) -> None:
    first, second = epub_bytes(small_book()), epub_bytes(small_book())
    assert first == second
    assert books["small"].read_bytes() == first  # write_epub writes exactly these bytes
    write_epub(small_book(), tmp_path / "again.epub")
    assert (tmp_path / "again.epub").read_bytes() == first


def test_identifier_is_content_derived_unless_given() -> None:
    book = small_book()
    identifier = book_identifier(book)
    assert re.fullmatch(
        r"urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}", identifier
    )
    changed = small_book()
    changed.notes[0].text += " Tillägg."
    assert book_identifier(changed) != identifier
    book.metadata.identifier = "isbn:9789100000000"
    assert book_identifier(book) == "isbn:9789100000000"
    files = read_zip(epub_bytes(book))
    assert opf(files).findtext(".//dc:identifier", namespaces=NS) == "isbn:9789100000000"


def test_modified_date_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert modified_timestamp(small_book()) == "1935-09-06T00:00:00Z"
    book = small_book()
    book.metadata.date = "1935"
    assert modified_timestamp(book) == "2000-01-01T00:00:00Z"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert modified_timestamp(book) == "2023-11-14T22:13:20Z"
    modified = opf(read_zip(epub_bytes(book))).find(".//opf:meta[@property='dcterms:modified']", NS)
    assert modified.text == "2023-11-14T22:13:20Z"


def test_zip_layout(books: dict[str, Path]) -> None:
    with zipfile.ZipFile(books["small"]) as archive:
        infos = archive.infolist()
        assert infos[0].filename == "mimetype"
        assert infos[0].compress_type == zipfile.ZIP_STORED
        assert infos[0].extra == b""
        assert archive.read("mimetype") == b"application/epub+zip"
        assert [i.filename for i in infos[1:3]] == ["META-INF/container.xml", "EPUB/content.opf"]
        for info in infos[1:]:
            # images are compressed already and stored; everything else is deflated
            already = info.filename.endswith((".jpg", ".jpeg", ".png"))
            expected = zipfile.ZIP_STORED if already else zipfile.ZIP_DEFLATED
            assert info.compress_type == expected, info.filename
        for info in infos:
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            assert info.external_attr == 0o100644 << 16
    # The stored mimetype really is the first local header, as OCF requires.
    assert books["small"].read_bytes()[30:38] == b"mimetype"


def test_write_is_atomic_and_cleans_up(tmp_path: Path) -> None:
    target = tmp_path / "book.epub"
    target.write_bytes(b"old")
    write_epub(small_book(), target)
    assert target.read_bytes()[:2] == b"PK"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.epub"]
    # Replacing a directory fails after the temp file was written: it must be removed.
    (tmp_path / "dir.epub").mkdir()
    with pytest.raises(OSError):
        write_epub(small_book(), tmp_path / "dir.epub")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.epub", "dir.epub"]


# --- content ----------------------------------------------------------------------------


def test_every_xhtml_has_lang_and_xml_lang(small_files: dict[str, bytes]) -> None:
    docs = xhtml_docs(small_files)
    assert {"EPUB/cover.xhtml", "EPUB/title.xhtml", "EPUB/nav.xhtml", "EPUB/text.xhtml"} <= set(
        docs
    )
    for name, root in docs.items():
        assert root.get("lang") == "sv", name
        assert root.get(XML_LANG) == "sv", name
        assert root.find("x:head/x:link[@rel='stylesheet']", NS) is not None, name


def test_noterefs_and_footnotes(small_files: dict[str, bytes]) -> None:
    root = xhtml_docs(small_files)["EPUB/text.xhtml"]
    body = root.find("x:body", NS)
    order = list(body.iter())
    refs = body.xpath(".//x:a[@epub:type='noteref']", namespaces=NS)
    asides = body.xpath(".//x:aside", namespaces=NS)
    assert [r.text for r in refs] == ["1", "*"]
    assert len(asides) == 2
    ids = set(root.xpath("//@id"))
    for ref in refs:
        # exactly these attributes, no child elements (a <sup> inside breaks popups)
        assert set(ref.attrib) == {EPUB_TYPE, "role", "href", "id"}
        assert ref.get(EPUB_TYPE) == "noteref" and ref.get("role") == "doc-noteref"
        assert len(ref) == 0
        assert re.fullmatch(r"nref[0-9]+", ref.get("id"))
        target_id = ref.get("href").removeprefix("#")
        assert re.fullmatch(r"n[0-9]+", target_id) and target_id in ids  # XML-safe, exists
        (aside,) = root.xpath("//*[@id=$i]", i=target_id)
        assert aside.tag == f"{{{NS['x']}}}aside"
        assert aside.get(EPUB_TYPE) == "footnote" and aside.get("role") == "doc-footnote"
        assert order.index(aside) > order.index(ref)  # the note comes after its reference
        # backlink first: the note's first paragraph starts with the label linking back
        first_p = aside.find("x:p", NS)
        assert first_p.text is None
        backlink = first_p[0]
        assert backlink.tag == f"{{{NS['x']}}}a" and backlink.get("role") == "doc-backlink"
        assert backlink.get("href") == "#" + ref.get("id")
        assert backlink.text == ref.text
    star_note = root.xpath("//*[@id=$i]", i=refs[1].get("href")[1:])[0]
    assert "".join(star_note.itertext()).strip() == (
        "* Stjärnnoten, som har en symbol som etikett."
    )
    # notes sit in a plain section with a localized heading, never hidden
    section = asides[0].getparent()
    assert section.tag == f"{{{NS['x']}}}section" and section.get("class") == "footnotes"
    assert section.findtext("x:h2", namespaces=NS) == "Noter"
    css = re.sub(r"/\*.*?\*/", "", small_files["EPUB/style/book.css"].decode(), flags=re.S)
    assert "display" not in css and "visibility" not in css


def test_unreferenced_note_and_missing_target() -> None:
    book = small_book()
    book.notes.append(Note("9", "9", "En not som ingen hänvisar till."))
    book.blocks[2].content.append(NoteRef("404", "7"))  # points to no note
    book.blocks[2].content.append(NoteRef("1", "1"))  # a second reference to note 1
    root = xhtml_docs(read_zip(epub_bytes(book)))["EPUB/text.xhtml"]
    hrefs = root.xpath("//x:a[@epub:type='noteref']/@href", namespaces=NS)
    ids = set(root.xpath("//@id"))
    assert all(h[1:] in ids for h in hrefs)  # no broken reference
    assert len(set(root.xpath("//@id"))) == len(root.xpath("//@id"))  # ids unique
    assert "Andra stycket.* Slut.71" in "".join(root.xpath("//x:p[2]//text()", namespaces=NS))
    orphan = root.xpath("//x:aside[last()]", namespaces=NS)[0]
    assert "".join(orphan.itertext()).strip() == "9 En not som ingen hänvisar till."
    assert not orphan.xpath(".//x:a", namespaces=NS)  # no backlink without a reference


def test_blocks_escaping_and_structure(small_files: dict[str, bytes]) -> None:
    raw = small_files["EPUB/text.xhtml"].decode("utf-8")
    assert "<script" not in raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw
    assert "&amp;amp;" in raw and "]]&gt;" in raw
    root = etree.fromstring(small_files["EPUB/text.xhtml"])
    text = "".join(root.find("x:body", NS).itertext())
    assert "<script>alert(1)</script>, &amp; och ]]> i texten." in text
    assert "Fortsättning efter noten." in text  # NUL, VT and U+FFFE removed
    heading = root.find(".//x:h2", NS)
    assert heading.text == "En rubrik" and heading.get("id")
    assert root.findtext(".//x:blockquote/x:p", namespaces=NS) == "Ett citat ur ett brev."
    colophon = root.xpath("//x:section[@epub:type='colophon']", namespaces=NS)
    assert [p.text for p in colophon[0]] == ["Översättning: P-O Mattsson"]
    # the nav lists the title page and the heading, linking to its id
    nav = etree.fromstring(small_files["EPUB/nav.xhtml"])
    hrefs = nav.xpath("//x:nav[@epub:type='toc']//x:a/@href", namespaces=NS)
    assert "title.xhtml" in hrefs and f"text.xhtml#{heading.get('id')}" in hrefs


def test_title_and_cover_pages(small_files: dict[str, bytes]) -> None:
    title = etree.fromstring(small_files["EPUB/title.xhtml"])
    texts = [" ".join("".join(e.itertext()).split()) for e in title.iterfind(".//x:section/*", NS)]
    assert texts == [
        "Leo Trotskij",
        "Om <script> & ]]> i böcker",
        "6 september 1935",
        "Publicerad i New Militant den 2 november 1935.",
    ]
    assert title.find(".//x:h1", NS) is not None
    cover = etree.fromstring(small_files["EPUB/cover.xhtml"])
    img = cover.find(".//x:img", NS)
    assert img.get("src") == "images/cover.jpg" and "Om <script>" in img.get("alt")
    package = opf(small_files)
    spine = [i.get("idref") for i in package.iterfind(".//opf:spine/opf:itemref", NS)]
    assert spine[:2] == ["cover", "titlepage"] and spine[-1] == "text"
    assert all(i.get("linear") in (None, "yes") for i in package.iterfind(".//opf:itemref", NS))
    image = package.find(".//opf:item[@properties='cover-image']", NS)
    assert image.get("href") == "images/cover.jpg" and image.get("media-type") == "image/jpeg"
    assert package.find(".//opf:meta[@name='cover']", NS).get("content") == image.get("id")


def test_package_metadata(small_files: dict[str, bytes]) -> None:
    package = opf(small_files)
    meta = package.find("opf:metadata", NS)
    assert meta.findtext("dc:language", namespaces=NS) == "sv"
    assert meta.findtext("dc:title", namespaces=NS) == "Om <script> & ]]> i böcker"
    assert meta.findtext("dc:date", namespaces=NS) == "1935-09-06"
    assert meta.findtext("dc:publisher", namespaces=NS) == "Förlaget"

    def role_of(element: etree._Element) -> str:
        refines = meta.xpath(
            "opf:meta[@refines=$r][@property='role']", namespaces=NS, r="#" + element.get("id")
        )
        assert refines[0].get("scheme") == "marc:relators"
        return refines[0].text

    (creator,) = meta.findall("dc:creator", NS)
    assert creator.text == "Leo Trotskij" and role_of(creator) == "aut"
    (contributor,) = meta.findall("dc:contributor", NS)
    assert contributor.text == "P-O Mattsson" and role_of(contributor) == "trl"
    series = meta.find("opf:meta[@property='belongs-to-collection']", NS)
    assert series.text == "Småskrifter"

    def values(prop: str) -> set[str]:
        return {m.text for m in meta.iterfind(f"opf:meta[@property='{prop}']", NS)}

    assert values("schema:accessMode") == {"textual"}
    assert values("schema:accessModeSufficient") == {"textual"}
    assert values("schema:accessibilityFeature") >= {
        "structuralNavigation",
        "tableOfContents",
        "readingOrder",
        "displayTransformability",
    }
    assert values("schema:accessibilityHazard") == {"none"}
    assert len(next(iter(values("schema:accessibilitySummary")))) > 20


def test_page_breaks_and_page_list(books: dict[str, Path], small_files: dict[str, bytes]) -> None:
    files = read_zip(books["paged"].read_bytes())
    package = opf(files)
    features = set(values_of(package, "schema:accessibilityFeature"))
    assert {"pageBreakMarkers", "pageNavigation"} <= features
    assert values_of(package, "pageBreakSource") == [paged_book().metadata.title]
    assert not {"pageBreakMarkers", "pageNavigation"} & set(
        values_of(opf(small_files), "schema:accessibilityFeature")
    )
    assert b"page-list" not in small_files["EPUB/nav.xhtml"]
    nav = etree.fromstring(files["EPUB/nav.xhtml"])
    (page_list,) = nav.xpath("//x:nav[@epub:type='page-list']", namespaces=NS)
    assert page_list.get("hidden") is not None and page_list.get("role") == "doc-pagelist"
    entries = [(a.text, a.get("href")) for a in page_list.iterfind(".//x:a", NS)]
    labels = ["2", "3", "iv", "iv", *(str(n) for n in range(10, 50)), "A 1"]
    assert [label for label, _ in entries] == labels
    texts = sorted(name for name in files if re.fullmatch(r"EPUB/text(-\d+)?\.xhtml", name))
    assert len(texts) > 1  # split: the list points into several files
    spans = {}
    for name in texts:
        root = etree.fromstring(files[name])
        for span in root.xpath("//*[@epub:type='pagebreak']", namespaces=NS):
            spans[f"{name.removeprefix('EPUB/')}#{span.get('id')}"] = span
    assert sorted(spans) == sorted(href for _, href in entries)
    for label, href in entries:
        span = spans[href]
        assert span.tag == f"{{{NS['x']}}}span" and len(span) == 0 and not span.text
        assert span.get("role") == "doc-pagebreak" and span.get("aria-label") == label
        assert re.fullmatch(r"page-[A-Za-z0-9_.-]+", href.split("#")[1])
    # a page that starts with a heading: the marker stands before the heading, not in it
    (heading,) = [
        h
        for name in texts
        for h in etree.fromstring(files[name]).iterfind(".//x:h2", NS)
        if h.text == "En rubrik"
    ]
    assert len(heading) == 0 and heading.getprevious().get("aria-label") == "3"
    # the text around the markers is unchanged
    quote = "".join(heading.getparent().find(".//x:blockquote/x:p", NS).itertext())
    assert quote == "Ett citat ur ett brev. Mer citat."
    # the markers are no content: the identifier is that of the book without them
    plain = paged_book()
    for block in plain.blocks:
        block.content = [p for p in block.content if not isinstance(p, PageBreak)]
    assert book_identifier(paged_book()) == book_identifier(plain)


def test_long_book_without_headings_is_cut_into_files_at_paragraphs(
    books: dict[str, Path],
) -> None:
    files = read_zip(books["unbroken"].read_bytes())
    names = [f"EPUB/{item.get('href')}" for item in _spine_items(opf(files))]
    texts = [name for name in names if re.fullmatch(r"EPUB/text(-\d+)?\.xhtml", name)]
    paragraphs = {
        name: etree.fromstring(files[name]).xpath("//x:body/x:p", namespaces=NS) for name in texts
    }
    # Cut in files of 100,000 characters or one paragraph more, in reading order, none lost.
    assert len(texts) == 4
    shown = [p for name in texts for p in paragraphs[name]]
    assert [p.text.split(".")[0] for p in shown] == [f"Stycke {n}" for n in range(60)]
    for name in texts:
        sizes = [len("".join(p.itertext())) for p in paragraphs[name]]
        assert sum(sizes[:-1]) < 100_000 <= sum(sizes) or name == texts[-1]
    # A note lives in the file of its first reference; every reference finds it.
    notes = {}
    for name in texts:
        for aside in etree.fromstring(files[name]).xpath("//x:aside", namespaces=NS):
            notes[aside.get("id")] = name
    file_of = {p.text.split(".")[0]: name for name in texts for p in paragraphs[name]}
    assert notes == {"n1": file_of["Stycke 4"], "n2": file_of["Stycke 50"]}
    assert file_of["Stycke 55"] != file_of["Stycke 4"]  # a second reference in another file
    refs = [
        (name, a.get("href"))
        for name in texts
        for a in etree.fromstring(files[name]).xpath("//x:a[@epub:type='noteref']", namespaces=NS)
    ]
    assert len(refs) == 3
    for name, href in refs:
        target_file, target_id = href.split("#")
        assert notes[target_id] == (f"EPUB/{target_file}" if target_file else name)


def _spine_items(package: etree._Element) -> list[etree._Element]:
    manifest = {item.get("id"): item for item in package.iterfind(".//opf:item", NS)}
    return [manifest[ref.get("idref")] for ref in package.iterfind(".//opf:itemref", NS)]


def values_of(package: etree._Element, prop: str) -> list[str]:
    return [m.text for m in package.iterfind(f".//opf:meta[@property='{prop}']", NS)]


def test_missing_language_and_title_fall_back() -> None:
    files = read_zip(epub_bytes(Book(Metadata(), blocks=[Block(BlockKind.PARAGRAPH, ["x"])])))
    meta = opf(files).find("opf:metadata", NS)
    assert meta.findtext("dc:language", namespaces=NS) == "und"
    assert meta.findtext("dc:title", namespaces=NS)
    for root in xhtml_docs(files).values():
        assert root.get("lang") == root.get(XML_LANG) == "und"


def test_user_png_cover_is_used() -> None:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (800, 1280), "darkred").save(out, "PNG")
    book = small_book()
    book.cover_image, book.cover_media_type = out.getvalue(), "image/png"
    files = read_zip(epub_bytes(book))
    assert files["EPUB/images/cover.png"] == out.getvalue()
    item = opf(files).find(".//opf:item[@properties='cover-image']", NS)
    assert item.get("media-type") == "image/png"


# --- end to end with the scorer ---------------------------------------------------------


def test_seed_truth_scores_perfectly(books: dict[str, Path]) -> None:
    result = score(books["seed"], SEED_TRUTH)
    assert result["body_wer"] == 0
    assert result["paragraph_f1"] == 1.0
    assert result["notes"]["notes_correct"] == 15
    assert result["notes"]["notes_spurious"] == 0
    assert result["notes"]["noterefs_broken"] == 0
    assert result["metadata"]["score"] == 1.0


DEV_TRUTHS = sorted((SHARED / "corpus" / "dev").glob("*/truth.json"))


@pytest.mark.parametrize("truth", DEV_TRUTHS, ids=[t.parent.name for t in DEV_TRUTHS])
def test_dev_corpus_truths_score_perfectly(truth: Path, tmp_path: Path) -> None:
    """Headings, quotes, other languages: a perfect Book must come out perfect."""
    data = json.loads(truth.read_text("utf-8"))
    path = tmp_path / "book.epub"
    write_epub(book_from_truth(data), path)
    result = score(path, truth)
    # A title-page date line not printed in the source's front costs a few tokens at most.
    assert result["body_wer"] <= 0.002
    assert result["paragraph_f1"] == 1.0
    assert result["notes"]["notes_correct"] == len(data["notes"])
    assert result["notes"]["notes_spurious"] == 0
    assert result["metadata"]["score"] == 1.0
