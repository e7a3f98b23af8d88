"""Line unwrapping: paragraph breaks by line fill, joins across pages, hyphen repair."""

from ebookmaker.explain import Report
from ebookmaker.model import Line, Page, Role, SourceDocument
from ebookmaker.steps.paragraphs import ends_paragraph, text_width, unwrap

FULL = "This line is a full line of justified text that reaches the right margin"


def _doc(*pages: list[str]) -> SourceDocument:
    out = []
    number = 0
    for index, texts in enumerate(pages):
        lines = []
        for k, text in enumerate(texts):
            number += 1
            lines.append(Line(text, index, number, role=Role.BODY, page_start=k == 0))
        out.append(Page(index, lines))
    return SourceDocument(out, "test")


def test_short_sentence_final_line_ends_the_paragraph():
    measure = text_width(FULL)
    brk, evidence, _ = ends_paragraph(Line("It ends.", 0), Line("Next paragraph", 0), measure)
    assert brk and "would fit" in evidence


def test_full_sentence_final_line_does_not_end_the_paragraph():
    measure = text_width(FULL)
    line = Line(FULL[:-8] + " margin.", 0)
    brk, _, _ = ends_paragraph(line, Line("Continuation goes on", 0), measure)
    assert not brk


def test_initial_at_line_end_is_not_a_sentence_end():
    measure = text_width(FULL)
    brk, _, _ = ends_paragraph(Line(FULL[:50] + " S.", 0), Line("Kosior, said", 0), measure)
    assert not brk


def test_paragraph_continues_across_a_page_break():
    report = Report()
    doc = _doc([FULL, FULL, "and the sentence goes on to"], ["the next page.", FULL, "End."])
    blocks = unwrap(doc, report)
    assert len(blocks) == 2
    assert "goes on to the next page." in blocks[0].plain_text()
    page_decisions = [d for d in report.by_step("paragraphs") if "page break" in d.evidence]
    assert page_decisions and page_decisions[0].action == "join"


def test_line_end_hyphen_is_resolved_by_the_decider():
    report = Report()
    doc = _doc([FULL + " Sovjet-", "unionen is one word.", "End."])
    calls = []

    def decide(left, right, soft=False):
        calls.append((left, right))
        return "join", left + right, "test evidence", False

    blocks = unwrap(doc, report, decide_hyphen=decide)
    assert calls == [("Sovjet", "unionen")]
    assert "Sovjetunionen is one word." in blocks[0].plain_text()
    assert report.by_step("hyphenation")[0].evidence == "test evidence"


def test_suspended_hyphen_keeps_hyphen_and_space():
    doc = _doc([FULL + " arbetar-", "och bondestat."])
    blocks = unwrap(
        doc, Report(), decide_hyphen=lambda a, b, soft: ("suspended", a + "-", "", False)
    )
    assert "arbetar- och bondestat." in blocks[0].plain_text()
