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


def test_page_without_notes_starts_at_an_indented_line_of_body_width():
    text = (
        "A body line that is long enough to set the measure of the page \n\n"
        "and it ends here without notes. \n Running Header \n\nNext page text goes on. \n"
    )
    doc = read_seedstyle(text)
    assert len(doc.pages) == 2
    assert doc.pages[1].lines[0].text == "Running Header"
    assert all(line.role == Role.BODY for line in doc.lines())


def test_number_line_with_trailing_space_in_a_note_area_is_a_page_number():
    text = f"Body text ends.\n1\n more \n\n{SEPARATOR}\n1\n The note. \n\n7 \n Next page. \n"
    doc = read_seedstyle(text)
    roles = [(line.role, line.text) for line in doc.lines()]
    assert (Role.PAGE_NUMBER, "7") in roles
    assert doc.pages[1].lines[0].text == "Next page."


def test_label_glued_to_note_text_continues_the_numbering():
    text = (
        f"Body.\n1\n more \n\n{SEPARATOR}\n1 First note. \n\n2 Second note. \n\n1956 is a year. \n"
    )
    doc = read_seedstyle(text)
    labels = [line.note_label for line in doc.lines() if line.role == Role.NOTE]
    assert labels == ["1", "2", None]


def test_note_area_without_separator_found_by_a_repeated_marker_label():
    text = (
        "Body line of the page with a marker here,\n13\n and more text \n\n"
        "goes on to the end of the page and stops. \n"
        " continued note text from the previous page. \n13\n\n The note for marker thirteen. \n"
    )
    doc = read_seedstyle(text)
    notes = [line for line in doc.lines() if line.role == Role.NOTE]
    assert notes[0].text == "continued note text from the previous page."
    assert notes[1].note_label == "13"
