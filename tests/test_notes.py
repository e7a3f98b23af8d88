"""Note gathering, link re-attachment and marker ↔ note alignment."""

from ebookmaker.explain import Report
from ebookmaker.model import Line, Marker, Page, Role, SourceDocument
from ebookmaker.steps.notes import gather_notes, link_notes


def _doc(markers: list[str], note_labels: list[str], link: str | None = None) -> SourceDocument:
    body = Line(
        "Text with markers.",
        0,
        1,
        role=Role.BODY,
        markers=[Marker(4 + i, label) for i, label in enumerate(markers)],
    )
    lines = [body]
    for i, label in enumerate(note_labels):
        lines.append(
            Line(f"Note about topic{i} here.", 0, 10 + i, role=Role.NOTE, note_label=label)
        )
    if link:
        lines.append(Line(link, 0, 30, role=Role.LINK))
    return SourceDocument([Page(0, lines)], "test")


def test_lost_label_is_recovered_from_the_gap_and_the_unmatched_marker():
    report = Report()
    doc = _doc(["11", "12", "13"], ["11", "?", "13"])
    notes = gather_notes(doc, report)
    unmatched = link_notes(doc, notes, report)
    assert [n.label for n in notes] == ["11", "12", "13"]
    assert unmatched == []
    assert all(n.linked for n in notes)
    recover = report.by_step("notes")[0]
    assert recover.action == "recover" and "12" in recover.subject


def test_numbering_may_start_anywhere_and_skip():
    report = Report()
    doc = _doc(["6", "7", "13"], ["6", "7", "13"])
    notes = gather_notes(doc, report)
    assert link_notes(doc, notes, report) == []
    assert [m.note_id for m in doc.pages[0].lines[0].markers] == ["6", "7", "13"]


def test_repeated_labels_get_unique_ids():
    report = Report()
    doc = _doc(["*", "*"], ["*", "*"])
    notes = gather_notes(doc, report)
    link_notes(doc, notes, report)
    assert len({n.id for n in notes}) == 2


def test_marker_without_note_is_reported_unmatched():
    report = Report()
    doc = _doc(["1", "2"], ["1"])
    notes = gather_notes(doc, report)
    unmatched = link_notes(doc, notes, report)
    assert [m.label for _, m in unmatched] == ["2"]


def test_stray_url_goes_to_the_note_that_shares_its_words():
    report = Report()
    doc = _doc(["1", "2"], ["1", "2"], link="https://example.org/topic1-here")
    doc.pages[0].lines[1].text = "Alpha collection volume."
    doc.pages[0].lines[2].text = "Second note mentions topic1 and here."
    notes = gather_notes(doc, report)
    assert notes[1].lines[-1].text.startswith("https://")
    assert report.by_step("notes")[0].action == "attach"
