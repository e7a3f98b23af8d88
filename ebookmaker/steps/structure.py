"""Headings and block quotes, decided on printed lines before they are unwrapped.

Extracted text keeps no fonts, so a heading is recognised by how it stands in the text:

* it **stands alone**: the line before it ended a paragraph (a sentence end, a short line or a
  vertical gap) and the line after it starts a paragraph that runs on (a full line that wraps
  into the next one);
* it is **short** and reads like a label, not a sentence: a numbered or roman-numeral label
  ("VIII. Civil Religion", "I.") or a short line without sentence-final punctuation
  ("Preface");
* or it **wraps early**: two or three short lines of which the first ends without punctuation
  although the next word would have fitted — running text never wraps like that, a heading set
  in a larger font or centred does ("Zweyter Abschnitt, welcher die Definitivartikel zum
  ewigen / Frieden unter Staaten enthält.").

A block quote is only marked where the extraction shows it: lines indented clearly deeper than
the paragraphs' first-line indent (``pdftotext -layout``). Elsewhere a quote stays a paragraph,
which keeps the paragraph boundaries right.

The rules are conservative: a false heading splits a paragraph, a missed one only loses markup.
Only lines whose role is :attr:`Role.BODY` are candidates; the first two lines of a text are
left to the title block (author and title).
"""

from __future__ import annotations

import re
from collections import Counter

from ..explain import Report
from ..model import Line, Role, SourceDocument
from .paragraphs import ends_sentence, measure_of, text_width

STEP = "structure"

SHORT = 0.75  # a heading line is narrower than this share of the measure
EARLY_MARGIN = 0.08  # room left after the next word when a line wrapped early
FULL = 0.85  # a line of running text reaches at least this share of the measure
MAX_HEADING_LINES = 3
MAX_HEADING_WORDS = 16
MIN_LINES_BEFORE = 2  # author and title come first: never headings
MIN_WRAPPED_LINES = 10
QUOTE_EXTRA_INDENT = 3  # a quote is indented this much deeper than a paragraph's first line
MAX_QUOTE_INDENT = 12  # deeper than this is centred text, not a quote

# "VIII." "I." "12." "§ 3" — optionally followed by the heading's words.
LABEL_RE = re.compile(r"^(?:[IVXLC]{1,7}\.|\d{1,3}\.|§\s*\d{1,3}\.?)(?:\s+(?P<rest>\S.*))?$")
# A note reference the notes step did not cut out: "Proletarians3".
TRAILING_NOTE_RE = re.compile(r"(?<=[^\W\d_])\d{1,3}$")
# A sentence end inside the line: "Entwurf. Königsberg".
INNER_SENTENCE_RE = re.compile(r"[^\W\d_]{2,}[.!?]\s+\S")
YEAR_RE = re.compile(r"\b1[4-9]\d\d\b|\b20\d\d\b")
DIGITS_RE = re.compile(r"\d+")
OPENING = "\"'“”«»‘’„([—–- "


def _clean(text: str) -> str:
    """The line without surrounding spaces and an uncut trailing note number.

    >>> _clean(" I. Bourgeois and Proletarians3 ")
    'I. Bourgeois and Proletarians'
    """
    text = text.strip()
    if text[-1:].isdecimal():  # (what TRAILING_NOTE_RE needs: it ends with a digit)
        text = TRAILING_NOTE_RE.sub("", text).rstrip()
    return text


def _key(text: str) -> str:
    """A line's text for comparing running headers: no digits, no case."""
    return DIGITS_RE.sub("", text).strip().casefold()


def is_label_heading(text: str) -> bool:
    """A numbered or roman-numeral heading: a label, then at most a few words.

    >>> is_label_heading("VIII. Civil Religion"), is_label_heading("I.")
    (True, True)
    >>> is_label_heading("1. The first point is that all of this is long and it ends.")
    False
    >>> is_label_heading("3")
    False
    """
    m = LABEL_RE.match(_clean(text))
    if not m:
        return False
    rest = m.group("rest") or ""
    if not rest:
        return True
    words = rest.split()
    return len(words) <= 10 and rest[:1].isupper() and not rest.rstrip().endswith((",", ";", "-"))


def reads_like_title(text: str) -> bool:
    """Short words starting with a capital, without sentence-final or joining punctuation.

    >>> reads_like_title("Preface"), reads_like_title("Skildring ur folklifvet. Utdrag.")
    (True, False)
    >>> reads_like_title("London, 1888"), reads_like_title("– Ja så")
    (False, False)
    """
    text = _clean(text)
    if not text or not text[0].isupper() or len(text.split()) > MAX_HEADING_WORDS:
        return False
    if ends_sentence(text) or text.endswith((",", ";", ":", "-", "—", "–")):
        return False
    return not INNER_SENTENCE_RE.search(text) and not YEAR_RE.search(text)


def wraps_early(line: Line, next_line: Line, measure: float) -> bool:
    """True when ``line`` ends without punctuation although the next word would have fitted.

    >>> wraps_early(Line("Zweyter Abschnitt, welcher die", 0), Line("Frieden unter", 0), 4000)
    True
    """
    text = _clean(line.text)
    if not text or ends_sentence(text) or text.endswith(("-", "\u00ad")):
        return False
    first = next_line.text.split()
    need = text_width(" " + first[0]) if first else 0.0
    width = text_width(text)
    return width < SHORT * measure and width + need <= (1 - EARLY_MARGIN) * measure


def starts_like_sentence(text: str) -> bool:
    """The text starts with a capital or a digit, after opening quotes and dashes.

    >>> starts_like_sentence("– Ja så"), starts_like_sentence("owe the Sovereign")
    (True, False)
    """
    first = text.lstrip(OPENING)[:1]
    return first.isupper() or first.isdigit()


def starts_paragraph(lines: list[Line], index: int, measure: float) -> bool:
    """``lines[index]`` starts running text: a quote, or a full line that wraps into the next.

    >>> body = [Line("A " * 40, 0, role=Role.BODY), Line("more text", 0, role=Role.BODY)]
    >>> starts_paragraph(body, 0, text_width("A " * 40))
    True
    """
    if index >= len(lines):
        return False
    line = lines[index]
    if line.role == Role.QUOTE:
        return True
    if line.role != Role.BODY or not starts_like_sentence(line.text):
        return False
    following = lines[index + 1] if index + 1 < len(lines) else None
    return (
        text_width(line.text.strip()) >= FULL * measure
        and following is not None
        and following.role in (Role.BODY, Role.QUOTE)
    )


def ended_paragraph(lines: list[Line], index: int, measure: float) -> bool:
    """The line before ``lines[index]`` ended a paragraph (or a title-block line).

    >>> ended_paragraph([Line("It ended.", 0), Line("Preface", 0)], 1, 4000)
    True
    """
    if lines[index].gap_before:
        return True
    prev = lines[index - 1].text.strip()
    if prev.endswith(("-", ",", ";")):
        return False
    return ends_sentence(_clean(prev)) or text_width(prev) < SHORT * measure


def heading_at(lines: list[Line], index: int, measure: float, repeated: set[str]) -> int:
    """How many lines from ``lines[index]`` form a heading; 0 when they do not.

    >>> texts = ["Author", "Title", "It ended.", "Preface", "A " * 40, "more text"]
    >>> body = [Line(text, 0, role=Role.BODY) for text in texts]
    >>> heading_at(body, 3, text_width("A " * 40), set())
    1
    """
    if index < MIN_LINES_BEFORE:
        return 0
    # Every heading found below starts with a capital, a digit or "§" (a title or a label):
    # this one test turns away most lines of running text before anything is measured.
    start = lines[index].text.lstrip()[:1]
    if not (start.isupper() or start.isdecimal() or start == "§"):
        return 0
    if not ended_paragraph(lines, index, measure):
        return 0
    for count in range(1, MAX_HEADING_LINES + 1):
        group = lines[index : index + count]
        if len(group) < count or any(line.role != Role.BODY for line in group):
            return 0
        last = group[-1]
        # (the width first: it is measured already, the key takes a regex)
        if text_width(last.text.strip()) >= SHORT * measure or _key(last.text) in repeated:
            return 0
        if count > 1 and not wraps_early(group[-2], last, measure):
            return 0
        first = group[0]
        label = count == 1 and is_label_heading(first.text)
        after = lines[index + count] if index + count < len(lines) else None
        if label and after is not None and after.role == Role.BODY:
            # a label is strong evidence: the text after it only has to start a sentence
            if starts_like_sentence(after.text):
                return 1
        if not starts_paragraph(lines, index + count, measure):
            continue
        if first.page_start and not is_label_heading(first.text):
            return 0
        if count == 1:
            return 1 if label or reads_like_title(first.text) else 0
        # Wrapped heading: starts like a title, no sentence ends inside, no year, and its
        # last line is not a lone word (a wrapped sentence or quote leaves those).
        joined = " ".join(_clean(line.text) for line in group)
        if (
            joined[:1].isupper()
            and len(_clean(last.text).split()) >= 2
            and not INNER_SENTENCE_RE.search(joined)
            and not YEAR_RE.search(joined)
            and len(joined.split()) <= MAX_HEADING_WORDS * 2
        ):
            return count
        return 0
    return 0


def paragraph_indent(lines: list[Line]) -> int:
    """The paragraphs' first-line indent: the smallest indent (±1) that begins two paragraphs.

    An indented line followed by an unindented one begins a paragraph (or is a one-line
    quote, which is indented deeper: hence the smallest recurring indent).

    >>> paragraph_indent([Line("a", 0, indent=4), Line("b", 0), Line("c", 0, indent=5),
    ...                   Line("d", 0), Line("q", 0, indent=8), Line("e", 0)])
    4
    """
    starts = [
        line.indent
        for line, after in zip(lines, lines[1:], strict=False)
        if line.indent > 0 and after.indent == 0
    ]
    recurring = [i for i in starts if sum(1 for j in starts if abs(i - j) <= 1) >= 2]
    return min(recurring) if recurring else 0


def mark_quotes(lines: list[Line], start: int, report: Report) -> None:
    """Mark runs of lines indented clearly deeper than a paragraph's first line as QUOTE.

    >>> body = [Line(t, 0, indent=i, role=Role.BODY) for t, i in
    ...         [("x", 4), ("y", 0), ("x", 4), ("y", 0), ("q", 9), ("z", 0)]]
    >>> mark_quotes(body, 0, Report()); [line.role.value for line in body]
    ['body', 'body', 'body', 'body', 'quote', 'body']
    """
    indent = paragraph_indent(lines)
    index = start
    while index < len(lines):
        line = lines[index]
        deep = indent + QUOTE_EXTRA_INDENT <= line.indent <= indent + MAX_QUOTE_INDENT
        if not deep or line.role == Role.HEADING:
            index += 1
            continue
        end = index + 1
        while (
            end < len(lines)
            and abs(lines[end].indent - line.indent) <= 1
            and lines[end].role != Role.HEADING
            and not lines[end].gap_before
        ):
            end += 1
        for quoted in lines[index:end]:
            quoted.role = Role.QUOTE
        report.add(
            STEP,
            "quote",
            _clean(line.text)[:60],
            evidence=f"{end - index} line(s) indented {line.indent} (paragraphs: {indent})",
            line=line.number,
        )
        index = end


def _without_digits(text: str) -> str:
    """``DIGITS_RE.sub("", text)``, three times faster on a long text: the ASCII digits are
    deleted from its UTF-8 bytes in C, where no other character has an ASCII byte; only a
    text with other digits (of other scripts) takes the regex.

    >>> _without_digits("Kap. 12, s. ٣4 och 5")
    'Kap. , s.  och '
    """
    encoded = text.encode("utf-8", "surrogatepass")
    others = encoded.translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass")
    if DIGITS_RE.search(others):
        return DIGITS_RE.sub("", text)
    return encoded.translate(None, b"0123456789").decode("utf-8", "surrogatepass")


_ASCII_BYTES = bytes(range(128))


def _repeated_texts(lines: list[Line]) -> set[str]:
    """Texts printed more than once (running headers left in the body): never headings.

    >>> sorted(_repeated_texts([Line(t, 0) for t in ("12 KANT", "Kant 13", "Kant.", "")]))
    ['kant']
    """
    counts: Counter[str] = Counter()
    # The keys of many lines at once (a long book's a batch at a time, for memory): digits
    # are no line ends, and casefold keeps spaces and makes none (it commutes with strip).
    for start in range(0, len(lines), _KEY_BATCH):
        texts = [line.text for line in lines[start : start + _KEY_BATCH]]
        joined = "\n".join(texts)
        if joined.count("\n") == len(texts) - 1:  # (no text holds a line end: a key a line)
            counts.update(map(str.strip, _without_digits(joined).casefold().split("\n")))
        else:
            counts.update(map(_key, texts))
    return {text for text, n in counts.items() if n > 1 and text}


_KEY_BATCH = 1000  # lines


def text_measure(lines: list[Line]) -> float:
    """The width of a full line: the median width of lines that wrap into a lowercase word.

    Robust where an extractor glued printed lines together (which widens the widest lines);
    falls back to the paragraphs' measure for short texts.
    """
    wrapped = sorted(
        text_width(line.text.strip())
        for line, after in zip(lines, lines[1:], strict=False)
        if after.text.strip()[:1].islower()
    )
    if len(wrapped) >= MIN_WRAPPED_LINES:
        return wrapped[len(wrapped) // 2]
    return measure_of(lines)


def _front_end(lines: list[Line], measure: float) -> int:
    """Index of the first line of running text: what comes before it is the title block."""
    for index, line in enumerate(lines):
        if line.role == Role.HEADING:
            return index
        width = text_width(line.text.strip())
        if 0.9 * measure <= width <= 1.04 * measure and index + 1 < len(lines):
            after = lines[index + 1].text.strip()
            if line.text.rstrip().endswith("-") or after[:1].islower():
                return index
    return len(lines)


def mark_structure(doc: SourceDocument, report: Report) -> None:
    """Mark heading lines (Role.HEADING, Line.level) and block-quote lines (Role.QUOTE)."""
    body = Role.BODY  # (read once: an enum member look-up costs ~90 ns in Python 3.11)
    lines = [line for line in doc.lines() if line.role == body]
    if len(lines) <= MIN_LINES_BEFORE:
        return
    measure = text_measure(lines)
    if measure <= 0:
        return
    mark_quotes(lines, _front_end(lines, measure), report)
    repeated = _repeated_texts(lines)
    index = MIN_LINES_BEFORE
    while index < len(lines):
        count = heading_at(lines, index, measure, repeated)
        if not count:
            index += 1
            continue
        group = lines[index : index + count]
        for line in group:
            line.role = Role.HEADING
            line.level = 2
        text = " ".join(_clean(line.text) for line in group)
        why = (
            "numbered label"
            if count == 1 and is_label_heading(group[0].text)
            else "short line standing alone"
            if count == 1
            else f"{count} lines wrapped early"
        )
        report.add(
            STEP,
            "heading",
            text[:70],
            evidence=f"{why}; a paragraph ends before it and starts after it",
            line=group[0].number,
        )
        index += count
