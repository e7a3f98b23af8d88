"""wordfreq's word frequencies without importing wordfreq: compact, shared, memory-mapped tables.

``import wordfreq`` costs ~0.16 s (ftfy, langcodes, regex) and a large list of one language
~40 MB of Python strings for the life of the process. wordfreq's data are plain files in its
package (``data/{small,large}_<lang>.msgpack.gz``: msgpack lists of words per centibel band),
so they are read here with gzip and msgpack and turned, once per machine, into a hash table
file in the cache folder (``$EBOOKMAKER_CACHE``, else ``$XDG_CACHE_HOME/ebookmaker``, else
``~/.cache/ebookmaker``). A table file is memory-mapped: it opens in microseconds and its pages
are shared by every process (batch workers) that uses it. Where the cache folder cannot be
written, the table is built in memory (as costly as wordfreq's own loading, once per process).

The answers are wordfreq's, bit for bit: :func:`zipf` repeats ``wordfreq.zipf_frequency``'s
arithmetic for words that wordfreq's tokenizer leaves alone (letters of the Latin, Greek and
Cyrillic alphabets and digits, already case-folded and NFC, in languages with no special
preprocessing) and asks wordfreq itself (imported then) about anything else.

>>> zipf("och", "sv") > 6
True
>>> zipf("xqzvvq", "sv")
0.0
"""

from __future__ import annotations

import gzip
import math
import mmap
import os
import re
import struct
import sys
import unicodedata
from array import array
from collections.abc import Iterable
from functools import cache
from importlib.util import find_spec
from itertools import chain
from pathlib import Path
from typing import Any
from zlib import crc32

from .atomic import write_atomic

__all__ = [
    "available_languages",
    "cache_dir",
    "write_cache_file",
    "frequencies",
    "frequency_table",
    "frequency_rows",
    "combined_table",
    "table",
    "zipf",
]

FORMAT = 3  # bump when the table layout changes
_MAGIC = b"EBMWLT%02d" % FORMAT
_HEADER = struct.Struct("<8s4sIIII")  # magic, byte order, words, slots, blob bytes, columns
_ABSENT = 0xFFFF  # a column's band of a word its language does not list

# Languages whose lookups wordfreq only case-folds and NFC-normalises (no transliteration,
# no mark removal, no Turkish i, no Romanian commas, a regex tokenizer); tests/test_wordlists.py
# checks this against wordfreq.language_info.
SIMPLE_LANGUAGES = frozenset(
    "bg ca cs da de el en es fi fil fr hu id is it lt lv mk ms nb nl pl pt ru sk sl sv uk "
    "vi".split()
)
# Codes wordfreq's closest-match maps to another list (it logs a warning then).
_LIST_ALIASES = {"sr": "sh"}

# A word wordfreq's tokenizer keeps as one token: letters of these alphabets and ASCII digits.
_PLAIN_RE = re.compile("[0-9a-z\u00df-\u024f\u0370-\u03ff\u0400-\u052f\u1e00-\u1eff]+")
_MULTI_DIGIT_RE = re.compile(r"[0-9]{2,}")
_ZIPF_MISSING = round(math.log(1e-9, 10) + 9, 2)  # wordfreq's answer for an unknown word


# -- where things are --------------------------------------------------------------------------


@cache
def _data_dir() -> Path | None:
    """wordfreq's data folder, found without importing wordfreq."""
    try:
        spec = find_spec("wordfreq")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.origin:
        return None
    folder = Path(spec.origin).parent / "data"
    return folder if folder.is_dir() else None


@cache
def available_languages(wordlist: str) -> frozenset[str]:
    """Languages with a ``wordlist`` ("small" or "large") list, as wordfreq lists them."""
    folder = _data_dir()
    if folder is None:
        return frozenset()
    prefix = f"{wordlist}_"
    return frozenset(
        name[len(prefix) : -len(".msgpack.gz")]
        for name in os.listdir(folder)
        if name.startswith(prefix) and name.endswith(".msgpack.gz")
    )


def cache_dir() -> Path:
    """The folder for table files: $EBOOKMAKER_CACHE, $XDG_CACHE_HOME/ebookmaker, ~/.cache/…"""
    if os.environ.get("EBOOKMAKER_CACHE"):
        return Path(os.environ["EBOOKMAKER_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "ebookmaker"


# -- the table ---------------------------------------------------------------------------------


class WordTable:
    """word → centibel band (wordfreq's list index) in an open-addressing hash table; a table
    of several lists (``columns``) holds a band per list for each word of any of them.

    Layout (native byte order, recorded in the header): header; ``slots``: pairs of uint32
    (CRC-32 of the word, word number + 1; 0: empty), so that a look-up touches one page;
    ``offsets`` uint32 × (words + 1) into the blob; ``bands`` uint16 × words × columns
    (:data:`_ABSENT`: not in that list); the UTF-8 words, concatenated.
    """

    def __init__(self, buffer: Any) -> None:
        self._buffer = buffer  # keeps the mmap (or bytes) alive
        if len(buffer) < _HEADER.size:
            raise ValueError("not a word table")
        magic, order, n, nslots, blob_len, columns = _HEADER.unpack_from(buffer, 0)
        expected = _HEADER.size + 8 * nslots + 4 * (n + 1) + _pad4(2 * n * columns) + blob_len
        if magic != _MAGIC or order != _byte_order() or nslots & (nslots - 1) or n >= nslots:
            raise ValueError("not a word table of this format")
        if not columns:
            raise ValueError("a word table without columns")
        if len(buffer) != expected:
            raise ValueError("truncated word table")
        view = memoryview(buffer)
        pos = _HEADER.size
        self._mask = nslots - 1
        self._slots = view[pos : pos + 8 * nslots].cast("I")
        pos += 8 * nslots
        self._offsets = view[pos : pos + 4 * (n + 1)].cast("I")
        pos += 4 * (n + 1)
        self._bands = view[pos : pos + 2 * n * columns].cast("H")
        pos += _pad4(2 * n * columns)
        self._base = pos
        self.size = n
        self.columns = columns

    def band(self, word: str) -> int:
        """The word's centibel band (0 = frequency 1, 300 = once per 1000 words), -1 if absent."""
        key = word.encode("utf-8", "surrogatepass")
        h = crc32(key)
        i = h & self._mask
        slots = self._slots
        while True:
            k = slots[2 * i + 1]
            if not k:
                return -1
            if slots[2 * i] == h:
                k -= 1
                base = self._base
                if self._buffer[base + self._offsets[k] : base + self._offsets[k + 1]] == key:
                    return self._bands[k * self.columns]
            i = (i + 1) & self._mask

    def __contains__(self, word: str) -> bool:
        return self.band(word) >= 0

    def bands(self, keys: list[tuple[bytes, int]]) -> list[int]:
        """:meth:`band` of many words given as (UTF-8 bytes, CRC-32): one loop, no encoding.

        Every table hashes with CRC-32, so a caller asking several tables about the same
        words encodes and hashes each word once.
        """
        bands = self._bands
        return [bands[k] if k >= 0 else -1 for k in self.rows(keys)]

    def rows(self, keys: list[tuple[bytes, int]]) -> list[int]:
        """Where each word's bands start in ``bands`` (word number × columns), -1 if absent."""
        slots, mask, offsets, columns = self._slots, self._mask, self._offsets, self.columns
        buffer, base = self._buffer, self._base
        out = []
        for key, h in keys:
            i = h & mask
            row = -1
            while k := slots[2 * i + 1]:
                if slots[2 * i] == h and buffer[base + offsets[k - 1] : base + offsets[k]] == key:
                    row = (k - 1) * columns
                    break
                i = (i + 1) & mask
            out.append(row)
        return out

    def band_rows(self, keys: list[tuple[bytes, int]]) -> list[memoryview | None]:
        """Each word's bands, one per column (:data:`_ABSENT` where that list lacks the
        word), or None where no list has it."""
        bands, columns = self._bands, self.columns
        return [bands[row : row + columns] if row >= 0 else None for row in self.rows(keys)]


def _byte_order() -> bytes:
    return b"LE\0\0" if sys.byteorder == "little" else b"BE\0\0"


def _pad4(n: int) -> int:
    return (n + 3) & ~3


def _read_bands(source: Path) -> dict[str, int]:
    """word → band of one wordfreq data file (the rarest band wins, as in wordfreq)."""
    import msgpack  # wordfreq's own dependency; cheap

    with gzip.open(source, "rb") as fh:
        data = msgpack.load(fh, raw=False)
    header = data[0]
    if not isinstance(header, dict) or header.get("format") != "cB" or header.get("version") != 1:
        raise ValueError(f"{source.name}: unexpected wordfreq data header {header!r}")
    bands: dict[str, int] = {}
    for index, bucket in enumerate(data[1:]):
        for word in bucket:
            bands[word] = index
    return bands


def build_table(bands: dict[str, int] | dict[str, tuple[int, ...]], columns: int = 1) -> bytes:
    """The bytes of a :class:`WordTable` for ``bands`` (a tuple of ``columns`` per word)."""
    words = sorted(bands)
    n = len(words)
    nslots = 1 << max(4, (3 * n // 2).bit_length())  # load factor below 0.67
    mask = nslots - 1
    slots = array("I", bytes(8 * nslots))
    offsets = array("I", [0])
    encoded = [w.encode("utf-8", "surrogatepass") for w in words]
    pos = 0
    for number, key in enumerate(encoded, 1):
        h = crc32(key)
        i = h & mask
        while slots[2 * i + 1]:
            i = (i + 1) & mask
        slots[2 * i] = h
        slots[2 * i + 1] = number
        pos += len(key)
        offsets.append(pos)
    if columns == 1:
        band_array = array("H", (bands[w] for w in words))
    else:
        band_array = array("H", chain.from_iterable(map(bands.__getitem__, words)))
    blob = b"".join(encoded)
    parts = [
        _HEADER.pack(_MAGIC, _byte_order(), n, nslots, len(blob), columns),
        slots.tobytes(),
        offsets.tobytes(),
        band_array.tobytes(),
        bytes(_pad4(2 * n * columns) - 2 * n * columns),
        blob,
    ]
    return b"".join(parts)


@cache
def table(wordlist: str, language: str) -> WordTable | None:
    """The table of wordfreq's ``wordlist`` ("small"/"large") for ``language``, or None."""
    folder = _data_dir()
    if folder is None or language not in available_languages(wordlist):
        return None
    source = folder / f"{wordlist}_{language}.msgpack.gz"
    try:
        stat = source.stat()
    except OSError:
        return None
    # Keyed by the data file itself: a new wordfreq (or a reinstall) gets new tables.
    name = f"{wordlist}_{language}-{stat.st_size}-{stat.st_mtime_ns}.v{FORMAT}.table"
    target = cache_dir() / "wordfreq" / name
    try:
        return _open(target)
    except (OSError, ValueError):
        pass
    data = build_table(_read_bands(source))
    try:
        write_cache_file(target, data)
        return _open(target)
    except (OSError, ValueError):
        return WordTable(data)  # no writable cache: this process keeps its own copy


@cache
def combined_table(wordlist: str, languages: tuple[str, ...]) -> WordTable | None:
    """One table of the ``wordlist`` lists of several languages (a column each), or None.

    Language detection asks a dozen lists about the same words: one look-up instead of one
    per list. Keyed by every data file, like :func:`table`.
    """
    folder = _data_dir()
    if folder is None or not set(languages) <= available_languages(wordlist):
        return None
    sources = [folder / f"{wordlist}_{language}.msgpack.gz" for language in languages]
    try:
        stats = [f"{path.name}:{path.stat().st_size}:{path.stat().st_mtime_ns}" for path in sources]
    except OSError:
        return None
    key = crc32(" ".join(stats).encode())
    name = f"{wordlist}_{'+'.join(languages)}-{key:08x}.v{FORMAT}.table"
    target = cache_dir() / "wordfreq" / name
    try:
        found = _open(target)
        if found.columns == len(languages):
            return found
    except (OSError, ValueError):
        pass
    data = build_table(_combined_bands([_read_bands(path) for path in sources]), len(languages))
    try:
        write_cache_file(target, data)
        return _open(target)
    except (OSError, ValueError):
        return WordTable(data)


def _combined_bands(lists: list[dict[str, int]]) -> dict[str, tuple[int, ...]]:
    """word → its band in each list (:data:`_ABSENT` where a list lacks it).

    >>> _combined_bands([{"och": 100}, {"och": 500, "og": 90}]) == {
    ...     "och": (100, 500), "og": (_ABSENT, 90)}
    True
    """
    combined: dict[str, list[int]] = {}
    for column, bands in enumerate(lists):
        for word, band in bands.items():
            row = combined.get(word)
            if row is None:
                row = combined[word] = [_ABSENT] * len(lists)
            row[column] = band
    return {word: tuple(row) for word, row in combined.items()}


def _open(path: Path) -> WordTable:
    with open(path, "rb") as fh:
        mapped = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    return WordTable(mapped)


def write_cache_file(path: Path, data: bytes) -> None:
    """Write a file of the cache folder atomically (its folder made first)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # 0o644: shared by every user's processes, like the data it comes from
    write_atomic(path, data, mode=0o644)


# -- wordfreq's answers --------------------------------------------------------------------------


@cache
def _zipf_of_band(index: int) -> float:
    """``wordfreq.zipf_frequency`` of a one-token word in band ``index``, same arithmetic."""
    freq = 10 ** (-index / 100)  # cB_to_freq
    return _zipf_of_freq(1.0 / (0.0 + 1.0 / freq))  # one token: 1/f = 1/f1


def _zipf_of_freq(freq: float) -> float:
    """wordfreq's rounding of a combined frequency, then its Zipf value."""
    unrounded = max(freq, 1e-9)  # minimum = zipf_to_freq(0.0)
    leading_zeroes = math.floor(-math.log(unrounded, 10))
    freq = round(unrounded, leading_zeroes + 3)
    return round(math.log(freq, 10) + 9, 2)


def _plain(word: str) -> bool:
    """Would wordfreq's tokenizer keep ``word`` as it is, as one token?"""
    return (
        _PLAIN_RE.fullmatch(word) is not None
        and word.isalnum()
        and word == word.casefold()
        and unicodedata.is_normalized("NFC", word)
    )


def zipf(word: str, language: str) -> float:
    """``wordfreq.zipf_frequency(word, language, wordlist="best")``, mostly without wordfreq.

    A hyphenated word is several tokens for wordfreq (``penning-remissorna``): their
    frequencies combine as 1/f = 1/f1 + 1/f2 …, and a missing token makes the word missing.
    """
    if language in SIMPLE_LANGUAGES:
        tokens = word.split("-") if "-" in word else [word]
        tokens = [token for token in tokens if token]
        if all(_plain(token) for token in tokens):
            wordlist = "large" if language in available_languages("large") else "small"
            words = table(wordlist, language)
            if words is not None:
                bands = []
                for token in tokens:
                    smashed = token
                    if not token.isalpha():
                        smashed = _MULTI_DIGIT_RE.sub(lambda m: "0" * len(m.group()), token)
                    band = words.band(smashed)
                    if band < 0:
                        return _ZIPF_MISSING
                    if smashed != token:
                        break  # a number's frequency: wordfreq's own estimate
                    bands.append(band)
                else:
                    if not bands:
                        return _ZIPF_MISSING
                    if len(bands) == 1:
                        return _zipf_of_band(bands[0])
                    return _zipf_of_freq(1.0 / sum(1.0 / (10 ** (-b / 100)) for b in bands))
    return _wordfreq_zipf(word, language)


def _wordfreq_zipf(word: str, language: str) -> float:
    import wordfreq

    return float(wordfreq.zipf_frequency(word, language, wordlist="best"))


def frequencies(words: Iterable[str], language: str, wordlist: str = "small") -> list[float]:
    """``wordfreq.get_frequency_dict(language, wordlist).get(w, 0.0)`` for each word."""
    return frequency_table(words, (language,), wordlist)[0]


def frequency_table(
    words: Iterable[str], languages: Iterable[str], wordlist: str = "small"
) -> list[list[float]]:
    """:func:`frequencies` of ``words`` in each of ``languages`` (one list per language)."""
    languages = tuple(languages)
    rows = frequency_rows(words, languages, wordlist)
    return [list(column) for column in zip(*rows, strict=True)] or [[] for _ in languages]


def frequency_rows(
    words: Iterable[str], languages: Iterable[str], wordlist: str = "small"
) -> list[tuple[float, ...]]:
    """For each word, its :func:`frequencies` in each of ``languages`` (a tuple per word),
    each word encoded and hashed once for all languages."""
    words = list(words)
    languages = tuple(languages)
    names = tuple(_LIST_ALIASES.get(language, language) for language in languages)
    combined = combined_table(wordlist, names) if len(names) > 1 else None
    if combined is not None:
        encoded = [word.encode("utf-8", "surrogatepass") for word in words]
        rows = combined.band_rows(list(zip(encoded, map(crc32, encoded), strict=True)))
        # A word's bands become its frequencies in one C-level map.
        freq = _FREQ_OF_BAND.__getitem__
        none = (0.0,) * len(names)
        return [none if bands is None else tuple(map(freq, bands)) for bands in rows]
    keys: list[tuple[bytes, int]] | None = None
    columns = []
    for language in languages:
        words_table = table(wordlist, _LIST_ALIASES.get(language, language))
        if words_table is None:
            from wordfreq import get_frequency_dict

            freqs = get_frequency_dict(language, wordlist)
            columns.append([freqs.get(w, 0.0) for w in words])
            continue
        if keys is None:
            encoded = [word.encode("utf-8", "surrogatepass") for word in words]
            keys = list(zip(encoded, map(crc32, encoded), strict=True))
        columns.append([_FREQ_OF_BAND[band] for band in words_table.bands(keys)])
    return list(zip(*columns, strict=True)) if columns else [() for _ in words]


class _FreqOfBand(dict):
    """band → wordfreq's frequency (``cB_to_freq``), 0.0 for -1 and :data:`_ABSENT` (no such
    word), computed once."""

    def __missing__(self, band: int) -> float:
        freq = self[band] = 10 ** (-band / 100) if band >= 0 and band != _ABSENT else 0.0
        return freq


_FREQ_OF_BAND = _FreqOfBand()
