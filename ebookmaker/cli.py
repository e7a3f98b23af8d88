"""Command line: ``ebookmaker build INPUT... [-o OUT]``.

One input file is built here, in this process. A folder or several inputs are a batch
(:mod:`ebookmaker.batch`): parallel, incremental, with ``report.json`` in the output folder.

Exit codes: 0 every book was built (or was unchanged); 1 at least one input failed (the
others were still built); 2 usage error (bad option, no input found); 130 interrupted.
"""

from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from . import __version__

if TYPE_CHECKING:
    from .batch import INPUT_SUFFIXES

__all__ = ["INPUT_SUFFIXES", "collect_inputs", "main", "output_for"]


def __getattr__(name: str) -> Any:
    # The batch machinery is imported only for batches (it costs ~20-50 ms of every start).
    if name == "INPUT_SUFFIXES":
        from .batch import INPUT_SUFFIXES

        return INPUT_SUFFIXES
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def collect_inputs(paths: tuple[str, ...]) -> list[Path]:
    """Files as given; folders searched recursively for input files, in a stable order."""
    return [source for source, _ in _find_inputs(paths)]


def _find_inputs(paths: tuple[str, ...]) -> list[tuple[Path, Path]]:
    """:func:`ebookmaker.batch.find_inputs`, without importing it for one file."""
    if len(paths) == 1 and not Path(paths[0]).is_dir():
        path = Path(paths[0])
        return [(path, Path(path.stem + ".epub"))]  # what find_inputs gives for a file
    from .batch import find_inputs

    return find_inputs(paths)


def output_for(source: Path, out: Path, single: bool) -> Path:
    if single and out.suffix.lower() == ".epub":
        return out
    return out / f"{source.stem}.epub"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ebookmaker")
def main() -> None:
    """Turn text extracted from PDFs, or the PDFs themselves, into clean EPUB 3 books.

    \b
    Examples:
      ebookmaker build source/                  # every text file in source/ -> dist/
      ebookmaker build essay.txt -o essay.epub  # one book to a chosen path
      ebookmaker build essay.txt --explain      # show every uncertain decision
      ebookmaker build book.pdf                 # read the PDF itself
    """


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path())
@click.option(
    "-o",
    "--output",
    "output",
    default="dist",
    show_default=True,
    help="Output folder, or a .epub path when there is one input.",
)
@click.option("--title", help="Book title (overrides the detected one).")
@click.option("--author", "authors", multiple=True, help="Author; repeat for several.")
@click.option("--language", help="Language code, e.g. sv, en, de (detected when omitted).")
@click.option("--date", help="Publication date, ISO 8601 (e.g. 1935-09-06).")
@click.option("--translator", "translators", multiple=True, help="Translator; repeat for several.")
@click.option("--cover", type=click.Path(), help="Cover image (JPEG or PNG); drawn when omitted.")
@click.option(
    "--input-format",
    type=click.Choice(["seedstyle", "plain"]),
    help="Force a reader instead of sniffing the input's shape.",
)
@click.option("--explain", is_flag=True, help="Print every uncertain decision and its evidence.")
@click.option(
    "--report",
    "report_path",
    type=click.Path(),
    help="Write the decisions as JSON to this file (one input only).",
)
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
@click.option("-v", "--verbose", is_flag=True, help="Print tracebacks for failures.")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes for a folder [default: all cores]; 1 builds in this process.",
)
@click.option("--force", is_flag=True, help="Rebuild books that are unchanged since the last run.")
@click.option(
    "--max-size",
    "max_size",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    metavar="MB",
    help="Refuse inputs larger than this many megabytes [default: 200].",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="Build on a dask.distributed cluster, e.g. tcp://host:8786 (needs the "
    "'distributed' extra; inputs and output must be on a disk the workers share).",
)
def build(
    inputs,
    output,
    title,
    authors,
    language,
    date,
    translators,
    cover,
    input_format,
    explain,
    report_path,
    quiet,
    verbose,
    jobs,
    force,
    max_size,
    scheduler,
) -> None:
    """Build one EPUB per INPUT (a text or PDF file, or a folder of them).

    A folder (or several inputs) is built in parallel into the output folder, mirroring
    subfolders; books whose input, sidecars, cover, options and ebookmaker version are
    unchanged since the last run are skipped (--force rebuilds them). Every run writes
    report.json in the output folder. Ctrl-C stops cleanly; the next run carries on.
    """
    found = _find_inputs(inputs)
    if not found:
        raise click.UsageError("no input text files found")
    sources = [source for source, _ in found]
    out = Path(output)
    single = len(sources) == 1
    if len(sources) > 1 and out.suffix.lower() == ".epub":
        raise click.UsageError("-o ends in .epub but there are several inputs: give a folder")
    if report_path and not single:
        raise click.UsageError("--report takes one input")
    flags = {
        "title": title,
        "authors": list(authors),
        "language": language,
        "date": date,
        "translators": list(translators),
        "cover": cover,
        "input_format": input_format,
        "max_size": max_size,
    }
    # A folder is a batch even when it holds one book (state, report.json), unless -o
    # names the .epub; so is any build on a cluster.
    folder_given = any(Path(name).is_dir() for name in inputs)
    if not single or ((folder_given or scheduler) and out.suffix.lower() != ".epub"):
        _batch(found, out, flags, jobs, force, quiet, verbose, explain, report_path, scheduler)
    _build_one(
        sources[0], output_for(sources[0], out, single), flags, explain, report_path, quiet, verbose
    )


def _batch(
    found: list[tuple[Path, Path]],
    out: Path,
    flags: dict,
    jobs: int | None,
    force: bool,
    quiet: bool,
    verbose: bool,
    explain: bool,
    report_path: str | None,
    scheduler: str | None,
) -> NoReturn:
    """Run a batch and exit with its code."""
    from .batch import BatchError, BatchOptions, default_jobs, run_batch

    options = BatchOptions(
        jobs=jobs or default_jobs(),
        force=force,
        quiet=quiet,
        verbose=verbose,
        explain=explain,
        decisions_path=Path(report_path) if report_path else None,
        scheduler=scheduler,
    )
    try:
        code = run_batch(found, out, flags, options)
    except BatchError as err:
        click.echo(f"ebookmaker: error: {err}", err=True)
        code = 1
    except KeyboardInterrupt:  # before any book was sent off: nothing to clean up
        click.echo("ebookmaker: interrupted", err=True)
        code = 130
    sys.exit(code)


def _build_one(
    source: Path,
    target: Path,
    flags: dict,
    explain: bool,
    report_path: str | None,
    quiet: bool,
    verbose: bool,
) -> None:
    """One input file: built in this process, no state or batch report."""
    from .build import BuildError, build_book

    try:
        result = build_book(source, target, flags)
    except BuildError as err:
        click.echo(f"ebookmaker: error: {source}: {err}", err=True)
        sys.exit(1)
    except Exception as err:  # a bug: one line, the traceback only on request
        click.echo(f"ebookmaker: error: {source}: internal error: {err!r}", err=True)
        if verbose:
            traceback.print_exc()
        sys.exit(1)
    report = result.report
    if explain and report is not None:
        click.echo(report.format())
    if report_path and report is not None:
        Path(report_path).write_text(
            json.dumps(report.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8"
        )
    if not quiet:
        click.echo(
            f"built {target} ({result.words} words, {result.notes_linked}/{result.notes} "
            f"notes linked, {result.unsure} unsure decisions, {result.seconds:.2f} s)"
        )
        for warning in result.warnings:
            click.echo(f"  warning: {warning}", err=True)


if __name__ == "__main__":  # pragma: no cover
    main()
