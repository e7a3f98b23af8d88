"""Headings and block quotes (steps/structure.py): hand-made lines per rule, then the corpus."""

from __future__ import annotations

import json

import pytest

from ebookmaker.explain import Report
from ebookmaker.model import Line, Page, Role, SourceDocument
from ebookmaker.pipeline import convert_text
from ebookmaker.readers import decode
from ebookmaker.steps.structure import (
    is_label_heading,
    mark_structure,
    paragraph_indent,
    reads_like_title,
)

from .conftest import CORPUS

FULL = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incidi-"
MID = "dunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exerci-"
END = "tation ullamco laboris nisi ut aliquip ex ea commodo consequat. Duis aute irure."


def _doc(*rows: str | tuple[str, int]) -> SourceDocument:
    lines = []
    for number, row in enumerate(rows, start=1):
        text, indent = row if isinstance(row, tuple) else (row, 0)
        lines.append(Line(text, 0, number=number, indent=indent, role=Role.BODY))
    return SourceDocument([Page(0, lines)], shape="test")


def _roles(doc: SourceDocument) -> list[str]:
    return [line.role.value for line in doc.lines()]


def test_short_line_standing_alone_is_a_heading():
    doc = _doc("Anna Berg", "Om tiden", FULL, MID, END, "Preface", FULL, MID, END)
    report = Report()
    mark_structure(doc, report)
    assert _roles(doc)[5] == "heading"
    assert _roles(doc).count("heading") == 1
    assert report.by_step("structure")[0].action == "heading"


def test_roman_numeral_label_is_a_heading_even_with_a_stop_and_a_note_number():
    doc = _doc("A", "B", FULL, MID, END, "I.", FULL, MID, END, "II. Proletarians3", FULL, END)
    mark_structure(doc, Report())
    assert [i for i, r in enumerate(_roles(doc)) if r == "heading"] == [5, 9]


def test_heading_wrapped_over_two_short_lines_is_one_heading():
    doc = _doc(
        "A", "B", FULL, END, "Second Part, which holds the", "Definitive Articles.", FULL, END
    )
    mark_structure(doc, Report())
    assert _roles(doc)[4:6] == ["heading", "heading"]


def test_a_paragraph_is_never_taken_for_a_heading():
    # the short last line of a paragraph, a one-line paragraph, dialogue, a lowercase fragment
    doc = _doc("A", "B", FULL, END, "He left at once.", FULL, END, "– Ja så", FULL, END)
    doc.lines().append(Line("owe the Sovereign", 0, role=Role.BODY))
    mark_structure(doc, Report())
    assert "heading" not in _roles(doc)


def test_title_block_lines_are_not_headings():
    doc = _doc("Anna Berg", "Om tiden", FULL, MID, END)
    mark_structure(doc, Report())
    assert "heading" not in _roles(doc)


def test_running_header_repeated_on_pages_is_not_a_heading():
    doc = _doc("A", "B", FULL, END, "Om tiden", FULL, MID, END, "Om tiden", FULL, END)
    mark_structure(doc, Report())
    assert "heading" not in _roles(doc)


def test_only_body_lines_are_candidates():
    doc = _doc("A", "B", FULL, END, "Preface", FULL, END)
    doc.lines()[4].role = Role.NOTE
    mark_structure(doc, Report())
    assert "heading" not in _roles(doc)


def test_deeper_indent_than_paragraphs_is_a_block_quote():
    doc = _doc(
        "A",
        "B",
        (FULL, 4),
        MID,
        MID,
        END,
        (FULL, 4),
        MID,
        END,
        ("The state shall be a republic, free and", 8),
        ("equal.", 8),
        FULL,
        END,
    )
    mark_structure(doc, Report())
    assert _roles(doc)[9:11] == ["quote", "quote"]
    assert _roles(doc).count("quote") == 2


def test_paragraph_indent_ignores_deeper_quote_lines():
    doc = _doc(("a", 5), "b", ("c", 4), "d", ("q", 8), "e")
    assert paragraph_indent(doc.lines()) == 4


@pytest.mark.parametrize(
    "text,expected",
    [("VIII. Civil Religion", True), ("I.", True), ("12. Results", True), ("3", False)],
)
def test_label_heading(text, expected):
    assert is_label_heading(text) is expected


def test_reads_like_title():
    assert reads_like_title("Preface")
    assert not reads_like_title("Ein philosophischer Entwurf. Königsberg")
    assert not reads_like_title("arts de Bordeaux, le 26 août 1788")


# --- the corpus -------------------------------------------------------------------------

DOCS = sorted(p for p in CORPUS.iterdir() if (p / "truth.json").exists())
EXTRACTORS = ["pdftotext", "pdftotext-layout", "pdfminer", "pypdf", "pdfium", "seedstyle"]


def _normal(text: str) -> str:
    import re

    return " ".join(re.sub(r"\[\^\d+\]|[^\w\s]|\d", " ", text).casefold().split())


def _book(doc_dir, extractor):
    path = doc_dir / "extracted" / f"{extractor}.txt"
    if not path.exists():
        pytest.skip("no such extraction")
    book, _ = convert_text(decode(path.read_bytes()), name=path.name)
    return book


@pytest.mark.parametrize("extractor", EXTRACTORS)
@pytest.mark.parametrize("doc_dir", DOCS, ids=lambda p: p.name)
def test_corpus_headings(doc_dir, extractor):
    """Every heading found is a truth heading, and the findable ones are found.

    A one-line heading that ends with a full stop and has no label ("Erster Definitivartikel
    zum ewigen Frieden.") cannot be told from a one-line paragraph without fonts: not required.
    """
    truth = json.loads((doc_dir / "truth.json").read_text(encoding="utf-8"))
    book = _book(doc_dir, extractor)
    wanted = {_normal(b["text"]) for b in truth["blocks"] if b["type"] == "heading"}
    found = [_normal(b.plain_text()) for b in book.blocks if b.kind.value == "heading"]
    assert set(found) <= wanted, "false headings split paragraphs"
    required = {
        _normal(b["text"])
        for b in truth["blocks"]
        if b["type"] == "heading"
        and (is_label_heading(b["text"]) or not b["text"].endswith(".") or len(b["text"]) > 60)
    }
    assert required <= set(found)


def test_corpus_block_quotes_in_the_layout_extraction():
    doc_dir = CORPUS / "de-01-kant-ewiger-frieden"
    truth = json.loads((doc_dir / "truth.json").read_text(encoding="utf-8"))
    book = _book(doc_dir, "pdftotext-layout")
    wanted = [_normal(b["text"]) for b in truth["blocks"] if b["type"] == "blockquote"]
    found = [_normal(b.plain_text()) for b in book.blocks if b.kind.value == "blockquote"]
    assert found == wanted


@pytest.mark.parametrize("extractor", EXTRACTORS)
@pytest.mark.parametrize("doc_dir", DOCS, ids=lambda p: p.name)
def test_corpus_no_false_block_quotes(doc_dir, extractor):
    truth = json.loads((doc_dir / "truth.json").read_text(encoding="utf-8"))
    book = _book(doc_dir, extractor)
    wanted = {_normal(b["text"]) for b in truth["blocks"] if b["type"] == "blockquote"}
    found = {_normal(b.plain_text()) for b in book.blocks if b.kind.value == "blockquote"}
    assert found <= wanted
