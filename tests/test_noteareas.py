"""Note areas and markers in plain extractions: hand-made pages per rule, then the corpus."""

from __future__ import annotations

import difflib
import json

import pytest

from ebookmaker.explain import Report
from ebookmaker.model import NoteRef, Role
from ebookmaker.pipeline import convert_text
from ebookmaker.readers.plain import read_plain
from ebookmaker.steps.noteareas import find_note_areas, marker_candidates, parse_label_start
from ebookmaker.steps.notes import gather_notes, link_notes

from .conftest import CORPUS

BODY = "This is a line of running text that fills the measure of the page well"


def _run(text: str):
    doc = read_plain(text)
    report = Report()
    find_note_areas(doc, report)
    notes = gather_notes(doc, report)
    unmatched = link_notes(doc, notes, report)
    return doc, notes, unmatched


def _summary(text: str) -> tuple[list[tuple[str, str]], list[str], list[str]]:
    """(label, note text) pairs, body lines, and the labels of markers in the body."""
    doc, notes, _ = _run(text)
    pairs = [(n.label, " ".join(line.text for line in n.lines)) for n in notes]
    body = [line.text for line in doc.lines() if line.role == Role.BODY]
    markers = [m.label for line in doc.lines() for m in line.markers if m.note_id]
    return pairs, body, markers


def test_glued_marker_and_glued_label() -> None:
    """``utredning,4 ville`` and ``4Att en god…`` → marker 4 and note 4."""
    pairs, body, markers = _summary(
        f"{BODY}\nsome utredning,4 ville man\n{BODY}.\n4Att en god ansats.\n1\f{BODY}\n2\n"
    )
    assert pairs == [("4", "Att en god ansats.")]
    assert "some utredning, ville man" in body
    assert markers == ["4"]


def test_spaced_marker_and_label_alone_before_text() -> None:
    """``inflytande. 5 Och`` and a label alone on the line above its note (pdftotext -layout)."""
    pairs, body, markers = _summary(
        f"{BODY}\ninflytande. 5 Och lika\n{BODY}.\n\n5\n Ett undantag.\n"
    )
    assert pairs == [("5", "Ett undantag.")]
    assert "inflytande. Och lika" in body
    assert markers == ["5"]


def test_label_after_note_text() -> None:
    """pdftotext prints the label below the note text: ``Att en god…`` then ``4``."""
    pairs, body, markers = _summary(
        f"{BODY}\nsome utredning, 4 ville man\n{BODY}.\n\nAtt en god ansats.\n\n4\n\n1\n"
        f"\f{BODY}\n\n2\n"
    )
    assert pairs == [("4", "Att en god ansats.")]
    assert "Att en god ansats." not in body
    assert markers == ["4"]


def test_symbol_labels() -> None:
    """Symbol markers ``*`` and ``†`` glued to words, notes ``* …`` and ``† …``."""
    pairs, body, markers = _summary(
        f"{BODY}\nthe word* and another,† here\n{BODY}.\n* First note.\n† Second note.\n"
    )
    assert pairs == [("*", "First note."), ("†", "Second note.")]
    assert markers == ["*", "†"]
    assert "the word and another, here" in body


def test_continuation_on_next_page() -> None:
    """A note cut at the page break goes on, without a label, above the next page's notes."""
    long_note = "a note line in smaller type that runs over the full width of the page and"
    text = (
        f"{BODY}\nend of text.3 More\n{BODY}.\n3First line of the note,\n{long_note}\n"
        f"\f{BODY}\nthe other one.4 And\n{BODY}.\ncontinued here and ends.\n4Fourth note.\n"
    )
    pairs, body, markers = _summary(text)
    assert pairs[0][0] == "3" and pairs[0][1].endswith("continued here and ends.")
    assert pairs[1] == ("4", "Fourth note.")
    assert "continued here and ends." not in body
    assert markers == ["3", "4"]


def test_years_and_numbers_are_not_markers() -> None:
    """Years, ranges, page references and dates stay in the text; no note area is made."""
    text = f"Written in 1848 and in 5–9 procent, s. 12 of it\n{BODY}\n1. Mai kam er\n{BODY}.\n"
    pairs, body, markers = _summary(text)
    assert pairs == [] and markers == []
    assert body[0] == "Written in 1848 and in 5–9 procent, s. 12 of it"
    assert [(c.label, c.kind) for c in marker_candidates("im Jahre 1848, und")] == []
    assert parse_label_start("1848 war") is None


def test_marker_without_note_is_left_alone() -> None:
    """A glued number with no note of that label on the page is not a marker."""
    pairs, body, markers = _summary(f"{BODY}\nthe H2 line and word7 here\n{BODY}.\n")
    assert pairs == [] and markers == []
    assert "the H2 line and word7 here" in body


def test_page_number_is_not_a_label() -> None:
    """A bare page number after the notes (following the page index) is no note label."""
    text = (
        f"{BODY}\nword.1 And\n{BODY}.\n1Note one.\n1\f{BODY}\nword.2 And\n{BODY}.\n2Note two.\n2\n"
    )
    pairs, _, markers = _summary(text)
    assert pairs == [("1", "Note one."), ("2", "Note two.")]
    assert markers == ["1", "2"]


NOTE = "A note line in a smaller type holds more characters than a line of the body text does"


def test_label_after_text_takes_no_body_text() -> None:
    """pdftotext: the body ends mid-sentence (the next page continues it), the note follows
    without a gap and its label comes last; body lines that begin with a capital after a
    line that does not end a sentence, or that close a parenthesis, stay in the body."""
    text = (
        f"{BODY}\nshown by my Condition of the England.2 But when I\n{BODY}.\n"
        f"From our joint preface I quote the following, (see The Civil\n"
        f"War in France, p. 15) further, the whole of it\n{BODY[:59]}, also, that\n"
        "The Condition of the Working Class in England in 1844, by Friedrich Engels, to be had at\n"
        "Hall Place, New York.\n2\n\f"
        f"the remarks on the relation of the Communists go on here.\n{BODY}.\n"
    )
    pairs, body, markers = _summary(text)
    assert [label for label, _ in pairs] == ["2"]
    assert pairs[0][1].startswith("The Condition of the Working Class") and pairs[0][1].endswith(
        "Hall Place, New York."
    )
    assert "From our joint preface I quote the following, (see The Civil" in body
    assert f"{BODY[:59]}, also, that" in body
    assert markers == ["2"]


def test_unbounded_label_after_text_leaves_the_text_in_the_body() -> None:
    """No line below the marker can begin the note (the next page continues a sentence but
    every line above the label ends one): nothing is taken out of the body."""
    text = f"{BODY}\nsome word.3 More.\nShort line.\nAnother one.\n3\n\fand so on.\n"
    pairs, body, _ = _summary(text)
    assert pairs == []
    assert "Short line." in body and "Another one." in body


def test_note_text_glued_to_hyphenated_last_body_word() -> None:
    """pdftotext joins the body's last, hyphenated word with the first note line:
    ``alle rechtGemeiniglich nimmt`` is split, the hyphen restored (``recht-``)."""
    text = (
        f"{BODY}\nFeind behandeln3.\n{BODY}\nwelche aus der Idee hervorgeht, auf der alle recht"
        f"Gemeiniglich nimmt man an, daß man gegen Niemand feindlich verfahren\n{NOTE}.\n3\n"
        f"\fliche Gesetzgebung eines Volks gegründet seyn muß.\n{BODY}.\n"
    )
    pairs, body, markers = _summary(text)
    assert pairs == [
        ("3", f"Gemeiniglich nimmt man an, daß man gegen Niemand feindlich verfahren {NOTE}.")
    ]
    assert "welche aus der Idee hervorgeht, auf der alle recht-" in body
    assert markers == ["3"]


def test_note_label_glued_to_hyphenated_last_body_word() -> None:
    """pdftotext joins the body's last, hyphenated word with the note label that follows:
    ``inom läkare 5`` → body ``inom läkare-``, label 5 before the note text."""
    text = (
        f"{BODY}\nintet inflytande. 5 Och lika\n{BODY}\nsom åtminstone inom läkare 5\n\n"
        "Ett undantag härifrån bilda visserligen transaktionerna.\n\f"
        f"konsten redan förlorat allt förtroende.\n{BODY}.\n"
    )
    pairs, body, markers = _summary(text)
    assert pairs == [("5", "Ett undantag härifrån bilda visserligen transaktionerna.")]
    assert "som åtminstone inom läkare-" in body
    assert markers == ["5"]


def test_labels_that_look_like_page_numbers() -> None:
    """A bare number at a page's bottom that a marker on the page accounts for is a note
    label, even when by chance it follows the page index on two pages."""
    text = (
        f"{BODY}\nleurs légions6.\n{BODY}.\nIl semble que quelques historiens.\n6\n"
        f"\f{BODY}\nde prix 7.\n{BODY}.\nEcoutez Montesquieu.\n7\n"
    )
    pairs, _, markers = _summary(text)
    assert pairs == [("6", "Il semble que quelques historiens."), ("7", "Ecoutez Montesquieu.")]
    assert markers == ["6", "7"]


# --- the development corpus ------------------------------------------------------------

EXTRACTORS = ["pdftotext", "pdftotext-layout", "pdfminer", "pypdf", "pdfium"]
# Share of truth notes linked with the right text, per extractor, that the code reaches on
# the development corpus.
THRESHOLDS = {
    "pdftotext": 0.95,
    "pdftotext-layout": 0.9,
    "pdfminer": 0.95,
    "pypdf": 0.95,
    "pdfium": 0.95,
}
DOCS = sorted(p.parent.parent for p in CORPUS.glob("*/extracted/pdfium.txt"))


def _linked_correctly(extractor: str) -> tuple[int, int, list[str]]:
    ok = total = 0
    failures: list[str] = []
    for folder in DOCS:
        truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
        text = (folder / "extracted" / f"{extractor}.txt").read_text(encoding="utf-8")
        book, _ = convert_text(text, name=folder.name)
        refs = {p.note_id for b in book.blocks for p in b.content if isinstance(p, NoteRef)}
        for note in truth["notes"]:
            total += 1
            good = any(
                n.label == note["id"]
                and n.id in refs
                and difflib.SequenceMatcher(None, n.text, note["text"]).ratio() >= 0.9
                for n in book.notes
            )
            ok += good
            if not good:
                failures.append(f"{folder.name} note {note['id']}")
    return ok, total, failures


@pytest.mark.parametrize("extractor", EXTRACTORS)
def test_corpus_notes_linked(extractor: str) -> None:
    """Per extractor: most truth notes are found, linked and carry the right text."""
    ok, total, failures = _linked_correctly(extractor)
    print(f"{extractor}: {ok}/{total} linked correctly; failures: {failures}")
    assert total > 0
    assert ok / total >= THRESHOLDS[extractor], failures
