"""Book covers: draw a plain typographic cover, or validate a user's cover image.

The drawn cover is 1600×2560 (1:1.6), the size that satisfies Kindle, Kobo and Apple Books
at once, set in the DejaVu Serif shipped with the package (never a system font, so the
bytes are the same on every machine with the same Pillow/FreeType/libjpeg). The JPEG is
baseline with a restart marker after every 16-row band, so the bands that are only
background are written from one cached band: only the few bands with ink are encoded.

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

from PIL import Image, ImageDraw, ImageFont, ImageOps, UnidentifiedImageError

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
    marks: list[Mark] = [Mark(rule[1], rule[3] + 1, None, rule, _ACCENT)]
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
    # A restart marker after every MCU row (16 px) makes each band of rows coded on its own.
    image.save(
        out,
        "JPEG",
        quality=JPEG_QUALITY,
        optimize=False,
        progressive=False,
        subsampling="4:2:0",
        dpi=(300, 300),
        restart_marker_rows=1,
    )
    return out.getvalue()


@dataclass(frozen=True)
class Mark:
    """Something drawn on the cover: rows ``top``..``bottom`` (exclusive) of the page; a text
    line (centred at ``xy``, anchor "ma") or, without ``text``, a rectangle ``xy``."""

    top: int
    bottom: int
    text: str | None
    xy: tuple[int, ...]
    ink: tuple[int, int, int]
    font: ImageFont.FreeTypeFont | None = None


def _encode_marks(marks: list[Mark]) -> bytes:
    """The JPEG of the background with ``marks``, coding only the bands that hold ink.

    The background is one colour, so every empty band codes to the same bytes; only the bands
    a mark touches are drawn (stacked on a small canvas, one empty band between runs, so a
    run's pixels never reach the next) and encoded, then the bands are joined in page order.
    Same bytes as encoding the whole page with the same settings (the tests check that).
    """
    header, empty = _background_jpeg()
    marks = [m for m in marks if max(m.top, 0) < min(m.bottom, HEIGHT)]
    inked = sorted(
        {
            b
            for m in marks
            for b in range(max(m.top, 0) // _BAND, (min(m.bottom, HEIGHT) - 1) // _BAND + 1)
        }
    )
    # Band of the page -> band of the canvas; each run of bands after the first starts one
    # empty band further down.
    slot: dict[int, int] = {}
    used = 0
    for band in inked:
        if slot and band - 1 not in slot:
            used += 1
        slot[band] = used
        used += 1
    coded: dict[int, bytes] = {}
    if inked:
        canvas = Image.new("RGB", (WIDTH, used * _BAND), _FIELD)
        draw = ImageDraw.Draw(canvas)
        drawn: list[Mark] = []
        for mark in marks:
            first = max(mark.top, 0) // _BAND
            shift = (slot[first] - first) * _BAND
            if mark.text is None:
                x0, y0, x1, y1 = mark.xy
                draw.rectangle((x0, y0 + shift, x1, y1 + shift), fill=mark.ink)
            elif any(m.top < mark.bottom and mark.top < m.bottom for m in drawn):
                x, y = mark.xy  # on top of other ink: let Pillow blend
                draw.text((x, y + shift), mark.text, font=mark.font, fill=mark.ink, anchor="ma")
            else:
                _paste_text(canvas, mark, shift)
            drawn.append(mark)
        segments = _jpeg_parts(encode_jpeg(canvas))[1]
        coded = {band: segments[slot[band]] for band in inked}
    bands = HEIGHT // _BAND
    out = [header]
    for band in range(bands):
        out.append(coded.get(band, empty))
        if band < bands - 1:
            out.append(bytes((0xFF, 0xD0 + band % 8)))  # RSTn, n counting 0..7
    out.append(b"\xff\xd9")  # EOI
    return b"".join(out)


def _paste_text(canvas: Image.Image, mark: Mark, shift: int) -> None:
    """Draw a text mark on plain background: what ``ImageDraw.text`` draws, pixel for pixel,
    in half the time (its per-pixel blend is replaced by a palette lookup)."""
    assert mark.font is not None and mark.text is not None
    mask, (dx, dy) = mark.font.getmask2(mark.text, "L", anchor="ma")
    coverage = Image.new("L", mask.size)
    coverage.im = mask  # (bytes(mask) would read it pixel by pixel)
    glyphs = Image.frombytes("P", mask.size, coverage.tobytes())
    glyphs.putpalette(_blend_palette(mark.ink))
    x, y = mark.xy
    canvas.paste(glyphs.convert("RGB"), (x + dx, y + shift + dy))


@cache
def _blend_palette(ink: tuple[int, int, int]) -> list[int]:
    """Coverage 0…255 -> ``ink`` over the background, rounded as Pillow's blend rounds."""

    def blend(field: int, colour: int, alpha: int) -> int:
        value = field * (255 - alpha) + colour * alpha + 128
        return ((value >> 8) + value) >> 8

    return [blend(f, c, a) for a in range(256) for f, c in zip(_FIELD, ink, strict=True)]


@cache
def _background_jpeg() -> tuple[bytes, bytes]:
    """The JPEG header of a full page, and the coded bytes of one empty band."""
    header, segments = _jpeg_parts(encode_jpeg(Image.new("RGB", (WIDTH, _BAND), _FIELD)))
    # The header of the one-band image serves the page once its height (in SOF0) is changed.
    i = 2
    while header[i + 1] != 0xC0:  # markers up to SOF0 (baseline): FF xx, 2-byte length
        i += 2 + int.from_bytes(header[i + 2 : i + 4], "big")
    height_at = i + 5  # FF C0, length (2), precision (1), height (2)
    page = header[:height_at] + HEIGHT.to_bytes(2, "big") + header[height_at + 2 :]
    return page, segments[0]


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
    words = set(text.split(" "))
    size = largest
    while True:
        font = _font(font_path, size)
        max_lines = max(1, height // _line_height(size))
        # Shrink rather than break a word, unless the word is too long even at the smallest size.
        word_fits = size <= smallest or max(font.getlength(w) for w in words) <= width
        lines = _wrap(text, font, width, max_lines + 1) if word_fits else []
        if word_fits and len(lines) <= max_lines:
            return size, lines
        if size <= smallest:
            return size, _truncate(lines[:max_lines], font, width)
        size = max(smallest, int(size * 0.92))


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int, limit: int) -> list[str]:
    """Greedy word wrap; stops after ``limit`` lines (the caller only needs to know it overflows).

    A word wider than the line (a URL, a 10,000-letter "word") is broken between characters.
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
        _, ink_top, _, ink_bottom = font.getbbox(line, anchor="ma")  # the rows it inks
        marks.append(Mark(y + ink_top, y + ink_bottom, line, (centre, y), ink, font))
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
