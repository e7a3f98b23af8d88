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
from operator import mul

# Languages tried, by script (wordfreq's small lists, as shared tables: microseconds each).
LATIN_LANGUAGES = ("sv", "da", "nb", "en", "de", "fr", "es", "it", "nl", "pl", "pt", "fi", "cs")
CYRILLIC_LANGUAGES = ("ru", "uk", "bg", "sr", "mk")
WORD_RE = re.compile(r"[^\W\d_]+", re.UNICODE)
MIN_WORDS = 8


def detect_language(text: str, max_words: int = 3000) -> tuple[str, str]:
    """Return (ISO 639-1 code, evidence); ("", reason) when the text is too short to tell."""
    words = first_words(text, max_words)
    if len(words) < MIN_WORDS:
        return "", f"only {len(words)} words"
    # The casefolded words' counts, in order of first occurrence (most_common breaks ties by
    # it), and their counts by first letter: a third of the words are distinct, so each
    # distinct word is folded and tallied once.
    tally: dict[str, int] = {}
    firsts: dict[str, int] = {}
    for word, n in Counter(words).items():
        folded = word.casefold()
        tally[folded] = tally.get(folded, 0) + n
        firsts[folded[0]] = firsts.get(folded[0], 0) + n
    cyrillic = sum(n for c, n in firsts.items() if "\u0400" <= c <= "\u04ff")
    if cyrillic > len(words) / 2:
        candidates = CYRILLIC_LANGUAGES
    elif (
        sum(n for c, n in firsts.items() if c.isascii() or "\u00c0" <= c <= "\u024f")
        > len(words) / 2
    ):
        candidates = LATIN_LANGUAGES
    else:
        return "", "script not covered by the word lists"
    # Counter.most_common(400), which is documented to equal this sort of the items by count
    # (a stable sort: ties in order of first occurrence); sorting the words makes no tuples.
    common = sorted(tally, key=tally.__getitem__, reverse=True)[:400]
    counts = list(map(tally.__getitem__, common))
    columns = _frequencies(common, candidates)
    scores: dict[str, float] = {}
    for lang, freqs in zip(candidates, columns, strict=True):
        # Frequency mass the language's list gives to the text's common words.
        scores[lang] = sum(map(mul, counts, freqs))
    ranked = sorted(scores, key=scores.__getitem__, reverse=True)
    best, second = ranked[0], ranked[1]
    if scores[best] <= 0:
        return "", "no common words recognised"
    margin = scores[best] / max(scores[second], 1e-12)
    code = "no" if best == "nb" else best
    return code, f"word-frequency match {best} ahead of {second} by {margin:.1f}x"


def first_words(text: str, max_words: int, step: int = 2000) -> list[str]:
    """``WORD_RE.findall(text[: max_words * 12])[:max_words]``, scanning only as far as needed.

    The text is scanned in pieces that end at a space (no word runs across one), so the words
    are the same; the regular expression costs most of the detection.

    >>> first_words("Ein Wort, noch eins. " * 1000, 5, step=7)
    ['Ein', 'Wort', 'noch', 'eins', 'Ein']
    """
    limit = min(len(text), max_words * 12)
    words: list[str] = []
    start = 0
    while start < limit and len(words) < max_words:
        end = text.find(" ", start + step, limit)
        if end < 0:
            end = limit
        words += WORD_RE.findall(text, start, end)
        start = end
    return words[:max_words]


# word → its frequency in each language of a candidate tuple. The common words of books in
# one language are largely the same (function words), so a batch worker looks most of them
# up once. Bounded: cleared when full.
_MEMO: dict[tuple[str, ...], dict[str, tuple[float, ...]]] = {}
_MEMO_WORDS = 20_000


def _frequencies(words: list[str], languages: tuple[str, ...]) -> list[list[float]]:
    """``wordlists.frequencies(words, lang, "small")`` for each of ``languages``, memoized."""
    from ..wordlists import frequency_rows

    memo = _MEMO.setdefault(languages, {})
    new = [word for word in words if word not in memo]
    if new:
        if len(memo) + len(new) > _MEMO_WORDS:
            memo.clear()
            new = words  # (the words known before are gone too)
        memo.update(zip(new, frequency_rows(new, languages, "small"), strict=True))
    rows = [memo[word] for word in words]
    return [list(column) for column in zip(*rows, strict=True)] if rows else [[] for _ in languages]
