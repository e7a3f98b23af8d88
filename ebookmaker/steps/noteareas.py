"""Note areas and note markers in shapes that do not mark them (to be written: issue 3)."""

from __future__ import annotations

from ..explain import Report
from ..model import SourceDocument


def find_note_areas(doc: SourceDocument, report: Report) -> None:
    """Mark footnote lines (Role.NOTE, note_label) and body markers (Line.markers)."""
