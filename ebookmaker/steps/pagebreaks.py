"""Page labels of the source, for the EPUB's page list ("p. 3" of the PDF or the print).

Every page gets the number printed on it where the artefacts step (or the PDF reader) found
one — a :attr:`Role.PAGE_NUMBER` line, or the number a running header carries
("Zum ewigen Frieden. 3") when those numbers keep step with the pages. A page without one
continues the numbering of the nearest numbered page before it (after it, for the first
pages), and falls back to its position (index + 1) when there is no arabic numbering; a page
whose label would repeat another's (an unnumbered page before page "1") gets none.

>>> from ebookmaker.model import Line, Page, SourceDocument
>>> pages = [Page(0, [Line("Title", 0)]),
...          Page(1, [Line("Text.", 1), Line("– 12 –", 1, role=Role.PAGE_NUMBER)]),
...          Page(2, [Line("More text.", 2)])]
>>> page_labels(SourceDocument(pages, "plain"))
{0: '11', 1: '12', 2: '13'}
>>> page_labels(SourceDocument(pages[:1], "plain"))
{}
"""

from __future__ import annotations

import re
from collections import Counter

from ..model import Role, SourceDocument

# A page-number line: arabic or roman, maybe set between dashes ("– 3 –", "iv").
PRINTED_RE = re.compile(r"^[-–—\s]*(\d{1,4}|[ivxlcdm]{1,7}|[IVXLCDM]{1,7})[-–—\s]*$")
# The number a running header starts or ends with.
HEADER_NUMBER_RE = re.compile(r"^(\d{1,4})\b|\b(\d{1,4})$")


def printed_labels(doc: SourceDocument) -> dict[int, str]:
    """The page number printed on each page that shows one, by page index.

    >>> from ebookmaker.model import Line, Page
    >>> pages = [Page(i, [Line(f"Zum ewigen Frieden. {i + 1}", i, role=Role.HEADER)])
    ...          for i in range(1, 4)]
    >>> printed_labels(SourceDocument(pages, "plain"))
    {1: '2', 2: '3', 3: '4'}
    """
    printed: dict[int, str] = {}
    in_headers: dict[int, set[int]] = {}  # page index → numbers its running headers carry
    # (Enum members read once: a look-up like Role.HEADER costs ~90 ns in Python 3.11.)
    page_number, header = Role.PAGE_NUMBER, Role.HEADER
    for page in doc.pages:
        for line in page.lines:
            if line.role == page_number:
                match = PRINTED_RE.match(line.text)
                if match:
                    printed.setdefault(page.index, match.group(1))
            elif line.role == header:
                for match in HEADER_NUMBER_RE.finditer(line.text.strip()):
                    in_headers.setdefault(page.index, set()).add(int(match.group(0)))
    # Header numbers are page numbers when value − page index is one constant on at
    # least two pages and on half of the pages whose headers carry a number.
    offsets = Counter(n - index for index, numbers in in_headers.items() for n in numbers)
    if offsets:
        offset, support = offsets.most_common(1)[0]
        if support >= 2 and 2 * support >= len(in_headers):
            for index, numbers in in_headers.items():
                if index + offset in numbers and index + offset >= 1:
                    printed.setdefault(index, str(index + offset))
    return printed


def page_labels(doc: SourceDocument) -> dict[int, str]:
    """The label of each page, by page index; empty for a document of one page."""
    if len(doc.pages) < 2:
        return {}
    printed = printed_labels(doc)
    indexes = [page.index for page in doc.pages]
    arabic = sorted(i for i, label in printed.items() if label.isdigit())
    used = set(printed.values())
    labels: dict[int, str] = {}
    before: int | None = None  # the nearest arabic-numbered page so far
    after = iter(arabic)
    upcoming = next(after, None)
    for index in indexes:
        while upcoming is not None and upcoming <= index:
            before = upcoming
            upcoming = next(after, None)
        if index in printed:
            labels[index] = printed[index]
            continue
        anchor = before if before is not None else upcoming
        label = ""
        if anchor is not None:
            value = int(printed[anchor]) + index - anchor
            if value >= 1 and str(value) not in used:
                label = str(value)
        label = label or str(index + 1)
        if label in used:
            continue  # an unnumbered page before "1": better no label than a wrong one
        labels[index] = label
        used.add(label)
    return labels
