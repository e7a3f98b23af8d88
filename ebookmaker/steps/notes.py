"""Footnotes: gather note lines into notes, re-attach stray links, link markers to notes.

Markers and notes are aligned by order and label, page by page, never by position alone: the
n-th note on a page belongs to a marker with the same label that has not been used yet. A
note whose label was lost in extraction gets the label of the unmatched marker that the gap
in the numbering leaves (notes 11 and 13 around a lost label on a page with an unmatched
marker 12 → 12).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..explain import Report
from ..model import Line, Marker, Role, SourceDocument

STEP = "notes"
LOST_LABEL = "?"
_WORD_RE = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
_TEXT_ROLES = (Role.BODY, Role.HEADING, Role.QUOTE)  # lines whose markers link to notes


@dataclass
class NoteDraft:
    """A note being assembled from the lines of a note area."""

    label: str
    page: int
    lines: list[Line] = field(default_factory=list)
    id: str = ""
    linked: bool = False

    @property
    def first_line(self) -> int:
        return self.lines[0].number if self.lines else 0


def gather_notes(doc: SourceDocument, report: Report) -> list[NoteDraft]:
    """Group the NOTE lines of each page into notes, starting at each line with a label.

    Lines of a note area before any label continue the last note of the previous page (a
    note that runs over a page break).

    >>> from ebookmaker.model import Page
    >>> page = Page(0, [Line("A note", 0, note_label="1", role=Role.NOTE),
    ...                 Line("goes on.", 0, role=Role.NOTE)])
    >>> [(n.label, [line.text for line in n.lines]) for n in gather_notes(
    ...     SourceDocument([page], "test"), Report())]
    [('1', ['A note', 'goes on.'])]
    """
    notes: list[NoteDraft] = []
    note, link = Role.NOTE, Role.LINK  # (enum member look-ups cost more than the tests: once)
    for page in doc.pages:
        links = []
        for line in page.lines:
            if line.role == link:
                links.append(line)
            if line.role != note:
                continue
            if line.note_label is not None or not notes:
                notes.append(NoteDraft(line.note_label or LOST_LABEL, page.index))
            notes[-1].lines.append(line)
        for line in links:  # after the page's notes are gathered
            _attach_link(line, [n for n in notes if n.page == page.index] or notes[-1:], report)
    return notes


def _attach_link(link: Line, candidates: list[NoteDraft], report: Report) -> None:
    """Append a stray URL to the note of its page whose words it shares most."""
    if not candidates:
        link.role = Role.BODY
        return
    url_words = {w.casefold() for w in _WORD_RE.findall(link.text)}

    def overlap(note: NoteDraft) -> int:
        words = {w.casefold() for line in note.lines for w in _WORD_RE.findall(line.text)}
        return len(url_words & words)

    scores = [overlap(note) for note in candidates]
    best = max(range(len(candidates)), key=lambda i: (scores[i], -i))
    if scores[best] == 0:
        best = max(i for i, note in enumerate(candidates) if note.first_line < link.number)
        evidence = "no note shares its words; appended to the note above it"
    else:
        evidence = f"shares {scores[best]} words with the note"
    target = candidates[best]
    target.lines.append(Line(link.text, link.page, link.number, role=Role.NOTE))
    report.add(
        STEP,
        "attach",
        f"URL {link.text[:60]} → note {target.label}",
        evidence=evidence,
        line=link.number,
        unsure=scores[best] < 2,
    )


def _label_value(label: str) -> int | None:
    return int(label) if label.isdecimal() else None


def link_notes(
    doc: SourceDocument, notes: list[NoteDraft], report: Report
) -> list[tuple[Line, Marker]]:
    """Link each note to a marker; give every note a unique id. Returns unmatched markers.

    Notes are matched page by page to markers with the same label, in order; a lost label
    is recovered from the numbering gap when exactly one unmatched marker fits it.
    """
    markers: list[tuple[Line, Marker]] = [
        (line, marker)
        for line in doc.lines()
        if line.markers and line.role in _TEXT_ROLES  # (most lines have no markers)
        for marker in line.markers
    ]
    _recover_lost_labels(notes, markers, report)

    used: set[int] = set()
    start = 0
    for note in notes:
        match = None
        # Prefer the next unused marker with this label, in document order.
        for k in range(start, len(markers)):
            if k not in used and markers[k][1].label == note.label:
                match = k
                break
        if match is None:
            match = next(
                (
                    k
                    for k in range(len(markers))
                    if k not in used and markers[k][1].label == note.label
                ),
                None,
            )
        if match is None:
            report.add(
                STEP,
                "unlinked",
                f"note {note.label} has no marker in the text",
                line=note.first_line,
                unsure=True,
            )
            continue
        used.add(match)
        start = match + 1
        note.linked = True
        line, marker = markers[match]
        note.id = marker.note_id = _unique_id(note.label, notes)
        report.add(
            STEP,
            "link",
            f"marker {marker.label} (line {line.number}) → note {note.label} "
            f"(line {note.first_line})",
            evidence="same label, next in order",
        )
    for note in notes:
        if not note.id:
            note.id = _unique_id(note.label, notes)
    return [markers[k] for k in range(len(markers)) if k not in used]


def _unique_id(label: str, notes: list[NoteDraft]) -> str:
    base = label if label and label != LOST_LABEL else "x"
    taken = {note.id for note in notes}
    if base not in taken:
        return base
    k = 2
    while f"{base}-{k}" in taken:
        k += 1
    return f"{base}-{k}"


def _recover_lost_labels(
    notes: list[NoteDraft], markers: list[tuple[Line, Marker]], report: Report
) -> None:
    known = {note.label for note in notes if note.label != LOST_LABEL}
    for index, note in enumerate(notes):
        if note.label != LOST_LABEL:
            continue
        before = next(
            (_label_value(n.label) for n in reversed(notes[:index]) if n.label != LOST_LABEL), None
        )
        after = next(
            (_label_value(n.label) for n in notes[index + 1 :] if n.label != LOST_LABEL), None
        )
        unmatched = [m.label for _, m in markers if m.label not in known]
        candidates = [
            label
            for label in unmatched
            if (v := _label_value(label)) is not None
            and (before is None or v > before)
            and (after is None or v < after)
        ]
        if not candidates and before is not None and (after is None or after - before == 2):
            candidates = [str(before + 1)]
        if candidates:
            note.label = candidates[0]
            known.add(note.label)
            report.add(
                STEP,
                "recover",
                f"note at line {note.first_line} lost its number → {note.label}",
                evidence=f"numbering gap between {before} and {after}; "
                f"unmatched markers {unmatched[:5]}",
                line=note.first_line,
                unsure=len(candidates) > 1,
            )
        else:
            report.add(
                STEP,
                "recover",
                f"note at line {note.first_line} lost its number; no marker fits",
                line=note.first_line,
                unsure=True,
            )
