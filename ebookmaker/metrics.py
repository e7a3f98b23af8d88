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
    return float(_font().getlength(text))
