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
LONG_FRONT_CHARS = 100  # a title-page line longer than this is a note or running text
MAX_SUBTITLE_WORDS = 6

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
# Every date has a digit: a text without one skips the date patterns (each is tried at
# every word of the text, with its dozens of month names).
_DIGIT_RE = re.compile(r"\d")

# Credit words of translators, per language; the name follows.
TRANSLATOR_RE = re.compile(
    r"(?:översättning|översatt av|oversættelse|oversat af|oversettelse|oversatt av|"
    r"translation(?: by)?|translated(?: from [\w ]+?)? by|"
    r"übersetzung|übersetzt von|aus dem \w+ von|"
    r"traduction|traduit(?: de l'\w+)? par|traducción|traducido por|traduzione|tradotto da|"
    r"vertaling|vertaald door|tłumaczenie|перевод)\s*:?\s*(?P<name>[^,;()\n]+)",
    re.I,
)
CREDIT_WITH_YEAR_RE = re.compile(TRANSLATOR_RE.pattern + r"\s*\(?\d{4}\)?", re.I)
NAME_JOIN_RE = re.compile(r"\s+(?:and|och|og|und|et|y|e|en|i|и)\s+|\s*&\s*|,\s*")


def parse_date(text: str) -> str:
    """An ISO 8601 date from the last full date in ``text``, or a year; "" when none."""
    if not _DIGIT_RE.search(text):
        return ""
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
    if not _DIGIT_RE.search(text):
        return False
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


def continues(previous: str, text: str) -> bool:
    """``text`` continues ``previous`` (a title wrapped over two printed lines).

    >>> continues("Discours sur la nécessité et les moyens de", "détruire l'esclavage")
    True
    >>> continues("Om tiden", "Anna Berg")
    False
    """
    previous = previous.rstrip()
    return bool(previous) and not re.search(r"[.!?:;]$", previous) and text[:1].islower()


def _merge(first: Block, second: Block) -> Block:
    return Block(
        BlockKind.PARAGRAPH,
        [*first.content, " ", *second.content],
        first_line=first.first_line,
        line_count=first.line_count + second.line_count,
    )


def merge_continuations(blocks: list[Block], report: Report) -> list[Block]:
    """Join a title-block line that continues the one before it (lowercase start, no stop)."""
    merged: list[Block] = []
    for block in blocks:
        if merged and continues(merged[-1].plain_text(), block.plain_text()):
            report.add(
                STEP,
                "join",
                f"{merged[-1].plain_text()[-30:]!r} + {block.plain_text()[:30]!r}",
                evidence="the line starts in lowercase and the one before has no stop",
                line=block.first_line,
            )
            merged[-1] = _merge(merged[-1], block)
        else:
            merged.append(block)
    return merged


def _gap_after(blocks: list[Block], index: int) -> bool:
    """The input shows blank lines between ``blocks[index]`` and the next block."""
    block, after = blocks[index], blocks[index + 1]
    return after.first_line - block.first_line > block.line_count


def _gaps_mark_blocks(blocks: list[Block]) -> bool:
    """Blank lines are evidence of a block end only where the body's paragraphs lack them.

    (Some extractions put a blank line after every line or every paragraph.)
    """
    paragraph = BlockKind.PARAGRAPH  # (read once: an enum member look-up costs ~90 ns)
    body = [i for i in range(len(blocks) - 1) if blocks[i].kind == paragraph]
    if len(body) < 4:
        return True
    with_gap = sum(1 for i in body if _gap_after(blocks, i))
    return with_gap <= len(body) // 3


def is_long_block(block: Block) -> bool:
    """A block longer than a title-page line: a note about the edition, or running text."""
    return (
        len(block.plain_text()) > LONG_FRONT_CHARS
        or block.line_count > 1
        and (len(block.plain_text()) > LONG_FRONT_CHARS * 0.75)
    )


def split_front(blocks: list[Block], report: Report) -> tuple[list[Block], list[Block]]:
    """Split the leading title-block blocks from the body.

    The title block is the leading short paragraph blocks (≤ 2 printed lines, at most five;
    a title wrapped over two lines counts once). It ends at the first heading, and at a long
    block — a note about the edition, or the first paragraph of the text — unless that block
    is shown to belong to the title page: it carries a year (a publication note), or a heading
    or a blank line (where the extraction does not space every paragraph) follows it. When in
    doubt the block stays in the body: a body paragraph on the title page is the worse error.
    """
    blocks = (
        merge_continuations(blocks[: MAX_FRONT_BLOCKS + 2], report) + blocks[MAX_FRONT_BLOCKS + 2 :]
    )
    gaps_count = _gaps_mark_blocks(blocks)
    count = 0
    reasons: list[str] = []
    while (
        count < min(MAX_FRONT_BLOCKS, len(blocks) - 1)
        and blocks[count].kind == BlockKind.PARAGRAPH
        and 0 < blocks[count].line_count <= MAX_FRONT_LINES
    ):
        block = blocks[count]
        if count >= 2 and is_long_block(block):
            after = blocks[count + 1]
            if YEAR_RE.search(block.plain_text()):
                why = "long block with a year (publication note)"
            elif after.kind == BlockKind.HEADING:
                why = "long block followed by a heading"
            elif gaps_count and _gap_after(blocks, count):
                why = "long block followed by a blank line"
            else:
                report.add(
                    STEP,
                    "body",
                    block.plain_text()[:70],
                    evidence="long block without title-page evidence: kept as body",
                    line=block.first_line,
                    unsure=True,
                )
                break
            reasons.append(why)
            count += 1
            break  # a note about the edition closes the title block
        reasons.append(f"short block ({block.line_count} lines) at the start")
        count += 1
    for block, why in zip(blocks[:count], reasons, strict=True):
        report.add(STEP, "front", block.plain_text()[:70], evidence=why, line=block.first_line)
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


def subtitle_of(text: str) -> str:
    """The subtitle that opens an imprint line ("Subtitle. Place, Publisher, Year"), or "".

    Only a short first sentence without commas or digits counts, and only when what follows
    it is an imprint: it names a year.

    >>> subtitle_of("Ein philosophischer Entwurf. Königsberg, bey Friedrich Nicolovius, 1795")
    'Ein philosophischer Entwurf'
    >>> subtitle_of("Skildring ur folklifvet. Utdrag."), subtitle_of("London, 1888")
    ('', '')
    """
    m = re.match(r"(?P<sub>[^.,;:!?\d]+)\.\s+(?P<rest>\S.*)$", text.strip())
    if not m:
        return ""
    sub, rest = m.group("sub").strip(), m.group("rest")
    if not sub[:1].isupper() or len(sub.split()) > MAX_SUBTITLE_WORDS or len(sub.split()) < 2:
        return ""
    if not rest[:1].isupper() or not YEAR_RE.search(rest) or TRANSLATOR_RE.search(rest):
        return ""
    return sub


def date_of(lines: list[str]) -> str:
    """The date of the text from title-block lines: a line that is only a date first, else
    the last full date in them; years inside a translator credit are the translation's.

    >>> date_of(["Book IV, translated by G. D. H. Cole (1913)"])
    ''
    >>> date_of(["Lu à la séance, le 26 août 1788", "Paris, 1790"])
    '1788-08-26'
    """
    for line in lines:
        if is_date_line(line):
            return parse_date(line)
    text = "\n".join(CREDIT_WITH_YEAR_RE.sub("", line) for line in lines)
    full = parse_date(re.sub(r"\b\d{4}\b(?![-\d])", "", text))  # full dates only
    return full if full and "-" in full else parse_date(text)


def metadata_from_front(
    front: list[Block], body: list[Block], report: Report
) -> tuple[Metadata, list[str]]:
    """Title, authors, date and translators from the title block; returns (meta, front lines).

    The author line is a line of names (before or after the title); the title is the first
    other line, with the subtitle that opens an imprint line after it ("Zum ewigen Frieden" +
    "Ein philosophischer Entwurf. Königsberg, …, 1795").
    """
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
    if rest and meta.title:
        imprint = rest[0]
        if imprint.rstrip().endswith(",") and len(rest) > 1:  # imprint wrapped over two lines
            imprint = f"{imprint} {rest[1]}"
        subtitle = subtitle_of(imprint)
        if subtitle:
            stop = "" if re.search(r"[.:!?]$", meta.title) else ":"
            meta.title = f"{meta.title}{stop} {subtitle}"
            report.add(
                STEP,
                "subtitle",
                subtitle,
                evidence=f"opens the imprint line {rest[0][:50]!r}",
                unsure=True,
            )
    meta.date = date_of(rest)
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
