"""Headings and block quotes (to be written: issue 3)."""

from __future__ import annotations

from ..explain import Report
from ..model import SourceDocument


def mark_structure(doc: SourceDocument, report: Report) -> None:
    """Mark heading lines (Role.HEADING, Line.level) and block-quote lines (Role.QUOTE)."""
