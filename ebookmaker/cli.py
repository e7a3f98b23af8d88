"""Command line: ``ebookmaker build INPUT... [-o OUT]``.

Exit codes: 0 every book was built; 1 at least one input failed (the others were still
built); 2 usage error (bad option, no input found).
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path

import click

from . import __version__

INPUT_SUFFIXES = (".txt", ".text")


def collect_inputs(paths: tuple[str, ...]) -> list[Path]:
    """Files as given; folders searched recursively for text files, in a stable order."""
    found: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found += sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in INPUT_SUFFIXES
            )
        else:
            found.append(path)
    return found


def output_for(source: Path, out: Path, single: bool) -> Path:
    if single and out.suffix.lower() == ".epub":
        return out
    return out / f"{source.stem}.epub"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ebookmaker")
def main() -> None:
    """Turn text extracted from PDFs into clean EPUB 3 books.

    \b
    Examples:
      ebookmaker build source/                  # every text file in source/ -> dist/
      ebookmaker build essay.txt -o essay.epub  # one book to a chosen path
      ebookmaker build essay.txt --explain      # show every uncertain decision
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
) -> None:
    """Build one EPUB per INPUT (a text file, or a folder of them)."""
    from .build import BuildError, build_book

    sources = collect_inputs(inputs)
    if not sources:
        raise click.UsageError("no input text files found")
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
    }
    failed = 0
    for source in sources:
        target = output_for(source, out, single)
        try:
            if not source.is_file():
                raise BuildError("no such file")
            target.parent.mkdir(parents=True, exist_ok=True)
            result = build_book(source, target, flags)
        except BuildError as err:
            failed += 1
            click.echo(f"ebookmaker: error: {source}: {err}", err=True)
            continue
        except Exception as err:  # a bug must not stop the batch: report it in one line
            failed += 1
            click.echo(f"ebookmaker: error: {source}: internal error: {err!r}", err=True)
            if verbose:
                traceback.print_exc()
            continue
        report = result.report
        if explain and report is not None:
            click.echo(report.format())
        if report_path and report is not None:
            import json

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
    if failed:
        if not quiet and len(sources) > 1:
            click.echo(f"{len(sources) - failed} built, {failed} failed", err=True)
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
