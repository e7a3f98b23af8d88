"""Printed widths of text, for decisions that depend on how full a printed line was.

Widths come from the advance widths of the shipped serif font: only relative widths matter
(is this line as wide as the fullest lines? would the next word have fitted?).
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def _font():
    from importlib.resources import files

    from PIL import ImageFont

    return ImageFont.truetype(str(files("ebookmaker") / "fonts" / "DejaVuSerif.ttf"), 100)


@lru_cache(maxsize=65536)
def text_width(text: str) -> float:
    """Advance width of ``text`` in a serif font at size 100 (relative units).

    >>> text_width("mmm") > text_width("iii")
    True
    """
    if len(text) > 4096:  # Pillow refuses very long strings: measure in pieces
        return sum(text_width(text[i : i + 4096]) for i in range(0, len(text), 4096))
    if not text.isprintable():  # (every character of _BREAKS is unprintable)
        text = text.translate(_BREAKS)
    try:  # raqm fails on paragraph separators (\n \r \x1c-\x1e \x85 \u2029)
        return float(_font().getlength(text))
    except (OSError, RuntimeError, ValueError):
        return 55.0 * len(text)  # about an average letter at size 100


def text_width_spaced(text: str) -> float:
    """``text_width(text + " ")``, without measuring the line again: the font kerns no
    character against a space after it, so the space adds its own advance.

    >>> text_width_spaced("Sovjet-") == text_width("Sovjet- ")
    True
    >>> chars = [chr(c) for c in [*range(0x20, 0x530), *range(0x2000, 0x2070)]]
    >>> [c for c in chars if text_width_spaced(c) != text_width(c + " ")]
    []
    """
    width = text_width(text)
    if len(text) >= 4096 or width == 55.0 * len(text):  # in pieces, or not by the font
        return text_width(text + " ")
    return width + text_width(" ")


_BREAKS = dict.fromkeys(map(ord, "\n\r\x1c\x1d\x1e\x85\u2028\u2029"), " ")
