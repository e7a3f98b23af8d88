"""The copy-paste reader on the seed and on small hand-made inputs of its shape."""

from ebookmaker.model import Role
from ebookmaker.readers import sniff
from ebookmaker.readers.seedstyle import read_seedstyle

SEPARATOR = " " * 49


def test_sniffs_the_seed_as_seedstyle(seed_text):
    assert sniff(seed_text) == "seedstyle"
    assert sniff("one\ntwo\nthree\nfour\n") == "plain"


def test_seed_has_six_pages_and_fifteen_labelled_or_lost_notes(seed_text):
    doc = read_seedstyle(seed_text)
    assert len(doc.pages) == 6
    labels = [line.note_label for line in doc.lines() if line.note_label]
    assert labels == [str(n) for n in range(1, 12)] + ["?", "13", "14", "15"]
    markers = [m.label for line in doc.lines() for m in line.markers]
    assert markers == [str(n) for n in range(1, 16)]
    assert sum(1 for line in doc.lines() if line.role == Role.LINK) == 1


def test_marker_is_cut_out_and_the_line_glued_back():
    doc = read_seedstyle(
        f"Start of text \n\nends here.\n1\n and goes on \n\n{SEPARATOR}\n1\n A note. \n"
    )
    body = [line for line in doc.lines() if line.role == Role.BODY]
    assert body[1].text == "ends here. and goes on"
    assert [(m.offset, m.label) for m in body[1].markers] == [(10, "1")]


def test_page_start_follows_the_last_note_line_directly():
    text = (
        f"Body line one \n\nbody two\n1\n rest \n\n{SEPARATOR}\n1\n Note text. \n"
        " Page two starts \n\nhere. \n"
    )
    doc = read_seedstyle(text)
    assert len(doc.pages) == 2
    first = doc.pages[1].lines[0]
    assert first.text == "Page two starts" and first.page_start and first.role == Role.BODY


def test_lost_separator_and_label_start_a_note():
    text = (
        "Body one \n\nbody two ends. Men \n  A note without number. \n\n"
        "goes on. \n2\n\n Second note. \n"
    )
    doc = read_seedstyle(text)
    notes = [line for line in doc.lines() if line.role == Role.NOTE]
    assert notes[0].note_label == "?" and notes[0].text == "A note without number."
    assert notes[2].note_label == "2"
