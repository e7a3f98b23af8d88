"""Reader for PDF files: the printed lines with their fonts, sizes and positions.

The PDF's text layer is read with PDFium (``pypdfium2``, imported only when a PDF is read):
every character with its baseline origin, box, font size and font name. From that the reader
knows what a text extraction loses, and records it in the model:

* **printed lines** in reading order (top to bottom; characters of one line sorted by x), a
  :class:`~ebookmaker.model.Page` per PDF page;
* **note markers**: digits or note symbols set smaller and raised above the baseline become
  :class:`~ebookmaker.model.Marker` (offset, label); the digits are not in the text;
* **the footnote area**: the lines under the footnote separator rule, or the run of lines set
  smaller than the body at the page bottom; each note's first line carries its label
  (``note_label``, removed from the text) and every line :attr:`Role.NOTE`;
* **running headers, footers and page numbers**: lines at the top or bottom edge that are
  bare numbers, or that repeat (digits ignored) on other pages at the same height;
* **headings** (a larger size or bold, short, standing alone) with their level, and
  **block quotes** (indented on both sides, or set smaller, between body lines);
* **indent** (a visible first-line indent → 2 or more "spaces") and **gap_before** (a vertical
  gap larger than the line spacing);
* line-end hyphens stay as printed (PDFium reports them as U+0002; they become ``-``), for the
  hyphenation step to decide.
* **italic and bold** runs inside the text lines, as style spans (``Line.styles``: "em",
  "strong"), measured against the own style of the body, of the notes and of a heading (a
  body set in bold has no strong text, a heading set bold is no strong text); spaces at a
  run's edges stay outside it.

The PDF's **outline** (bookmarks), where it has one, goes to ``SourceDocument.outline``: each
entry's title, depth, page and the first text line at the point it shows; the outline step
matches it to the headings.

The title block of the first page (lines before the first heading or running text) is left
to the title-block step: its lines stay :attr:`Role.BODY`.
"""

from __future__ import annotations

import ctypes
import re
import statistics
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from ..model import Line, Marker, OutlineEntry, Page, Role, SourceDocument, shift_styles

NOTE_SYMBOLS = "*†‡§‖¶#"
MARKER_RE = re.compile(rf"^(?:\d{{1,4}}|[{NOTE_SYMBOLS}]{{1,3}}|[a-z])$")
# A note label printed at note size, not raised: "1 Text", "1. Text", "12) Text", "1Text".
PLAIN_LABEL_RE = re.compile(rf"^(\d{{1,4}}|[{NOTE_SYMBOLS}]{{1,3}})(?:[.)]?\s+|(?=[^\W\d_]))(?=\S)")
PAGE_NUMBER_RE = re.compile(r"^[-–—\s]*(\d{1,4}|[ivxlcdm]{1,7}|[IVXLCDM]{1,7})[-–—\s]*$")
PLACEHOLDER_RE = re.compile(
    r"^(untitled|unknown|anonymous|title|author|user|owner|admin)$|\.(docx?|odt|pdf|tex|rtf|indd)$"
    r"|^microsoft word -",
    re.IGNORECASE,
)
BOLD_RE = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
ITALIC_RE = re.compile(r"italic|oblique", re.IGNORECASE)
_LIGATURES = {c: unicodedata.normalize("NFKC", chr(c)) for c in range(0xFB00, 0xFB07)}

SUPERSCRIPT_SIZE = 0.85  # a marker is set at most this share of its line's size …
SUPERSCRIPT_RISE = 0.15  # … and raised at least this share of the size
SMALLER = 0.93  # note and quote text is set at most this share of the body size
LARGER = 1.08  # heading text at least this share
GAP = 1.35  # a vertical gap: baselines this many line spacings apart
MAX_HEADING_WORDS = 20


@dataclass
class Glyph:
    char: str
    x0: float
    x1: float
    y: float  # baseline
    size: float
    bold: bool
    italic: bool
    generated: bool = False


@dataclass
class PdfLine:
    """A printed line as the PDF shows it, before it becomes a :class:`Line`."""

    glyphs: list[Glyph]
    page: int
    size: float = 0.0  # the size most of its characters are set in
    y: float = 0.0  # the baseline of those characters
    x0: float = 0.0
    x1: float = 0.0
    bold: bool = False
    italic: bool = False
    text: str = ""
    markers: list[Marker] = field(default_factory=list)
    styles: list[tuple[int, int, str]] = field(default_factory=list)  # italic/bold runs
    lead_label: str | None = None  # a raised label at the start of the line
    note_label: str | None = None
    role: Role = Role.UNKNOWN
    level: int = 2
    gap_before: bool = False
    indent: int = 0
    starts_paragraph: bool | None = None  # what the geometry shows; None: no evidence
    title_block: bool = False


# --- opening ------------------------------------------------------------------------


def _pdfium():
    try:
        import pypdfium2 as pdfium
        import pypdfium2.raw as raw
    except ImportError as error:  # pragma: no cover - a dependency
        from . import InputError

        raise InputError("reading PDF files needs pypdfium2 (pip install pypdfium2)") from error
    return pdfium, raw


def _open(data: bytes, password: str | None = None):
    from . import InputError

    pdfium, raw = _pdfium()
    if not data.lstrip()[:1024].count(b"%PDF-"):
        raise InputError("damaged PDF: no PDF header")
    try:
        return pdfium.PdfDocument(data, password=password)
    except pdfium.PdfiumError as error:
        code = getattr(error, "err_code", None)
        if code == raw.FPDF_ERR_PASSWORD:
            raise InputError("encrypted PDF: needs a password") from None
        if code == raw.FPDF_ERR_SECURITY:
            raise InputError("encrypted PDF: unsupported security handler") from None
        reason = {
            raw.FPDF_ERR_FORMAT: "not a readable PDF structure",
            raw.FPDF_ERR_FILE: "cannot be read",
        }.get(code, str(error).splitlines()[0] if str(error) else "cannot be opened")
        raise InputError(f"damaged PDF: {reason}") from None


def pdf_metadata(data: bytes) -> dict:
    """Title, author (subject, keywords) from the PDF's info dictionary, and the titles of
    its outline (bookmarks) in order as ``"outline": [(level, title), …]``.

    Empty fields and placeholders ("untitled", a file name, "Microsoft Word - …") are left
    out. The info dictionary's dates are the file's, not the work's: not returned. A damaged
    or encrypted PDF raises ``InputError``.
    """
    doc = _open(data)
    try:
        info = doc.get_metadata_dict(skip_empty=True)
        meta: dict = {}
        for key in ("Title", "Author", "Subject", "Keywords"):
            value = _clean(info.get(key, ""))
            if value and not PLACEHOLDER_RE.search(value):
                meta[key.lower()] = value
        outline = []
        for item in doc.get_toc(max_depth=8):
            title = _clean(item.get_title() or "")
            if title:
                outline.append((item.level, title))
        if outline:
            meta["outline"] = outline
        return meta
    finally:
        doc.close()


def info_authors(author: str) -> list[str]:
    """The names in an info dictionary's Author field.

    >>> info_authors("Karl Marx, Friedrich Engels")
    ['Karl Marx', 'Friedrich Engels']
    >>> info_authors("Rousseau, Jean-Jacques")
    ['Rousseau, Jean-Jacques']
    """
    parts = [p.strip() for p in re.split(r"\s*(?:;|&|\band\b|\bund\b|\bet\b|\boch\b)\s*", author)]
    names: list[str] = []
    for part in filter(None, parts):
        pieces = [p.strip() for p in part.split(",") if p.strip()]
        if len(pieces) > 1 and all(len(p.split()) >= 2 for p in pieces):
            names.extend(pieces)
        else:
            names.append(part)
    return names


def prefer_info(title: str, authors: list[str], meta: dict) -> tuple[str, list[str]]:
    """Title and authors: the info dictionary's where it agrees with what the title page
    shows (it is then the fuller form: "M. de Ladebat" → "André-Daniel Laffon de Ladebat"),
    the title page's otherwise; the info dictionary's alone when the title page gave none.

    >>> prefer_info("The Social Contract", ["J. Rousseau"],
    ...             {"title": "The Social Contract, Book IV", "author": "Jean-Jacques Rousseau"})
    ('The Social Contract, Book IV', ['Jean-Jacques Rousseau'])
    >>> prefer_info("Om tiden", ["Anna Berg"], {"title": "Report 7", "author": "jdoe"})
    ('Om tiden', ['Anna Berg'])
    """
    info_title = meta.get("title", "")
    if info_title and (not title or _words(title) <= _words(info_title)):
        title = info_title
    names = info_authors(meta.get("author", ""))
    if names and (
        not authors
        or all(_words(a.split()[-1]) <= _words(" ".join(names)) for a in authors if a.split())
    ):
        authors = names
    return title, authors


def _words(text: str) -> set[str]:
    return {w.casefold() for w in re.findall(r"[^\W_]+", text)}


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text.translate(_LIGATURES))
    return re.sub(r"\s+", " ", "".join(c for c in text if c.isprintable() or c == " ")).strip()


# --- characters → lines ----------------------------------------------------------------


def _glyphs(page, raw) -> list[list[Glyph]]:
    """The page's characters in content order, cut into runs where PDFium ends a line."""
    textpage = page.get_textpage()
    try:
        tp = textpage.raw
        count = raw.FPDFText_CountChars(tp)
        runs: list[list[Glyph]] = []
        run: list[Glyph] = []
        buffer = ctypes.create_string_buffer(128)
        flags = ctypes.c_int()
        left, right, bottom, top = (ctypes.c_double() for _ in range(4))
        ox, oy = ctypes.c_double(), ctypes.c_double()
        fonts: dict[bytes, tuple[bool, bool]] = {}
        for i in range(count):
            code = raw.FPDFText_GetUnicode(tp, i)
            generated = bool(raw.FPDFText_IsGenerated(tp, i))
            if code in (0x0D, 0x0A) or (generated and code != 0x20):
                if run:
                    runs.append(run)
                    run = []
                continue
            if code == 0x02 or code == 0xFFFE:
                char = "-"  # a line-end hyphen PDFium recognised: keep it as printed
            elif 0xD800 <= code <= 0xDFFF or code < 0x20:
                continue
            else:
                char = chr(code)
            if generated:
                if run:
                    prev = run[-1]
                    run.append(Glyph(" ", prev.x1, prev.x1, prev.y, prev.size, False, False, True))
                continue
            raw.FPDFText_GetCharOrigin(tp, i, ox, oy)
            raw.FPDFText_GetCharBox(tp, i, left, right, bottom, top)
            size = raw.FPDFText_GetFontSize(tp, i)
            length = raw.FPDFText_GetFontInfo(tp, i, buffer, len(buffer), flags)
            key = buffer.raw[: max(length - 1, 0)] + bytes([flags.value & 0xFF])
            style = fonts.get(key)
            if style is None:
                fontname = key[:-1].decode("utf-8", "replace")
                style = (
                    bool(BOLD_RE.search(fontname)) or bool(flags.value & (1 << 18)),
                    bool(ITALIC_RE.search(fontname)) or bool(flags.value & (1 << 6)),
                )
                fonts[key] = style
            x0 = left.value if right.value > left.value else ox.value
            x1 = right.value if right.value > left.value else ox.value + 0.5 * size
            if char == " ":
                x1 = x0 = ox.value
            run.append(Glyph(char, x0, x1, oy.value, size or 1.0, style[0], style[1]))
        if run:
            runs.append(run)
        return runs
    finally:
        textpage.close()


def _main_size(glyphs: list[Glyph]) -> tuple[float, float]:
    """The size most visible characters are set in, and their median baseline."""
    visible = [g for g in glyphs if not g.char.isspace()] or glyphs
    sizes = Counter(round(g.size, 1) for g in visible)
    size = max(sizes.items(), key=lambda kv: (kv[1], kv[0]))[0]
    ys = [g.y for g in visible if abs(round(g.size, 1) - size) < 0.05]
    return size, statistics.median(ys)


def _band(size: float, y: float) -> tuple[float, float]:
    return y - 0.2 * size, y + 0.75 * size


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Overlap of two vertical bands, as a share of the smaller one."""
    inter = min(a[1], b[1]) - max(a[0], b[0])
    return max(0.0, inter) / max(1e-6, min(a[1] - a[0], b[1] - b[0]))


def _split_runs(runs: list[list[Glyph]]) -> list[list[Glyph]]:
    """Cut runs where characters jump back left or leave the run's height."""
    pieces: list[list[Glyph]] = []
    for run in runs:
        piece: list[Glyph] = []
        for g in run:
            if piece and not g.generated:
                last = next((p for p in reversed(piece) if not p.generated), piece[-1])
                back = g.x0 < last.x0 - max(g.size, last.size)
                apart = _overlap(_band(g.size, g.y), _band(last.size, last.y)) < 0.3
                if back or apart:
                    pieces.append(piece)
                    piece = []
            piece.append(g)
        if piece:
            pieces.append(piece)
    return [p for p in pieces if any(not g.char.isspace() for g in p)]


def _lines_of_page(runs: list[list[Glyph]], page: int) -> list[PdfLine]:
    """Group pieces that stand at one height into printed lines, top to bottom."""
    pieces = _split_runs(runs)
    info = [(piece, *_main_size(piece)) for piece in pieces]
    # Larger pieces first: a line forms around its body text, raised markers join it.
    info.sort(key=lambda t: -sum(1 for g in t[0] if not g.char.isspace()) * t[1])
    groups: list[tuple[tuple[float, float], list[list[Glyph]]]] = []
    for piece, size, y in info:
        band = _band(size, y)
        for gband, members in groups:
            if _overlap(band, gband) >= 0.5:
                members.append(piece)
                break
        else:
            groups.append((band, [piece]))
    lines = []
    for _, members in groups:
        members.sort(key=lambda p: min(g.x0 for g in p if not g.generated))
        glyphs: list[Glyph] = []
        for piece in members:
            if glyphs and not glyphs[-1].char.isspace() and not piece[0].char.isspace():
                last = glyphs[-1]
                first = piece[0]
                if first.x0 - last.x1 > 0.15 * max(first.size, last.size):
                    glyphs.append(
                        Glyph(" ", last.x1, last.x1, last.y, last.size, False, False, True)
                    )
            glyphs.extend(piece)
        size, y = _main_size(glyphs)
        visible = [g for g in glyphs if not g.char.isspace()]
        line = PdfLine(glyphs, page, size=size, y=y)
        line.x0 = min(g.x0 for g in visible)
        line.x1 = max(g.x1 for g in visible)
        main = [g for g in visible if abs(g.size - size) < 0.06 * size]
        line.bold = sum(g.bold for g in main) > 0.7 * len(main)
        line.italic = sum(g.italic for g in main) > 0.7 * len(main)
        _text_and_markers(line)
        if line.text:
            lines.append(line)
    lines.sort(key=lambda ln: -ln.y)
    return lines


def _text_and_markers(line: PdfLine) -> None:
    """The line's text without raised note labels, which become markers (or a lead label)."""
    parts: list[str] = []
    styles: list[Glyph | None] = []  # the glyph each character of the text comes from
    length = 0
    raised: list[Glyph] = []
    markers: list[Marker] = []
    lead: str | None = None

    def flush() -> None:
        nonlocal raised, lead, length
        if not raised:
            return
        label = "".join(g.char for g in raised).strip()
        if MARKER_RE.match(label):
            if not "".join(parts).strip() and lead is None:
                lead = label
            else:
                markers.append(Marker(length, label))
        else:  # raised letters or words (1er, Mme): text
            text = "".join(g.char for g in raised)
            parts.append(text)
            styles.extend(g for g in raised for _ in g.char)
            length += len(text)
        raised = []

    for g in line.glyphs:
        if (
            not g.char.isspace()
            and g.size <= SUPERSCRIPT_SIZE * line.size
            and g.y - line.y >= SUPERSCRIPT_RISE * line.size
        ):
            raised.append(g)
            continue
        if raised and g.char.isspace() and g.generated:
            continue  # PDFium's space between a marker and the word it follows
        flush()
        parts.append(g.char)
        styles.append(g)
        length += 1
    flush()
    spans = [
        (a, b, kind)
        for kind, attr in (("em", "italic"), ("strong", "bold"))
        for a, b in _runs([bool(g and getattr(g, attr)) for g in styles], "".join(parts))
    ]
    line.text, line.markers, line.styles = _clean_line("".join(parts), markers, spans)
    line.lead_label = lead


def _runs(flags: list[bool], text: str) -> list[tuple[int, int]]:
    """The runs of flagged characters, from the first to the last flagged non-space character
    (spaces between two flagged characters join their runs).

    >>> _runs([True, True, False, False, True], "ab  c")
    [(0, 5)]
    >>> _runs([True, False, False, True], "a b ")
    [(0, 1)]
    >>> _runs([True, False, True], "a b")
    [(0, 3)]
    """
    runs: list[tuple[int, int]] = []
    start = end = None
    for i, (flag, char) in enumerate(zip(flags, text, strict=True)):
        if char.isspace():
            continue
        if flag:
            start = i if start is None else start
            end = i + 1
        elif start is not None:
            runs.append((start, end))
            start = None
    if start is not None:
        runs.append((start, end))
    return runs


def _clean_line(
    text: str, markers: list[Marker], spans: list[tuple[int, int, str]]
) -> tuple[str, list[Marker], list[tuple[int, int, str]]]:
    """Collapse spaces, strip, spell out ligatures, NFC; keep the offsets of the markers and
    the style spans right."""
    out: list[str] = []
    mapping: list[int] = []
    position = 0  # characters in out (a ligature spells out to several)
    for ch in text:
        mapping.append(position)
        if ch.isspace():
            if out and out[-1] != " ":
                out.append(" ")
                position += 1
        else:
            out.append(ch.translate(_LIGATURES))
            position += len(out[-1])
    mapping.append(position)
    cleaned = "".join(out).rstrip(" ")
    edges = [(min(mapping[a], len(cleaned)), min(mapping[b], len(cleaned))) for a, b, _ in spans]
    offsets = []
    for marker in markers:
        offset = min(mapping[min(marker.offset, len(mapping) - 1)], len(cleaned))
        while offset > 0 and cleaned[offset - 1] == " ":
            offset -= 1  # a marker follows the word it marks, not the space after it
        offsets.append(offset)
    # NFC segment by segment, so the offsets stay right.
    cuts = sorted(set([0, *offsets, *(e for edge in edges for e in edge), len(cleaned)]))
    segments = {
        a: unicodedata.normalize("NFC", cleaned[a:b]) for a, b in zip(cuts, cuts[1:], strict=False)
    }
    new_offset, position = {}, 0
    for a in cuts[:-1]:
        new_offset[a] = position
        position += len(segments[a])
    new_offset[len(cleaned)] = position
    result = "".join(segments[a] for a in cuts[:-1])
    return (
        result,
        [Marker(new_offset[o], m.label) for o, m in zip(offsets, markers, strict=True)],
        [
            (new_offset[a], new_offset[b], kind)
            for (a, b), (_, _, kind) in zip(edges, spans, strict=True)
            if a < b
        ],
    )


# --- the page's furniture: separator rule -------------------------------------------------


def _rules(page, raw) -> list[tuple[float, float, float, float]]:
    """The page's thin horizontal rules (path objects), as (x0, y0, x1, y1)."""
    rules = []
    for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_PATH], max_depth=2):
        x0, y0, x1, y1 = obj.get_bounds()
        if y1 - y0 <= 2.0 and x1 - x0 > 5.0:
            rules.append((x0, y0, x1, y1))
    return rules


def _separator(
    rules: list[tuple[float, float, float, float]],
    lines: list[PdfLine],
    left: float,
    measure: float,
) -> float | None:
    """The height of the footnote separator: a short rule at the left margin, with text
    above and below it."""
    best = None
    for x0, y0, x1, y1 in rules:
        if (
            0.08 * measure <= x1 - x0 <= 0.7 * measure
            and abs(x0 - left) <= 0.1 * measure
            and lines
            and lines[-1].y < y0 < lines[0].y
        ):
            y = (y0 + y1) / 2
            best = y if best is None else max(best, y)
    return best


# --- the whole document ----------------------------------------------------------------


@dataclass
class _Stats:
    size: float  # the body's size
    spacing: float  # the body's baseline-to-baseline distance
    left: float  # the body's left edge
    right: float  # the body's right edge
    bold: bool  # the body is set in bold
    italic: bool = False  # the body is set in italics

    @property
    def measure(self) -> float:
        return max(1.0, self.right - self.left)

    def body_sized(self, line: PdfLine) -> bool:
        return abs(line.size - self.size) <= 0.04 * self.size

    def expected_spacing(self, line: PdfLine) -> float:
        return self.spacing * line.size / self.size


def _stats(pages: list[list[PdfLine]]) -> _Stats:
    sizes: Counter[float] = Counter()
    for lines in pages:
        for line in lines:
            sizes[line.size] += len(line.text)
    size = sizes.most_common(1)[0][0]
    body = [line for lines in pages for line in lines if abs(line.size - size) <= 0.04 * size]
    lefts = Counter(round(line.x0) for line in body)
    left = float(lefts.most_common(1)[0][0])
    rights = sorted(line.x1 for line in body)
    right = rights[int(0.9 * (len(rights) - 1))]
    deltas: Counter[float] = Counter()
    for lines in pages:
        previous = None
        for line in lines:
            if previous is not None and abs(line.size - size) <= 0.04 * size:
                if abs(previous.size - size) <= 0.04 * size:
                    deltas[round(previous.y - line.y, 1)] += 1
            previous = line
    spacing = deltas.most_common(1)[0][0] if deltas else 1.2 * size
    bold = sum(line.bold for line in body) > 0.5 * len(body)
    italic = sum(line.italic for line in body) > 0.5 * len(body)
    return _Stats(size, spacing, left, right, bold, italic)


def _key(text: str) -> str:
    """A line's text for comparing running headers: no digits, no case, no spaces."""
    return re.sub(r"[\d\s]+", "", text).casefold()


def _mark_running(pages: list[list[PdfLine]], stats: _Stats) -> None:
    """Running headers/footers and page numbers at the top and bottom edges."""
    count = len(pages)
    edge: list[tuple[int, PdfLine, str]] = []  # (page, line, "top"/"bottom")
    for index, lines in enumerate(pages):
        for line in lines[:2]:
            edge.append((index, line, "top"))
        for line in lines[-2:]:
            edge.append((index, line, "bottom"))

    def repeats(line: PdfLine, where: str, numbers: bool) -> int:
        """On how many other pages a line of this kind stands at this height."""
        pages_with = set()
        for index, other, w in edge:
            if (
                other is line
                or w != where
                or abs(other.y - line.y) > 3.0
                or abs(other.size - line.size) > 0.5
            ):
                continue
            if numbers and PAGE_NUMBER_RE.match(other.text):
                pages_with.add(index)
            elif not numbers and _key(other.text) and _key(other.text) == _key(line.text):
                pages_with.add(index)
        pages_with.discard(line.page)
        return len(pages_with)

    need = max(1, (count - 1) // 2)
    for lines in pages:
        for where in ("top", "bottom"):
            for _ in range(2):
                content = [ln for ln in lines if ln.role == Role.UNKNOWN]
                if len(content) < 2:
                    break
                line = content[0] if where == "top" else content[-1]
                neighbour = content[1] if where == "top" else content[-2]
                apart = abs(line.y - neighbour.y) > GAP * stats.expected_spacing(line)
                if PAGE_NUMBER_RE.match(line.text) and (
                    repeats(line, where, True) >= min(need, 1) or (count == 1 and apart)
                ):
                    line.role = Role.PAGE_NUMBER
                elif _key(line.text) and repeats(line, where, False) >= need and count > 1:
                    line.role = Role.HEADER
                else:
                    break


def _plain_label(line: PdfLine) -> str | None:
    """A label at the start of a note line that is not raised: "1 Text", "1. Text", "1Text"."""
    m = PLAIN_LABEL_RE.match(line.text)
    return m.group(1) if m else None


def _mark_notes(lines: list[PdfLine], separator: float | None, stats: _Stats) -> bool:
    """Mark the page's footnote area; returns whether the page has one."""
    content = [ln for ln in lines if ln.role == Role.UNKNOWN]
    if not content:
        return False
    markers = {m.label for ln in content for m in ln.markers}
    if separator is not None:
        area = [ln for ln in content if ln.y < separator]
        if not area or not any(ln.size < stats.size * 0.999 or ln.lead_label for ln in area):
            area = []
    else:
        area = []
        for line in reversed(content):
            if line.size > SMALLER * stats.size:
                break
            area.insert(0, line)
        # Without a rule, the area must start with a labelled note for a marker above it.
        while area and (area[0].lead_label or _plain_label(area[0]) or "") not in markers:
            area.pop(0)
    if not area:
        return False
    left = min(ln.x0 for ln in area)
    last_label: str | None = None
    for line in area:
        line.role = Role.NOTE
        # Markers inside a note (a note on a note) stay in its text.
        if line.markers:
            text = line.text
            for marker in sorted(line.markers, key=lambda m: -m.offset):
                text = text[: marker.offset] + marker.label + text[marker.offset :]
                line.styles = shift_styles(
                    line.styles, marker.offset, marker.offset, len(marker.label)
                )
            line.text, line.markers = text, []
        if line.lead_label:
            line.note_label = line.lead_label
            last_label = line.lead_label
            continue
        label = _plain_label(line)
        if (
            label
            and line.x0 <= left + 0.5 * line.size
            and (label in markers or _follows(label, last_label))
        ):
            line.note_label = label
            cut = len(line.text) - len(PLAIN_LABEL_RE.sub("", line.text, count=1))
            line.text, line.styles = line.text[cut:], shift_styles(line.styles, 0, cut, 0)
            last_label = label
    return True


def _follows(label: str, previous: str | None) -> bool:
    return bool(
        previous and label.isdigit() and previous.isdigit() and int(label) == int(previous) + 1
    )


def _running_start(lines: list[PdfLine], stats: _Stats) -> int:
    """Index of the first line of running text on the first page (what is before it is the
    title block), or 0."""
    content = [ln for ln in lines if ln.role == Role.UNKNOWN]
    for i, (line, after) in enumerate(zip(content, content[1:], strict=False)):
        if i > 15:
            break
        if (
            stats.body_sized(line)
            and stats.body_sized(after)
            and line.italic == after.italic
            and abs(line.y - after.y - stats.spacing) <= 0.15 * stats.spacing
        ):
            return lines.index(line)
    return 0


def _heading_style(line: PdfLine, stats: _Stats) -> bool:
    if len(line.text.split()) > MAX_HEADING_WORDS:
        return False
    larger = line.size >= LARGER * stats.size
    return larger or (line.bold and not stats.bold and line.size >= SMALLER * stats.size)


def _style(line: PdfLine) -> tuple[float, bool]:
    return round(line.size * 2) / 2, line.bold


def _mark_body(pages: list[list[PdfLine]], stats: _Stats) -> None:
    """Headings, block quotes, indents and gaps of the body lines."""
    headings: list[PdfLine] = []
    for index, lines in enumerate(pages):
        content = [ln for ln in lines if ln.role == Role.UNKNOWN]
        start = 0
        if index == 0:
            first = _running_start(lines, stats)
            start = content.index(lines[first]) if first else 0
            # The title block: left to the title-block step, but for a heading right
            # before the running text (more space above it than below it).
            group = []
            k = start - 1
            while (
                k >= 1
                and _heading_style(content[k], stats)
                and (not group or _style(content[k]) == _style(group[0]))
            ):
                group.insert(0, content[k])
                k -= 1
            if group and len(group) <= 3:
                above = content[k].y - group[0].y if k >= 0 else 0.0
                below = group[-1].y - content[start].y
                if above >= 1.5 * below:
                    for line in group:
                        line.role = Role.HEADING
                    headings.extend(group)
            for line in content[:start]:
                line.title_block = line.role == Role.UNKNOWN
                if line.role == Role.UNKNOWN:
                    line.role = Role.BODY
        k = start
        while k < len(content):
            line = content[k]
            if _heading_style(line, stats):
                end = k + 1
                while (
                    end < len(content)
                    and end - k < 3
                    and _style(content[end]) == _style(line)
                    and _heading_style(content[end], stats)
                ):
                    end += 1
                for member in content[k:end]:
                    member.role = Role.HEADING
                headings.extend(content[k:end])
                k = end
                continue
            k += 1
        _mark_quotes(content[start:], stats)
        for line in content:
            if line.role == Role.UNKNOWN:
                line.role = Role.BODY
    styles = sorted({_style(h) for h in headings}, reverse=True)
    for line in headings:
        line.level = min(3, 2 + styles.index(_style(line)))


def _mark_quotes(content: list[PdfLine], stats: _Stats) -> None:
    """Block quotes: runs of lines indented from the left margin and set smaller, or runs of
    body-sized lines indented on both sides at one left edge."""
    em = stats.size
    k = 0
    while k < len(content):
        line = content[k]
        if line.role != Role.UNKNOWN or line.x0 < stats.left + 0.9 * em:
            k += 1
            continue
        end = k + 1
        while (
            end < len(content)
            and content[end].role == Role.UNKNOWN
            and abs(content[end].size - line.size) < 0.05 * line.size
            and content[end].x0 >= stats.left + 0.9 * em
            and content[end].x0 >= line.x0 - 0.5 * em
        ):
            end += 1
        run = content[k:end]
        smaller = line.size <= SMALLER * stats.size
        both_sides = (
            len(run) >= 2
            and all(abs(r.x0 - line.x0) <= 1.5 for r in run[1:])
            and all(r.x1 <= stats.right - 0.9 * em for r in run)
        )
        if smaller or both_sides:
            for member in run:
                member.role = Role.QUOTE
        k = end


def _indent(line: PdfLine, left: float) -> int:
    """A visible first-line indent as a count of "spaces" (2 or more), else 0."""
    dx = line.x0 - left
    if dx < 0.5 * line.size:
        return 0
    return max(2, round(dx / (0.5 * line.size)))


def read_pdf(data: bytes, name: str = "") -> SourceDocument:
    """Read a PDF's text layer into the document model (see the module's docstring)."""
    from . import InputError

    pdf = _open(data)
    _, raw = _pdfium()
    pages: list[list[PdfLine]] = []
    rules: list[list[tuple[float, float, float, float]]] = []
    try:
        outline = _outline(pdf)
        for index in range(len(pdf)):
            page = pdf[index]
            try:
                pages.append(_lines_of_page(_glyphs(page, raw), index))
                rules.append(_rules(page, raw))
            finally:
                page.close()
    except InputError:
        raise
    except Exception as error:  # PDFium failing on a broken page
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise InputError(f"damaged PDF: {reason}") from None
    finally:
        pdf.close()
    if not any(pages):
        raise InputError("no text layer: the PDF needs OCR")
    stats = _stats(pages)
    _mark_running(pages, stats)
    for lines, page_rules in zip(pages, rules, strict=True):
        separator = _separator(page_rules, lines, stats.left, stats.measure)
        _mark_notes(lines, separator, stats)
    _mark_body(pages, stats)
    doc = _to_model(pages, stats, name)
    doc.outline = _outline_entries(outline, pages, doc)
    return doc


# Destination view modes (PDF 32000 12.3.2.2) and which of their parameters is the top.
_VIEW_TOP = {1: 1, 3: 0, 5: 3, 7: 0}  # XYZ left top zoom, FitH top, FitR l b r top, FitBH top


def _outline(pdf) -> list[tuple[str, int, int, float | None]]:
    """The bookmarks in order: (title, depth, page index, top of the view or None)."""
    entries = []
    try:
        for item in pdf.get_toc(max_depth=16):
            title = _clean(item.get_title() or "")
            dest = item.get_dest()
            page = dest.get_index() if dest is not None else None
            if not title or page is None or not 0 <= page < len(pdf):
                continue
            mode, params = dest.get_view()
            where = _VIEW_TOP.get(mode)
            top = params[where] if where is not None and where < len(params) else None
            entries.append((title, item.level, page, top if top and top > 0 else None))
    except Exception:  # a broken outline is no reason to lose the text: what was read stays
        pass
    return entries


def _outline_entries(
    outline: list[tuple[str, int, int, float | None]],
    pages: list[list[PdfLine]],
    doc: SourceDocument,
) -> list[OutlineEntry]:
    """Outline entries with the first text line at or below each one's view top."""
    result = []
    for title, level, page, top in outline:
        number = 0
        if top is not None:
            for pdf_line, line in zip(pages[page], doc.pages[page].lines, strict=True):
                # The view's top is at or a little above the line's top (its baseline + ascent).
                if pdf_line.role in TEXT_ROLES and pdf_line.y <= top + 0.2 * pdf_line.size:
                    number = line.number
                    break
        result.append(OutlineEntry(title, level, page, number))
    return result


TEXT_ROLES = (Role.BODY, Role.QUOTE, Role.HEADING)
# The model may carry the reader's paragraph evidence (Line.starts_paragraph).
_HAS_START_HINT = "starts_paragraph" in getattr(Line, "__dataclass_fields__", {})


def _first_word_width(line: PdfLine) -> float:
    word = []
    for g in line.glyphs:
        if g.char.isspace():
            if word:
                break
            continue
        word.append(g)
    return word[-1].x1 - word[0].x0 if word else 0.0


def _paragraph_indent(pages: list[list[PdfLine]], stats: _Stats) -> float:
    """The first-line indent of the body's paragraphs (points), 0 when they show none."""
    em = stats.size
    dxs = Counter(
        round((line.x0 - stats.left) * 2) / 2
        for lines in pages
        for line in lines
        if line.role == Role.BODY
        and not line.title_block
        and stats.body_sized(line)
        and 0.5 * em <= line.x0 - stats.left <= 5 * em
    )
    if not dxs:
        return 0.0
    # Neighbouring half-points count together (justified text jitters a little).
    best = max(dxs, key=lambda d: sum(n for e, n in dxs.items() if abs(e - d) <= 1.0))
    support = sum(n for e, n in dxs.items() if abs(e - best) <= 1.0)
    return best if support >= 2 else 0.0


def _layout(pages: list[list[PdfLine]], stats: _Stats) -> None:
    """Indents, vertical gaps and paragraph starts of the text lines, in reading order."""
    para_dx = _paragraph_indent(pages, stats)
    em = stats.size
    text = [line for lines in pages for line in lines if line.role in TEXT_ROLES]
    # The edges of each block quote (a run of QUOTE lines).
    edges: dict[int, tuple[float, float]] = {}
    k = 0
    while k < len(text):
        end = k + 1
        if text[k].role == Role.QUOTE:
            while end < len(text) and text[end].role == Role.QUOTE:
                end += 1
            run = text[k:end]
            box = (min(ln.x0 for ln in run), max(ln.x1 for ln in run))
            for line in run:
                edges[id(line)] = box
        k = end
    previous: PdfLine | None = None
    for line in text:
        left, right = edges.get(id(line), (stats.left, stats.right))
        same_page = previous is not None and previous.page == line.page
        if same_page and previous is not None:
            expected = max(stats.expected_spacing(previous), stats.expected_spacing(line))
            line.gap_before = previous.y - line.y > GAP * expected
        if line.role in (Role.BODY, Role.QUOTE):
            line.indent = _indent(line, left)
        if (
            previous is not None
            and previous.role == line.role
            and line.role in (Role.BODY, Role.QUOTE)
            and not previous.title_block
            and not line.title_block
        ):
            dx = line.x0 - left
            if re.search(r"[^\W\d_]-$", previous.text) or previous.text.endswith("\u00ad"):
                line.starts_paragraph = False  # a word broken at the line end goes on
            elif line.gap_before:
                line.starts_paragraph = True
            elif para_dx and abs(dx - para_dx) <= 0.3 * em:
                line.starts_paragraph = True  # the paragraphs' first-line indent
            elif dx >= 0.5 * em and (not para_dx or dx > para_dx):
                line.starts_paragraph = True  # indented deeper: centred or set apart
            else:
                room = right - previous.x1
                # The first word would have fitted on the line before: that line ended
                # its paragraph on purpose.
                line.starts_paragraph = room > _first_word_width(line) + 0.3 * em
        previous = line


def _emphasis(line: PdfLine, stats: _Stats, note_style: set[str]) -> list[tuple[int, int, str]]:
    """The line's style spans that are emphasis: not the body's own style, nor the notes'
    (notes all set in italics), nor a heading's (a heading set bold)."""
    plain = set(note_style) if line.role == Role.NOTE else set()
    heading = line.role == Role.HEADING
    plain |= {"em"} if stats.italic or (heading and line.italic) else set()
    plain |= {"strong"} if stats.bold or (heading and line.bold) else set()
    return [span for span in line.styles if span[2] not in plain]


def _to_model(pages: list[list[PdfLine]], stats: _Stats, name: str) -> SourceDocument:
    _layout(pages, stats)
    notes = [line for lines in pages for line in lines if line.role == Role.NOTE]
    note_style = {
        kind
        for kind, attr in (("em", "italic"), ("strong", "bold"))
        if notes and sum(getattr(line, attr) for line in notes) > 0.5 * len(notes)
    }
    result: list[Page] = []
    number = 0
    for index, lines in enumerate(pages):
        page = Page(index)
        first_text = True
        for line in lines:
            text_line = line.role in TEXT_ROLES
            number += 1 + (text_line and line.gap_before)
            markers = list(line.markers)
            if line.lead_label and line.role != Role.NOTE:
                markers.insert(0, Marker(0, line.lead_label))
            extra = {"starts_paragraph": line.starts_paragraph} if _HAS_START_HINT else {}
            page.lines.append(
                Line(
                    line.text,
                    index,
                    number,
                    indent=line.indent,
                    gap_before=line.gap_before,
                    role=line.role,
                    markers=markers,
                    note_label=line.note_label if line.role == Role.NOTE else None,
                    page_start=text_line and first_text,
                    level=line.level,
                    styles=_emphasis(line, stats, note_style),
                    **extra,
                )
            )
            first_text = first_text and not text_line
        result.append(page)
    return SourceDocument(result, "pdf", name)
