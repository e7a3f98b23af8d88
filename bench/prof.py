#!/usr/bin/env python3
"""Profile one ``ebookmaker build`` in this process, imports included, in CPU time.

    python bench/prof.py INPUT.txt [--top 30] [--out prof.pstats]

CPU time (``time.process_time``) rather than wall time, so the numbers hold on a busy shared
machine. Prints the time per pipeline step, the import time, then the top functions by
cumulative and by own time. For import detail use ``python -X importtime``; see README.md.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path

# The steps worth a line of their own (function names as cProfile shows them).
PHASES = [
    ("imports (all modules)", "<module>"),
    ("decode", "decode"),
    ("normalize_text", "normalize_text"),
    ("read_text (reader)", "read_text"),
    ("remove_page_artefacts", "remove_page_artefacts"),
    ("find_note_areas", "find_note_areas"),
    ("detect_language", "detect_language"),
    ("gather_notes", "gather_notes"),
    ("link_notes", "link_notes"),
    ("restore_joined_hyphens", "restore_joined_hyphens"),
    ("mark_structure", "mark_structure"),
    ("_hyphen_decider (WordKnowledge)", "_hyphen_decider"),
    ("unwrap", "unwrap"),
    ("split_front/colophon/metadata", "metadata_from_front"),
    ("notes text", "_note_text"),
    ("write_epub", "write_epub"),
    ("draw cover", "draw_cover"),
]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("input", type=Path)
    ap.add_argument("--top", type=int, default=30)
    ap.add_argument("--out", type=Path, help="save the pstats file here")
    args = ap.parse_args()
    out = Path(tempfile.mkdtemp()) / "p.epub"

    prof = cProfile.Profile(time.process_time)
    cpu0 = time.process_time()
    prof.enable()
    from ebookmaker.cli import main as cli  # imports are part of what is measured

    try:
        cli(["build", str(args.input), "-o", str(out), "-q"], standalone_mode=False)
    finally:
        prof.disable()
    total = time.process_time() - cpu0
    stats = pstats.Stats(prof)
    if args.out:
        stats.dump_stats(args.out)

    print(f"{args.input} ({args.input.stat().st_size / 1e6:.2f} MB): {total:.2f} s CPU in all\n")
    print("CPU s (cumulative, a phase may contain another) per phase:")
    raw = stats.stats  # {(file, line, func): (cc, nc, tt, ct, callers)}
    for label, func in PHASES:
        if func == "<module>":
            # Outermost calls of the import machinery: all import time, nested ones once.
            ct = sum(v[3] for k, v in raw.items() if k[2] == "_find_and_load")
        else:
            ct = sum(v[3] for k, v in raw.items() if k[2] == func and "ebookmaker" in k[0])
        if ct:
            print(f"  {label:34s} {ct:7.2f} s  {100 * ct / total:5.1f} %")
    print()
    stats.sort_stats("cumulative").print_stats(args.top)
    stats.sort_stats("tottime").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
