"""The source's own outline (a PDF's bookmarks) as the table of contents.

When the reader found an outline (``SourceDocument.outline``), each entry is matched to the
heading it names, on the page it points to or the next one:

* **a heading that reads like it** — the printed heading's text and the entry's title are equal
  or close once case, spaces, punctuation and a leading number ("1.", "IV") are set aside, or
  one holds the other ("Chapter 3: The Mill" for "The Mill") — or, failing that, the heading
  the entry points at exactly. The heading's level follows the entry's depth (depth 0 → h2,
  1 → h3 … h6) and the entry's title becomes its table-of-contents title
  (``Line.toc``, a :class:`~ebookmaker.model.TocTarget`);
* **no heading there** — the entry points at the first text line at its view (or of its page),
  which gets the target alone: an anchor in the running text, no visible change (reported as
  unsure).

Headings found from the layout that the outline does not list stay headings, but the table of
contents follows the outline alone (the author's own choice of entries; a heading the outline
leaves out is often display text or a minor subheading). One that stands below a matched
entry is set one level deeper than it, so the heading levels nest as the outline does.

>>> from ebookmaker.explain import Report
>>> from ebookmaker.model import Line, OutlineEntry, Page, Role, SourceDocument
>>> lines = [Line("1. Beginnings", 0, 1, role=Role.HEADING),
...          Line("Text of the first page.", 0, 2, role=Role.BODY),
...          Line("More text.", 1, 3, role=Role.BODY)]
>>> doc = SourceDocument([Page(0, lines[:2]), Page(1, lines[2:])], "pdf",
...     outline=[OutlineEntry("Beginnings", 0, 0, 1), OutlineEntry("Later", 1, 1, 3)])
>>> follow_outline(doc, Report())
>>> [([t.title for t in line.toc], line.level) for line in lines]
[(['Beginnings'], 2), ([], 2), (['Later'], 2)]
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from difflib import SequenceMatcher

from ..explain import Report
from ..model import Line, OutlineEntry, Role, SourceDocument, TocTarget

STEP = "outline"

TEXT_ROLES = (Role.BODY, Role.HEADING, Role.QUOTE)
CLOSE = 0.85  # titles at least this similar name the same heading
MIN_HELD = 4  # a title held in the other must have at least this many letters
# A leading number or roman numeral with its punctuation: "1.", "IV", "2.3)".
NUMBER_RE = re.compile(r"^(?:\d+(?:\.\d+)*|[ivxlcdm]+)\b[.):]?\s*")


def normalise(text: str) -> str:
    """Letters and digits only, lower case, single spaces, no accents.

    >>> normalise("  VIII. Civil  Religion ")
    'viii civil religion'
    >>> normalise("Zweyter Abschnitt, welcher …")
    'zweyter abschnitt welcher'
    """
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.findall(r"[^\W_]+", text))


def similarity(title: str, printed: str) -> float:
    """How surely an outline title names a printed heading (0 … 1).

    >>> similarity("VIII. Civil Religion", "VIII. Civil Religion")
    1.0
    >>> similarity("Chapter 3: The Mill", "The Mill") >= CLOSE
    True
    >>> similarity("3 The Mill", "The Mill") >= CLOSE
    True
    >>> similarity("Preface", "Introduction") < CLOSE
    True
    """
    a, b = normalise(title), normalise(printed)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    bare_a, bare_b = NUMBER_RE.sub("", a) or a, NUMBER_RE.sub("", b) or b
    if bare_a == bare_b:
        return 0.95
    short, long = sorted((bare_a, bare_b), key=len)
    letters = sum(c.isalpha() for c in short)
    if letters >= MIN_HELD and (long.startswith(short) or long.endswith(short)):
        return 0.9
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _heading_groups(lines: list[Line]) -> list[list[Line]]:
    """Runs of heading lines of one level: each becomes one heading when unwrapped."""
    groups: list[list[Line]] = []
    for i, line in enumerate(lines):
        if line.role != Role.HEADING:
            continue
        prev = lines[i - 1] if i else None
        if prev is not None and prev.role == Role.HEADING and prev.level == line.level:
            groups[-1].append(line)
        else:
            groups.append([line])
    return groups


def _text(group: list[Line]) -> str:
    return " ".join(line.text for line in group)


def follow_outline(doc: SourceDocument, report: Report) -> None:
    """Match the outline's entries to headings (or anchor them in the text); see the module."""
    if not doc.outline:
        return
    lines = [line for line in doc.lines() if line.role in TEXT_ROLES]
    if not lines:
        return
    groups = _heading_groups(lines)
    pages = [line.page for line in lines]
    claimed: set[int] = set()  # ids of heading lines an entry took
    for entry in doc.outline:
        target = _anchor_line(entry, lines, pages)
        run, evidence = _match(entry, groups, claimed, target)
        depth = f"depth {entry.level}, page {entry.page + 1}"
        if run is not None:
            claimed.update(id(line) for line in run)
            level = min(6, 2 + entry.level)
            for line in run:
                line.level = level
            run[0].toc = [*run[0].toc, TocTarget(entry.title, entry.level)]
            report.add(
                STEP,
                "heading",
                f"{entry.title} → h{level}",
                evidence=f"{depth}; {evidence}",
                line=run[0].number,
            )
            continue
        if target is None:
            report.add(STEP, "drop", entry.title, evidence=f"{depth}; no text there", unsure=True)
            continue
        target.toc = [*target.toc, TocTarget(entry.title, entry.level)]
        report.add(
            STEP,
            "anchor",
            f"{entry.title} → {target.text[:40]!r}",
            evidence=f"{depth}; no heading there reads like it: an anchor in the text",
            line=target.number,
            unsure=True,
        )
    _nest_unlisted(lines, claimed, report)
    _targets_first(lines)


def _runs(group: list[Line], claimed: set[int]) -> list[list[Line]]:
    """The group's runs of consecutive lines no entry took yet, whole first: a heading of
    several lines, or a part of it where two headings were set alike one above the other."""
    runs = []
    for length in range(len(group), 0, -1):
        for start in range(len(group) - length + 1):
            run = group[start : start + length]
            if not any(id(line) in claimed for line in run):
                runs.append(run)
    return runs


def _match(
    entry: OutlineEntry,
    groups: list[list[Line]],
    claimed: set[int],
    target: Line | None,
) -> tuple[list[Line] | None, str]:
    """The heading an entry names, on its page or the next: nearest to the point it shows
    (the ``target`` line), then closest in text; else the heading at the target line."""
    starts = [g[0].page for g in groups]  # (cheap next to the matching itself)
    near = groups[bisect_left(starts, entry.page) : bisect_right(starts, entry.page + 1)]
    best: tuple[tuple, list[Line]] | None = None
    for group in near:
        for run in _runs(group, claimed):
            score = similarity(entry.title, _text(run))
            if score < CLOSE:
                continue
            # At the point shown, then below it on its page, then the next page, then above.
            if any(line is target for line in run):
                rank = 0
            elif run[0].page != entry.page:
                rank = 2
            else:
                rank = 3 if entry.line and run[-1].number < entry.line else 1
            key = (rank, -score, run[0].number, -len(run))
            if best is None or key < best[0]:
                best = (key, run)
    if best is not None:
        return best[1], f"the printed heading {_text(best[1])[:60]!r} reads like it"
    for group in near:
        if any(line is target for line in group) and not any(id(ln) in claimed for ln in group):
            return group, f"it points at the heading {_text(group)[:60]!r}"
    return None, ""


def _anchor_line(entry: OutlineEntry, lines: list[Line], pages: list[int]) -> Line | None:
    """The text line an entry points at: its line, else the first text line of its page or
    after it (``pages``: the page of each line, in order)."""
    if entry.line:
        k = bisect_left(pages, entry.page)
        while k < len(lines) and lines[k].page == entry.page:
            if lines[k].number == entry.line:
                return lines[k]
            k += 1
    k = bisect_left(pages, entry.page)
    return lines[k] if k < len(lines) else None


def _nest_unlisted(lines: list[Line], claimed: set[int], report: Report) -> None:
    """Headings the outline does not list, below a listed one: one level deeper than it."""
    current: int | None = None  # the level of the last listed heading
    run: list[Line] = []  # the unlisted heading being read

    def settle() -> None:
        if run and current is not None and run[0].level <= current:
            level = min(6, current + 1)
            report.add(
                STEP,
                "level",
                f"{_text(run)[:60]} → h{level}",
                evidence=f"not in the outline; under a listed h{current}",
                line=run[0].number,
            )
            for line in run:
                line.level = level
        run.clear()

    for line in lines:
        listed = id(line) in claimed
        if line.role != Role.HEADING or listed or (run and line.level != run[0].level):
            settle()
        if line.role != Role.HEADING:
            continue
        if listed:
            current = line.level
        else:
            run.append(line)
    settle()


def _targets_first(lines: list[Line]) -> None:
    """A target on a heading line that now continues the heading before it (same level:
    they become one heading) moves to that heading's first line."""
    first: Line | None = None
    for i, line in enumerate(lines):
        prev = lines[i - 1] if i else None
        continues = (
            prev is not None and line.role == prev.role == Role.HEADING and line.level == prev.level
        )
        if not continues:
            first = line
        elif line.toc and first is not None:
            first.toc = [*first.toc, *line.toc]
            line.toc = []
