"""Build one book from one input file: options from flags, sidecars and covers; atomic output.

Sidecars (TOML, same keys as the flags): ``<folder>/ebookmaker.toml`` for a whole folder, then
``<folder>/<stem>.toml`` for one book; flags override both. A cover is taken from ``--cover``,
the sidecar's ``cover`` key, or ``covers/<stem>.jpg|jpeg|png`` (next to the input's folder or
in the current directory); otherwise one is drawn.
"""

from __future__ import annotations

import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .explain import Report
from .pipeline import Options, convert_text

MAX_INPUT_BYTES = 200 * 1024 * 1024
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
    for folder in (source.parent.parent / "covers", source.parent / "covers", Path("covers")):
        for suffix in COVER_SUFFIXES:
            candidate = folder / f"{source.stem}{suffix}"
            if candidate.is_file():
                return candidate
    return None


def build_book(source: Path, output: Path, flags: dict | None = None) -> BuildResult:
    """Convert ``source`` into the EPUB ``output``; raises BuildError with a one-line reason."""
    from .cover import CoverError, load_user_cover
    from .readers import InputError, decode
    from .writer.epub import write_epub

    started = time.perf_counter()
    options, cover_path = gather_options(source, flags or {})
    try:
        size = source.stat().st_size
        if size > MAX_INPUT_BYTES:
            raise BuildError(
                f"input is {size / 1e6:.0f} MB, over the {MAX_INPUT_BYTES / 1e6:.0f} MB limit"
            )
        data = source.read_bytes()
    except OSError as err:
        raise BuildError(f"cannot read input: {err.strerror or err}") from err
    try:
        text = decode(data)
    except InputError as err:
        raise BuildError(str(err)) from err
    if not text.strip():
        raise BuildError("the input is empty")
    try:
        book, report = convert_text(text, options, name=source.stem)
    except InputError as err:
        raise BuildError(str(err)) from err
    if cover_path is not None:
        try:
            book.cover_image, book.cover_media_type = load_user_cover(cover_path)
        except CoverError as err:
            raise BuildError(f"cover {cover_path}: {err}") from err
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
