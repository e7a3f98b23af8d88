"""Running headers/footers and page numbers: every extractor shape of the development corpus,
plus one small hand-made document per rule."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

import pytest

from ebookmaker.explain import Report
from ebookmaker.model import Line, Page, Role, SourceDocument
from ebookmaker.readers import normalize_text, read_text
from ebookmaker.steps.artefacts import remove_page_artefacts

from .conftest import CORPUS

DROPPED = (Role.HEADER, Role.PAGE_NUMBER)
DOCS = (
    sorted(p for p in CORPUS.glob("*") if (p / "truth.json").is_file()) if CORPUS.is_dir() else []
)
EXTRACTIONS = [path for doc in DOCS for path in sorted((doc / "extracted").glob("*.txt"))]
needs_corpus = pytest.mark.skipif(not EXTRACTIONS, reason="development corpus not present")


def _run(path: Path) -> tuple[SourceDocument, Report]:
    doc = read_text(normalize_text(path.read_text(encoding="utf-8")))
    report = Report()
    remove_page_artefacts(doc, report)
    return doc, report


def _flat(text: str) -> str:
    return " ".join(text.split())


def _joined(texts: Iterable[str]) -> str:
    """Printed lines as running text, line-end hyphens joined (as the truth has them)."""
    return _flat(re.sub(r"[-\u00ad]\n(?=\w)", "", "\n".join(texts)))


def _truth_text(truth: dict) -> str:
    texts = [re.sub(r"\[\^[^\]]+\]", "", block["text"]) for block in truth["blocks"]]
    texts += truth.get("front", []) + [note["text"] for note in truth["notes"]]
    return "\n".join(_flat(text) for text in texts)


def _case_id(path: Path) -> str:
    return f"{path.parents[1].name}/{path.stem}"


@needs_corpus
@pytest.mark.parametrize("path", EXTRACTIONS, ids=_case_id)
def test_nothing_of_the_text_is_dropped(path: Path) -> None:
    """No dropped line takes away a word the truth still needs (blocks, front, notes)."""
    truth = json.loads((path.parents[1] / "truth.json").read_text(encoding="utf-8"))
    doc, report = _run(path)
    truth_text = _truth_text(truth)
    kept = _joined(line.text for line in doc.lines() if line.role not in DROPPED)
    for line in doc.lines():
        if line.role not in DROPPED:
            continue
        phrase = _flat(line.text)
        # The truth needs the phrase no more often than the kept text still has it.
        if not phrase.isdigit():
            assert truth_text.count(phrase) <= kept.count(phrase), (line.number, phrase)
        value = line.text.strip()
        if value.isdigit():  # a page number: these PDFs number their first page 1
            assert int(value) == line.page + 1, (line.number, value)
    # Nothing on the title page but its page number, at most one page number per page.
    for page in doc.pages:
        dropped = [line for line in page.lines if line.role in DROPPED]
        assert sum(line.role == Role.PAGE_NUMBER for line in dropped) <= 1
        if page.index == 0:
            assert all(line.role == Role.PAGE_NUMBER for line in dropped), dropped
    assert all(d.action in ("drop", "keep") for d in report.by_step("artefacts"))


# From MANIFEST.md's layout column: the first page index that prints a page number (None:
# no page numbers) and whether later pages carry a running header.
LAYOUT = {
    "de-01-kant-ewiger-frieden": (1, True),  # page number inside the header line
    "en-01-rousseau-civil-religion": (1, True),
    "en-03-marx-engels-manifesto": (1, True),
    "fr-01-ladebat-esclavage": (None, True),
    "sv-01-wicksell-utvandringen": (0, False),
    "sv-05-knorring-torparen": (1, True),
    "seed-trotskij-terror": (None, False),
}


@needs_corpus
@pytest.mark.parametrize("path", EXTRACTIONS, ids=_case_id)
def test_known_headers_and_page_numbers_are_dropped(path: Path) -> None:
    """Every later page loses its running header, every numbered page its number."""
    first_numbered, has_header = LAYOUT[path.parents[1].name]
    doc, report = _run(path)
    glued = {d.line for d in report.by_step("artefacts") if "glued" in d.evidence}
    for page in (page for page in doc.pages if page.lines):
        headers = [line for line in page.lines if line.role == Role.HEADER]
        assert len(headers) == (1 if has_header and page.index > 0 else 0), (page.index, headers)
        if first_numbered is None or page.index < first_numbered:
            continue
        number = str(page.index + 1)
        gone = [line for line in page.lines if line.role == Role.PAGE_NUMBER]
        gone += [line for line in headers if number in line.text.split()]
        gone += [line for line in page.lines if line.number in glued]
        assert len(gone) == 1, (page.index, [line.text for line in page.lines[-4:]])


# --- hand-made documents, one per rule --------------------------------------------


def _doc(pages: list[list[str]], shape: str = "plain") -> SourceDocument:
    out = []
    number = 0
    for index, texts in enumerate(pages):
        page = Page(index)
        for position, text in enumerate(texts):
            number += 1
            page.lines.append(Line(text, index, number, role=Role.BODY, page_start=position == 0))
        out.append(page)
    return SourceDocument(out, shape)


def _roles(doc: SourceDocument) -> list[tuple[str, str]]:
    return [(line.text, line.role.value) for line in doc.lines() if line.role in DROPPED]


def body(index: int) -> list[str]:
    """Two lines of running text, different on every page."""
    words = ["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot"]
    return [f"{words[index]} starts the running text that goes on.", f"{words[index]} ends it."]


def test_header_with_number_on_one_line() -> None:
    """'Zum ewigen Frieden. 2' — header and page number printed on one line."""
    doc = _doc(
        [["The Title", "1795", *body(0)]]
        + [[f"Running Title. {i + 1}", *body(i)] for i in range(1, 4)]
    )
    remove_page_artefacts(doc, Report())
    assert _roles(doc) == [(f"Running Title. {i}", "header") for i in (2, 3, 4)]


def test_number_at_top_below_header() -> None:
    """pdfminer: the header and the page number on lines of their own at the page top."""
    doc = _doc(
        [["Author", "Title", *body(0)]] + [["Title", str(i + 1), *body(i)] for i in range(1, 4)]
    )
    report = Report()
    remove_page_artefacts(doc, report)
    dropped = _roles(doc)
    assert ("Title", "header") in dropped and ("2", "page-number") in dropped
    assert len(dropped) == 6
    # The title on the first page repeats the header but is the title block: kept.
    assert doc.pages[0].lines[1].role == Role.BODY
    assert any(d.action == "keep" and d.subject == "Title" for d in report.decisions)


def test_number_at_bottom_after_notes() -> None:
    """The page number below the footnotes; the note label with the same value is kept."""
    pages = [
        ["Text that ends with a marker.2", "More text.", "2", "The note.", "1"],
        ["Text with a marker3 inside.", "3 The note with its label glued.", "2"],
        ["Plain text.", "Text with a marker.3", "3", "Note three.", "3"],
        ["Plain text.", "4"],
    ]
    doc = _doc(pages)
    remove_page_artefacts(doc, Report())
    numbers = [(line.page, line.number) for line in doc.lines() if line.role == Role.PAGE_NUMBER]
    assert numbers == [(0, 5), (1, 8), (2, 13), (3, 15)]
    assert doc.pages[0].lines[2].role == Role.BODY  # note label 2, its marker is on the page
    assert doc.pages[2].lines[2].role == Role.BODY  # note label 3 above page number 3


def test_note_labels_are_not_page_numbers() -> None:
    """A bare number under a page whose text carries that marker is the note's label.

    One note per page whose labels happen to follow the page indices (3, 4, 5) must stay.
    """
    pages = [[f"{body(i)[0][:-1]}{i + 3}.", body(i)[1], str(i + 3)] for i in range(4)]
    doc = _doc(pages)
    remove_page_artefacts(doc, Report())
    assert _roles(doc) == []


def test_bare_year_in_title_block_kept() -> None:
    """'1795' ending the title block is no page number: it does not fit the sequence."""
    doc = _doc(
        [["Author", "Title", "1795", *body(0)]] + [[str(i + 1), *body(i)] for i in range(1, 4)]
    )
    remove_page_artefacts(doc, Report())
    assert doc.pages[0].lines[2].role == Role.BODY
    assert _roles(doc) == [(str(i), "page-number") for i in (2, 3, 4)]


def test_no_form_feeds_nothing_dropped() -> None:
    """One page (no page information): nothing is dropped, however number-like."""
    doc = _doc([["Title", "2", *body(0), "3", "Title", *body(1), "4"]])
    report = Report()
    remove_page_artefacts(doc, report)
    assert _roles(doc) == [] and report.decisions == []


def test_glued_page_number_cut() -> None:
    """'contests between ex3': the number glued to the page's last word is cut off."""
    pages = [[*body(i), "ends a line of text", str(i + 1)] for i in range(4)]
    pages[1] = [*body(1), "ends in a hyphenated ex2"]
    doc = _doc(pages)
    remove_page_artefacts(doc, Report())
    assert doc.pages[1].lines[-1].text == "ends in a hyphenated ex\u00ad"
    assert doc.pages[1].lines[-1].role == Role.BODY


def test_roles_set_by_the_reader_are_left_alone() -> None:
    """Only BODY/UNKNOWN lines are considered: a note line that looks like a header stays."""
    doc = _doc([["Author", *body(0)]] + [["Header", *body(i), str(i + 1)] for i in range(1, 4)])
    doc.pages[2].lines[0].role = Role.NOTE
    remove_page_artefacts(doc, Report())
    assert doc.pages[2].lines[0].role == Role.NOTE
    assert doc.pages[1].lines[0].role == Role.HEADER


def test_numbers_in_a_repeated_line_must_be_the_page_number() -> None:
    """'Article 7', 'Article 9' at page tops: the digits are neither constant nor the page."""
    doc = _doc([["Title", *body(0)]] + [[f"Article {2 * i + 5}", *body(i)] for i in range(1, 5)])
    remove_page_artefacts(doc, Report())
    assert _roles(doc) == []


def test_first_page_header_with_its_number_dropped() -> None:
    """'Running Title 1' on the first page too: its number continues the header's sequence."""
    doc = _doc([[f"Running Title {i + 1}", *body(i)] for i in range(4)])
    remove_page_artefacts(doc, Report())
    assert _roles(doc) == [(f"Running Title {i}", "header") for i in (1, 2, 3, 4)]


def test_a_repeated_second_half_of_a_broken_word_is_no_footer() -> None:
    """Found by the fuzz: the same fragment under 'kollektiv-' at two page bottoms is the
    rest of the word, not a running footer (a footer does not carry on a broken word)."""
    pages = [["Och.", *body(0), "1"]] + [
        [*body(i), f"{word} samhällsutvecklingen kollektiv-", "iseringen och.", str(i + 1)]
        for i, word in ((1, "Och"), (2, "Men"))
    ]
    doc = _doc(pages)
    remove_page_artefacts(doc, Report())
    assert _roles(doc) == [("1", "page-number"), ("2", "page-number"), ("3", "page-number")]
    # A true footer under a broken word on one page, under whole lines on the others, goes.
    pages = [[*body(i), f"{body(i)[1]} Then more", "www.example.org", str(i + 1)] for i in range(4)]
    pages[2][-3] = "Och samhällsutvecklingen kollektiv-"
    doc = _doc(pages)
    remove_page_artefacts(doc, Report())
    assert [text for text, role in _roles(doc) if role == "header"] == ["www.example.org"] * 3
