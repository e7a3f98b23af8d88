"""Italic and bold of a PDF kept as ``em`` and ``strong``: a PDF made here with LibreOffice,
built with the real command line, its XHTML read with lxml, the EPUB checked by EPUBCheck."""

from __future__ import annotations

import json
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from .conftest import epubcheck, libreoffice_pdf, problems, run_cli
from .test_pdf import _FODT, _sentence

pytest.importorskip("pypdfium2")

X = "{http://www.w3.org/1999/xhtml}"
NS = {"x": X[1:-1]}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"

# Text styles for the spans, and a heading set bold at the body's size (its number not).
STYLES = """<style:style style:name="I" style:family="text">
 <style:text-properties fo:font-style="italic"/></style:style>
<style:style style:name="B" style:family="text">
 <style:text-properties fo:font-weight="bold"/></style:style>
<style:style style:name="BI" style:family="text">
 <style:text-properties fo:font-weight="bold" fo:font-style="italic"/></style:style>
<style:style style:name="R" style:family="text">
 <style:text-properties fo:font-weight="normal"/></style:style>
<style:style style:name="HB" style:family="paragraph">
 <style:paragraph-properties fo:margin-top="0.6cm" fo:margin-bottom="0.3cm"
  fo:keep-with-next="always"/>
 <style:text-properties fo:font-size="11pt" fo:font-weight="bold"/></style:style>
</office:styles>"""

LONG = "extraordinarily"
SOFT = "ex\u00adtra\u00ador\u00addi\u00adnar\u00adi\u00adly"  # may break at any syllable


def _span(style: str, text: str) -> str:
    return f'<text:span text:style-name="{style}">{text}</text:span>'


def _para(text: str, style: str = "Standard") -> str:
    return f'<text:p text:style-name="{style}">{text}</text:p>'


def _note(text: str) -> str:
    return (
        '<text:note text:id="n1" text:note-class="footnote"><text:note-citation>1'
        '</text:note-citation><text:note-body><text:p text:style-name="Footnote">'
        f"{text}</text:p></text:note-body></text:note>"
    )


def _body() -> tuple[str, Counter, Counter]:
    """The document's paragraphs, and the em and strong texts the EPUB must show."""
    em: Counter[str] = Counter()
    strong: Counter[str] = Counter()
    paras = [_para("Opening Title", "H"), _para("First Chapter", "H")]
    paras.append(
        _para(
            f"{_sentence(1)} The fox was {_span('I', 'quietly')} judged by "
            f"{_span('B', 'seven brown wizards')} near the river. {_sentence(2)} "
            f"{_span('I', 'The Lazy Dog Papers')} were read aloud. {_sentence(3)}"
            + _note(f"The story is told in {_span('I', 'The Lazy Dog Papers')} at length.")
            + f" {_sentence(4)} A {_span('BI', 'boxing')} match followed. {_sentence(5)}"
        )
    )
    # An italic phrase longer than a printed line: one em across the line break.
    phrase = " ".join(_sentence(7).rstrip(".").split() * 2).lower()
    paras.append(_para(f"{_sentence(6)} They said {_span('I', phrase)} and left. {_sentence(8)}"))
    em.update(["quietly", "The Lazy Dog Papers", "The Lazy Dog Papers", "boxing", phrase])
    strong.update(["seven brown wizards", "boxing"])
    # The long italic word in several places of justified lines: some land at a line end
    # and are hyphenated there.
    for k in range(4):
        words = " ".join(_sentence(10 + 3 * k + s) for s in range(2))
        text = ""
        for i, word in enumerate(words.split()):
            text += f"{word} " + (f"{_span('I', SOFT)} " if i % 3 == 2 else "")
            em.update([LONG] if i % 3 == 2 else [])
        paras.append(_para(text.strip()))
    paras.append(_para(f"{_span('R', '2.')} A Bold Heading", "HB"))
    paras.append(_para(" ".join(_sentence(30 + s) for s in range(5))))
    return "\n".join(paras), em, strong


def _build(folder: Path, body: str, notes_italic: bool = False) -> tuple[Path, Path]:
    """The PDF LibreOffice makes of ``body``, and the EPUB the CLI builds from it."""
    text = _FODT.replace("</office:styles>", STYLES).replace("BODY", body)
    if notes_italic:
        old = '<style:text-properties fo:font-size="9pt"/></style:style>'
        text = text.replace(old, old.replace("/>", ' fo:font-style="italic"/>'), 1)
    libreoffice_pdf(folder, text, "styled")
    epub = folder / "styled.epub"
    report = folder / "styled.json"
    result = run_cli("build", str(folder / "styled.pdf"), "-o", str(epub), "--report", str(report))
    assert result.returncode == 0, result.stderr
    return folder / "styled.pdf", epub


@pytest.fixture(scope="module")
def styled(tmp_path_factory) -> tuple[Path, Path, Counter, Counter]:
    """The PDF made by LibreOffice, the EPUB the CLI built from it, the expected spans."""
    body, em, strong = _body()
    return (*_build(tmp_path_factory.mktemp("styles"), body), em, strong)


def _pages(epub: Path) -> list[etree._Element]:
    with zipfile.ZipFile(epub) as archive:
        return [
            etree.fromstring(archive.read(name))
            for name in sorted(archive.namelist())
            if name.split("/")[-1].startswith("text") and name.endswith(".xhtml")
        ]


def _texts(pages: list[etree._Element], tag: str) -> Counter[str]:
    return Counter("".join(e.itertext()) for page in pages for e in page.iter(f"{X}{tag}"))


def test_the_pdf_hyphenates_the_italic_word(styled) -> None:
    from ebookmaker.readers.pdf import read_pdf

    pdf, _, _, _ = styled
    lines = [line for line in read_pdf(pdf.read_bytes()).lines() if line.text.endswith("-")]
    cut = [line for line in lines if any(LONG.startswith(w[:-1]) for w in line.text.split()[-1:])]
    assert cut, "LibreOffice hyphenated no italic word: the test shows nothing"
    assert all(any(b == len(line.text) for _, b, kind in line.styles) for line in cut)


def test_italic_and_bold_become_em_and_strong(styled) -> None:
    _, epub, em, strong = styled
    pages = _pages(epub)
    assert _texts(pages, "em") == em
    assert _texts(pages, "strong") == strong
    # Bold and italic at once: one element inside the other.
    nested = [e for page in pages for e in page.iter(f"{X}strong") if e.find(f"{X}em") is not None]
    assert ["".join(e.itertext()) for e in nested] == ["boxing"]
    # Spaces stay outside the emphasis, and the hyphenated word is whole.
    for page in pages:
        for element in page.iter(f"{X}em", f"{X}strong"):
            text = "".join(element.itertext())
            assert text == text.strip() and "-" not in text
    # No heading is emphasis: a bold heading is a heading.
    headings = [h for page in pages for h in page.iter(f"{X}h2", f"{X}h3")]
    assert {"".join(h.itertext()) for h in headings} >= {"First Chapter", "2. A Bold Heading"}
    assert not [h for h in headings if h.find(f".//{X}strong") is not None]
    assert not [h for h in headings if h.find(f".//{X}em") is not None]


def test_italic_phrase_in_a_footnote(styled) -> None:
    _, epub, _, _ = styled
    notes = [
        aside
        for page in _pages(epub)
        for aside in page.iter(f"{X}aside")
        if aside.get(EPUB_TYPE) == "footnote"
    ]
    assert len(notes) == 1
    text = " ".join("".join(notes[0].itertext()).split())
    assert text == "1 The story is told in The Lazy Dog Papers at length."
    assert ["".join(e.itertext()) for e in notes[0].iter(f"{X}em")] == ["The Lazy Dog Papers"]
    backlink = notes[0].find(f".//{X}a")
    assert backlink is not None and backlink.get("role") == "doc-backlink"


def test_the_report_says_how_many_spans(styled) -> None:
    _, epub, em, strong = styled
    report = json.loads((epub.parent / "styled.json").read_text(encoding="utf-8"))
    kept = [d for d in report["decisions"] if d["step"] == "styles"]
    assert len(kept) == 1
    assert kept[0]["subject"].startswith(
        f"{sum(em.values())} italic and {sum(strong.values())} bold"
    )


def test_styled_epub_is_valid(styled) -> None:
    _, epub, _, _ = styled
    assert problems(epubcheck([epub])[epub]) == []


def test_writer_keeps_emphasis_well_formed(tmp_path: Path) -> None:
    """Marks that cross, stay open or close nothing still give valid XHTML, with the text,
    the note reference and the page break where they were."""
    from ebookmaker.model import (
        Block,
        BlockKind,
        Book,
        Metadata,
        Note,
        NoteRef,
        PageBreak,
        StyleMark,
    )
    from ebookmaker.writer.epub import write_epub

    em, em_end = StyleMark("em", True), StyleMark("em", False)
    strong, strong_end = StyleMark("strong", True), StyleMark("strong", False)
    content = [
        "A ", em, "b ", strong, "c", em_end, " d", strong_end, " e ", strong_end,
        em, "f", NoteRef("1", "1"), " g", PageBreak("2"), "h",
    ]  # fmt: skip
    book = Book(
        Metadata(title="Marks", authors=["Ann Author"], language="en"),
        blocks=[Block(BlockKind.PARAGRAPH, content), Block(BlockKind.PARAGRAPH, ["Plain."])],
        notes=[Note("1", "1", "See the book.", content=["See ", em, "the book", em_end, "."])],
    )
    epub = tmp_path / "marks.epub"
    write_epub(book, epub)
    (page,) = _pages(epub)
    p = page.find(f".//{X}p")
    assert " ".join("".join(p.itertext()).split()) == "A b c d e f1 gh"
    # The strong that the em's end crossed goes on after it; the stray end closes nothing.
    assert _texts([page], "em") == Counter(["b c", "f1 gh", "the book"])
    assert _texts([page], "strong") == Counter(["c", " d"])
    ref = p.find(f".//{X}em/{X}a")
    assert ref is not None and ref.get("role") == "doc-noteref"
    aside = page.find(f".//{X}aside")
    assert [e.text for e in aside.iter(f"{X}em")] == ["the book"]
    assert " ".join("".join(aside.itertext()).split()) == "1 See the book."
    assert problems(epubcheck([epub])[epub]) == []


def test_notes_set_in_italics_are_no_emphasis(tmp_path: Path) -> None:
    """Footnotes set in italics throughout: that is the notes' style, not emphasis; the
    body's emphasis is unchanged."""
    body, em, _ = _body()
    _, epub = _build(tmp_path, body, notes_italic=True)
    pages = _pages(epub)
    assert _texts(pages, "em") == em - Counter(["The Lazy Dog Papers"])
    (aside,) = [a for page in pages for a in page.iter(f"{X}aside")]
    assert aside.find(f".//{X}em") is None
