"""Page artefacts: running headers, page numbers (to be written: see issue 3)."""

from __future__ import annotations

from ..explain import Report
from ..model import SourceDocument


def remove_page_artefacts(doc: SourceDocument, report: Report) -> None:
    """Mark running headers/footers and page numbers (Role.HEADER / Role.PAGE_NUMBER)."""
