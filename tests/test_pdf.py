"""The PDF reader on real PDFs: the corpus's LibreOffice exports, PDFs LibreOffice makes here,
and broken ones (encrypted, image-only, truncated)."""

from __future__ import annotations

import io
import json
import re
from difflib import SequenceMatcher
from pathlib import Path

import pytest

pytest.importorskip("pypdfium2")

from ebookmaker.model import Role  # noqa: E402
from ebookmaker.readers import InputError  # noqa: E402
from ebookmaker.readers.pdf import pdf_metadata, read_pdf  # noqa: E402

from .conftest import libreoffice_pdf  # noqa: E402

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "dev"
CORPUS_PDFS = sorted(CORPUS.glob("*/source.pdf")) if CORPUS.is_dir() else []


def _note_texts(doc) -> dict[str, str]:
    """Note label → text, the note's lines joined (line-end hyphens of words closed)."""
    notes: dict[str, str] = {}
    label = None
    for line in doc.lines():
        if line.role != Role.NOTE:
            continue
        if line.note_label:
            label = line.note_label
            notes[label] = line.text
        elif label:
            previous = notes[label]
            if re.search(r"[^\W\d_]-$", previous) and line.text[:1].islower():
                notes[label] = previous[:-1] + line.text
            else:
                notes[label] = f"{previous} {line.text}"
    return notes


@pytest.mark.skipif(not CORPUS_PDFS, reason="shared corpus not present")
@pytest.mark.parametrize("path", CORPUS_PDFS, ids=lambda p: p.parent.name)
def test_corpus_notes_markers_and_furniture(path: Path) -> None:
    truth = json.loads((path.parent / "truth.json").read_text(encoding="utf-8"))
    doc = read_pdf(path.read_bytes(), name=path.parent.name)
    assert doc.shape == "pdf"
    truth_ids = [note["id"] for note in truth["notes"]]
    # Every note found with its printed label, and its text (label removed) as printed.
    notes = _note_texts(doc)
    assert list(notes) == truth_ids
    for note in truth["notes"]:
        ratio = SequenceMatcher(None, notes[note["id"]], note["text"], autojunk=False).ratio()
        assert ratio >= 0.9, (note["id"], notes[note["id"]][:80])
    # Every marker found, in order, and its digits are not in the text.
    markers = [m.label for line in doc.lines() for m in line.markers]
    assert markers == truth_ids
    for line in doc.lines():
        for marker in line.markers:
            assert 0 <= marker.offset <= len(line.text)
            assert not line.text[marker.offset : marker.offset + 1].isdigit()
    # Running headers and page numbers never reach the body.
    furniture = (Role.HEADER, Role.PAGE_NUMBER)
    for page in doc.pages[1:]:
        assert any(line.role in furniture for line in page.lines), page.index
        edges = {id(page.lines[0]), id(page.lines[-1])}
        for line in page.lines:
            if line.role in furniture:
                assert id(line) in edges or line.role == Role.HEADER
    body = " ".join(line.text for line in doc.lines() if line.role == Role.BODY)
    # Headings the truth has are headings (or the title block's last line).
    headings = [b["text"] for b in truth["blocks"] if b["type"] == "heading"]
    found = " ".join(line.text for line in doc.lines() if line.role == Role.HEADING)
    for heading in headings:
        assert re.sub(r"\[\^\w+\]", "", heading).split()[0] in found
    assert body


@pytest.mark.skipif(not CORPUS_PDFS, reason="shared corpus not present")
def test_corpus_paragraph_indents_are_visible() -> None:
    """In an indented layout, most truth paragraphs start on a line with an indent ≥ 2."""
    path = CORPUS / "en-01-rousseau-civil-religion" / "source.pdf"
    if not path.is_file():
        pytest.skip("document not present")
    doc = read_pdf(path.read_bytes())
    body = [line for line in doc.lines() if line.role == Role.BODY]
    indented = [line for line in body if line.indent >= 2]
    truth = json.loads((path.parent / "truth.json").read_text(encoding="utf-8"))
    starts = [b["text"][:25] for b in truth["blocks"] if b["type"] == "paragraph"]
    hits = sum(1 for s in starts if any(line.text.startswith(s[:20]) for line in indented))
    assert hits >= len(starts) - 2  # paragraphs at a page top or after a heading may not
    assert not any(line.gap_before for line in body if line.page > 0)  # no spaced paragraphs


def test_metadata_of_a_corpus_pdf() -> None:
    path = CORPUS / "en-01-rousseau-civil-religion" / "source.pdf"
    if not path.is_file():
        pytest.skip("shared corpus not present")
    meta = pdf_metadata(path.read_bytes())
    assert meta["author"] == "Jean-Jacques Rousseau"
    assert meta["title"].startswith("The Social Contract")
    assert meta["outline"] == [(0, "VIII. Civil Religion")]
    assert "date" not in meta and "creator" not in meta


# --- PDFs made here with LibreOffice ---------------------------------------------------------


_FODT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:meta><dc:title>Test Title</dc:title><meta:initial-creator>Ann Author</meta:initial-creator>
</office:meta>
<office:styles>
<style:style style:name="Standard" style:family="paragraph">
 <style:paragraph-properties fo:text-align="justify" fo:text-indent="0.5cm"/>
 <style:text-properties fo:font-size="11pt" fo:language="en" fo:country="GB"
  fo:hyphenate="true"/></style:style>
<style:style style:name="H" style:family="paragraph">
 <style:paragraph-properties fo:margin-top="0.8cm" fo:margin-bottom="0.3cm"
  fo:keep-with-next="always"/>
 <style:text-properties fo:font-size="15pt" fo:font-weight="bold"/></style:style>
<style:style style:name="Q" style:family="paragraph">
 <style:paragraph-properties fo:margin-left="1.2cm" fo:margin-right="1.2cm"
  fo:margin-top="0.2cm" fo:margin-bottom="0.2cm" fo:text-align="justify"/>
 <style:text-properties fo:font-size="9.5pt"/></style:style>
<style:style style:name="Footnote" style:family="paragraph">
 <style:text-properties fo:font-size="9pt"/></style:style>
<style:style style:name="Header" style:family="paragraph">
 <style:paragraph-properties fo:text-align="center"/>
 <style:text-properties fo:font-size="9pt" fo:font-style="italic"/></style:style>
<style:style style:name="Footer" style:family="paragraph">
 <style:paragraph-properties fo:text-align="center"/>
 <style:text-properties fo:font-size="9pt"/></style:style>
</office:styles>
<office:automatic-styles><style:page-layout style:name="pm1">
 <style:page-layout-properties fo:page-width="14.8cm" fo:page-height="21cm"
  fo:margin-top="1.5cm" fo:margin-bottom="1.5cm" fo:margin-left="2cm" fo:margin-right="2cm"/>
 <style:header-style><style:header-footer-properties fo:min-height="0cm"
  fo:margin-bottom="0.4cm"/></style:header-style>
 <style:footer-style><style:header-footer-properties fo:min-height="0cm"
  fo:margin-top="0.4cm"/></style:footer-style></style:page-layout></office:automatic-styles>
<office:master-styles><style:master-page style:name="Standard" style:page-layout-name="pm1">
 <style:header><text:p text:style-name="Header">A Running Header</text:p></style:header>
 <style:footer><text:p text:style-name="Footer"><text:page-number text:select-page="current"/>
 </text:p></style:footer></style:master-page></office:master-styles>
<office:body><office:text>
BODY
</office:text></office:body></office:document>"""

WORDS = (
    "the quick brown fox jumps over the lazy dog while seven wizards quietly judge "
    "boxing matches near a river"
).split()


def _sentence(k: int) -> str:
    return " ".join(WORDS[(k * 7 + i * 3) % len(WORDS)] for i in range(14)).capitalize() + "."


def _note(n: int) -> str:
    return (
        f'<text:note text:id="n{n}" text:note-class="footnote">'
        f"<text:note-citation>{n}</text:note-citation><text:note-body>"
        f'<text:p text:style-name="Footnote">Note number {n} speaks of {WORDS[n]} and '
        f"{WORDS[n + 3]}.</text:p></text:note-body></text:note>"
    )


@pytest.fixture(scope="module")
def made_pdf(tmp_path_factory) -> bytes:
    """A three-page A5 PDF: title, two headings, indented paragraphs with footnote markers,
    a block quote, a running header and page numbers in the footer."""
    paras = [
        '<text:p text:style-name="H">Opening Title</text:p>',
        '<text:p text:style-name="H">First Chapter</text:p>',
    ]
    n = 0
    for p in range(9):
        text = " ".join(_sentence(p * 10 + s) for s in range(6))
        if p % 2 == 0:
            n += 1
            cut = text.index(".", 40) + 1
            text = text[:cut] + _note(n) + text[cut:]
        paras.append(f'<text:p text:style-name="Standard">{text}</text:p>')
        if p == 2:
            quote = " ".join(_sentence(90 + s) for s in range(3))
            paras.append(f'<text:p text:style-name="Q">{quote}</text:p>')
        if p == 4:
            paras.append('<text:p text:style-name="H">Second Chapter</text:p>')
    folder = tmp_path_factory.mktemp("lo")
    return libreoffice_pdf(folder, _FODT.replace("BODY", "\n".join(paras)), "made")


def test_made_pdf_notes_and_markers(made_pdf: bytes) -> None:
    doc = read_pdf(made_pdf)
    notes = _note_texts(doc)
    assert list(notes) == ["1", "2", "3", "4", "5"]
    for label, text in notes.items():
        assert text.startswith(f"Note number {label} speaks of")
    markers = [(line.page, m.label) for line in doc.lines() for m in line.markers]
    assert [label for _, label in markers] == ["1", "2", "3", "4", "5"]
    for line in doc.lines():
        for marker in line.markers:
            assert line.text[marker.offset - 1] == "."  # right after the sentence it marks
    # Each note stands on the page of its marker.
    note_pages = {line.note_label: line.page for line in doc.lines() if line.note_label}
    assert all(note_pages[label] == page for page, label in markers)


def test_made_pdf_furniture_headings_quote(made_pdf: bytes) -> None:
    doc = read_pdf(made_pdf)
    assert len(doc.pages) >= 2
    for page in doc.pages:
        roles = {line.role for line in page.lines}
        assert Role.HEADER in roles and Role.PAGE_NUMBER in roles
        numbers = [ln.text for ln in page.lines if ln.role == Role.PAGE_NUMBER]
        assert numbers == [str(page.index + 1)]
    headings = [line.text for line in doc.lines() if line.role == Role.HEADING]
    assert "Second Chapter" in headings and "First Chapter" in headings
    assert next(ln for ln in doc.lines() if ln.text == "First Chapter").level == 2
    quote = [line for line in doc.lines() if line.role == Role.QUOTE]
    assert quote and quote[0].text.startswith(_sentence(90)[:20])
    body = [line for line in doc.lines() if line.role == Role.BODY]
    starts = [line for line in body if line.indent >= 2]
    assert len(starts) >= 7  # the indented first lines (not those after a heading or quote)
    assert all(line.text[:1].isupper() for line in starts)
    # Line-end hyphens stay as printed.
    assert not any("\x02" in line.text or "\ufffe" in line.text for line in doc.lines())


def test_made_pdf_metadata(made_pdf: bytes) -> None:
    meta = pdf_metadata(made_pdf)
    assert meta["title"] == "Test Title"
    assert meta["author"] == "Ann Author"


# --- errors ---------------------------------------------------------------------------


def _a_pdf() -> bytes:
    path = CORPUS / "en-01-rousseau-civil-religion" / "source.pdf"
    if path.is_file():
        return path.read_bytes()
    pytest.skip("no PDF to start from")
    return b""


def test_encrypted_pdf_needs_a_password(tmp_path: Path) -> None:
    data = _a_pdf()
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(io.BytesIO(data))
    writer = pypdf.PdfWriter(clone_from=reader)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(InputError, match=r"^encrypted PDF: needs a password$"):
        read_pdf(out.getvalue())
    with pytest.raises(InputError, match="encrypted PDF"):
        pdf_metadata(out.getvalue())


def test_image_only_pdf_needs_ocr() -> None:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (400, 600), "white")
    ImageDraw.Draw(image).text((40, 40), "Scanned text, no text layer", fill="black")
    out = io.BytesIO()
    image.save(out, "PDF")
    with pytest.raises(InputError, match=r"^no text layer: the PDF needs OCR$"):
        read_pdf(out.getvalue())


@pytest.mark.parametrize("cut", [0.5, 0.9])
def test_truncated_pdf_is_damaged(cut: float) -> None:
    data = _a_pdf()
    with pytest.raises(InputError, match=r"^damaged PDF: "):
        read_pdf(data[: int(len(data) * cut)])


@pytest.mark.parametrize("data", [b"", b"plain text, not a PDF", b"%PDF-1.4\n" + b"x" * 500])
def test_not_a_pdf_is_damaged(data: bytes) -> None:
    with pytest.raises(InputError, match=r"^damaged PDF: ") as info:
        read_pdf(data)
    assert "\n" not in str(info.value)
