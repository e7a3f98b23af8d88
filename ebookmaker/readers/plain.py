"""Reader for plain extractions: one printed line per text line, form feeds between pages.

This is the shape of pdftotext, pypdf, PDFium and pdfminer output. The reader only records
what the text shows (page breaks, blank-line gaps, indentation); finding headers, page
numbers, note areas and markers is left to the cleaning steps.

>>> doc = read_plain("Title\\n\\nFirst line\\nsecond\\fNext page\\n")
>>> [(line.page, line.text, line.gap_before) for line in doc.lines()]
[(0, 'Title', False), (0, 'First line', True), (0, 'second', False), (1, 'Next page', False)]
>>> read_plain("It was his own.1\\n Here the line goes on\\n").lines()[0].text
'It was his own.1 Here the line goes on'

"""

from __future__ import annotations

import re

from ..model import Line, Page, Role, SourceDocument

# A line that ends in a note marker: a short number or a note symbol after text.
MARKER_END_RE = re.compile(r"(?:[^\W\d]|[.,;:!?»”\")’])\s?(?:\d{1,3}|[*†‡§‖¶])$")


def read_plain(text: str, name: str = "") -> SourceDocument:
    pages: list[Page] = []
    number = 0
    body = Role.BODY  # (an enum member looked up once, not once a line)
    for page_text in text.split("\f"):
        page = Page(len(pages))
        gap = False
        for raw in page_text.split("\n"):
            number += 1
            stripped = raw.strip()
            if not stripped:
                gap = bool(page.lines)
                continue
            # (the cheap tests on this line first: most lines do not start with a space)
            if (
                raw.startswith(" ")
                and not gap
                and page.lines
                and not raw.startswith("  ")
                and MARKER_END_RE.search(page.lines[-1].text)
            ):
                # PDFium ends a printed line at a superscript note marker and puts the rest
                # of the line on the next one, after a space: glue it back.
                previous = page.lines[-1]
                previous.text = f"{previous.text} {stripped}"
                continue
            # (text, page, number, indent, gap_before, role) by position: keyword arguments
            # cost a third more a line.
            line = Line(stripped, page.index, number, len(raw) - len(raw.lstrip(" ")), gap, body)
            line.page_start = not page.lines
            page.lines.append(line)
            gap = False
        number -= 1  # the text after a form feed is on the same input line
        pages.append(page)
    if pages and not pages[-1].lines and len(pages) > 1:
        pages.pop()
    return SourceDocument(pages=pages, shape="plain", name=name)
