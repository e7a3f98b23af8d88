"""The conversion, end to end: text → SourceDocument → cleaning steps → Book.

Each step is a small function in :mod:`ebookmaker.steps`; this module only runs them in
order and hands every step the same :class:`~ebookmaker.explain.Report`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .explain import Report
from .model import (
    Block,
    BlockKind,
    Book,
    Line,
    Metadata,
    Note,
    NoteRef,
    Role,
    SourceDocument,
    StyleMark,
    TocTarget,
)
from .readers import normalize_text, read_text
from .steps.artefacts import remove_page_artefacts
from .steps.joined_hyphens import restore_joined_hyphens
from .steps.language import detect_language
from .steps.noteareas import find_note_areas
from .steps.notes import gather_notes, link_notes
from .steps.outline import follow_outline
from .steps.pagebreaks import page_labels
from .steps.paragraphs import _join_into, _merge_text, line_parts, unwrap
from .steps.structure import mark_structure
from .steps.titleblock import metadata_from_front, split_colophon, split_front


@dataclass
class Options:
    """What the user said; empty fields are detected from the text."""

    title: str = ""
    authors: list[str] = field(default_factory=list)
    language: str = ""
    date: str = ""
    translators: list[str] = field(default_factory=list)
    publisher: str = ""
    series: str = ""
    rights: str = ""
    input_format: str | None = None


def convert_text(text: str, options: Options | None = None, name: str = "") -> tuple[Book, Report]:
    """Convert extracted text to a :class:`Book`; the report explains the decisions."""
    options = options or Options()
    report = Report()
    _forget_lines()  # (before reading: the widths a reader measures serve the steps too)
    text = normalize_text(text)
    doc = read_text(text, name=name, shape=options.input_format)
    report.add("reader", "shape", doc.shape, evidence=f"{len(doc.pages)} pages")
    return convert_document(doc, options, report), report


def convert_pdf(data: bytes, options: Options | None = None, name: str = "") -> tuple[Book, Report]:
    """Convert a PDF: its own reader, then the same steps as text."""
    from .readers.pdf import pdf_metadata, read_pdf

    options = options or Options()
    report = Report()
    _forget_lines()
    doc = read_pdf(data, name=name)
    report.add("reader", "shape", doc.shape, evidence=f"{len(doc.pages)} pages")
    return convert_document(doc, options, report, pdf_meta=pdf_metadata(data)), report


def convert_document(
    doc: SourceDocument, options: Options, report: Report, pdf_meta: dict | None = None
) -> Book:
    """Run the cleaning steps on a reader's document and assemble the book (the caller
    empties the line caches before it reads the document: :func:`_forget_lines`)."""
    # (Enum members read once: a look-up like Role.HEADER costs ~90 ns in Python 3.11.)
    reader_artefacts = (Role.PAGE_NUMBER, Role.HEADER)
    for line in doc.lines():
        if line.role in reader_artefacts:
            # The reader already knew these for artefacts: say so, as the artefacts step does.
            report.add(
                "reader",
                "drop",
                line.text,
                evidence=f"{line.role.value} found by the reader",
                line=line.number,
            )
    remove_page_artefacts(doc, report)  # running headers, page numbers
    find_note_areas(doc, report)  # note areas and markers where the reader left them unknown

    language = options.language or _detect_language(doc, report)

    notes = gather_notes(doc, report)
    unmatched = link_notes(doc, notes, report)
    for line, marker in unmatched:
        report.add(
            "notes", "unlinked", f"marker {marker.label} has no note", line=line.number, unsure=True
        )

    restore_joined_hyphens(doc, language, report)  # hyphens the extractor already removed
    mark_structure(doc, report)  # headings and block quotes
    follow_outline(doc, report)  # the source's outline, where it has one: the toc
    decide = _hyphen_decider(doc, language)
    # Page breaks of the source, for the page list (a document of one page has none).
    blocks = unwrap(doc, report, decide_hyphen=decide, page_labels=page_labels(doc))
    front, body = split_front(blocks, report)
    for target in (p for block in front for p in block.content if isinstance(p, TocTarget)):
        report.add("outline", "title page", target.title, evidence="it points at the title block")
    body = split_colophon(body, report)
    meta, front_lines = metadata_from_front(front, body, report)
    meta.language = language
    if pdf_meta is not None:
        from .readers.pdf import prefer_info

        # The PDF's own title and authors, where they agree with the title page, are fuller.
        meta.title, meta.authors = prefer_info(meta.title, meta.authors, pdf_meta)
    _apply_options(meta, options)

    book = Book(
        metadata=meta,
        front=_front_rest(front_lines, meta),
        blocks=body,
        notes=[_note_text(n, decide, report) for n in notes],
    )
    _check_references(book, report)
    _report_styles(book, report)
    return book


def _detect_language(doc: SourceDocument, report: Report) -> str:
    """The language of the body lines ("" when unsure). A function of its own so that the
    body's text (as large as the book) is freed before the next steps run."""
    body = Role.BODY
    body_text = " ".join(line.text for line in doc.lines() if line.role == body)
    language, evidence = detect_language(body_text)
    report.add("language", "detect", language or "unknown", evidence=evidence, unsure=not language)
    return language


def _report_styles(book: Book, report: Report) -> None:
    """Say how much emphasis (italic, bold: the PDF's fonts) the book keeps, if any."""
    count = {"em": 0, "strong": 0}
    for content in [b.content for b in book.blocks] + [n.content for n in book.notes]:
        for part in content:
            if isinstance(part, StyleMark) and part.opening:
                count[part.kind] = count.get(part.kind, 0) + 1
    if any(count.values()):
        report.add(
            "styles",
            "keep",
            f"{count['em']} italic and {count['strong']} bold runs kept as em and strong",
            evidence="the PDF's fonts, against the own style of the body, the notes, a heading",
        )


def _forget_lines() -> None:
    """Empty the caches keyed by a printed line's text (its width, its words): they serve the
    reader and the steps of one document, and another book shares few of its lines. (A batch
    of copies of one book would otherwise be measured faster than a batch of different books.)
    Called before a document is read."""
    from .metrics import text_width
    from .steps.hyphenation import _line_words

    text_width.cache_clear()
    _line_words.cache_clear()


def _front_rest(front_lines: list[str], meta: Metadata) -> list[str]:
    """Title-page lines other than the title and the author line (those are shown apart).

    A line printed twice is kept once: the title shows one of them.

    >>> _front_rest(["Att och.", "1", "Att och."], Metadata(title="Att och."))
    ['1', 'Att och.']
    """
    rest = list(front_lines)
    if meta.title in rest:
        rest.remove(meta.title)
    if meta.authors:
        author_line = next((line for line in rest if line.startswith(meta.authors[0])), None)
        if author_line is not None:
            rest.remove(author_line)
    return rest


def _hyphen_decider(doc: SourceDocument, language: str):
    from .steps.hyphenation import WordKnowledge

    knowledge = WordKnowledge("\n".join(line.text for line in doc.lines()), language)

    def decide(left: str, right: str, soft: bool = False) -> tuple[str, str, str, bool]:
        decision = knowledge.decide(left, right, soft=soft)
        return decision.action, decision.result, decision.evidence, decision.unsure

    return decide


def _note_text(draft, decide, report: Report) -> Note:
    """Unwrap a note's lines into one text, resolving its line-end hyphens."""
    parts: list = []
    for line in draft.lines:
        # The note's own text, with its emphasis (a note line has no markers of its own).
        line_text = (
            line_parts(Line(line.text, line.page, role=line.role, styles=line.styles))
            if line.styles
            else [line.text]
        )
        if parts:
            _join_into(parts, line_text, line, report, decide)
        else:
            parts = line_text
    merged = _merge_text(parts)
    text = "".join(p for p in merged if isinstance(p, str))
    styled = any(isinstance(p, StyleMark) for p in merged)
    return Note(id=draft.id, label=draft.label, text=text, content=merged if styled else [])


def _apply_options(meta: Metadata, options: Options) -> None:
    for name in ("title", "language", "date", "publisher", "series", "rights"):
        value = getattr(options, name)
        if value:
            setattr(meta, name, value)
    if options.authors:
        meta.authors = list(options.authors)
    if options.translators:
        meta.translators = list(options.translators)


def _check_references(book: Book, report: Report) -> None:
    ids = {note.id for note in book.notes}
    for block in book.blocks:
        for part in block.content:
            if isinstance(part, NoteRef) and part.note_id not in ids:
                report.warn(f"note reference {part.label} points to no note")


__all__ = ["Options", "convert_text", "Block", "BlockKind"]
