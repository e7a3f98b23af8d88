"""Hyphens an extractor destroyed by joining lines: rules on small cases, then the corpus."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ebookmaker.explain import Report
from ebookmaker.model import Line, Marker, Page, Role, SourceDocument
from ebookmaker.steps.joined_hyphens import (
    _Evidence,
    extractor_joined_hyphens,
    glued_repair,
    restore_joined_hyphens,
    split_word_evidence,
)

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus" / "dev"
SCORER = REPO.parent / "shared" / "eval" / "score.py"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="development corpus not present")

FULL = "Den allmänna uppfattningen är att denna sak och denna fråga kräver en allmännare"


def _doc(*texts: str) -> SourceDocument:
    return SourceDocument(
        [Page(0, [Line(t, 0, number=i + 1, role=Role.BODY) for i, t in enumerate(texts)])], "plain"
    )


def _joined(second: str) -> str:
    """A full printed line whose last word was broken, joined with the next line's text."""
    return FULL[:-2] + second


# -- split by a stray space ------------------------------------------------------------------


def test_split_word_is_rejoined_at_the_join() -> None:
    doc = _doc(*[FULL] * 6, _joined(" re uppfattning än den som nu råder här"))
    report = Report()
    restore_joined_hyphens(doc, "sv", report)
    assert "allmännare uppfattning" in doc.pages[0].lines[-1].text
    restored = [d for d in report.by_step("hyphenation") if d.action == "restore"]
    assert len(restored) == 1 and restored[0].line == 7 and "allmännare" in restored[0].subject


def test_document_evidence_rejoins() -> None:
    knowledge = _Evidence("dylika ting, dylika saker", "sv")
    tier, why, unsure = split_word_evidence("dyli", "ka", knowledge, offset=0.0)
    assert tier == 1 and "2x" in why and not unsure


def test_real_two_word_sequences_are_left_alone() -> None:
    knowledge = _Evidence("in dem Begriffe, indem er, in dem Falle, indem sie; so wie das", "de")
    assert split_word_evidence("in", "dem", knowledge, offset=0.0) is None  # 2x apart, 2x solid
    assert split_word_evidence("so", "wie", knowledge, offset=0.0) is None  # function words
    assert split_word_evidence("i", "den", _Evidence("", "sv"), offset=0.0) is None
    assert split_word_evidence("och", "Stockholm", _Evidence("", "sv"), offset=0.0) is None


def test_weak_evidence_only_right_at_the_join() -> None:
    knowledge = _Evidence("", "sv")
    assert split_word_evidence("samhälls", "fråga", knowledge, offset=0.0) is not None
    assert split_word_evidence("samhälls", "fråga", knowledge, offset=0.08) is None


def test_fragments_of_an_unlisted_compound_rejoin_at_the_join() -> None:
    """'Weltbürgerrecht' is in no word list, but 'Weltbürger' and 'recht' are, and neither
    'Weltbür' nor 'gerrecht' is a word: closed up right at a join, in a compounding language."""
    tier, why, unsure = split_word_evidence("Weltbür", "gerrecht", _Evidence("", "de"), 0.0)
    assert tier == 4 and "weltbürger+recht" in why and unsure
    assert split_word_evidence("Weltbür", "gerrecht", _Evidence("", "de"), offset=0.08) is None
    assert split_word_evidence("Weltbür", "gerrecht", _Evidence("", "en"), offset=0.0) is None
    # Real words on both sides stay apart, compound or not.
    assert split_word_evidence("Amts", "treue", _Evidence("", "de"), offset=0.0) is None


def test_away_from_joins_only_non_words_are_closed() -> None:
    assert split_word_evidence("unauf", "hörlich", _Evidence("", "de"))[0] == 2
    assert split_word_evidence("för", "råd", _Evidence("", "sv")) is None


def test_lines_without_joins_are_untouched() -> None:
    doc = _doc(*[FULL] * 6, "åt skilda håll")  # short line: no join, common words
    restore_joined_hyphens(doc, "sv", Report())
    assert doc.pages[0].lines[-1].text == "åt skilda håll"


def test_markers_follow_the_text() -> None:
    line = Line(_joined(" re uppfattning, än"), 0, role=Role.BODY)
    line.markers = [Marker(len(line.text) - 3, "4")]  # before ' än'
    doc = SourceDocument([Page(0, [Line(FULL, 0, role=Role.BODY) for _ in range(6)] + [line])], "x")
    restore_joined_hyphens(doc, "sv", Report())
    assert line.text[line.markers[0].offset :] == " än"


# -- lost hyphens in glued words -------------------------------------------------------------


def test_suspended_hyphen_glued_to_its_conjunction() -> None:
    assert glued_repair("tisteloch", 6, _Evidence("den tisteloch", "sv"))[0] == "tistel- och"
    assert glued_repair("dödlighetsoch", 10, _Evidence("", "sv"))[0] == "dödlighets- och"
    assert glued_repair("ändtligen", 4, _Evidence("", "sv")) is None  # a word


def test_real_hyphens_restored_on_evidence() -> None:
    assert glued_repair("1950talet", 4, _Evidence("", "sv"))[0] == "1950-talet"
    assert glued_repair("estil", 3, _Evidence("", "fr"))[0] == "est-il"
    knowledge = _Evidence("de anglo-ryska, den angloryska, en angloryska", "sv")
    assert glued_repair("angloryska", 5, knowledge) is None  # written solid elsewhere too
    assert glued_repair("angloryska,", 5, _Evidence("de anglo-ryska", "sv"))[0] == "anglo-ryska,"
    assert glued_repair("wagelaborers", 4, _Evidence("", "en"))[0] == "wage-laborers"


# -- the shape -------------------------------------------------------------------------------


def test_sniff_kept_and_joined_hyphens() -> None:
    kept = [Line("x" * 40 + " ord-", 0)] * 10
    assert not extractor_joined_hyphens(kept)
    assert extractor_joined_hyphens([Line("y" * 40, 0)] * 10)


# -- the development corpus ------------------------------------------------------------------


def _hyphen_errors(path: Path, tmp_path: Path) -> int:
    epub = tmp_path / (path.parent.parent.name + path.stem + ".epub")
    subprocess.run(
        [sys.executable, "-m", "ebookmaker.cli", "build", str(path), "-o", str(epub)],
        check=True,
        capture_output=True,
    )
    truth = path.parent.parent / "truth.json"
    out = subprocess.run(
        [sys.executable, str(SCORER), str(epub), str(truth), "--json"],
        check=True,
        capture_output=True,
        text=True,
    )
    result = json.loads(out.stdout)
    return int(result["hyphen_errors"]) + int(result["notes"].get("note_hyphen_errors", 0))


@needs_corpus
@pytest.mark.parametrize(
    ("document", "limit"),
    # Before this step: 41 / 17 / 2 / 3 / 5 / 3 body hyphen errors.
    [
        ("sv-01-wicksell-utvandringen", 3),
        ("sv-05-knorring-torparen", 5),
        ("de-01-kant-ewiger-frieden", 3),
        ("en-01-rousseau-civil-religion", 2),
        ("en-03-marx-engels-manifesto", 2),
        ("fr-01-ladebat-esclavage", 1),
    ],
)
def test_pdftotext_hyphen_errors(document: str, limit: int, tmp_path: Path) -> None:
    path = CORPUS / document / "extracted" / "pdftotext.txt"
    assert _hyphen_errors(path, tmp_path) <= limit


@needs_corpus
@pytest.mark.parametrize("document", ["sv-05-knorring-torparen", "fr-01-ladebat-esclavage"])
def test_pdfium_marked_hyphens_end_to_end(document: str, tmp_path: Path) -> None:
    """U+FFFE lines: 'tistel- och' stays suspended, 'est-il' keeps its hyphen."""
    path = CORPUS / document / "extracted" / "pdfium.txt"
    assert _hyphen_errors(path, tmp_path) == 0


@needs_corpus
@pytest.mark.parametrize("extractor", ["pdfminer", "pypdf", "seedstyle", "pdftotext-layout"])
def test_extractions_that_kept_hyphens_are_left_alone(extractor: str) -> None:
    from ebookmaker.pipeline import convert_text

    for folder in sorted(CORPUS.glob("*-*-*")):
        path = folder / "extracted" / f"{extractor}.txt"
        if not path.exists():
            continue
        _, report = convert_text(path.read_text(encoding="utf-8"))
        restored = [d for d in report.by_step("hyphenation") if d.action == "restore"]
        # Only stray spaces between two non-words ('unauf hörlich', in the PDF itself).
        assert all("no words" in d.evidence for d in restored), (path, restored)


def test_short_lines_are_no_measure_for_joins() -> None:
    """Found by the fuzz run: numbers on lines of their own piled up as the 'full line', so
    every text line looked like joined printed lines and 'tionally' (the second half of a
    split word) was cut as two glued words."""
    from ebookmaker.build import missing_words
    from ebookmaker.pipeline import convert_text

    text = "Arbetare.\n1\n Samhällsutvecklingen. Och samhällsutvecklingen.\n2\n Constitu- \n\n"
    text += "tionally och.\n3\n\nThe. \n\n"
    book, report = convert_text(text)
    assert "Constitutionally och." in book.blocks[0].plain_text()
    assert missing_words(text, book, report) == []
