"""PDF path speed: pages per second of `ebookmaker build book.pdf` against
`pdftotext book.pdf` + `ebookmaker build book.txt`, on a ~300-page PDF made by
concatenating the dev corpus PDFs (pypdf).

    python3 bench/pdf_speed.py [--copies 7]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "dev"


def make_pdf(path: Path, copies: int) -> int:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for _ in range(copies):
        for pdf in sorted(CORPUS.glob("*/source.pdf")):
            for page in PdfReader(pdf).pages:
                writer.add_page(page)
    with path.open("wb") as out:
        writer.write(out)
    return len(writer.pages)


def timed(cmd: list[str]) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    print(f"  {' '.join(cmd[:2])}…: {wall:.1f} s wall, {cpu:.1f} s CPU", file=sys.stderr)
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--copies", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        pdf = work / "book.pdf"
        pages = make_pdf(pdf, args.copies)
        direct = timed(["ebookmaker", "build", str(pdf), "-o", str(work / "a.epub")])
        extract = timed(["pdftotext", str(pdf), str(work / "book.txt")])
        text = timed(["ebookmaker", "build", str(work / "book.txt"), "-o", str(work / "b.epub")])
        print("| path | pages | seconds | pages/s |\n|---|---|---|---|")
        print(f"| ebookmaker build book.pdf | {pages} | {direct:.1f} | {pages / direct:.1f} |")
        both = extract + text
        print(
            f"| pdftotext + ebookmaker build book.txt | {pages} | {both:.1f} | {pages / both:.1f} |"
        )


if __name__ == "__main__":
    main()
