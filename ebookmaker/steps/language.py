"""Detect the language of a text from word frequencies (wordfreq's word lists).

Every language's most common words (articles, pronouns, conjunctions) make up a large share
of any running text, so the language whose frequency list best explains the text's common
words wins. wordfreq ships its lists inside the package: nothing is downloaded, and
:mod:`ebookmaker.wordlists` reads them without importing wordfreq.

>>> detect_language("Det är inte svårt att förklara de psykologiska orsakerna till hans "
...                 "steg och vad som hände med dem som var kvar i landet.")
('sv', ...)
"""

from __future__ import annotations

import re
from collections import Counter

# Languages tried, by script (wordfreq's small lists, as shared tables: microseconds each).
LATIN_LANGUAGES = ("sv", "da", "nb", "en", "de", "fr", "es", "it", "nl", "pl", "pt", "fi", "cs")
CYRILLIC_LANGUAGES = ("ru", "uk", "bg", "sr", "mk")
WORD_RE = re.compile(r"[^\W\d_]+", re.UNICODE)
MIN_WORDS = 8


def detect_language(text: str, max_words: int = 3000) -> tuple[str, str]:
    """Return (ISO 639-1 code, evidence); ("", reason) when the text is too short to tell."""
    words = [w.casefold() for w in WORD_RE.findall(text[: max_words * 12])][:max_words]
    if len(words) < MIN_WORDS:
        return "", f"only {len(words)} words"
    cyrillic = sum(1 for w in words if "\u0400" <= w[0] <= "\u04ff")
    if cyrillic > len(words) / 2:
        candidates = CYRILLIC_LANGUAGES
    elif sum(1 for w in words if w[0].isascii() or "\u00c0" <= w[0] <= "\u024f") > len(words) / 2:
        candidates = LATIN_LANGUAGES
    else:
        return "", "script not covered by the word lists"
    from ..wordlists import frequencies

    common = Counter(words).most_common(400)
    counts = [count for _, count in common]
    scores: dict[str, float] = {}
    for lang in candidates:
        freqs = frequencies([word for word, _ in common], lang, "small")
        # Frequency mass the language's list gives to the text's common words.
        scores[lang] = sum(count * freq for count, freq in zip(counts, freqs, strict=True))
    ranked = sorted(scores, key=scores.__getitem__, reverse=True)
    best, second = ranked[0], ranked[1]
    if scores[best] <= 0:
        return "", "no common words recognised"
    margin = scores[best] / max(scores[second], 1e-12)
    code = "no" if best == "nb" else best
    return code, f"word-frequency match {best} ahead of {second} by {margin:.1f}x"
