#!/usr/bin/env python3
"""Batch benchmark: ebookmaker against pandoc and calibre on the same batch of books.

    python bench/run.py                 # defaults: 200 books, calibre on a 20-book subset
    python bench/run.py --help          # every knob

Builds one batch (the dev corpus's extracted texts, copied round-robin under different names)
with every tool at the same parallelism, then measures a single seed build (whole process,
imports included), the 0.5 MB → 10 MB scaling, and peak memory. Prints one table and checks
it against the targets of the issue "A whole archive in one command". Needs no network.
Not a pytest test on purpose: timings on a shared 2-core machine are not unit-test material.

Memory: ``peak RSS/worker`` is the exact ``ru_maxrss`` from ``wait4`` of each tool process
(the largest single process in its tree, workers included once reaped); ``peak tree RSS`` is
the largest sum of RSS over every process the benchmark started, sampled from /proc every
0.1 s (so a lower bound). CPU s/book is user+sys of all children: unlike wall time it does not
suffer from other load on the machine.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "dev"
SEED = "seed-trotskij-terror/extracted/seed.txt"

# Targets from the issue (2-core machine).
TARGET_SEED_S = 0.6
TARGET_SCALE_RATIO = 20.0
TARGET_WORKER_MB = 200.0
TARGET_VS_CALIBRE = 25.0
TARGET_VS_PANDOC = 3.0

CALIBRE_ENV = {"QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": "/tmp/runtime-bench"}


# -- running and measuring processes ------------------------------------------------------------


@dataclass
class Run:
    """One finished process: wall seconds, CPU seconds (user+sys), peak RSS in MB, exit code."""

    wall: float
    cpu: float
    rss_mb: float
    rc: int
    err: str = ""


def run(cmd: list[str], env: dict | None = None, cwd: str | None = None) -> Run:
    """Run ``cmd`` to completion; measure it with wait4 (exact for the process and its reaped
    descendants)."""
    full_env = dict(os.environ, **(env or {}))
    errfile = tempfile.TemporaryFile()
    started = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.DEVNULL,
        stderr=errfile,
        stdin=subprocess.DEVNULL,
        env=full_env,
        cwd=cwd,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    errfile.seek(0)
    err = errfile.read().decode("utf-8", "replace")
    errfile.close()
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode, err)


class TreeSampler:
    """Largest sum of RSS over all descendants of this process, sampled from /proc."""

    def __init__(self, interval: float = 0.1) -> None:
        self.interval = interval
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._page = os.sysconf("SC_PAGE_SIZE")

    def __enter__(self) -> TreeSampler:
        if Path("/proc/self/statm").exists():
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _loop(self) -> None:
        me = os.getpid()
        while not self._stop.wait(self.interval):
            children: dict[int, list[int]] = {}
            for name in os.listdir("/proc"):
                if not name.isdigit():
                    continue
                try:
                    with open(f"/proc/{name}/stat", "rb") as fh:
                        ppid = int(fh.read().rsplit(b")", 1)[1].split()[1])
                except (OSError, ValueError, IndexError):
                    continue
                children.setdefault(ppid, []).append(int(name))
            total, todo = 0, list(children.get(me, []))
            while todo:
                pid = todo.pop()
                todo += children.get(pid, [])
                try:
                    with open(f"/proc/{pid}/statm", "rb") as fh:
                        total += int(fh.read().split()[1]) * self._page
                except (OSError, ValueError, IndexError):
                    pass
            self.peak_mb = max(self.peak_mb, total / 2**20)


def children_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# -- the batch -----------------------------------------------------------------------------------


def corpus_texts(corpus: Path) -> list[Path]:
    texts = sorted(Path(p) for p in glob.glob(str(corpus / "*" / "extracted" / "*.txt")))
    if not texts:
        sys.exit(f"bench: no texts under {corpus}/*/extracted/ (use --corpus)")
    return texts


def make_batch(texts: list[Path], copies: int, folder: Path) -> list[Path]:
    """``copies`` files, round-robin over the corpus texts, each under its own name."""
    folder.mkdir(parents=True)
    out = []
    for i in range(copies):
        src = texts[i % len(texts)]
        book = src.parent.parent.name
        dst = folder / f"b{i:04d}-{book}-{src.stem}.txt"
        shutil.copyfile(src, dst)
        out.append(dst)
    return out


def make_big_text(texts: list[Path], size: int, path: Path) -> Path:
    """Corpus texts concatenated (page breaks between them) and cut at a line end near size."""
    blob = b"".join(t.read_bytes().rstrip(b"\n") + b"\n\f\n" for t in texts)
    data = (blob * (size // len(blob) + 1))[:size]
    path.write_bytes(data[: data.rfind(b"\n") + 1])
    return path


@dataclass
class Row:
    tool: str
    books: int
    mb: float
    wall: float
    cpu: float
    worker_mb: float
    tree_mb: float
    failed: int = 0
    note: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def books_s(self) -> float:
        return self.books / self.wall if self.wall else 0.0

    @property
    def mb_s(self) -> float:
        return self.mb / self.wall if self.wall else 0.0


def per_book_pool(tool: str, files: list[Path], out: Path, jobs: int, cmd_for, env=None) -> Row:
    """One process per book, ``jobs`` at a time (what ``xargs -P jobs`` would do)."""
    out.mkdir(parents=True)
    cpu0 = children_cpu()
    with TreeSampler() as sampler, ThreadPoolExecutor(jobs) as pool:
        started = time.perf_counter()
        runs = list(pool.map(lambda f: run(cmd_for(f, out / (f.stem + ".epub")), env), files))
        wall = time.perf_counter() - started
    failed = [r for r in runs if r.rc != 0]
    missing = sum(1 for f in files if not (out / (f.stem + ".epub")).is_file())
    return Row(
        tool,
        len(files),
        sum(f.stat().st_size for f in files) / 1e6,
        wall,
        children_cpu() - cpu0,
        max(r.rss_mb for r in runs),
        sampler.peak_mb,
        failed=max(len(failed), missing),
        errors=[r.err.strip().splitlines()[-1] for r in failed[:3] if r.err.strip()],
    )


def ebookmaker_cmd() -> list[str]:
    """The installed console script, as a user runs it. The one beside this Python first:
    a version manager's shim on PATH (pyenv's runs bash and `pyenv exec`) adds ~40 ms of CPU
    to every run that is not ebookmaker's."""
    beside = Path(sys.executable).parent / "ebookmaker"
    if beside.is_file():
        return [str(beside)]
    exe = shutil.which("ebookmaker")
    return [exe] if exe else [sys.executable, "-m", "ebookmaker.cli"]


def byte_compile() -> str:
    """Compile the package's modules as ``pip install`` does. An editable install under
    PYTHONDONTWRITEBYTECODE=1 (this machine's setting) would otherwise compile every source
    again in every process: ~50 ms of start-up that an installed tool does not pay."""
    import compileall

    import ebookmaker

    folder = Path(ebookmaker.__file__).parent
    compileall.compile_dir(str(folder), quiet=1)
    return str(folder)


def ebookmaker_batch(files: list[Path], folder: Path, out: Path, jobs: int) -> Row:
    """The batch as one command (``--jobs`` when the CLI has it, else folder shards)."""
    helptext = subprocess.run(
        [*ebookmaker_cmd(), "build", "--help"], capture_output=True, text=True
    ).stdout
    mb = sum(f.stat().st_size for f in files) / 1e6
    cpu0 = children_cpu()
    if "--jobs" in helptext:
        cmd = [*ebookmaker_cmd(), "build", str(folder), "-o", str(out), "-q", "--jobs", str(jobs)]
        if "--force" in helptext:
            cmd.append("--force")
        with TreeSampler() as sampler:
            r = run(cmd)
        runs, note = [r], f"one command, --jobs {jobs}"
    else:
        # No batch mode yet: the closest a user gets is one sequential command per shard.
        shards = []
        for j in range(jobs):
            shard = folder.parent / f"shard{j}"
            shard.mkdir()
            for f in files[j::jobs]:
                os.link(f, shard / f.name)
            shards.append(shard)
        with TreeSampler() as sampler, ThreadPoolExecutor(jobs) as pool:
            started = time.perf_counter()
            runs = list(
                pool.map(
                    lambda s: run([*ebookmaker_cmd(), "build", str(s), "-o", str(out), "-q"]),
                    shards,
                )
            )
            wall = time.perf_counter() - started
        r = Run(wall, 0, 0, max(x.rc for x in runs))
        note = f"no --jobs in this CLI: {jobs} sequential shard commands"
    built = sum(1 for f in files if (out / (f.stem + ".epub")).is_file())
    return Row(
        "ebookmaker",
        len(files),
        mb,
        r.wall,
        children_cpu() - cpu0,
        max(x.rss_mb for x in runs),
        sampler.peak_mb,
        failed=len(files) - built,
        note=note,
        errors=[x.err.strip().splitlines()[-1] for x in runs if x.rc and x.err.strip()][:3],
    )


# -- the single-build measurements ------------------------------------------------------------


def seed_wall(seed: Path, out: Path, runs: int) -> tuple[float, float, str]:
    """(median s, mean s, method) of a whole ``ebookmaker build seed.txt -o s.epub``."""
    cmd = [*ebookmaker_cmd(), "build", str(seed), "-o", str(out), "-q"]
    hyperfine = shutil.which("hyperfine")
    if hyperfine:
        export = out.with_suffix(".json")
        quoted = " ".join(cmd)
        done = subprocess.run(
            [
                hyperfine,
                "-N",
                "--style",
                "none",
                "--warmup",
                "2",
                "--runs",
                str(runs),
                "--export-json",
                str(export),
                quoted,
            ],
            capture_output=True,
            text=True,
        )
        if done.returncode == 0:
            result = json.loads(export.read_text())["results"][0]
            return result["median"], result["mean"], f"hyperfine, {runs} runs + 2 warm-up"
    run(cmd)  # warm-up (page cache, .pyc)
    times = [run(cmd).wall for _ in range(runs)]
    return statistics.median(times), statistics.mean(times), f"median of {runs} runs"


def version_wall(runs: int) -> float:
    """The CLI start-up floor: ``ebookmaker --version`` (imports the CLI module only)."""
    return statistics.median(run([*ebookmaker_cmd(), "--version"]).wall for _ in range(runs))


# -- output ----------------------------------------------------------------------------------


def fmt_table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for n, r in enumerate(rows):
        lines.append("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |")
        if n == 0:
            lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("PASS" if ok else "FAIL")


def git_state() -> str:
    try:
        head = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
        ).stdout.strip()
        return head + (" + uncommitted changes" if dirty else "")
    except OSError:
        return "unknown"


def tool_version(cmd: list[str]) -> str:
    try:
        env = dict(os.environ, **CALIBRE_ENV)
        out = subprocess.run(cmd, capture_output=True, text=True, env=env)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except (OSError, IndexError):
        return "not installed"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--copies", type=int, default=200, help="books in the batch (default 200)")
    ap.add_argument(
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        help="parallel workers for every tool (default: cores)",
    )
    ap.add_argument(
        "--calibre-subset",
        type=int,
        default=20,
        help="books calibre builds; its throughput is extrapolated (0: all)",
    )
    ap.add_argument(
        "--pandoc-subset", type=int, default=0, help="books pandoc builds (0: all, the default)"
    )
    ap.add_argument(
        "--tools",
        default="ebookmaker,pandoc,calibre",
        help="comma-separated subset of ebookmaker,pandoc,calibre",
    )
    ap.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="batch rounds, the tools in turn; each tool's median round is reported (default 3)",
    )
    ap.add_argument("--seed-runs", type=int, default=10)
    ap.add_argument(
        "--scale-mb",
        default="0.5,10",
        help="small,big text sizes in MB for the scaling check ('' to skip)",
    )
    ap.add_argument(
        "--scale-family",
        default="pdftotext",
        help="which extraction of each corpus book to concatenate (file stem)",
    )
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument(
        "--workdir", type=Path, help="keep inputs/outputs here (default: a temp dir, removed)"
    )
    ap.add_argument("--json", type=Path, help="also write the results as JSON here")
    args = ap.parse_args()
    tools = [t.strip() for t in args.tools.split(",") if t.strip()]

    texts = corpus_texts(args.corpus)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="ebookmaker-bench-"))
    if args.workdir and work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    try:
        return bench(args, tools, texts, work)
    finally:
        if not args.workdir:
            shutil.rmtree(work, ignore_errors=True)


def _median_round(rounds: list[Row]) -> Row:
    """The round of median wall time (its CPU and memory with it), its note saying the spread."""
    ordered = sorted(rounds, key=lambda r: r.wall)
    row = ordered[(len(ordered) - 1) // 2]
    if len(rounds) > 1:
        rates = [r.books_s for r in rounds]
        cpus = [1000 * r.cpu / r.books for r in rounds]
        row.note += (
            f"; median of {len(rounds)} rounds (books/s {min(rates):.1f}-{max(rates):.1f},"
            f" CPU ms/book {min(cpus):.0f}-{max(cpus):.0f})"
        )
    return row


def bench(args, tools: list[str], texts: list[Path], work: Path) -> int:
    batch_dir = work / "batch" / "in"
    files = make_batch(texts, args.copies, batch_dir)
    load = os.getloadavg()[0]
    print(
        f"ebookmaker benchmark — {platform.node()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, repo {git_state()}"
    )
    print(
        f"batch: {len(files)} books = {len(texts)} corpus texts copied round-robin, "
        f"{sum(f.stat().st_size for f in files) / 1e6:.2f} MB of text; "
        f"--jobs {args.jobs} for every tool; load average before start {load:.2f}"
    )
    if "ebookmaker" in tools:
        command = " ".join(ebookmaker_cmd())
        print(f"ebookmaker: {command}; modules byte-compiled in {byte_compile()}")
    for name, cmd in (
        ("pandoc", ["pandoc", "--version"]),
        ("calibre", ["ebook-convert", "--version"]),
    ):
        if name in tools:
            print(f"{name}: {tool_version(cmd)}")
    print(flush=True)

    def one_batch(tool: str, out: Path) -> Row | None:
        """The batch built by ``tool`` into ``out`` (None: the tool is not installed)."""
        if tool == "ebookmaker":
            print("… ebookmaker batch", file=sys.stderr, flush=True)
            return ebookmaker_batch(files, batch_dir, out, args.jobs)
        if tool == "pandoc":
            if not shutil.which("pandoc"):
                print("pandoc: not installed (apt-get install -y pandoc)")
                return None
            subset = files[: args.pandoc_subset] if args.pandoc_subset else files
            print("… pandoc batch", file=sys.stderr, flush=True)
            row = per_book_pool(
                "pandoc",
                subset,
                out,
                args.jobs,
                lambda f, o: ["pandoc", "-f", "markdown", "-o", str(o), str(f)],
            )
            if len(subset) < len(files):
                row.note = f"subset of {len(subset)}, throughput extrapolated"
            else:
                row.note = "one process per book"
            return row
        if not shutil.which("ebook-convert"):
            print("calibre: not installed (apt-get install -y calibre)")
            return None
        subset = files[: args.calibre_subset or len(files)]
        print(f"… calibre on {len(subset)} books", file=sys.stderr, flush=True)
        row = per_book_pool(
            "calibre",
            subset,
            out,
            args.jobs,
            lambda f, o: [
                "ebook-convert",
                str(f),
                str(o),
                "--formatting-type",
                "plain",
                "--enable-heuristics",
            ],
            env=CALIBRE_ENV,
        )
        if len(subset) < len(files):
            row.note = (
                f"SUBSET of {len(subset)} books; {len(files)} extrapolated: "
                f"{len(files) / row.books_s:.0f} s"
            )
        else:
            row.note = "one process per book"
        return row

    # Rounds of the tools in turn: a load that comes and goes on a shared machine then falls
    # on every tool alike, and each tool's median round is the one reported.
    runs: dict[str, list[Row]] = {}
    for round_no in range(max(1, args.rounds)):
        for tool in ("ebookmaker", "pandoc", "calibre"):
            if tool in tools and (round_no == 0 or tool in runs):
                row = one_batch(tool, work / "batch" / tool / f"round{round_no}")
                if row is not None:
                    runs.setdefault(tool, []).append(row)
    rows = {tool: _median_round(rounds) for tool, rounds in runs.items()}

    table = [
        [
            "tool",
            "books",
            "MB text",
            "wall s",
            "books/s",
            "MB/s",
            "CPU s/book",
            "peak RSS/worker MB",
            "peak tree RSS MB",
            "failed",
            "note",
        ]
    ]
    for r in rows.values():
        table.append(
            [
                r.tool,
                str(r.books),
                f"{r.mb:.2f}",
                f"{r.wall:.1f}",
                f"{r.books_s:.2f}",
                f"{r.mb_s:.3f}",
                f"{r.cpu / r.books:.3f}",
                f"{r.worker_mb:.0f}",
                f"{r.tree_mb:.0f}",
                str(r.failed),
                r.note,
            ]
        )
    print("## Batch throughput")
    print(fmt_table(table))
    for r in rows.values():
        for e in r.errors:
            print(f"  {r.tool} error: {e}")
    print()

    checks = [["check", "measured", "target", "verdict"]]
    em = rows.get("ebookmaker")
    results: dict = {
        "batch": {k: vars(v) | {"books_s": v.books_s, "mb_s": v.mb_s} for k, v in rows.items()}
    }
    for other, target in (("calibre", TARGET_VS_CALIBRE), ("pandoc", TARGET_VS_PANDOC)):
        if em and other in rows and rows[other].books_s:
            ratio = em.books_s / rows[other].books_s
            cpu_ratio = (rows[other].cpu / rows[other].books) / (em.cpu / em.books)
            results[f"vs_{other}"] = ratio
            checks.append(
                [
                    f"throughput ebookmaker/{other} (books/s)",
                    f"{ratio:.2f}x  (CPU per book: {cpu_ratio:.2f}x)",
                    f">= {target:g}x",
                    verdict(ratio >= target),
                ]
            )
    if em:
        checks.append(
            [
                "peak RSS of one ebookmaker worker (batch)",
                f"{em.worker_mb:.0f} MB",
                f"<= {TARGET_WORKER_MB:g} MB",
                verdict(em.worker_mb <= TARGET_WORKER_MB),
            ]
        )

    if "ebookmaker" in tools:
        seed = args.corpus / SEED
        if seed.is_file():
            print("… seed build", file=sys.stderr, flush=True)
            floor = version_wall(5)
            median, mean, how = seed_wall(seed, work / "seed.epub", args.seed_runs)
            single = run([*ebookmaker_cmd(), "build", str(seed), "-o", str(work / "s2.epub"), "-q"])
            results["seed"] = {
                "median": median,
                "mean": mean,
                "version_floor": floor,
                "cpu": single.cpu,
                "rss_mb": single.rss_mb,
            }
            checks.append(
                [
                    f"single seed build, whole process ({how})",
                    f"{median:.3f} s median, {mean:.3f} s mean, CPU {single.cpu:.2f} s",
                    f"<= {TARGET_SEED_S} s",
                    verdict(median <= TARGET_SEED_S),
                ]
            )
            checks.append(
                ["  `ebookmaker --version` (start-up floor, median of 5)", f"{floor:.3f} s", "", ""]
            )
            checks.append(
                [
                    "  peak RSS of the seed build",
                    f"{single.rss_mb:.0f} MB",
                    f"<= {TARGET_WORKER_MB:g} MB",
                    verdict(single.rss_mb <= TARGET_WORKER_MB),
                ]
            )
        if args.scale_mb:
            small_mb, big_mb = (float(x) for x in args.scale_mb.split(","))
            family = [t for t in texts if t.stem == args.scale_family] or texts
            measured = []
            for size in (small_mb, big_mb):
                print(f"… {size:g} MB build", file=sys.stderr, flush=True)
                text = make_big_text(family, int(size * 1e6), work / f"scale-{size:g}MB.txt")
                r = run(
                    [
                        *ebookmaker_cmd(),
                        "build",
                        str(text),
                        "-o",
                        str(work / f"scale-{size:g}MB.epub"),
                        "-q",
                    ]
                )
                measured.append(r)
                checks.append(
                    [
                        f"{size:g} MB text ({args.scale_family} texts concatenated)",
                        f"{r.wall:.1f} s wall, {r.cpu:.1f} s CPU, {r.rss_mb:.0f} MB RSS"
                        + ("" if r.rc == 0 else f", EXIT {r.rc}"),
                        "",
                        "",
                    ]
                )
            small, big = measured
            ratio, cpu_ratio = big.wall / small.wall, big.cpu / max(small.cpu, 1e-9)
            results["scaling"] = {
                "small": vars(small),
                "big": vars(big),
                "ratio": ratio,
                "cpu_ratio": cpu_ratio,
            }
            checks.append(
                [
                    f"scaling: {big_mb:g} MB time / {small_mb:g} MB time "
                    f"(size x{big_mb / small_mb:g})",
                    f"{ratio:.1f}x wall, {cpu_ratio:.1f}x CPU",
                    f"<= {TARGET_SCALE_RATIO:g}x",
                    verdict(ratio <= TARGET_SCALE_RATIO and big.rc == 0),
                ]
            )
            checks.append(
                [
                    f"peak RSS of the {big_mb:g} MB build",
                    f"{big.rss_mb:.0f} MB",
                    f"(<= {TARGET_WORKER_MB:g} MB is for a batch worker)",
                    verdict(big.rss_mb <= TARGET_WORKER_MB),
                ]
            )

    print("## Targets")
    print(fmt_table(checks))
    print(
        f"\nload average after: {os.getloadavg()[0]:.2f} (wall times are unreliable "
        f"when it is above {os.cpu_count()}; CPU times are not affected)"
    )
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
