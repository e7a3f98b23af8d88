"""Cover drawing and user covers: real images made with Pillow, no mocks."""

from __future__ import annotations

import io
import json
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from ebookmaker import cover
from ebookmaker.cover import (
    HEIGHT,
    WIDTH,
    CoverError,
    cover_from_bytes,
    draw_cover,
    load_user_cover,
)


def _image_bytes(fmt: str, size: tuple[int, int] = (400, 640), mode: str = "RGB") -> bytes:
    image = Image.new(mode, size, "steelblue" if mode != "P" else 3)
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG whose IHDR declares ``width``×``height`` but carries almost no pixel data."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 16)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


# --- drawn covers ---------------------------------------------------------------------


def test_drawn_cover_is_a_1600x2560_jpeg_and_deterministic() -> None:
    data = draw_cover("Det byråkratiska självbevarandets terror", ["Leo Trotskij"])
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    assert image.size == (WIDTH, HEIGHT) == (1600, 2560)
    assert image.mode == "RGB"
    assert draw_cover("Det byråkratiska självbevarandets terror", ["Leo Trotskij"]) == data
    assert draw_cover("Another title", ["Leo Trotskij"]) != data


def test_drawn_cover_survives_absurd_titles() -> None:
    for title in ("x" * 10_000, "word " * 2_000, "", "\x00\x07 tab\tnew\nline \ufffe"):
        data = draw_cover(title, ["A. Author", "B. Author"] * 20)
        assert Image.open(io.BytesIO(data)).size == (1600, 2560)
    assert draw_cover("x" * 10_000, []) == draw_cover("x" * 10_000, [])


TRUTHS = sorted(Path("/work/shared/corpus/dev").glob("*/truth.json"))


def _full_page_cover(title: str, authors: list[str]) -> bytes:
    """The cover drawn the plain way: the whole page with ImageDraw, the whole page encoded."""
    page = Image.new("RGB", (WIDTH, HEIGHT), cover._FIELD)
    draw = ImageDraw.Draw(page)
    for mark in cover.cover_marks(title, authors):
        if mark.text is None:
            draw.rectangle(mark.xy, fill=mark.ink)
        else:
            draw.text(mark.xy, mark.text, font=mark.font, fill=mark.ink, anchor="ma")
    return cover.encode_jpeg(page)


def test_drawn_cover_equals_the_whole_page_encoded() -> None:
    """Only the bands with ink are drawn and encoded; the bytes are those of the whole page."""
    cases = [(t["title"], t["authors"]) for t in map(_truth, TRUTHS)]
    cases += [
        ("x" * 10_000, []),
        ("word " * 2_000, ["A. Author", "B. Author"] * 20),
        ("", []),
        ("", ["Only An Author"]),
        # Stacked accents reach above the line's ascender into the line before it.
        ("Ǻ̈́̈́̈́ ǹ̈́̈́̈́ ỹ̃̃ " * 12, ["Ŝ̈̈́̈́ q̣̣̣ j̧̧"] * 6),
    ]
    assert len(cases) > 10
    for title, authors in cases:
        assert draw_cover(title, authors) == _full_page_cover(title, authors), title[:40]


def _truth(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_drawn_cover_has_text_in_the_title_area() -> None:
    image = Image.open(io.BytesIO(draw_cover("Terror", ["Leo Trotskij"]))).convert("L")
    title_area = image.crop((170, 430, 1430, 1760))
    field = image.crop((0, 0, 100, 100))
    assert title_area.getextrema()[1] > 200  # light letters on the dark field
    assert field.getextrema()[1] < 80  # the corner is plain dark field


# --- user covers ----------------------------------------------------------------------


def test_user_png_and_jpeg_are_kept_as_they_are(tmp_path: Path) -> None:
    for fmt, media_type in (("PNG", "image/png"), ("JPEG", "image/jpeg")):
        data = _image_bytes(fmt)
        path = tmp_path / f"cover.{fmt.lower()}"
        path.write_bytes(data)
        assert load_user_cover(path) == (data, media_type)


@pytest.mark.parametrize("fmt,mode", [("WEBP", "RGB"), ("GIF", "P"), ("BMP", "RGB")])
def test_other_formats_become_jpeg(tmp_path: Path, fmt: str, mode: str) -> None:
    path = tmp_path / f"cover.{fmt.lower()}"
    path.write_bytes(_image_bytes(fmt, mode=mode))
    data, media_type = load_user_cover(path)
    assert media_type == "image/jpeg"
    converted = Image.open(io.BytesIO(data))
    assert converted.format == "JPEG" and converted.size == (400, 640)


def test_transparent_png_cmyk_jpeg_are_normalised() -> None:
    data, media_type = cover_from_bytes(_image_bytes("JPEG", mode="CMYK"))
    assert media_type == "image/jpeg"
    assert Image.open(io.BytesIO(data)).mode == "RGB"
    # PNG with alpha is fine in EPUB: kept.
    assert cover_from_bytes(_image_bytes("PNG", mode="RGBA"))[1] == "image/png"


def test_text_file_named_png_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "cover.png"
    path.write_text("this is not an image\n")
    with pytest.raises(CoverError, match="not a readable image") as info:
        load_user_cover(path)
    assert "\n" not in str(info.value)


def test_truncated_image_is_refused(tmp_path: Path) -> None:
    data = _image_bytes("PNG", size=(800, 800))
    path = tmp_path / "cover.png"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(CoverError):
        load_user_cover(path)


@pytest.mark.parametrize("size", [(12_000, 10), (10, 20_000), (30_000, 30_000)])
def test_absurd_declared_size_is_refused(tmp_path: Path, size: tuple[int, int]) -> None:
    path = tmp_path / "bomb.png"
    path.write_bytes(_png_header_only(*size))
    with pytest.raises(CoverError) as info:
        load_user_cover(path)
    assert "\n" not in str(info.value)


def test_missing_file_is_a_cover_error(tmp_path: Path) -> None:
    with pytest.raises(CoverError, match="cannot read"):
        load_user_cover(tmp_path / "nope.jpg")
