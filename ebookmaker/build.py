"""Build one book from one input file: options from flags, sidecars and covers; atomic output.

Sidecars (TOML, same keys as the flags): ``<folder>/ebookmaker.toml`` for a whole folder, then
``<folder>/<stem>.toml`` for one book; flags override both. A cover is taken from ``--cover``,
the sidecar's ``cover`` key, or ``covers/<stem>.jpg|jpeg|png`` (next to the input's folder or
in the current directory); otherwise one is drawn.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
import time
import tomllib
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, compress, filterfalse, repeat
from operator import gt
from pathlib import Path

from .explain import Report
from .model import Book
from .pipeline import Options, convert_pdf, convert_text

MAX_INPUT_BYTES = 200 * 1000 * 1000  # the default of --max-size (200 MB)
LIST_KEYS = {"author", "authors", "translator", "translators"}
SIDECAR_KEYS = {
    "title",
    "author",
    "authors",
    "language",
    "date",
    "translator",
    "translators",
    "cover",
    "publisher",
    "series",
    "rights",
    "input_format",
}
COVER_SUFFIXES = (".jpg", ".jpeg", ".png")


class BuildError(Exception):
    """A book could not be built; the message is one line naming the reason."""


@dataclass
class BuildResult:
    source: Path
    output: Path
    seconds: float = 0.0
    words: int = 0
    notes: int = 0
    notes_linked: int = 0
    unsure: int = 0
    warnings: list[str] = field(default_factory=list)
    report: Report | None = None


def load_sidecar(path: Path) -> dict:
    """Read a TOML sidecar; unknown keys and bad TOML are errors with one-line messages."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        raise BuildError(f"cannot read sidecar {path.name}: {err}") from err
    except tomllib.TOMLDecodeError as err:
        raise BuildError(f"invalid TOML in sidecar {path.name}: {err}") from err
    unknown = set(data) - SIDECAR_KEYS
    if unknown:
        raise BuildError(f"unknown key(s) in sidecar {path.name}: {', '.join(sorted(unknown))}")
    for key, value in data.items():
        if isinstance(value, dt.date):  # TOML dates (date = 1935-09-06) are ISO dates
            value = data[key] = value.isoformat()
        if isinstance(value, str):
            continue
        if key in LIST_KEYS and isinstance(value, list) and all(isinstance(v, str) for v in value):
            continue
        wanted = "a string or a list of strings" if key in LIST_KEYS else "a string"
        raise BuildError(f"sidecar {path.name}: {key} must be {wanted}")
    return data


def _as_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def gather_options(source: Path, flags: dict) -> tuple[Options, Path | None]:
    """Merge folder sidecar, book sidecar and flags (later wins); returns (options, cover)."""
    merged: dict = {}
    cover: Path | None = None
    for sidecar in (source.parent / "ebookmaker.toml", source.with_suffix(".toml")):
        if sidecar.is_file() and sidecar != source:
            data = load_sidecar(sidecar)
            if "cover" in data:
                cover = (sidecar.parent / str(data.pop("cover"))).resolve()
            merged.update(data)
    merged.update({k: v for k, v in flags.items() if v not in (None, (), [], "")})
    if merged.get("cover"):
        cover = Path(merged.pop("cover"))
    merged.pop("cover", None)
    if cover is None:
        cover = find_cover(source)
    options = Options(
        title=str(merged.get("title", "")),
        authors=_as_list(merged.get("authors") or merged.get("author")),
        language=str(merged.get("language", "")),
        date=str(merged.get("date", "")),
        translators=_as_list(merged.get("translators") or merged.get("translator")),
        publisher=str(merged.get("publisher", "")),
        series=str(merged.get("series", "")),
        rights=str(merged.get("rights", "")),
        input_format=merged.get("input_format") or None,
    )
    return options, cover


def find_cover(source: Path) -> Path | None:
    """``covers/<stem>.jpg|jpeg|png`` beside the input's folder or in the current folder."""
    stem = source.stem  # (once: pathlib computes it anew on every use)
    for folder in (source.parent.parent / "covers", source.parent / "covers", Path("covers")):
        if not folder.is_dir():  # (mostly absent: one look instead of one per suffix)
            continue
        for suffix in COVER_SUFFIXES:
            candidate = folder / f"{stem}{suffix}"
            if candidate.is_file():
                return candidate
    return None


def _size(size: float) -> str:
    """``250 MB``, ``1.5 MB``, ``800 kB``: one decimal only where it tells sizes apart."""
    for unit, scale in (("MB", 1e6), ("kB", 1e3)):
        if size >= scale:
            value = size / scale
            exact = value >= 100 or abs(value - round(value)) < 0.05
            return f"{value:.0f} {unit}" if exact else f"{value:.1f} {unit}"
    return f"{size:.0f} bytes"


def max_input_bytes(flags: dict) -> int:
    """The size limit: ``flags["max_size"]`` in megabytes (``--max-size``), else the default."""
    value = flags.get("max_size")
    if value in (None, ""):
        return MAX_INPUT_BYTES
    try:
        megabytes = float(value)
    except (TypeError, ValueError) as err:
        raise BuildError(f"--max-size must be a number of megabytes, not {value!r}") from err
    if not megabytes > 0:
        raise BuildError(f"--max-size must be a positive number of megabytes, not {value!r}")
    return int(megabytes * 1e6)


def read_input(source: Path, limit: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of ``source``: a regular file within ``limit`` bytes, else BuildError."""
    try:
        if source.is_dir():
            raise BuildError("is a folder, not a text file")
        if source.exists() and not source.is_file():
            raise BuildError("not a regular file (a device, pipe or socket)")
        size = source.stat().st_size
        if size > limit:
            raise BuildError(
                f"input is {_size(size)}, over the {_size(limit)} limit (--max-size raises it)"
            )
        with source.open("rb") as handle:
            data = handle.read(limit + 1)  # the file may have grown since stat()
    except OSError as err:
        raise BuildError(f"cannot read input: {err.strerror or err}") from err
    if len(data) > limit:
        raise BuildError(f"input is over the {_size(limit)} limit (--max-size raises it)")
    return data


def build_book(source: Path, output: Path, flags: dict | None = None) -> BuildResult:
    """Convert ``source`` into the EPUB ``output``; raises BuildError with a one-line reason.

    ``source`` is only ever read; ``output`` appears complete or not at all.
    """
    from .cover import CoverError, load_user_cover
    from .readers import InputError, decode
    from .writer.epub import write_epub

    started = time.perf_counter()
    flags = dict(flags or {})
    limit = max_input_bytes(flags)
    flags.pop("max_size", None)
    options, cover_path = gather_options(source, flags)
    data = read_input(source, limit)
    if _same_file(source, output):
        raise BuildError(f"the output {output} would overwrite the input")
    is_pdf = data[:1024].lstrip().startswith(b"%PDF-") and source.suffix.lower() == ".pdf"
    text = ""
    if not is_pdf:
        try:
            text = decode(data)
        except InputError as err:
            raise BuildError(str(err)) from err
        if not text.strip():
            raise BuildError(
                "the input is empty" if not text else "the input holds only whitespace"
            )
        data = b""  # the text is all that is needed now: a long book's bytes are freed
    cover: tuple[bytes, str] | None = None
    if cover_path is not None:  # checked before the (slow) conversion
        try:
            cover = load_user_cover(cover_path)
        except CoverError as err:
            reason = str(err).removeprefix(f"cover {Path(cover_path).name}: ")
            raise BuildError(f"cover {cover_path}: {reason}") from err
    try:
        if is_pdf:
            book, report = convert_pdf(data, options, name=source.stem)
        else:
            book, report = convert_text(text, options, name=source.stem)
    except InputError as err:
        raise BuildError(str(err)) from err
    if not (book.blocks or book.notes or book.front or book.metadata.title):
        raise BuildError("no text left after removing page artefacts (see --explain)")
    # The PDF path has no input text to compare with: its reader keeps every glyph line.
    missing = [] if is_pdf else missing_words(text, book, report)
    if missing:
        shown = ", ".join(missing[:8]) + (", …" if len(missing) > 8 else "")
        report.warn(f"{len(missing)} words missing: {shown}")
    if cover is not None:
        book.cover_image, book.cover_media_type = cover
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        reason = err.strerror or str(err)
        raise BuildError(f"cannot create output folder {output.parent}: {reason}") from err
    try:
        write_epub(book, output)
    except OSError as err:
        raise BuildError(f"cannot write {output}: {err.strerror or err}") from err
    words = sum(len(block.plain_text().split()) for block in book.blocks)
    linked = sum(1 for d in report.decisions if d.step == "notes" and d.action == "link")
    return BuildResult(
        source=source,
        output=output,
        seconds=time.perf_counter() - started,
        words=words,
        notes=len(book.notes),
        notes_linked=linked,
        unsure=report.unsure_count,
        warnings=list(report.warnings),
        report=report,
    )


def _same_file(source: Path, output: Path) -> bool:
    try:
        return output.exists() and output.samefile(source)
    except OSError:
        return False


# --- nothing lost ------------------------------------------------------------------------

# Runs of letters (with their combining marks) or runs of digits: "ex2" is "ex" + "2", so a
# page number glued to a word, or a note marker, does not hide the word.
_TOKEN_RE = re.compile(r"(?:[^\W\d_]|[\u0300-\u036f])+|\d+")


# The ASCII characters that are in no token (punctuation, "_", controls, spaces) mapped to a
# space, the others kept: a table for bytes.translate over the UTF-8 bytes (in which every
# other character is bytes >= 0x80, kept as they are).
_ASCII_SPACED = bytes(
    byte if chr(byte).isalnum() or byte >= 0x80 else ord(" ") for byte in range(256)
)


_FOLD_CHUNK = 1 << 20  # characters


def _fold(text: str) -> str:
    """NFKC and casefolded.

    >>> _fold("ﬁn STRASSE")
    'fin strasse'
    """
    return "".join(_folded_pieces(text))


def _folded_pieces(text: str) -> Iterator[str]:
    """``_fold(text)`` in pieces of about a megabyte cut after a line end: casefold's work
    buffer takes 12 bytes a character, and neither step looks across a line end.

    >>> list(_folded_pieces("ﬁn STRASSE"))
    ['fin strasse']
    """
    if len(text) <= _FOLD_CHUNK:
        yield unicodedata.normalize("NFKC", text).casefold()
        return
    start = 0
    while start < len(text):
        end = text.find("\n", start + _FOLD_CHUNK)
        end = len(text) if end < 0 else end + 1
        yield unicodedata.normalize("NFKC", text[start:end]).casefold()
        start = end


def _tokenize(folded: str) -> list[str]:
    """``_TOKEN_RE.findall(folded)``, faster: with ASCII punctuation made spaces, the runs
    between spaces (str.split, in C) of letters only or of digits only are one token each;
    the few other runs (a dash, a quote, a marker glued to its word) are found in C and cut
    by _TOKEN_RE, the runs between them taken as they are. (No space is in a token, nor is
    any character made one: the tokens stay those of the text.)

    >>> _tokenize("ord, ex2 1950 a_b – ”ja”")
    ['ord', 'ex', '2', '1950', 'a', 'b', 'ja']
    """
    # Two times faster than a regex over the text, whose every match costs its own call.
    # (One expression: each copy of the text is freed as soon as the next one is made.)
    runs = (
        folded.encode("utf-8", "surrogatepass")
        .translate(_ASCII_SPACED)
        .decode("utf-8", "surrogatepass")
        .split()
    )
    odd = list(filterfalse(str.isdecimal, filterfalse(str.isalpha, runs)))
    if not odd:
        return runs
    tokens: list[str] = []
    at = 0
    for run in odd:  # (in order: each is the next run equal to it)
        i = runs.index(run, at)
        tokens += runs[at:i]
        tokens += _TOKEN_RE.findall(run)
        at = i + 1
    tokens += runs[at:]
    return tokens


def word_tokens(text: str) -> list[str]:
    """The words of ``text`` for comparison: NFKC, casefolded, letters-only or digits-only.

    >>> word_tokens("Sovjet-\\nunionen, ex2 ﬁn¹")
    ['sovjet', 'unionen', 'ex', '2', 'fin', '1']
    """
    return _tokenize(_fold(text))


def _split_tokens(text: str, canon: dict[str, str] | None = None) -> tuple[list[str], list[int]]:
    """Tokens of ``text`` and the indexes of tokens that end a line with a hyphen.

    With ``canon``, equal tokens are one string object (kept in it): a long book's million
    tokens then cost a pointer each, not a string each.

    >>> _split_tokens("Sovjet-\\nunionen; 1950-\\ntalet - ja-\\n")
    (['sovjet', 'unionen', '1950', 'talet', 'ja'], [0, 2, 4])
    """
    # The line-end hyphens are no token characters: the text is cut at them, and a piece
    # whose last token reaches its end holds a token that ends a line with a hyphen.
    tokens: list[str] = []
    split: list[int] = []
    # A long text folded a piece at a time (whole lines: no token or hyphen crosses a cut).
    for folded in _folded_pieces(text):
        start = 0
        # The parts between hyphens one at a time (a list of them all would double the text).
        for at, end in chain(_line_end_hyphens(folded), [(len(folded), len(folded))]):
            piece = folded[start:at]
            found = _tokenize(piece)
            if found:
                tokens += found if canon is None else map(canon.setdefault, found, found)
                if at < len(folded) and piece.endswith(found[-1]):
                    split.append(len(tokens) - 1)
            start = end
    return tokens, split


def _is_word(char: str) -> bool:
    """Whether ``char`` matches ``\\w``."""
    return char.isalnum() or char == "_"


def _hyphens(folded: str) -> list[tuple[int, int]]:
    """The (start, end) of each hyphen before a line end (spaces and tabs between) and of each
    other soft hyphen: the matches of ``[-\\u00ad\\u2010\\u2011][ \\t]*\\n|\\u00ad``, found
    from the hyphens (a few dozen a book; fewer than the line ends) instead of by the regex
    engine at every character.

    >>> _hyphens("a-\\nb\\u00adc \\u2010 \\n\\u00ad\\u00ad\\n")
    [(1, 3), (4, 5), (7, 10), (10, 11), (11, 13)]
    """
    found = []
    size = len(folded)
    for hyphen in "-\u00ad\u2010\u2011":
        at = folded.find(hyphen)
        while at >= 0:
            end = at + 1
            while end < size and folded[end] in " \t":
                end += 1
            if end < size and folded[end] == "\n":
                found.append((at, end + 1))
            elif hyphen == "\u00ad":
                found.append((at, at + 1))
            at = folded.find(hyphen, at + 1)
    found.sort()
    return found


def _line_end_hyphens(folded: str) -> Iterator[tuple[int, int]]:
    """The (start, end) of the matches of _LINE_END_HYPHEN_RE in ``folded``, found faster: its
    look-behind is checked only at the hyphens.

    >>> text = "a -\\n-\\n.\\u00ad \\n"
    >>> list(_line_end_hyphens(text))
    [(1, 4), (7, 8)]
    >>> [match.span() for match in _LINE_END_HYPHEN_RE.finditer(text)]
    [(1, 4), (7, 8)]
    """
    for at, end in _hyphens(folded):
        if end - at > 1:  # a hyphen that ends a line: after a word character (or one and " ")?
            if at and _is_word(folded[at - 1]):
                pass
            elif at > 1 and folded[at - 1] == " " and _is_word(folded[at - 2]):
                at -= 1
            elif folded[at] == "\u00ad":
                end = at + 1  # the soft hyphen alone
            else:
                continue
        yield at, end


# "plea -" (a space before the hyphen, from justified lines) is a line-end hyphen too.
_LINE_END_HYPHEN_RE = re.compile("(?<=\\w) ?[-\u00ad\u2010\u2011][ \t]*\n|\u00ad")
_SHARE_FROM = _FOLD_CHUNK  # characters of input: from there on, equal tokens are shared
_HYPHEN_REACH = 400  # tokens: a page foot, a header and long footnotes may stand between
_WALKS_BEFORE_SORTING = 4  # split tokens whose next token is not the other half


def book_texts(book: Book, report: Report) -> Iterable[str]:
    """Every text the book shows (body, notes, front, metadata) and the report's drops."""
    meta = book.metadata
    yield from (meta.title, meta.date, meta.publisher, meta.series, meta.rights)
    yield from (meta.description, *meta.authors, *meta.translators, *book.front)
    for block in book.blocks:
        yield block.plain_text()
    for note in book.notes:
        yield f"{note.label} {note.text}"
    for decision in report.decisions:
        if decision.action == "drop":
            yield decision.subject


# Characters: a joined string's tokens, each a new string until shared, take a few hundred
# kilobytes at most.
_JOIN_CHUNK = 1 << 16


def _joined(parts: Iterable[str], size: int = _JOIN_CHUNK) -> Iterator[str]:
    """``parts`` joined by line ends, in strings of about ``size`` characters: one fold and
    one tokenization for many short texts. No token, and no step of the fold, crosses a line
    end, so the tokens are those of the parts one by one.

    >>> list(_joined(["a", "", "b c", None, "d"], size=3))
    ['a\\nb c', 'd']
    """
    batch: list[str] = []
    length = 0
    for part in parts:
        if not part:
            continue
        batch.append(part)
        length += len(part)
        if length >= size:
            yield "\n".join(batch)
            batch, length = [], 0
    if batch:
        yield "\n".join(batch)


def missing_words(text: str, book: Book, report: Report) -> list[str]:
    """Words of the input ``text`` that are neither in ``book`` nor dropped in ``report``.

    Words are compared as multisets of :func:`word_tokens`. A word split by a line-end
    hyphen ("Sovjet-" + "unionen") counts as kept when the book has the joined word, and a
    word the book splits ("Sovjet-unionen") when the book has its two halves in a row.
    """
    from .readers import normalize_text

    # Sharing equal tokens saves memory only on long inputs; on a book's worth of text it
    # costs more time than the memory is worth.
    canon: dict[str, str] | None = {} if len(text) > _SHARE_FROM else None
    source, split = _split_tokens(normalize_text(text), canon)
    # Every text of the book, folded and tokenized, in order; counted in C.
    shown: list[str] = [""]  # (the "" makes the first word a pair of its own below)
    for joined in _joined(book_texts(book, report)):
        found = _tokenize(_fold(joined))
        shown += found if canon is None else map(canon.setdefault, found, found)
    have = Counter(shown)
    del have[""]
    source_count = Counter(source)
    # The words the book has fewer of than the input, and how many fewer; found in C.
    short = _short(source_count, have)
    if not short:
        return []  # every word of the input is in the book at least as often
    # Two greedy matchings: hyphen-split halves joined first, or matched alone first.
    # Either can steal a word the other needs; the one that misses less is the answer.
    words = _Sorted(have)
    missing = _unmatched(source, split, source_count, have, short, True, words)
    if missing:
        other = _unmatched(source, split, source_count, have, short, False, words)
        if len(other) < len(missing):
            missing = other
    if not missing:
        return missing
    # A word the book writes split in two ("Sovjet-unionen" as two tokens) is not lost:
    # one pass over the book's neighbouring tokens, only for the few words still missing.
    wanted = set(missing)
    ends = {word[k:] for word in wanted for k in range(len(word))}
    found = {
        first + second
        for first, second in zip(shown, shown[1:], strict=False)
        if second in ends and first + second in wanted
    }
    return [token for token in missing if token not in found]


def _short(wanted: Counter, have: Counter) -> dict[str, int]:
    """The words ``wanted`` more often than ``have`` holds them, and how many times more;
    compared in C, the differences taken in Python only for those few.

    >>> _short(Counter("aabc"), Counter("abb"))
    {'a': 1, 'c': 1}
    """
    more = compress(wanted, map(gt, wanted.values(), map(have.get, wanted, repeat(0))))
    return {token: wanted[token] - have.get(token, 0) for token in more}


class _Sorted:
    """The words of ``have`` sorted, once, when first asked for (often never)."""

    def __init__(self, have: Counter) -> None:
        self.have = have
        self.words: list[str] | None = None

    def __call__(self) -> list[str]:
        if self.words is None:
            self.words = sorted(self.have)
        return self.words


def _unmatched(
    source: list[str],
    split: list[int],
    source_count: Counter,
    have: Counter,
    short: dict[str, int],
    join_first: bool,
    words: Callable[[], list[str]],
) -> list[str]:
    """The tokens of ``source`` (counted in ``source_count``) that ``have`` (the book's words,
    of which ``short`` are fewer than in the source; ``words()`` sorted) cannot account
    for: each split token joins the nearest following token to a word of the book
    (``join_first``: before the other tokens are matched), each other token matches one
    occurrence of itself, in order. Neither ``have`` nor ``short`` is changed.

    >>> source = ["sovjet", "unionen", "och", "och"]
    >>> have = Counter(["sovjetunionen", "och"])
    >>> short = _short(Counter(source), have)
    >>> _unmatched(source, split=[0], source_count=Counter(source), have=have, short=short,
    ...            join_first=True, words=lambda: ["och", "sovjetunionen"])
    ['och']
    """
    n = len(source)
    done = bytearray(n)  # 1: the token is accounted for
    get = have.get  # (Counter's [] calls __missing__, in Python, for absent words)
    used: dict[str, int] = {}  # the book's words taken by joined halves
    joined_at: list[int] = []

    def left(word: str) -> int:
        """How many times the book still has ``word`` for a join."""
        if join_first:
            return get(word, 0) - used.get(word, 0)
        # After the single tokens took theirs: what the source does not use up.
        return max(get(word, 0) - source_count.get(word, 0), 0) - used.get(word, 0)

    def join_halves() -> None:
        misses = 0
        for i in split:
            if done[i]:
                continue
            first = source[i]
            # The next token (most often the other half) first; else the joined word starts
            # with the left half and is longer: without such a word in the book (the next
            # word after ``first`` in sorted order), nothing can match. Sorting the book's
            # words costs as much as a few walks: only when there are more.
            if i + 1 < n and not done[i + 1] and left(first + source[i + 1]) > 0:
                at = i + 1
            else:
                misses += 1
                if misses > _WALKS_BEFORE_SORTING:
                    sorted_words = words()
                    k = bisect.bisect_right(sorted_words, first)
                    if k == len(sorted_words) or not sorted_words[k].startswith(first):
                        continue
                at = next(
                    (
                        j
                        for j in range(i + 2, min(i + 1 + _HYPHEN_REACH, n))
                        if not done[j] and first + source[j] in have and left(first + source[j]) > 0
                    ),
                    -1,
                )
                if at < 0:
                    continue
            joined = first + source[at]
            used[joined] = used.get(joined, 0) + 1
            done[i] = done[at] = 1
            joined_at.extend((i, at))

    def match_rest() -> None:
        # Matching the tokens in order, one occurrence each while the book has the word,
        # leaves exactly the last occurrences of a word the book has too few of: count them,
        # and find only those, instead of walking every token in Python. Only the words the
        # joins touched differ from ``short``.
        too_few = dict(short)
        taken = Counter(source[i] for i in joined_at)
        for token in taken.keys() | used.keys():
            if token in source_count:
                wanted = source_count[token] - taken[token]
                available = get(token, 0) - used.get(token, 0)
                if wanted > available:
                    too_few[token] = wanted - available
                else:
                    too_few.pop(token, None)
        left_over: list[int] = []
        if too_few:
            marks = bytes(map(too_few.__contains__, source))
            pending = sum(too_few.values())
            i = marks.rfind(1)
            while i >= 0 and pending:
                token = source[i]
                if not done[i] and too_few[token]:
                    too_few[token] -= 1
                    pending -= 1
                    left_over.append(i)
                i = marks.rfind(1, 0, i)
        done[:] = b"\x01" * n
        for i in left_over:
            done[i] = 0

    if join_first:
        join_halves()
    match_rest()
    if not join_first:
        join_halves()
    missing = []
    for i in _zeros(done):
        token = source[i]  # lenient: any neighbour that makes a word the book has
        if i > 0 and source[i - 1] + token in have:
            continue
        if (i + 1 < n and token + source[i + 1] in have) or (
            i + 2 < n and token + source[i + 2] in have
        ):
            continue
        missing.append(token)
    return missing


def _zeros(flags: bytearray) -> Iterator[int]:
    """The positions of the zero bytes of ``flags``, found in C.

    >>> list(_zeros(bytearray([1, 0, 1, 0])))
    [1, 3]
    """
    at = flags.find(0)
    while at >= 0:
        yield at
        at = flags.find(0, at + 1)
