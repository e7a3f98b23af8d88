"""Batch conversion: a whole folder in one command, in parallel, incremental and reported.

The parent process finds the inputs, decides which books are unchanged (a SHA-256 per book
over everything that shapes its EPUB, kept in ``<output>/.ebookmaker-state.json``), sends
the rest as small :class:`Task` payloads (paths and flags, nothing heavy) to worker
processes — or to a dask.distributed cluster — and collects one plain ``dict`` per book.
It then writes ``<output>/report.json`` and prints a short summary.

Every file the batch writes is written atomically (temp file, fsync, rename), so an
interrupted batch leaves either the old file or the new one; temp files of books that were
being written when the batch was stopped are removed, and the next run carries on where
this one stopped.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import sys
import time
import traceback
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import click

from . import __version__
from .atomic import write_atomic

# The one list of input suffixes a batch picks up in a folder.
INPUT_SUFFIXES = (".txt", ".text", ".pdf")
STATE_NAME = ".ebookmaker-state.json"
REPORT_NAME = "report.json"
STATE_FORMAT = 1
# Packages whose version can change the bytes of an EPUB; zlib changes deflate output too.
OUTPUT_PACKAGES = (
    "ebooklib",
    "lxml",
    "pillow",
    "wordfreq",
    "pyphen",
    "ftfy",
    "beautifulsoup4",
    "pypdfium2",
)
FILES_PER_THREAD = 500  # inputs fingerprinted per thread (see run_batch)
SAVE_EVERY = 2.0  # seconds between state saves while a batch runs (for a hard kill)
WORST_SHOWN = 5
# The writer's temp files: ``.<name>.epub.<12 hex>.tmp`` (see writer.epub.write_epub).
_WRITER_TMP_RE = re.compile(r"^\.(?P<name>.+)\.[0-9a-f]{12}\.tmp$")


class BatchError(Exception):
    """The batch as a whole cannot run (bad scheduler, unwritable output); one line."""


@dataclass(frozen=True)
class Task:
    """What a worker needs for one book: absolute paths and the flags, nothing else."""

    source: str
    output: str
    flags: dict
    explain: bool = False  # return the formatted decisions (--explain)
    decisions: bool = False  # return the decisions as a dict (--report)


@dataclass
class Book:
    """One input of the batch and what became of it."""

    source: Path  # as the user named it (for messages)
    rel: Path  # output path relative to the output folder
    target: Path
    fingerprint: str | None = None  # None: cannot be skipped (e.g. an unreadable sidecar)
    cover: Path | None = None
    status: str = "pending"  # built / skipped / failed / cancelled
    seconds: float = 0.0
    words: int = 0
    notes: int = 0
    notes_linked: int = 0
    unsure: int = 0
    warnings: list[str] = field(default_factory=list)
    error: str = ""

    def record(self) -> dict:
        return {
            "source": str(self.source),
            "output": str(self.target),
            "status": self.status,
            "seconds": round(self.seconds, 3),
            "words": self.words,
            "notes": self.notes,
            "notes_linked": self.notes_linked,
            "unsure": self.unsure,
            "warnings": list(self.warnings),
            "error": self.error,
        }


# --- the worker side --------------------------------------------------------------------


class _Terminated(BaseException):
    """SIGTERM during a book: unwinds through the writer, which removes its temp file."""


_building = False  # in a pool worker: is a book being built right now?


def run_task(task: Task) -> dict:
    """Build one book; never raises for a bad input (the batch goes on), returns a dict.

    Runs in a worker process (or a dask worker): the heavy modules are imported here, on
    first use, so the parent stays light and the payload stays a few paths.
    """
    global _building
    _building = True
    try:
        return _run_task(task)
    except _Terminated:
        # The pool would catch the exception and start the next queued book: leave now.
        os._exit(143)
    finally:
        _building = False


def _run_task(task: Task) -> dict:
    from .build import BuildError, build_book

    started = time.perf_counter()
    source, output = Path(task.source), Path(task.output)
    answer: dict = {"output": task.output, "status": "failed", "error": "", "seconds": 0.0}
    try:
        if not source.is_file():
            raise BuildError("no such file")
        output.parent.mkdir(parents=True, exist_ok=True)
        result = build_book(source, output, dict(task.flags))
    except BuildError as err:
        answer["error"] = str(err)
    except Exception as err:  # a bug must not stop the batch: one line, traceback on request
        answer["error"] = f"internal error: {err!r}"
        answer["traceback"] = traceback.format_exc()
    else:
        answer.update(
            status="built",
            words=result.words,
            notes=result.notes,
            notes_linked=result.notes_linked,
            unsure=result.unsure,
            warnings=list(result.warnings),
        )
        if task.explain and result.report is not None:
            answer["explain"] = result.report.format()
        if task.decisions and result.report is not None:
            answer["decisions"] = result.report.to_dict()
    answer["seconds"] = time.perf_counter() - started
    return answer


def _worker_init() -> None:
    """Workers leave Ctrl-C to the parent (a terminal sends SIGINT to the whole group);
    SIGTERM (the parent stopping the batch) ends them at once, through the writer's
    cleanup when a book is being written."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_sigterm)
    _tune_gc()


def _preload() -> None:
    """Import the conversion once in the parent: forked workers share it instead of each
    importing it again (the parent pays one import, each worker none)."""
    import gc

    import pyphen  # noqa: F401  (imported by the hyphenation step on a worker's first book)
    from PIL import Image

    from . import build, metrics, wordlists  # noqa: F401
    from .cover import draw_cover
    from .steps import noteareas
    from .writer import epub  # noqa: F401

    # Static, language-independent things every worker would otherwise build on its first
    # book: Pillow's image plugins, the glue-finding regex (~10 ms), wordfreq's data folder,
    # the font's advance table, the cover's empty page and JPEG encoder.
    Image.preinit()
    metrics._table()
    noteareas._glue_candidate_re()
    wordlists._data_dir()
    draw_cover("", [])
    gc.freeze()  # (what is imported now is never collected: its pages stay shared)


def _tune_gc() -> None:
    """A worker builds book after book, and a book's many short-lived objects are freed by
    reference counting: the cycle collector may run less often than Python's default."""
    import gc

    gc.set_threshold(20_000, 20, 20)


def _on_sigterm(_signum: int, _frame: object) -> None:
    if _building:
        raise _Terminated
    os._exit(143)


# --- finding inputs and fingerprints ------------------------------------------------------


def find_inputs(paths: tuple[str, ...] | list[str]) -> list[tuple[Path, Path]]:
    """(source, relative output path) for every input: a file as given goes to the top of
    the output folder; files found in a folder keep their subfolder, so ``a/x.txt`` and
    ``b/x.txt`` become ``a/x.epub`` and ``b/x.epub``. Stable order."""
    found: list[tuple[Path, Path]] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            for source in sorted(path.rglob("*")):
                if source.suffix.lower() in INPUT_SUFFIXES and source.is_file():
                    found.append((source, source.relative_to(path).with_suffix(".epub")))
        else:
            found.append((path, Path(path.stem + ".epub")))
    return found


def default_jobs() -> int:
    """The cores this process may use (a container's CPU set, not the machine's)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def environment_key() -> str:
    """Everything outside the inputs that can change an EPUB's bytes."""
    import zlib

    found = _dist_info_versions()
    parts = [f"ebookmaker={__version__}", f"zlib={zlib.ZLIB_RUNTIME_VERSION}"]
    for package in OUTPUT_PACKAGES:
        known = found.get(_dist_key(package))
        parts.append(f"{package}={known if known is not None else _metadata_version(package)}")
    # The writer takes dcterms:modified from SOURCE_DATE_EPOCH when it is set.
    parts.append(f"SOURCE_DATE_EPOCH={os.environ.get('SOURCE_DATE_EPOCH', '')}")
    return "\n".join(parts)


def _dist_key(name: str) -> str:
    """A distribution's name as its ``.dist-info`` folder spells it (PEP 503, then ``_``)."""
    return re.sub(r"[-_.]+", "_", name).lower()


def _dist_info_versions() -> dict[str, str | None]:
    """Version of each distribution on ``sys.path``, first found wins (as for imports),
    from its folder's name (``lxml-6.1.3.dist-info``): a listing per path entry, where
    importlib.metadata costs ~15 ms of every batch (its import and a search per package).
    None for an ``.egg-info`` (its version is inside). A new version is a new folder name,
    so the key changes whenever a package does."""
    found: dict[str, str | None] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            stem, dot, suffix = name.rpartition(".")
            if dot and suffix in ("dist-info", "egg-info"):
                dist, _, version = stem.partition("-")
                good = suffix == "dist-info" and version
                found.setdefault(_dist_key(dist), version if good else None)
    return found


def _metadata_version(package: str) -> str:
    """importlib.metadata's answer, for what a folder name does not tell ("" if missing)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return ""


def _file_digest(path: Path | None) -> str:
    if path is None or not path.is_file():
        return "-"
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def fingerprint(source: Path, flags: dict, env: str) -> tuple[str | None, Path | None]:
    """(sha256 over input, sidecars, cover, flags and environment; the cover in use).

    The hash is None when the book's options cannot be read (a broken sidecar): such a
    book is always handed to a worker, which reports the reason.
    """
    from .build import BuildError, gather_options

    try:
        _, cover = gather_options(source, flags)
    except BuildError:
        return None, None
    cover = Path(os.path.abspath(cover)) if cover is not None else None
    digest = hashlib.sha256()
    for label, value in (
        ("env", env),
        ("flags", json.dumps(flags, sort_keys=True, ensure_ascii=False)),
        ("input", _file_digest(source)),
        ("folder-sidecar", _file_digest(source.parent / "ebookmaker.toml")),
        ("book-sidecar", _file_digest(source.with_suffix(".toml"))),
        ("cover", _file_digest(cover)),
    ):
        digest.update(f"{label}\0{value}\0".encode())
    return digest.hexdigest(), cover


# --- atomic files, state, temp files ------------------------------------------------------


def load_state(out: Path) -> dict[str, dict]:
    """The per-book records of earlier runs; a missing or broken record means none."""
    try:
        data = json.loads((out / STATE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != STATE_FORMAT:
        return {}
    books = data.get("books")
    return books if isinstance(books, dict) else {}


def save_state(out: Path, books: dict[str, dict]) -> None:
    payload = {"format": STATE_FORMAT, "books": dict(sorted(books.items()))}
    # Without indent json uses its C encoder, four times faster: this file is saved every
    # few seconds while a batch runs, and grows with the archive.
    write_atomic(out / STATE_NAME, json.dumps(payload, ensure_ascii=False).encode())


def remove_temp_files(targets: list[Path]) -> int:
    """Remove writer temp files left for these targets (a worker stopped mid-write)."""
    by_folder: dict[Path, set[str]] = {}
    for target in targets:
        by_folder.setdefault(target.parent, set()).add(target.name)
    removed = 0
    for folder, names in by_folder.items():
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            match = _WRITER_TMP_RE.match(entry.name)
            if match and match["name"] in names:
                Path(entry.path).unlink(missing_ok=True)
                removed += 1
    return removed


# --- running the tasks ----------------------------------------------------------------------

Runner = Iterator[tuple[int, dict]]


def _failure(task: Task, reason: str) -> dict:
    return {"output": task.output, "status": "failed", "error": reason, "seconds": 0.0}


def run_in_process(tasks: list[Task]) -> Runner:
    """``--jobs 1`` (or a single book): no pool, no pickling, plain tracebacks."""
    for index, task in enumerate(tasks):
        yield index, run_task(task)


def run_in_pool(tasks: list[Task], jobs: int, leftovers: list[tuple[int, dict]]) -> Runner:
    """Worker processes, each handed its books through its own pipe (and its answers back
    the same way: a quarter of a millisecond less per book than concurrent.futures' queues
    and threads), one book ahead: a worker finds its next book waiting when it finishes one,
    instead of idling while the parent wakes up to send it (1-2 % of a worker's time). A
    worker that dies fails the book it was building only (the one waiting for it goes to
    another worker) and is replaced. On Ctrl-C (or when the consumer stops) books finished
    but not yet handed out go to ``leftovers`` (so they are recorded), and the workers are
    stopped at once rather than finishing their book."""
    import multiprocessing
    from multiprocessing.connection import wait

    _preload()
    context = multiprocessing.get_context()
    queue = deque(enumerate(tasks))
    workers: dict = {}  # the parent's end of each worker's pipe -> the worker
    busy: dict[object, deque[int]] = {}  # pipe -> the books sent to its worker, in order

    def hand_out(conn) -> None:
        sent = busy.setdefault(conn, deque())
        while queue and len(sent) < _IN_FLIGHT:
            index, task = queue.popleft()
            sent.append(index)
            try:
                conn.send(task)
            except OSError:
                return  # the worker is gone: reading its pipe's end fails the book below

    def start_worker() -> None:
        conn, child_end = context.Pipe()
        worker = context.Process(target=_worker_loop, args=(child_end,), daemon=True)
        worker.start()
        child_end.close()  # (so that the worker's death reads as the end of the pipe)
        workers[conn] = worker
        hand_out(conn)

    try:
        for _ in range(jobs):
            start_worker()
        while busy:
            for conn in wait(list(busy)):
                sent = busy[conn]
                index = sent.popleft()
                try:
                    answer = conn.recv()
                except (EOFError, OSError):
                    answer = _failure(tasks[index], "worker process died (crash or out of memory)")
                    del busy[conn]
                    queue.extendleft(reversed([(i, tasks[i]) for i in sent]))  # never started
                    workers.pop(conn).join()
                    conn.close()
                    if queue:
                        start_worker()
                else:
                    if sent or queue:
                        hand_out(conn)
                    else:
                        del busy[conn]
                yield index, answer
    except BaseException:
        for conn, sent in busy.items():
            try:
                while sent and conn.poll():
                    leftovers.append((sent.popleft(), conn.recv()))
            except (EOFError, OSError):
                pass
        _stop_workers(list(workers.values()))
        raise
    finally:
        for conn, worker in workers.items():
            if worker.is_alive():
                try:
                    conn.send(None)  # no more books: the worker leaves
                except OSError:
                    pass
        for conn, worker in workers.items():
            worker.join()
            conn.close()


_IN_FLIGHT = 2  # books sent to a worker at a time: the one it builds, the next one waiting


def _worker_loop(conn) -> None:
    """A pool worker: build the books the parent sends until it sends None (or is gone)."""
    _worker_init()
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        conn.send(run_task(job))


def _stop_workers(workers: list) -> None:
    """SIGTERM (a worker removes the temp file of the book it is writing), then SIGKILL."""
    for worker in workers:
        if worker.is_alive():
            worker.terminate()
    for worker in workers:
        worker.join(5)
        if worker.is_alive():
            worker.kill()
            worker.join()


def run_on_cluster(tasks: list[Task], address: str, leftovers: list[tuple[int, dict]]) -> Runner:
    """The same tasks on a dask.distributed cluster (inputs and output on a shared disk).

    Connects at once, so a missing package or a wrong address is an error before any book.
    """
    try:
        from distributed import Client
    except ImportError as err:
        raise BatchError(
            "--scheduler needs dask.distributed: pip install 'ebookmaker-pdftext[distributed]'"
        ) from err
    try:
        client = Client(address, timeout="10s")
    except (OSError, TimeoutError, ValueError) as err:
        raise BatchError(f"cannot connect to scheduler {address}: {err}") from err
    return _cluster_results(client, tasks, leftovers)


def _cluster_results(client, tasks: list[Task], leftovers: list[tuple[int, dict]]) -> Runner:
    from distributed import as_completed

    futures = []
    handed: set[int] = set()
    try:
        futures = [client.submit(run_task, task, pure=False) for task in tasks]
        index_of = {future.key: index for index, future in enumerate(futures)}
        for future in as_completed(futures):
            index = index_of[future.key]
            handed.add(index)
            try:
                answer = future.result()
            except Exception as err:  # a killed worker, a task the cluster gave up on
                answer = _failure(tasks[index], f"cluster: {err!r}")
            yield index, answer
    except BaseException:
        # Running tasks finish on their workers (their writes are atomic) but are not
        # recorded; the next run builds them again.
        client.cancel(futures)
        for index, future in enumerate(futures):
            if index not in handed and future.status == "finished":
                leftovers.append((index, future.result()))
        raise
    finally:
        client.close()


# --- output: progress, log lines, summary ------------------------------------------------


class Progress:
    """A progress bar on a terminal, one log line per book otherwise, errors always."""

    def __init__(self, total: int, quiet: bool, verbose: bool) -> None:
        self.quiet, self.verbose = quiet, verbose
        # On a terminal a bar (and no per-book lines); in a log, one line per book.
        self.interactive = not quiet and sys.stderr.isatty()
        self.done = self.failed = 0
        self.started = time.monotonic()
        self.bar = None
        if self.interactive and total > 0:
            self.bar = click.progressbar(
                length=total,
                label="building",
                file=sys.stderr,
                show_pos=True,
                show_eta=True,
                item_show_func=self._status,
            )
            self.bar.__enter__()

    def _status(self, _item: object) -> str:
        rate = self.done / max(time.monotonic() - self.started, 1e-6)
        return f"{rate:.1f} books/s, {self.failed} failed"

    def note(self, text: str) -> None:
        self._above_bar(text, err=True)

    def _above_bar(self, text: str, err: bool) -> None:
        if self.bar is not None:
            click.echo("\r\033[K", nl=False, err=True)  # clear the bar's line first
        click.echo(text, err=err)

    def skipped(self, book: Book) -> None:
        if not self.quiet and not self.interactive:
            click.echo(f"skipped {book.target} (unchanged)")

    def finished(self, book: Book, answer: dict, counted: bool = True) -> None:
        """Report one book; ``counted`` books move the bar (those sent to a worker)."""
        self.done += counted
        if book.status == "failed":
            self.failed += 1
            self._above_bar(f"ebookmaker: error: {book.source}: {book.error}", err=True)
            if self.verbose and answer.get("traceback"):
                self._above_bar(answer["traceback"].rstrip(), err=True)
        elif answer.get("explain"):
            self._above_bar(answer["explain"], err=False)
        if book.status == "built" and not self.quiet and not self.interactive:
            click.echo(
                f"built {book.target} ({book.words} words, {book.notes_linked}/{book.notes} "
                f"notes linked, {book.unsure} unsure decisions, {book.seconds:.2f} s)"
            )
            for warning in book.warnings:
                click.echo(f"  warning: {warning}", err=True)
        if self.bar is not None and counted:
            self.bar.update(1, book)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def summary_lines(books: list[Book], seconds: float, report: Path, interrupted: bool) -> list[str]:
    """Counts, then the worst few books: failures first, then by unsure decisions."""
    count = {s: sum(1 for b in books if b.status == s) for s in ("built", "skipped", "failed")}
    warned = sum(1 for b in books if b.warnings)
    head = "interrupted: " if interrupted else ""
    noun = "book" if len(books) == 1 else "books"
    line = (
        f"{head}{len(books)} {noun}: {count['built']} built, {count['skipped']} skipped, "
        f"{count['failed']} failed, {warned} with warnings"
    )
    cancelled = sum(1 for b in books if b.status == "cancelled")
    if cancelled:
        line += f", {cancelled} not built (run again to carry on)"
    lines = [f"{line} in {seconds:.1f} s; report: {report}"]
    worst = sorted(
        (b for b in books if b.status == "failed" or b.unsure or b.warnings),
        key=lambda b: (b.status != "failed", -b.unsure, -len(b.warnings), str(b.source)),
    )
    for book in worst[:WORST_SHOWN]:
        if book.status == "failed":
            lines.append(f"  failed   {book.source}: {book.error}")
        else:
            n = len(book.warnings)
            extra = f", {n} warning{'' if n == 1 else 's'}" if n else ""
            lines.append(f"  {book.unsure:>3} unsure {book.source}{extra}")
    if len(worst) > WORST_SHOWN:
        lines.append(f"  … {len(worst) - WORST_SHOWN} more in the report")
    return lines


# --- the batch ------------------------------------------------------------------------------


@dataclass
class BatchOptions:
    jobs: int
    force: bool = False
    quiet: bool = False
    verbose: bool = False
    explain: bool = False
    decisions_path: Path | None = None  # --report with a batch of one book
    scheduler: str | None = None


def run_batch(
    inputs: list[tuple[Path, Path]], out: Path, flags: dict, options: BatchOptions
) -> int:
    """Build every input into ``out``; returns the exit code (0, 1, or 130 on Ctrl-C)."""
    started = time.monotonic()
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise BatchError(f"cannot create output folder {out}: {err.strerror or err}") from err
    # Paths handed to workers are absolute (a cluster worker has another current folder);
    # a relative --cover is taken from here, like the single-book build does.
    flags = dict(flags)
    if flags.get("cover"):
        flags["cover"] = os.path.abspath(flags["cover"])

    books: list[Book] = []
    claimed: dict[str, Book] = {}
    for source, rel in inputs:
        book = Book(source=source, rel=rel, target=out / rel)
        books.append(book)
        key = rel.as_posix().casefold()  # x.epub and X.epub are one file on some disks
        if key in claimed:
            book.status = "failed"
            book.error = f"same output {book.target} as {claimed[key].source}; rename one"
        else:
            claimed[key] = book

    env = environment_key()
    state = load_state(out)
    todo = [b for b in books if b.status == "pending"]
    # Hashing is I/O and hashlib releases the GIL: threads make a large unchanged
    # archive's second run fast where files are slow to open. Each thread takes a share of
    # the books (one task per thread, not per book). As git's preloaded index does, a thread
    # only for every few hundred files: a few hundred cost less one after another (200
    # small books: 20 ms alone, 50-65 ms over 8 threads contending for the GIL).
    threads = max(1, min(8, len(todo) // FILES_PER_THREAD))
    shares = [todo[i::threads] for i in range(threads)]
    with ThreadPoolExecutor(max_workers=threads) as pool:
        done = pool.map(lambda share: [fingerprint(b.source, flags, env) for b in share], shares)
        for share, prints in zip(shares, done, strict=True):
            for book, (digest, cover) in zip(share, prints, strict=True):
                book.fingerprint, book.cover = digest, cover

    force = options.force or options.explain or options.decisions_path is not None
    to_build: list[Book] = []
    for book in todo:
        known = state.get(book.rel.as_posix())
        if (
            not force
            and book.fingerprint is not None
            and isinstance(known, dict)
            and known.get("hash") == book.fingerprint
            and book.target.is_file()
        ):
            book.status = "skipped"
            _restore(book, known.get("result") or {})
        else:
            to_build.append(book)

    tasks = [
        Task(
            source=os.path.abspath(b.source),
            output=os.path.abspath(b.target),
            flags={**flags, "cover": str(b.cover)} if b.cover is not None else flags,
            explain=options.explain,
            decisions=options.decisions_path is not None,
        )
        for b in to_build
    ]
    leftovers: list[tuple[int, dict]] = []  # finished when Ctrl-C came, not yet handed out
    if not tasks:
        runner = run_in_process([])
    elif options.scheduler:
        runner = run_on_cluster(tasks, options.scheduler, leftovers)
    elif min(options.jobs, len(tasks)) <= 1:
        runner = run_in_process(tasks)
    else:
        runner = run_in_pool(tasks, min(options.jobs, len(tasks)), leftovers)

    progress = Progress(len(to_build), options.quiet, options.verbose)
    for book in books:
        if book.status == "failed":
            progress.finished(book, {}, counted=False)
        elif book.status == "skipped":
            progress.skipped(book)
    skipped = sum(1 for b in books if b.status == "skipped")
    if progress.interactive and skipped:
        progress.note(f"{skipped} unchanged, skipped")

    interrupted = False
    last_save = time.monotonic()

    def take(index: int, answer: dict) -> None:
        book = to_build[index]
        _restore(book, answer)
        book.status = answer.get("status", "failed")
        book.error = answer.get("error", "")
        _remember(state, book)
        progress.finished(book, answer)
        if answer.get("decisions") is not None and options.decisions_path:
            options.decisions_path.write_text(
                json.dumps(answer["decisions"], ensure_ascii=False, indent=1), encoding="utf-8"
            )

    try:
        for index, answer in runner:
            take(index, answer)
            if time.monotonic() - last_save > SAVE_EVERY:
                save_state(out, state)
                last_save = time.monotonic()
    except KeyboardInterrupt:
        interrupted = True
    finally:
        runner.close()  # stops the pool / cancels cluster work if we leave early
    for index, answer in leftovers:
        if to_build[index].status == "pending":
            take(index, answer)
    progress.close()

    # From here on a second Ctrl-C must not leave a half-written record behind.
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if _main_thread() else None
    try:
        for book in books:
            if book.status == "pending":
                book.status = "cancelled"
        remove_temp_files([b.target for b in to_build])
        save_state(out, state)
        seconds = time.monotonic() - started
        report = out / REPORT_NAME
        write_atomic(report, _report_json(books, out, seconds, interrupted))
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    if not options.quiet:
        for line in summary_lines(books, seconds, report, interrupted):
            click.echo(line, err=True)
    if interrupted:
        return 130
    return 1 if any(b.status == "failed" for b in books) else 0


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def _restore(book: Book, values: dict) -> None:
    """Copy a worker's (or an earlier run's) numbers onto the book."""
    book.seconds = float(values.get("seconds", book.seconds))
    book.words = int(values.get("words", 0))
    book.notes = int(values.get("notes", 0))
    book.notes_linked = int(values.get("notes_linked", 0))
    book.unsure = int(values.get("unsure", 0))
    book.warnings = list(values.get("warnings", []))


def _remember(state: dict[str, dict], book: Book) -> None:
    """A built book is recorded with its hash; a failed one is forgotten (rebuilt next time)."""
    key = book.rel.as_posix()
    if book.status == "built" and book.fingerprint is not None:
        state[key] = {
            "source": str(book.source),
            "hash": book.fingerprint,
            "result": {
                "seconds": round(book.seconds, 3),
                "words": book.words,
                "notes": book.notes,
                "notes_linked": book.notes_linked,
                "unsure": book.unsure,
                "warnings": book.warnings,
            },
        }
    else:
        state.pop(key, None)


def _report_json(books: list[Book], out: Path, seconds: float, interrupted: bool) -> bytes:
    statuses = ("built", "skipped", "failed", "cancelled")
    report = {
        "tool": f"ebookmaker {__version__}",
        "output": str(out),
        "interrupted": interrupted,
        "seconds": round(seconds, 3),
        "summary": {s: sum(1 for b in books if b.status == s) for s in statuses}
        | {"with_warnings": sum(1 for b in books if b.warnings), "total": len(books)},
        "books": [b.record() for b in books],
    }
    return json.dumps(report, ensure_ascii=False, indent=1).encode()


__all__: list[str] = [
    "INPUT_SUFFIXES",
    "BatchError",
    "BatchOptions",
    "Task",
    "default_jobs",
    "find_inputs",
    "run_batch",
    "run_task",
]
