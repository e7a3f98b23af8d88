"""Title block and colophon → metadata and front matter.

A text's first short blocks (author, title, date, a publication note) form its title block;
a short credit line at the end ("Översättning: …", "Translated by …") is the colophon.

>>> parse_date("6 september 1935")
'1935-09-06'
>>> parse_date("le 26 août 1788")
'1788-08-26'
>>> split_authors("Karl Marx and Frederick Engels")
['Karl Marx', 'Frederick Engels']
"""

from __future__ import annotations

import re

from ..explain import Report
from ..model import Block, BlockKind, Metadata

STEP = "titleblock"
MAX_FRONT_BLOCKS = 5
MAX_FRONT_LINES = 2

MONTHS: dict[str, int] = {}
for _names in (
    # sv, da, no
    "januari februari mars april maj juni juli augusti september oktober november december",
    "januar februar marts april maj juni juli august september oktober november december",
    "januar februar mars april mai juni juli august september oktober november desember",
    # en, de
    "january february march april may june july august september october november december",
    "januar februar märz april mai juni juli august september oktober november dezember",
    # fr, es, it, nl
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre",
    "januari februari maart april mei juni juli augustus september oktober november december",
):
    for _number, _name in enumerate(_names.split(), start=1):
        MONTHS.setdefault(_name, _number)

_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))
DAY_MONTH_YEAR_RE = re.compile(
    rf"\b(\d{{1,2}})(?:\.|er|e|st|nd|rd|th)?\s+({_MONTH_ALT})\.?,?\s+(\d{{3,4}})\b", re.I
)
MONTH_DAY_YEAR_RE = re.compile(
    rf"\b({_MONTH_ALT})\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{3,4}})\b", re.I
)
ISO_DATE_RE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
YEAR_RE = re.compile(r"\b(1[4-9]\d\d|20\d\d)\b")

# Credit words of translators, per language; the name follows.
TRANSLATOR_RE = re.compile(
    r"(?:översättning|översatt av|oversættelse|oversat af|oversettelse|oversatt av|"
    r"translation|translated(?: from [\w ]+?)? by|übersetzung|übersetzt von|aus dem \w+ von|"
    r"traduction|traduit(?: de l'\w+)? par|traducción|traducido por|traduzione|tradotto da|"
    r"vertaling|vertaald door|tłumaczenie|перевод)\s*:?\s*(?P<name>[^,;()\n]+)",
    re.I,
)
NAME_JOIN_RE = re.compile(r"\s+(?:and|och|og|und|et|y|e|en|i|и)\s+|\s*&\s*|,\s*")


def parse_date(text: str) -> str:
    """An ISO 8601 date from the last full date in ``text``, or a year; "" when none."""
    found: list[tuple[int, str]] = []
    for m in DAY_MONTH_YEAR_RE.finditer(text):
        day, month, year = int(m.group(1)), MONTHS[m.group(2).lower()], int(m.group(3))
        if 1 <= day <= 31:
            found.append((m.start(), f"{year:04d}-{month:02d}-{day:02d}"))
    for m in MONTH_DAY_YEAR_RE.finditer(text):
        month, day, year = MONTHS[m.group(1).lower()], int(m.group(2)), int(m.group(3))
        if 1 <= day <= 31:
            found.append((m.start(), f"{year:04d}-{month:02d}-{day:02d}"))
    for m in ISO_DATE_RE.finditer(text):
        found.append((m.start(), m.group(0)))
    if found:
        return max(found)[1]
    years = YEAR_RE.findall(text)
    return years[-1] if years else ""


def is_date_line(text: str) -> bool:
    """True when a line is only a date (or a year), like "6 september 1935"."""
    rest = DAY_MONTH_YEAR_RE.sub("", text)
    rest = MONTH_DAY_YEAR_RE.sub("", rest)
    rest = ISO_DATE_RE.sub("", rest)
    rest = YEAR_RE.sub("", rest) if rest == text else rest
    return rest != text and not re.search(r"[^\W\d_]{3,}", rest)


def looks_like_names(text: str) -> bool:
    """A line of one or more personal names: few capitalised words, no digits, no sentence."""
    words = text.replace(",", " ").split()
    if not 1 <= len(words) <= 10 or re.search(r"\d", text) or text.rstrip().endswith((".", ":")):
        if not re.fullmatch(r"(?:[A-ZÀ-Þ]\.\s*)+\w.*", text.strip()):
            return False
    capitalised = sum(1 for w in words if w[:1].isupper() or len(w) <= 3)
    return capitalised == len(words)


def split_authors(text: str) -> list[str]:
    return [name.strip() for name in NAME_JOIN_RE.split(text.strip()) if name.strip()]


def find_translators(text: str) -> list[str]:
    """Names credited as translators in ``text``.

    >>> find_translators("Översättning: P. Svensson")
    ['P. Svensson']
    """
    names: list[str] = []
    for m in TRANSLATOR_RE.finditer(text):
        name = re.sub(r"\s+\(?\d{4}\)?.*$", "", m.group("name")).strip(" .")
        if name and looks_like_names(name):
            names.extend(split_authors(name))
    return names


def split_front(blocks: list[Block], report: Report) -> tuple[list[Block], list[Block]]:
    """Split the leading title-block blocks (short: ≤ 2 printed lines each) from the body."""
    count = 0
    while (
        count < min(MAX_FRONT_BLOCKS, len(blocks) - 1)
        and blocks[count].kind == BlockKind.PARAGRAPH
        and 0 < blocks[count].line_count <= MAX_FRONT_LINES
    ):
        count += 1
    for block in blocks[:count]:
        report.add(
            STEP,
            "front",
            block.plain_text()[:70],
            evidence=f"short block ({block.line_count} lines) at the start",
            line=block.first_line,
        )
    return blocks[:count], blocks[count:]


def split_colophon(blocks: list[Block], report: Report) -> list[Block]:
    """Mark trailing one-line credit blocks (translator, source) as the colophon."""
    for block in reversed(blocks):
        text = block.plain_text()
        if block.line_count <= 2 and len(text) < 200 and TRANSLATOR_RE.search(text):
            block.kind = BlockKind.COLOPHON
            report.add(
                STEP,
                "colophon",
                text[:70],
                evidence="credit line at the end",
                line=block.first_line,
            )
        else:
            break
    return blocks


def metadata_from_front(
    front: list[Block], body: list[Block], report: Report
) -> tuple[Metadata, list[str]]:
    """Title, authors, date and translators from the title block; returns (meta, front lines)."""
    lines = [block.plain_text() for block in front]
    meta = Metadata()
    rest = list(lines)
    if len(rest) >= 2 and looks_like_names(rest[0]):
        meta.authors = split_authors(rest[0])
        meta.title = rest[1]
        rest = rest[2:]
    elif rest:
        meta.title = rest[0]
        rest = rest[1:]
        if rest and looks_like_names(rest[0]):
            meta.authors = split_authors(rest[0])
            rest = rest[1:]
    date_lines = [line for line in rest if is_date_line(line)]
    dated = date_lines or [line for line in rest if parse_date(line)]
    if dated:
        meta.date = parse_date(dated[0])
    for line in lines:
        meta.translators += [n for n in find_translators(line) if n not in meta.translators]
    for block in body:
        if block.kind == BlockKind.COLOPHON:
            text = block.plain_text()
            meta.translators += [n for n in find_translators(text) if n not in meta.translators]
    report.add(
        STEP,
        "metadata",
        f"title={meta.title!r} authors={meta.authors} date={meta.date!r} "
        f"translators={meta.translators}",
        evidence="title block: author line, title line, date line",
        unsure=not (meta.title and meta.authors),
    )
    return meta, lines
