"""Restore hyphens an extractor destroyed by joining lines (to be written: issue 3)."""

from __future__ import annotations

from ..explain import Report
from ..model import SourceDocument


def restore_joined_hyphens(doc: SourceDocument, language: str, report: Report) -> None:
    """Repair words the extractor joined or split at former line-end hyphens."""
