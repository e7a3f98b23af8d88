"""Printed widths of text, for decisions that depend on how full a printed line was.

Widths come from the advance widths of the shipped serif font: only relative widths matter
(is this line as wide as the fullest lines? would the next word have fitted?).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache
from operator import getitem
from typing import TypeVar

T = TypeVar("T")


@lru_cache(maxsize=1)
def _font():
    from importlib.resources import files

    from PIL import ImageFont

    return ImageFont.truetype(str(files("ebookmaker") / "fonts" / "DejaVuSerif.ttf"), 100)


class _Advances(dict):
    """Advance widths: of a character alone (``_ADVANCES["a"]``), and of a character before
    another (``_BEFORE["f"]["i"]``: its advance there, with the pair's kerning or ligature). A
    line's width is the sum over its pairs: two dictionary lookups per character, where
    shaping the whole line again costs three times as much, for the same width within 0.3 %
    (only ligatures of three characters, such as "ffi", are missed).

    Characters of the shipped table (:data:`TABLE_CHARS`) are taken from it; others are
    measured in the font on first use (~10 µs each: a batch worker met ~1,800 of them in
    the dev corpus, 20 ms it now spends once, at packaging time)."""

    def __missing__(self, char: str) -> float:
        singles = _table()[0]
        width = self[char] = singles[char] if char in singles else _measure(char)
        return width


class _Rows(dict):
    """``_BEFORE[a][b]``: the advance of ``a`` before ``b``, a plain dictionary for each
    ``a``. (Faster than one dictionary keyed by pairs: no tuple to hash and compare. Plain:
    looking up a key in a dict subclass costs more, so the rows learn no pair by themselves;
    :func:`_over_pairs` teaches them.)"""

    MAX = 200_000  # pairs: a text in a large script meets many; forget them all, then relearn
    learnt = 0

    def __missing__(self, char: str) -> dict[str, float]:
        row: dict[str, float] = {}
        self[char] = row
        return row

    def learn(self, line: str) -> None:
        """Measure the pairs of ``line`` not known yet (all of them, whatever ``MAX``)."""
        if self.learnt > self.MAX:
            self.learnt = 0
            self.clear()
            _ADVANCES.clear()
        singles, kerned = _table()
        for char, after in zip(line, line[1:], strict=False):
            row = self[char]
            if after not in row:
                self.learnt += 1
                if char in singles and after in singles:  # (the table lists every kerned pair)
                    row[after] = kerned.get(char + after, singles[char])
                else:
                    row[after] = _measure(char + after) - _ADVANCES[after]


def _measure(text: str) -> float:
    try:  # raqm fails on paragraph separators (\n \r \x1c-\x1e \x85 \u2029)
        return float(_font().getlength(text))
    except (OSError, RuntimeError, ValueError):
        return 55.0 * len(text)  # about an average letter at size 100


# The characters of the shipped advance table: Basic Latin, Latin-1, Latin Extended-A and
# the common dashes, quotes and marks of General Punctuation (the scripts of most texts).
TABLE_CHARS = "".join(
    char
    for char in map(
        chr,
        [*range(0x20, 0x7F), *range(0xA0, 0x180), *range(0x2010, 0x2028), *range(0x2030, 0x203B)],
    )
    if char.isprintable()
)
_TABLE_FILE = "DejaVuSerif-advances.json"


def measure_table(chars: str = TABLE_CHARS) -> dict:
    """The advance table of ``chars`` as measured in the font: each character's advance, and
    the advance of a character before another wherever it differs from its own (kerning,
    ligatures). ``python3 -m ebookmaker.metrics`` prints it, to ship as _TABLE_FILE.

    >>> table = measure_table("AVa")
    >>> table["kerned"]["AV"] < table["advances"]["A"]  # 'V' tucks under 'A'
    True
    """
    singles = {char: _measure(char) for char in chars}
    kerned = {
        first + second: width
        for first in chars
        for second in chars
        if (width := _measure(first + second) - singles[second]) != singles[first]
    }
    return {"font": "DejaVuSerif.ttf", "size": 100, "advances": singles, "kerned": kerned}


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, float], dict[str, float]]:
    """The shipped table (static font data): advances by character, kerned pairs by text."""
    import json
    from importlib.resources import files

    try:
        table = json.loads((files("ebookmaker") / "fonts" / _TABLE_FILE).read_bytes())
    except (OSError, ValueError):
        return {}, {}  # (without it every advance is measured, as the table was made)
    return table["advances"], table["kerned"]


_ADVANCES = _Advances()
_BEFORE = _Rows()


def _over_pairs(combine: Callable[[Iterable[float]], T], line: str) -> T:
    """``combine`` (``sum``, ``list``) over the advances of each character of ``line``
    before the next.

    >>> _over_pairs(list, "fi") == [_measure("fi") - _measure("i")]
    True
    """
    try:
        return combine(map(getitem, map(_BEFORE.__getitem__, line[:-1]), line[1:]))
    except KeyError:  # a pair met the first time: learnt, then known
        _BEFORE.learn(line)
        return combine(map(getitem, map(_BEFORE.__getitem__, line[:-1]), line[1:]))


def _advance_before(char: str, after: str) -> float:
    """The advance of ``char`` before ``after``: ``_BEFORE[char][after]``, learnt if new."""
    try:
        return _BEFORE[char][after]
    except KeyError:
        _BEFORE.learn(char + after)
        return _BEFORE[char][after]


class _PairSums(dict):
    """A printed line's sum of pair advances (all but its last character's): the part of its
    width that the line and the line with a space after it share, measured once."""

    def __missing__(self, text: str) -> float:
        if len(self) > _MAX_LINES:
            self.clear()
        total = self[text] = _over_pairs(sum, text)
        return total


class _Widths(dict):
    """``text_width(text)``: the advance width of ``text`` in a serif font at size 100
    (relative units). Kept for the steps of one document, which measure its lines several
    times (``cache_clear`` forgets them, for the next document).

    >>> text_width("mmm") > text_width("iii")
    True
    >>> abs(text_width("Sovjetunionen, AVA") - _measure("Sovjetunionen, AVA")) < 1e-6
    True
    """

    __call__ = dict.__getitem__

    def __missing__(self, text: str) -> float:
        if len(self) > _MAX_LINES:
            self.cache_clear()
        if not text:
            self[text] = 0.0
            return 0.0
        line = text if text.isprintable() else text.translate(_BREAKS)  # (_BREAKS: unprintable)
        # (_PAIR_SUMS[line], without a further call for a line measured the first time)
        pairs = _PAIR_SUMS.get(line)
        if pairs is None:
            pairs = _PAIR_SUMS[line] = _over_pairs(sum, line)
        width = self[text] = pairs + _ADVANCES[line[-1]]
        return width

    def cache_clear(self) -> None:
        self.clear()
        _PAIR_SUMS.clear()


_MAX_LINES = 65536
_PAIR_SUMS = _PairSums()
text_width = _Widths()


def text_width_spaced(text: str) -> float:
    """``text_width(text + " ")``: the width a line takes with the space a next word needs,
    from the pairs of ``text`` already summed (added in the same order: the same float).

    >>> text_width_spaced("Sovjet-") == text_width("Sovjet- ")
    True
    """
    if not text:
        return _ADVANCES[" "]
    if not text.isprintable():
        text = text.translate(_BREAKS)
    return _PAIR_SUMS[text] + _advance_before(text[-1], " ") + _ADVANCES[" "]


def word_widths(text: str, spans: list[tuple[int, int]]) -> list[float]:
    """``text_width`` of each ``text[start:end]`` of ``spans`` (words: no line breaks in them),
    summed from the line's pair advances, looked up once for the whole line (the same sums in
    the same order: the same floats), instead of one look-up per word (and a measurement for
    each new word).

    >>> text = "Sovjet- unionen"
    >>> word_widths(text, [(0, 7), (8, 15)]) == [text_width("Sovjet-"), text_width("unionen")]
    True
    """
    advances = _ADVANCES
    line = text if text.isprintable() else text.translate(_BREAKS)  # (as text_width does)
    pairs = _over_pairs(list, line)
    return [sum(pairs[start : end - 1]) + advances[text[end - 1]] for start, end in spans]


_BREAKS = dict.fromkeys(map(ord, "\n\r\x1c\x1d\x1e\x85\u2028\u2029"), " ")


if __name__ == "__main__":
    import json

    print(json.dumps(measure_table(), ensure_ascii=False, indent=0, sort_keys=True))
