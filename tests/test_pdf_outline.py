"""A PDF's outline (bookmarks) as the EPUB's table of contents, on PDFs made here: LibreOffice
exports its Heading 1/Heading 2 paragraphs as bookmarks; pypdf replaces them with an outline
whose titles differ from the printed headings or that points at a page without a heading."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("pypdfium2")

from lxml import etree  # noqa: E402

from .conftest import epubcheck, libreoffice_pdf, problems, run_cli  # noqa: E402
from .test_pdf import _sentence  # noqa: E402

NS = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"}
NCX = {"n": "http://www.daisy.org/z3986/2005/ncx/"}

_FODT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:meta><dc:title>A Made Book</dc:title><meta:initial-creator>Ann Author</meta:initial-creator>
</office:meta>
<office:styles>
<style:style style:name="Standard" style:family="paragraph">
 <style:paragraph-properties fo:text-align="justify" fo:text-indent="0.5cm"/>
 <style:text-properties fo:font-size="11pt" fo:language="en" fo:country="GB"
  fo:hyphenate="true"/></style:style>
<style:style style:name="Title" style:family="paragraph">
 <style:paragraph-properties fo:text-align="center" fo:margin-bottom="0.6cm"/>
 <style:text-properties fo:font-size="20pt"/></style:style>
<style:style style:name="Author" style:family="paragraph">
 <style:paragraph-properties fo:text-align="center" fo:margin-bottom="1.5cm"/>
 <style:text-properties fo:font-size="13pt"/></style:style>
<style:style style:name="Heading_20_1" style:display-name="Heading 1" style:family="paragraph"
 style:default-outline-level="1">
 <style:paragraph-properties fo:margin-top="0.8cm" fo:margin-bottom="0.4cm"
  fo:keep-with-next="always"/>
 <style:text-properties fo:font-size="16pt" fo:font-weight="bold"/></style:style>
<style:style style:name="Heading_20_2" style:display-name="Heading 2" style:family="paragraph"
 style:default-outline-level="2">
 <style:paragraph-properties fo:margin-top="0.6cm" fo:margin-bottom="0.3cm"
  fo:keep-with-next="always"/>
 <style:text-properties fo:font-size="13pt" fo:font-weight="bold"/></style:style>
<style:style style:name="Heading_20_3" style:display-name="Heading 3" style:family="paragraph"
 style:default-outline-level="3">
 <style:paragraph-properties fo:margin-top="0.3cm" fo:margin-bottom="0.1cm"
  fo:keep-with-next="always"/>
 <style:text-properties fo:font-size="11pt"/></style:style>
<style:style style:name="Footer" style:family="paragraph">
 <style:paragraph-properties fo:text-align="center"/>
 <style:text-properties fo:font-size="9pt"/></style:style>
</office:styles>
<office:automatic-styles><style:page-layout style:name="pm1">
 <style:page-layout-properties fo:page-width="14.8cm" fo:page-height="21cm"
  fo:margin-top="1.5cm" fo:margin-bottom="1.5cm" fo:margin-left="2cm" fo:margin-right="2cm"/>
 <style:footer-style><style:header-footer-properties fo:min-height="0cm"
  fo:margin-top="0.4cm"/></style:footer-style></style:page-layout></office:automatic-styles>
<office:master-styles><style:master-page style:name="Standard" style:page-layout-name="pm1">
 <style:footer><text:p text:style-name="Footer"><text:page-number text:select-page="current"/>
 </text:p></style:footer></style:master-page></office:master-styles>
<office:body><office:text>
BODY
</office:text></office:body></office:document>"""


# (outline level, printed heading); paragraphs of running text follow each.
HEADINGS = [
    (1, "Part One"),
    (2, "The First Chapter"),
    (2, "The Second Chapter"),
    (1, "Part Two"),
    (2, "The Third Chapter"),
]


def _paragraphs(start: int, count: int) -> list[str]:
    return [
        '<text:p text:style-name="Standard">'
        + " ".join(_sentence(start + p * 10 + s) for s in range(6))
        + "</text:p>"
        for p in range(count)
    ]


def _heading(level: int, title: str) -> str:
    style = f"Heading_20_{level}"
    return f'<text:h text:style-name="{style}" text:outline-level="{level}">{title}</text:h>'


def _title_block() -> list[str]:
    return [
        '<text:p text:style-name="Title">A Made Book</text:p>',
        '<text:p text:style-name="Author">Ann Author</text:p>',
    ]


@pytest.fixture(scope="module")
def outlined_pdf(tmp_path_factory) -> bytes:
    """An A5 PDF with a title, an author line, two Heading 1 parts and three Heading 2
    chapters, and several pages of running text in the first chapter."""
    paras = _title_block()
    for k, (level, title) in enumerate(HEADINGS):
        paras.append(_heading(level, title))
        if level == 2:
            paras += _paragraphs(100 * k, 9 if k == 1 else 3)
    return _libreoffice_pdf(tmp_path_factory, paras)


def _libreoffice_pdf(tmp_path_factory, paras: list[str]) -> bytes:
    folder = tmp_path_factory.mktemp("lo-outline")
    return libreoffice_pdf(folder, _FODT.replace("BODY", "\n".join(paras)), "outlined")


def _rewrite_outline(data: bytes, entries: list[tuple[int, str, int, float | None]]) -> bytes:
    """The same pages with another outline: (depth, title, page index, view top or None)."""
    pypdf = pytest.importorskip("pypdf")
    from pypdf.generic import Fit

    writer = pypdf.PdfWriter()
    writer.append(pypdf.PdfReader(io.BytesIO(data)), import_outline=False)
    parents: list = []
    for depth, title, page, top in entries:
        del parents[depth:]
        fit = Fit.xyz(left=0, top=top, zoom=0) if top is not None else Fit.fit()
        item = writer.add_outline_item(
            title=title, page_number=page, parent=parents[-1] if parents else None, fit=fit
        )
        parents.append(item)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _heading_pages(data: bytes) -> dict[str, tuple[int, float]]:
    """Printed heading → (page index, top of its first character), found with PDFium."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    found: dict[str, tuple[int, float]] = {}
    try:
        for index in range(len(pdf)):
            text = pdf[index].get_textpage()
            for _, title in HEADINGS:
                searcher = text.search(title, match_case=True, match_whole_word=True)
                hit = searcher.get_next()
                if hit and title not in found:
                    _, _, _, top = text.get_charbox(hit[0])
                    found[title] = (index, top + 2)
    finally:
        pdf.close()
    return found


def _build(tmp_path: Path, name: str, data: bytes) -> Path:
    source = tmp_path / f"{name}.pdf"
    source.write_bytes(data)
    out = tmp_path / f"{name}.epub"
    report = tmp_path / f"{name}.json"
    result = run_cli("build", str(source), "-o", str(out), "-q", "--report", str(report))
    assert result.returncode == 0, result.stderr
    return out


def _nav_tree(files: dict[str, bytes]) -> list:
    """The toc nav's list as [(title, href, [children…]), …]."""
    nav = etree.fromstring(files["EPUB/nav.xhtml"])

    def walk(ol) -> list:
        return [
            (
                "".join(li.find("x:a", NS).itertext()),
                li.find("x:a", NS).get("href"),
                walk(li.find("x:ol", NS)) if li.find("x:ol", NS) is not None else [],
            )
            for li in ol.findall("x:li", NS)
        ]

    return walk(nav.find(".//x:nav[@epub:type='toc']/x:ol", NS))


def _ncx_tree(files: dict[str, bytes]) -> list:
    ncx = etree.fromstring(files["EPUB/toc.ncx"])

    def walk(parent) -> list:
        return [
            (
                point.findtext("n:navLabel/n:text", namespaces=NCX),
                point.find("n:content", NCX).get("src"),
                walk(point),
            )
            for point in parent.findall("n:navPoint", NCX)
        ]

    return walk(ncx.find("n:navMap", NCX))


def _shape(tree: list) -> list:
    """Titles and nesting only."""
    return [(title, _shape(children)) for title, _, children in tree]


def _target(files: dict[str, bytes], href: str) -> etree._Element:
    """The element an href points at; it must exist."""
    name, _, fragment = href.partition("#")
    root = etree.fromstring(files[f"EPUB/{name}"])
    if not fragment:
        return root
    hits = root.xpath("//*[@id=$id]", id=fragment)
    assert len(hits) == 1, href
    return hits[0]


def _files(epub_path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(epub_path) as z:
        return {name: z.read(name) for name in z.namelist()}


def _visible_text(files: dict[str, bytes]) -> str:
    texts = []
    for name in sorted(n for n in files if re.match(r"EPUB/text(-\d+)?\.xhtml$", n)):
        texts.append("".join(etree.fromstring(files[name]).find("x:body", NS).itertext()))
    return "\n".join(texts)


@pytest.fixture(scope="module")
def books(outlined_pdf: bytes, tmp_path_factory) -> dict[str, Path]:
    """The LibreOffice PDF as made, without an outline, and with pypdf's outlines."""
    folder = tmp_path_factory.mktemp("outline-books")
    where = _heading_pages(outlined_pdf)
    assert set(where) == {title for _, title in HEADINGS}
    heading_pages = {page for page, _ in where.values()}
    # A page of running text between the first and the second chapter: no heading on it.
    plain_page = next(
        p
        for p in range(where["The First Chapter"][0] + 1, where["The Second Chapter"][0])
        if p not in heading_pages
    )
    renamed = [
        (0, "A Made Book", 0, None),  # the title: shown on the title page
        (0, "1 Part One", where["Part One"][0], None),
        (1, "Chapter 1: The First Chapter", *where["The First Chapter"]),
        (1, "An Interlude", plain_page, None),
        (2, "An Aside", plain_page, None),  # two entries at one place
        (1, "Chapter 2: The Second Chapter", *where["The Second Chapter"]),
        # Named unlike its printed heading, but pointing at it exactly.
        (0, "The Latter Half", *where["Part Two"]),
        (1, "Chapter 3: The Third Chapter", *where["The Third Chapter"]),
    ]
    made = {
        "libreoffice": outlined_pdf,
        "plain": _rewrite_outline(outlined_pdf, []),
        "renamed": _rewrite_outline(outlined_pdf, renamed),
    }
    return {name: _build(folder, name, data) for name, data in made.items()}


def test_libreoffice_bookmarks_become_the_nav(books: dict[str, Path]) -> None:
    files = _files(books["libreoffice"])
    nav = _nav_tree(files)
    assert _shape(nav) == [
        ("Title page", []),
        ("Part One", [("The First Chapter", []), ("The Second Chapter", [])]),
        ("Part Two", [("The Third Chapter", [])]),
    ]
    assert _shape(_ncx_tree(files)) == _shape(nav)
    # Each entry points at its printed heading, at the level of its depth.
    for title, href, children in nav[1:]:
        heading = _target(files, href)
        assert heading.tag == f"{{{NS['x']}}}h2" and "".join(heading.itertext()) == title
        for child_title, child_href, _ in children:
            child = _target(files, child_href)
            assert child.tag == f"{{{NS['x']}}}h3"
            assert "".join(child.itertext()) == child_title


def test_outline_titles_and_a_page_without_heading(books: dict[str, Path]) -> None:
    files = _files(books["renamed"])
    nav = _nav_tree(files)
    assert _shape(nav) == [
        ("Title page", []),
        (
            "1 Part One",
            [
                ("Chapter 1: The First Chapter", []),
                ("An Interlude", [("An Aside", [])]),
                ("Chapter 2: The Second Chapter", []),
            ],
        ),
        ("The Latter Half", [("Chapter 3: The Third Chapter", [])]),
    ]
    assert _shape(_ncx_tree(files)) == _shape(nav)
    assert [src for _, src, _ in _ncx_tree(files)] == [href for _, href, _ in nav]
    part_one, latter = nav[1], nav[2]
    assert "".join(_target(files, part_one[1]).itertext()) == "Part One"
    # Pointed at exactly, the printed heading is the entry although its text differs.
    assert "".join(_target(files, latter[1]).itertext()) == "Part Two"
    first, interlude, second = part_one[2]
    aside = interlude[2][0]
    assert "".join(_target(files, first[1]).itertext()) == "The First Chapter"
    assert "".join(_target(files, second[1]).itertext()) == "The Second Chapter"
    # No heading on its page: an empty anchor in the running text, right at the page's start.
    anchor = _target(files, interlude[1])
    assert anchor.tag == f"{{{NS['x']}}}span" and len(anchor) == 0 and not anchor.text
    assert anchor.getparent().tag == f"{{{NS['x']}}}p"
    before = anchor.getprevious()
    assert before is not None and before.get(f"{{{NS['epub']}}}type") == "pagebreak"
    assert _target(files, aside[1]).getprevious().get("id") == anchor.get("id")
    # The entry for the title points at the title block: the title page stands for it.
    decisions = json.loads(books["renamed"].with_suffix(".json").read_text())["decisions"]
    outline = [(d["action"], d["subject"]) for d in decisions if d["step"] == "outline"]
    assert ("title page", "A Made Book") in outline
    # Hrefs in document order.
    order = [_position(files, href) for _, href, _ in _flatten(nav[1:])]
    assert order == sorted(order)


def _flatten(tree: list) -> list:
    return [item for entry in tree for item in [entry, *_flatten(entry[2])]]


def _position(files: dict[str, bytes], href: str) -> tuple[str, int]:
    name, _, fragment = href.partition("#")
    root = etree.fromstring(files[f"EPUB/{name}"])
    ids = [el.get("id") for el in root.iter() if el.get("id")]
    return name, ids.index(fragment)


def test_outline_changes_no_text(books: dict[str, Path]) -> None:
    texts = {name: _visible_text(_files(path)) for name, path in books.items()}
    assert texts["renamed"] == texts["plain"] == texts["libreoffice"]


def test_without_outline_the_headings_make_the_nav(books: dict[str, Path]) -> None:
    files = _files(books["plain"])
    nav = _nav_tree(files)
    # The headings found from font sizes, as before the outline step existed.
    assert _shape(nav) == [
        ("Title page", []),
        ("Part One", [("The First Chapter", []), ("The Second Chapter", [])]),
        ("Part Two", [("The Third Chapter", [])]),
    ]
    assert all(href.split("#")[1].startswith("h") for _, href, _ in _flatten(nav[1:]))
    assert all(b'id="toc-' not in data for name, data in files.items() if "/text" in name)


def test_outlined_books_pass_epubcheck(books: dict[str, Path]) -> None:
    reports = epubcheck(list(books.values()))
    for path, report in reports.items():
        assert problems(report) == [], path.name


def test_outline_separates_stacked_headings_and_levels_a_body_sized_one(
    tmp_path_factory, tmp_path: Path
) -> None:
    """A part and its first chapter set one above the other on the title page, and a
    Heading 3 set in the body's size and weight: each becomes its own heading, at its depth."""
    paras = [
        *_title_block(),
        _heading(1, "Part One"),
        _heading(2, "The First Chapter"),
        *_paragraphs(0, 2),
        _heading(3, "A quiet section"),
        *_paragraphs(50, 3),
    ]
    files = _files(_build(tmp_path, "stacked", _libreoffice_pdf(tmp_path_factory, paras)))
    nav = _nav_tree(files)
    assert _shape(nav) == [
        ("Title page", []),
        ("Part One", [("The First Chapter", [("A quiet section", [])])]),
    ]
    tags = []
    for _, href, _ in _flatten(nav[1:]):
        element = _target(files, href)
        tags.append((element.tag.split("}")[1], "".join(element.itertext())))
    assert tags == [("h2", "Part One"), ("h3", "The First Chapter"), ("h4", "A quiet section")]
