"""Readers: bytes of an input file → :class:`~ebookmaker.model.SourceDocument`.

One reader per input shape, chosen by sniffing the text (``--input-format`` forces one). All
readers feed the same model, so every cleaning step and the writer stay one.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from functools import lru_cache

from ..model import SourceDocument
from .plain import read_plain
from .seedstyle import looks_like_seedstyle, read_seedstyle

READERS = {"seedstyle": read_seedstyle, "plain": read_plain}


class InputError(ValueError):
    """The input cannot be read as text; the message is one line for the user."""


def decode(data: bytes) -> str:
    """Decode an input file: BOMs, UTF-16 without BOM, UTF-8, else cp1252.

    >>> decode("för".encode("utf-16"))
    'för'
    >>> decode("för".encode("cp1252"))
    'för'
    """
    if data.startswith(b"%PDF-"):
        raise InputError("this is a PDF file, not extracted text")
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    if len(data) >= 4 and data.count(b"\x00") > len(data) // 3:
        # UTF-16 without a BOM: every other byte of Latin text is NUL.
        even_nuls = data[0::2].count(0)
        odd_nuls = data[1::2].count(0)
        if max(even_nuls, odd_nuls) > len(data) // 3:
            return data.decode(
                "utf-16-be" if even_nuls > odd_nuls else "utf-16-le", errors="replace"
            )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    if _looks_binary(text):
        raise InputError("binary data, not text")
    return text


def _looks_binary(text: str) -> bool:
    sample = text[:65536]
    if not sample:
        return False
    # Counted on the UTF-8 bytes, where these controls are single bytes: bytes.translate
    # deletes them in one C pass, 4× faster than a regex over the text.
    encoded = sample.encode("utf-8", "surrogatepass")
    controls = len(encoded) - len(encoded.translate(None, _BINARY_CONTROL_BYTES))
    return controls > 0.05 * len(sample) or sample.count("\ufffd") > 0.1 * len(sample)


_BINARY_CONTROL_BYTES = bytes(range(0x00, 0x09)) + bytes(range(0x0E, 0x20))
_INNER_SOFT_HYPHEN_RE = re.compile("\u00ad+(?=[^\\s\u00ad])")
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
# Latin typographic ligatures (U+FB00–FB06) PDF extractors pass through: ﬁ → fi, ﬂ → fl …
_LIGATURES = {c: unicodedata.normalize("NFKC", chr(c)) for c in range(0xFB00, 0xFB07)}
_LIGATURE_RE = re.compile("[\ufb00-\ufb06]")
# Any character one of the repairs after the soft hyphens acts on: mojibake's first
# character, the controls, the ligatures.
_RARE_RE = re.compile(
    "[\u00c2\u00c3" + _CONTROL_RE.pattern[1:-1] + _LIGATURE_RE.pattern[1:-1] + "]"
)


@lru_cache(maxsize=1)  # a build normalizes its text twice (convert, nothing-lost check)
def normalize_text(text: str) -> str:
    """Line ends to LF, mojibake repaired, characters XML forbids removed, ligatures
    spelled out, NFC.

    PDFium marks a line-end hyphen it removed with U+FFFE: the printed line ended there. Soft
    hyphens inside a line are dropped; at a line end they are kept for the hyphenation step.
    Form feeds (page breaks) are kept.

    >>> normalize_text("f\\u00c3\\u00b6r\\r\\nett\\x00 \\ufb01n")
    'för\\nett fin'
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # PDFium joined the two printed lines there: restore the line end, so line fill and
    # hyphen decisions see the printed lines.
    text = text.replace("\ufffe", "\u00ad\n")
    # A soft hyphen inside a line only marks where a word may break: drop it. At a line end
    # it is a line-end hyphen for the hyphenation step.
    if "\u00ad" in text:
        text = _INNER_SOFT_HYPHEN_RE.sub("", text)
    # One pass tells whether any of the rare repairs below is needed: most texts need none,
    # and three regex passes over a long text cost three times one.
    if _RARE_RE.search(text):
        if re.search("[\u00c2\u00c3][\u0080-\u00bf]", text):
            import ftfy

            text = ftfy.fix_text(text, uncurl_quotes=False, fix_line_breaks=False)
        text = _CONTROL_RE.sub("", text)
        if _LIGATURE_RE.search(text):  # (translate with a dict is slow: only when needed)
            text = text.translate(_LIGATURES)
    return unicodedata.normalize("NFC", text)


def sniff(text: str) -> str:
    """The name of the reader for this text's shape."""
    return "seedstyle" if looks_like_seedstyle(text) else "plain"


def read_text(text: str, name: str = "", shape: str | None = None) -> SourceDocument:
    shape = shape or sniff(text)
    if shape not in READERS:
        raise InputError(f"unknown input format {shape!r}")
    return READERS[shape](text, name=name)
