"""Fuzz the conversion for a few minutes: ``python fuzz/run_fuzz.py --minutes 10``.

Runs, round-robin until the time is up, hypothesis searches over:

* ``documents`` — generated books (paragraphs, note markers and notes, line-end hyphens,
  page breaks) in the seedstyle and plain shapes (see ``tests/test_properties.py``);
  checks: no exception, EPUB produced, no word lost;
* ``text`` — arbitrary Unicode text (any code point, control characters included);
  checks: no exception other than a clean ``InputError``;
* ``bytes`` — arbitrary bytes through ``decode`` (like a file on disk), then the pipeline;
* ``mutations`` — the dev corpus's extractions with random lines deleted, duplicated,
  swapped, cut or doubled, and random characters inserted.

Each failure is shrunk by hypothesis and printed with the falsifying input; failures are
saved under ``fuzz/findings/`` (one ``.txt`` input + ``.log`` traceback) so they can be
replayed with ``ebookmaker build fuzz/findings/<name>.txt``. Exit code 1 when anything failed.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from ebookmaker.build import missing_words  # noqa: E402
from ebookmaker.pipeline import convert_text  # noqa: E402
from ebookmaker.readers import InputError, decode  # noqa: E402
from ebookmaker.writer.epub import epub_bytes  # noqa: E402
from tests.test_properties import SHAPES, check_conversion, documents  # noqa: E402

FINDINGS = REPO / "fuzz" / "findings"
CORPUS = REPO.parent / "shared" / "corpus" / "dev"


def convert(text: str, lossless: bool = False) -> None:
    """The pipeline as ``build_book`` runs it, without files; InputError is a clean failure."""
    if not text.strip():
        return
    try:
        book, report = convert_text(text)
    except InputError:
        return
    epub_bytes(book)
    if lossless:
        missing = missing_words(text, book, report)
        assert not missing, f"{len(missing)} words lost: {missing[:10]}"


def save(kind: str, text: str, error: BaseException) -> Path:
    FINDINGS.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    path = FINDINGS / f"{kind}-{digest}.txt"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    trace = "".join(traceback.format_exception(error))
    path.with_suffix(".log").write_text(trace, encoding="utf-8")
    return path


def corpus_texts() -> list[str]:
    texts = []
    for path in sorted(CORPUS.glob("*/extracted/*.txt")):
        texts.append(path.read_text(encoding="utf-8", errors="replace"))
    return texts or ["Ett stycke text.\n\nEtt till.\n"]


@st.composite
def mutated(draw: st.DrawFn, texts: list[str]) -> str:
    lines = draw(st.sampled_from(texts)).split("\n")
    start = draw(st.integers(0, max(0, len(lines) - 60)))
    lines = lines[start : start + draw(st.integers(1, 120))]
    for _ in range(draw(st.integers(0, 12))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "swap", "cut", "insert", "junk"]))
        if action == "delete":
            del lines[i]
        elif action == "duplicate":
            lines.insert(i, lines[i])
        elif action == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif action == "cut":
            lines[i] = lines[i][: draw(st.integers(0, len(lines[i])))]
        elif action == "insert":
            lines.insert(i, draw(st.sampled_from(["", " " * 49, "\f", "12", "1", "*", "-", "¹"])))
        else:
            k = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:k] + draw(st.text(max_size=5)) + lines[i][k:]
    return "\n".join(lines)


def searches() -> dict[str, Callable[[int], None]]:
    """Each search runs ``n`` examples when called (and raises on the first failure)."""
    texts = corpus_texts()

    def run(strategy: st.SearchStrategy, check: Callable) -> Callable[[int], None]:
        def go(n: int) -> None:
            @settings(
                max_examples=n,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
                print_blob=True,
            )
            @given(strategy)
            def prop(value) -> None:
                check(value)

            prop()

        return go

    def check_document(value: tuple) -> None:
        doc, shape = value
        text = SHAPES[shape](doc)
        try:
            check_conversion(text, doc)
        except Exception as error:
            error.add_note(f"rendered input: {text!r}")
            raise

    def check_bytes(data: bytes) -> None:
        try:
            text = decode(data)
        except InputError:
            return
        convert(text)

    return {
        "documents": run(st.tuples(documents(), st.sampled_from(sorted(SHAPES))), check_document),
        "text": run(st.text(max_size=2000), convert),
        "bytes": run(st.binary(max_size=2000), check_bytes),
        "mutations": run(mutated(texts), lambda text: convert(text)),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="how long to fuzz")
    parser.add_argument("--batch", type=int, default=25, help="examples per search per round")
    parser.add_argument(
        "--only", choices=["documents", "text", "bytes", "mutations"], action="append"
    )
    args = parser.parse_args(argv)
    deadline = time.monotonic() + args.minutes * 60
    runs = {name: go for name, go in searches().items() if not args.only or name in args.only}
    examples = dict.fromkeys(runs, 0)
    failures: dict[str, str] = {}
    while time.monotonic() < deadline and len(failures) < len(runs):
        for name, go in runs.items():
            if name in failures or time.monotonic() >= deadline:
                continue
            try:
                go(args.batch)
                examples[name] += args.batch
            except Exception as error:  # a finding: report, save, stop this search
                errors = list(error.exceptions) if isinstance(error, ExceptionGroup) else [error]
                failures[name] = "; ".join(_one_line(e) for e in errors)[:600]
                for found in errors:
                    print(f"\n[{name}] FAILED: {_one_line(found)}")
                    notes = getattr(found, "__notes__", [])
                    for note in notes:
                        print(f"  {note[:2000]}")
                    value = _falsifying_text(notes)
                    if value is not None:
                        print(f"  saved {save(name, value, found)}")
        done = ", ".join(f"{name} {count}" for name, count in examples.items())
        left = max(0.0, deadline - time.monotonic()) / 60
        print(f"examples so far: {done} ({left:.1f} min left)", flush=True)
    print("\nresult:", "no failures" if not failures else f"{len(failures)} search(es) failed")
    for name, message in failures.items():
        print(f"  {name}: {message}")
    return 1 if failures else 0


def _one_line(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}".splitlines()[0][:300]


def _falsifying_text(notes: list[str]) -> str | None:
    """The shrunk input from hypothesis's "Falsifying example" note, rendered as text."""
    import ast

    for note in notes:
        if note.startswith("rendered input: "):
            return ast.literal_eval(note.removeprefix("rendered input: "))
    for note in notes:
        if note.startswith("Falsifying example"):
            body = note.split("(", 1)[1].rsplit(")", 1)[0].strip().rstrip(",")
            _, _, literal = body.partition("=")
            try:
                value = ast.literal_eval(literal.strip())
            except (ValueError, SyntaxError):
                return note
            if isinstance(value, bytes):
                return value.decode("latin-1")
            return value if isinstance(value, str) else repr(value)
    return None


if __name__ == "__main__":
    sys.exit(main())
