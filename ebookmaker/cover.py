"""Book covers: draw a plain typographic cover, or validate a user's cover image.

The drawn cover is 1600×2560 (1:1.6), the size that satisfies Kindle, Kobo and Apple Books
at once, set in the DejaVu Serif shipped with the package (never a system font, so the
bytes are the same on every machine with the same Pillow/FreeType/libjpeg). The JPEG is
baseline with a restart marker after every 160×16 px piece, so each piece is coded on its
own: the empty ones (five sixths of the page) are copied from one cached empty piece and
only the pieces with ink are drawn and encoded (~3× faster; the markers add ~9 KB). The
pixels are those of encoding the whole page without markers.

>>> data = draw_cover("Det byråkratiska självbevarandets terror", ["Leo Trotskij"])
>>> data[:3] == b"\\xff\\xd8\\xff"  # a JPEG
True
"""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import Image, ImageFont, ImageOps, UnidentifiedImageError

WIDTH, HEIGHT = 1600, 2560
MAX_SIDE = 10_000  # KDP's upper limit; anything larger is not a cover
MAX_FILE_BYTES = 50 * 1024 * 1024  # KDP's file size limit
JPEG_QUALITY = 90

_FONT_DIR = Path(__file__).resolve().parent / "fonts"
_REGULAR = _FONT_DIR / "DejaVuSerif.ttf"
_BOLD = _FONT_DIR / "DejaVuSerif-Bold.ttf"

# Colours: a deep blue-grey field, warm off-white title, muted brass rule and author.
_FIELD = (31, 42, 54)
_TITLE_INK = (244, 239, 226)
_ACCENT = (196, 168, 112)

_MARGIN = 170
_TITLE_BOX = (_MARGIN, 430, WIDTH - _MARGIN, 1760)  # left, top, right, bottom
_RULE_Y = 1900
_AUTHOR_BOX = (_MARGIN, 1990, WIDTH - _MARGIN, 2360)
_TITLE_SIZES = (150, 200)  # (largest size for long titles, largest for short ones)
_TITLE_MIN = 56
_AUTHOR_MAX, _AUTHOR_MIN = 84, 44
_LINE_SPACING = 1.22
_MAX_TITLE_CHARS = 600  # more than this cannot be read on a cover anyway
_ELLIPSIS = "…"

_BAND = 16  # rows of one JPEG MCU with 4:2:0 subsampling
_PIECE_MCUS = 10  # MCUs (16×16 px) per restart interval: the page is coded in 160×16 pieces
_PIECE_W = 16 * _PIECE_MCUS
_PIECES = WIDTH // _PIECE_W  # per band
_RST_RE = re.compile(rb"\xff[\xd0-\xd7]")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


class CoverError(ValueError):
    """A user's cover image is unusable; the message is one line, fit for the user."""


# --- drawing ------------------------------------------------------------------------


def draw_cover(title: str, authors: list[str]) -> bytes:
    """Draw a 1600×2560 JPEG cover with ``title`` and ``authors``; same input, same bytes.

    Long titles are word-wrapped and shrunk; what still does not fit is cut with "…".

    >>> draw_cover("x" * 10_000, []) == draw_cover("x" * 10_000, [])
    True
    """
    return _encode_marks(cover_marks(title, authors))


def cover_marks(title: str, authors: list[str]) -> list[Mark]:
    """What the cover shows: the title lines, the rule and the author lines, in page rows."""
    title_text = _clean(title)[: _MAX_TITLE_CHARS + 1]
    if len(title_text) > _MAX_TITLE_CHARS:
        title_text = title_text[:_MAX_TITLE_CHARS].rstrip() + _ELLIPSIS
    author_text = ", ".join(a for a in (_clean(a) for a in authors) if a)

    # The thin rule between title and author.
    rule_half = 180
    rule = (WIDTH // 2 - rule_half, _RULE_Y, WIDTH // 2 + rule_half, _RULE_Y + 5)
    marks = [Mark((rule[0], rule[1], rule[2] + 1, rule[3] + 1), None, rule, _ACCENT)]
    if title_text:
        # Short titles may be set larger than long ones: a 2-word title at 150 px looks lost.
        top_size = _TITLE_SIZES[1] if len(title_text) <= 24 else _TITLE_SIZES[0]
        size, lines = _fit(title_text, _BOLD, _TITLE_BOX, top_size, _TITLE_MIN)
        marks += _line_marks(lines, _BOLD, size, _TITLE_BOX, _TITLE_INK, valign="bottom")
    if author_text:
        size, lines = _fit(author_text, _REGULAR, _AUTHOR_BOX, _AUTHOR_MAX, _AUTHOR_MIN)
        marks += _line_marks(lines, _REGULAR, size, _AUTHOR_BOX, _ACCENT, valign="top")
    return marks


def encode_jpeg(image: Image.Image) -> bytes:
    """``image`` as the cover JPEG, with the fixed settings of every drawn cover."""
    out = io.BytesIO()
    # Fixed encoder settings and no EXIF/ICC/timestamps: the bytes depend only on the pixels.
    # A restart marker after every piece (160×16 px) makes each piece coded on its own.
    image.save(
        out,
        "JPEG",
        quality=JPEG_QUALITY,
        optimize=False,
        progressive=False,
        subsampling="4:2:0",
        dpi=(300, 300),
        restart_marker_blocks=_PIECE_MCUS,
    )
    return out.getvalue()


@dataclass(frozen=True)
class Mark:
    """Something drawn on the cover, inking the pixels in ``box`` (left, top, right, bottom;
    right and bottom exclusive): a text line centred at ``xy`` (anchor "ma"), or, without
    ``text``, the rectangle ``xy`` (corners inclusive, as ``ImageDraw.rectangle`` takes it)."""

    box: tuple[int, int, int, int]
    text: str | None
    xy: tuple[int, ...]
    ink: tuple[int, int, int]
    font: ImageFont.FreeTypeFont | None = None
    # The line's coverage (L, the size of ``box``), rendered as ImageDraw.text renders it.
    mask: Image.Image | None = None


def _encode_marks(marks: list[Mark]) -> bytes:
    """The JPEG of the background with ``marks``, coding only the pieces that hold ink.

    The background is one colour, so every empty piece codes to the same bytes. The marks
    are drawn on small canvases (a group of marks that share rows, cut to the pieces they
    touch); those are encoded and their pieces put in place between the empty ones.
    Same bytes as encoding the whole page with the same settings (the tests check that).
    """
    page = _background_jpeg()
    if page is None:  # a Pillow that writes no restart markers: the whole page, plainly
        canvas = Image.new("RGB", (WIDTH, HEIGHT), _FIELD)
        _draw_marks(canvas, marks, 0, 0)
        return encode_jpeg(canvas)
    header, body, empty_len = page
    # Marks that share a band are drawn together: [first band, last band, first piece, end
    # piece] and the marks (in their order: where they overlap, the later one is on top).
    groups: list[tuple[list[int], list[Mark]]] = []
    order = {id(m): i for i, m in enumerate(marks)}
    for mark in sorted(marks, key=lambda m: m.box[1]):
        left, top = max(mark.box[0], 0), max(mark.box[1], 0)
        right, bottom = min(mark.box[2], WIDTH), min(mark.box[3], HEIGHT)
        if left >= right or top >= bottom:
            continue
        span = [top // _BAND, (bottom - 1) // _BAND, left // _PIECE_W, -(-right // _PIECE_W)]
        if groups and span[0] <= groups[-1][0][1]:  # shares a band with the group before
            g = groups[-1][0]
            g[1], g[2], g[3] = max(g[1], span[1]), min(g[2], span[2]), max(g[3], span[3])
            groups[-1][1].append(mark)
        else:
            groups.append((span, [mark]))
    coded: dict[int, bytes] = {}  # piece number (row by row) -> its coded bytes
    # Groups as wide as each other and of one ink share a canvas, one below the other.
    stacks: dict[tuple[int, int, tuple[int, int, int] | None], list[_Group]] = {}
    for (first, last, start, end), group in groups:
        group.sort(key=lambda m: order[id(m)])
        if all(m.text is None for m in group):  # the rule alone: the same on every cover
            coded.update(_fixed_pieces((first, last, start, end, tuple(group))))
            continue
        stacks.setdefault((start, end, _one_ink(group)), []).append((first, last, group))
    for (start, end, ink), stack in stacks.items():
        coded.update(_code_stack(stack, start, end, ink))
    # The empty page's body is every piece followed by its RSTn (n counting 0..7) but the
    # last; a coded piece replaces the empty one at its place.
    step = empty_len + 2
    out, at = [header], 0
    for number in sorted(coded):
        out += (body[at : number * step], coded[number])
        at = number * step + empty_len
    out += (body[at:], b"\xff\xd9")  # EOI
    return b"".join(out)


_Group = tuple[int, int, list[Mark]]  # first band, last band, the marks


def _one_ink(group: list[Mark]) -> tuple[int, int, int] | None:
    """The ink of ``group`` if it has one ink and no two marks overlap, else None."""
    ink = group[0].ink
    if any(m.ink != ink for m in group):
        return None
    boxes = [m.box for m in group]
    if any(_overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :]):
        return None
    return ink


def _code_stack(
    stack: list[_Group], start: int, end: int, ink: tuple[int, int, int] | None
) -> dict[int, bytes]:
    """Draw the groups of ``stack`` (pieces ``start``…``end`` wide) one below the other on one
    canvas and encode it: one encoder run for them all. Returns their pieces by number."""
    size = ((end - start) * _PIECE_W, sum(last - first + 1 for first, last, _ in stack) * _BAND)
    if ink is None:
        canvas = Image.new("RGB", size, _FIELD)
    else:
        # One ink, nothing overlapping: the coverage is laid out in L and coloured once, by
        # a palette (the pixels of blending each line, without a colour pass per line).
        canvas = Image.new("L", size, 0)
    y = 0
    for first, last, group in stack:
        _draw_marks(canvas, group, start * _PIECE_W, first * _BAND - y)
        y += (last - first + 1) * _BAND
    if ink is not None:
        canvas.putpalette(_blend_palette(ink))  # L becomes P, the coverage its indexes
        canvas = canvas.convert("RGB")
    pieces = iter(_jpeg_parts(encode_jpeg(canvas))[1])
    return {
        band * _PIECES + piece: next(pieces)
        for first, last, _ in stack
        for band in range(first, last + 1)
        for piece in range(start, end)
    }


@cache
def _fixed_pieces(group: tuple[int, int, int, int, tuple[Mark, ...]]) -> dict[int, bytes]:
    """The coded pieces of a group of rectangles alone (the rule under the title): the same
    on every cover, so coded once per process (keyed by the rectangles, not by any text)."""
    first, last, start, end, marks = group
    return _code_stack([(first, last, list(marks))], start, end, None)


def _draw_marks(canvas: Image.Image, marks: list[Mark], left: int, top: int) -> None:
    """Draw ``marks`` on ``canvas``, whose corner is at (``left``, ``top``) of the page.

    On an RGB canvas text is blended as ImageDraw.text blends it (over what is there); on
    an L canvas (one ink, nothing overlapping) its coverage is copied and rectangles are
    full coverage.
    """
    coverage = canvas.mode == "L"
    for mark in marks:
        if mark.text is None:  # the pixels of ImageDraw.rectangle, whose corners are inclusive
            x0, y0, x1, y1 = mark.xy
            canvas.paste(
                255 if coverage else mark.ink, (x0 - left, y0 - top, x1 + 1 - left, y1 + 1 - top)
            )
            continue
        assert mark.mask is not None
        x, y = mark.box[0] - left, mark.box[1] - top
        if coverage:
            canvas.paste(mark.mask, (x, y))
        else:
            box = (x, y, x + mark.mask.width, y + mark.mask.height)
            canvas.paste(mark.ink, box, mark.mask)  # ImageDraw.text's draw_bitmap: same blend


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@cache
def _blend_palette(ink: tuple[int, int, int]) -> bytes:
    """Coverage 0…255 -> ``ink`` over the background, rounded as Pillow's blend rounds."""

    def blend(field: int, colour: int, alpha: int) -> int:
        value = field * (255 - alpha) + colour * alpha + 128
        return ((value >> 8) + value) >> 8

    return bytes(blend(f, c, a) for a in range(256) for f, c in zip(_FIELD, ink, strict=True))


@cache
def _background_jpeg() -> tuple[bytes, bytes, int] | None:
    """The JPEG header of the page, the coded body of the empty page (pieces and restart
    markers) and the length of one empty piece; None if Pillow writes no restart markers."""
    header, pieces = _jpeg_parts(encode_jpeg(Image.new("RGB", (WIDTH, _BAND), _FIELD)))
    if len(pieces) != _PIECES or len(set(pieces)) != 1:
        return None
    # The header of the one-band image serves the page once its height (in SOF0) is changed.
    i = 2
    while header[i + 1] != 0xC0:  # markers up to SOF0 (baseline): FF xx, 2-byte length
        i += 2 + int.from_bytes(header[i + 2 : i + 4], "big")
    height_at = i + 5  # FF C0, length (2), precision (1), height (2)
    header = header[:height_at] + HEIGHT.to_bytes(2, "big") + header[height_at + 2 :]
    count = HEIGHT // _BAND * _PIECES
    body = b"".join(pieces[0] + bytes((0xFF, 0xD0 + n % 8)) for n in range(count - 1))
    return header, body + pieces[0], len(pieces[0])


def _jpeg_parts(data: bytes) -> tuple[bytes, list[bytes]]:
    """Split a baseline JPEG into its header (through SOS) and the coded restart intervals."""
    i = 2  # after SOI
    while data[i + 1] != 0xDA:  # every marker before the scan has a 2-byte length
        i += 2 + int.from_bytes(data[i + 2 : i + 4], "big")
    start = i + 2 + int.from_bytes(data[i + 2 : i + 4], "big")
    # In coded data FF is always followed by 00 (stuffing) or a marker: RST0-7, then EOI.
    return data[:start], _RST_RE.split(data[start:].removesuffix(b"\xff\xd9"))


def _clean(text: str) -> str:
    """Drop control characters and collapse whitespace (a title may come with newlines)."""
    return " ".join(_CONTROL_RE.sub(" ", text).split())


@cache
def _font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size)


def _line_height(size: int) -> int:
    return round(size * _LINE_SPACING)


def _fit(
    text: str, font_path: Path, box: tuple[int, int, int, int], largest: int, smallest: int
) -> tuple[int, list[str]]:
    """Find the largest font size (stepping down ~8 %) at which ``text`` fits in ``box``.

    At ``smallest`` the text is wrapped anyway and cut with an ellipsis where the box ends.
    """
    width, height = box[2] - box[0], box[3] - box[1]
    size = largest
    while True:
        font = _font(font_path, size)
        max_lines = max(1, height // _line_height(size))
        # Shrink rather than break a word, unless the word is too long even at the smallest size.
        lines = _wrap(text, font, width, max_lines + 1, break_words=size <= smallest)
        if lines is not None and len(lines) <= max_lines:
            return size, lines
        if size <= smallest:
            assert lines is not None
            return size, _truncate(lines[:max_lines], font, width)
        size = max(smallest, int(size * 0.92))


def _wrap(
    text: str, font: ImageFont.FreeTypeFont, width: int, limit: int, break_words: bool = True
) -> list[str] | None:
    """Greedy word wrap; stops after ``limit`` lines (the caller only needs to know it overflows).

    A word wider than the line (a URL, a 10,000-letter "word") is broken between characters,
    or, without ``break_words``, makes the wrap fail (None). Every word is measured on its own
    or inside a line that fits (and so is no wider than it), so each is measured once at most.
    """
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if font.getlength(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
            if len(lines) >= limit:
                return lines
        while font.getlength(word) > width:
            if not break_words:
                return None
            cut = _longest_prefix(word, font, width)
            lines.append(word[:cut])
            if len(lines) >= limit:
                return lines
            word = word[cut:]
        current = word
    if current:
        lines.append(current)
    return lines


def _longest_prefix(word: str, font: ImageFont.FreeTypeFont, width: int) -> int:
    """Length of the longest prefix of ``word`` that fits in ``width`` (at least 1)."""
    lo, hi = 1, len(word)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if font.getlength(word[:mid]) <= width:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _truncate(lines: list[str], font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """End the last line with an ellipsis, dropping words (or letters) until it fits."""
    last = lines[-1].rstrip()
    while last and font.getlength(last + _ELLIPSIS) > width:
        last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]
    return lines[:-1] + [last.rstrip() + _ELLIPSIS]


def _line_marks(
    lines: list[str],
    font_path: Path,
    size: int,
    box: tuple[int, int, int, int],
    ink: tuple[int, int, int],
    valign: str,
) -> list[Mark]:
    """Centred lines in ``box``, aligned to its top or bottom edge."""
    font = _font(font_path, size)
    step = _line_height(size)
    block = step * len(lines)
    top = box[1] if valign == "top" else box[3] - block
    centre = (box[0] + box[2]) // 2
    marks = []
    for i, line in enumerate(lines):
        # anchor "ma": middle/ascender, so every line sits on the same grid whatever its letters.
        y = top + i * step
        # Rendered here, as ImageDraw.text renders it: its size gives the rows it inks.
        mask, (dx, dy) = font.getmask2(line, "L", anchor="ma")
        coverage = Image.new("L", mask.size, None)  # not filled: it takes the mask at once
        coverage.im = mask
        box = (centre + dx, y + dy, centre + dx + mask.size[0], y + dy + mask.size[1])
        marks.append(Mark(box, line, (centre, y), ink, font, coverage))
    return marks


# --- user covers --------------------------------------------------------------------


def load_user_cover(path: str | Path) -> tuple[bytes, str]:
    """Read a user's cover file; return ``(bytes, media_type)`` fit for an EPUB.

    JPEG and PNG are kept as they are; other formats Pillow reads (WEBP, GIF, BMP, TIFF …)
    are converted to JPEG. Raises :class:`CoverError` for anything unusable.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise CoverError(f"cover {path.name}: file too large ({size} bytes)")
        data = path.read_bytes()
    except OSError as exc:
        raise CoverError(f"cover {path.name}: cannot read ({exc.strerror or exc})") from exc
    return cover_from_bytes(data, name=path.name)


def cover_from_bytes(data: bytes, name: str = "image") -> tuple[bytes, str]:
    """Validate image ``data``; return ``(bytes, media_type)`` (see :func:`load_user_cover`).

    >>> cover_from_bytes(b"not an image")
    Traceback (most recent call last):
    ...
    ebookmaker.cover.CoverError: cover image: not a readable image file
    """
    if len(data) > MAX_FILE_BYTES:
        raise CoverError(f"cover {name}: file too large ({len(data)} bytes)")
    with warnings.catch_warnings():
        # Pillow only warns between MAX_IMAGE_PIXELS and twice that; treat it as an error too.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = _open_checked(data, name)
            image.verify()  # checks chunk CRCs / structure without decoding everything
            image = _open_checked(data, name)  # verify() leaves the image unusable
            image.load()  # a truncated file fails here
        except CoverError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise CoverError(f"cover {name}: image has too many pixels") from exc
        except UnidentifiedImageError as exc:
            raise CoverError(f"cover {name}: not a readable image file") from exc
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            raise CoverError(f"cover {name}: damaged image ({_one_line(exc)})") from exc

    orientation = image.getexif().get(0x0112, 1)  # EXIF Orientation; readers often ignore it
    if image.format == "PNG" and orientation == 1:
        return data, "image/png"
    if image.format == "JPEG" and orientation == 1 and image.mode in ("RGB", "L"):
        return data, "image/jpeg"
    # Everything else (other formats, CMYK JPEGs, rotated photos) becomes a plain RGB JPEG.
    image = ImageOps.exif_transpose(image)
    out = io.BytesIO()
    _to_rgb(image).save(out, "JPEG", quality=JPEG_QUALITY, optimize=False, progressive=False)
    return out.getvalue(), "image/jpeg"


def _open_checked(data: bytes, name: str) -> Image.Image:
    """Open ``data`` and refuse absurd dimensions before any pixel is decoded."""
    image = Image.open(io.BytesIO(data))
    width, height = image.size
    if width > MAX_SIDE or height > MAX_SIDE:
        raise CoverError(
            f"cover {name}: {width}×{height} px is too large (at most {MAX_SIDE} px per side)"
        )
    if width < 1 or height < 1:
        raise CoverError(f"cover {name}: image is empty ({width}×{height} px)")
    return image


def _to_rgb(image: Image.Image) -> Image.Image:
    """RGB copy of ``image``; transparency is flattened onto white (JPEG has no alpha)."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__
