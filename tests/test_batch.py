"""Batch conversion through the real command line: parallel, incremental, reported, Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from .conftest import CORPUS, REPO, SEED, run_cli

OTHERS = [
    CORPUS / "en-03-marx-engels-manifesto" / "extracted" / "pdftotext.txt",
    CORPUS / "fr-01-ladebat-esclavage" / "extracted" / "pdftotext.txt",
]


def make_archive(root: Path, others: bool = True) -> Path:
    """seed copies (two with the same stem in subfolders), other corpus texts, a bad file."""
    src = root / "src"
    for rel in ("seed.txt", "a/x.txt", "b/x.txt"):
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        (src / rel).write_bytes(SEED.read_bytes())
    for path in OTHERS if others else []:
        (src / "others").mkdir(exist_ok=True)
        (src / "others" / f"{path.parent.parent.name}.txt").write_bytes(path.read_bytes())
    (src / "empty.txt").write_text("", encoding="utf-8")
    return src


def report(out: Path) -> dict:
    return json.loads((out / "report.json").read_text(encoding="utf-8"))


def statuses(out: Path) -> dict[str, str]:
    return {
        Path(b["output"]).relative_to(out).as_posix(): b["status"] for b in report(out)["books"]
    }


def mtimes(out: Path) -> dict[str, int]:
    return {p.relative_to(out).as_posix(): p.stat().st_mtime_ns for p in out.rglob("*.epub")}


def no_partial_files(out: Path) -> None:
    leftovers = [p for p in out.rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []
    for epub in out.rglob("*.epub"):
        with zipfile.ZipFile(epub) as z:
            assert z.testzip() is None, epub


GOOD = {
    "seed.epub",
    "a/x.epub",
    "b/x.epub",
    "others/en-03-marx-engels-manifesto.epub",
    "others/fr-01-ladebat-esclavage.epub",
}


def test_batch_builds_the_good_ones_reports_and_fails_the_bad_one(tmp_path):
    src = make_archive(tmp_path)
    out = tmp_path / "dist"
    result = run_cli("build", str(src), "-o", str(out), "--jobs", "2")
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("ebookmaker: error")]
    assert errors == [f"ebookmaker: error: {src / 'empty.txt'}: the input is empty"]
    assert "Traceback" not in result.stderr
    # same stem in two subfolders: mirrored, not overwritten (and byte-identical: same input)
    assert set(mtimes(out)) == GOOD
    assert (out / "a" / "x.epub").read_bytes() == (out / "b" / "x.epub").read_bytes()
    # not a terminal: one plain line per book
    assert sum(line.startswith("built ") for line in result.stdout.splitlines()) == 5

    data = report(out)
    assert data["summary"] | {"seconds": 0} == {
        "built": 5,
        "skipped": 0,
        "failed": 1,
        "cancelled": 0,
        "with_warnings": data["summary"]["with_warnings"],
        "total": 6,
        "seconds": 0,
    }
    books = {Path(b["source"]).name: b for b in data["books"]}
    seed = books["seed.txt"]
    assert seed["status"] == "built" and seed["words"] > 2000
    assert (seed["notes"], seed["notes_linked"]) == (15, 15)
    assert isinstance(seed["unsure"], int) and seed["seconds"] > 0 and seed["error"] == ""
    assert books["empty.txt"]["status"] == "failed"
    assert books["empty.txt"]["error"] == "the input is empty"
    # the human summary, worst first
    summary = result.stderr[result.stderr.index("6 books:") :]
    assert "5 built, 0 skipped, 1 failed" in summary
    assert "failed   " in summary and "empty.txt" in summary


def test_incremental_runs_skip_what_is_unchanged(tmp_path):
    src = make_archive(tmp_path, others=False)
    (src / "empty.txt").unlink()
    out = tmp_path / "dist"
    started = time.monotonic()
    assert run_cli("build", str(src), "-o", str(out), "--jobs", "2").returncode == 0
    first = time.monotonic() - started
    before = mtimes(out)

    # unchanged: everything skipped, nothing rewritten, quicker than building
    started = time.monotonic()
    result = run_cli("build", str(src), "-o", str(out), "--jobs", "2")
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started < first
    assert set(statuses(out).values()) == {"skipped"}
    assert mtimes(out) == before
    assert "0 built, 3 skipped" in result.stderr
    skipped = report(out)["books"][0]
    assert skipped["words"] > 0  # the numbers of the last build are kept

    # one input's content changes: only that book is built
    with (src / "a" / "x.txt").open("a", encoding="utf-8") as handle:
        handle.write("\nEtt nytt stycke i slutet av texten.\n")
    assert run_cli("build", str(src), "-o", str(out), "--jobs", "1").returncode == 0
    assert [k for k, v in statuses(out).items() if v == "built"] == ["a/x.epub"]

    # a sidecar changes: only that book is built, with the sidecar's title
    (src / "b" / "x.toml").write_text('title = "Ur sidovagnen"\n', encoding="utf-8")
    assert run_cli("build", str(src), "-o", str(out)).returncode == 0
    assert [k for k, v in statuses(out).items() if v == "built"] == ["b/x.epub"]
    with zipfile.ZipFile(out / "b" / "x.epub") as z:
        assert "Ur sidovagnen" in z.read("EPUB/content.opf").decode()

    # an output removed by hand is built again even though its input did not change
    (out / "seed.epub").unlink()
    assert run_cli("build", str(src), "-o", str(out)).returncode == 0
    assert [k for k, v in statuses(out).items() if v == "built"] == ["seed.epub"]

    # other options make other books: all are built; --quiet prints nothing when all is well
    result = run_cli("build", str(src), "-o", str(out), "--date", "1935", "--quiet", "-j", "2")
    assert result.returncode == 0
    assert (result.stdout, result.stderr) == ("", "")
    assert set(statuses(out).values()) == {"built"}

    # --force rebuilds all
    result = run_cli("build", str(src), "-o", str(out), "--date", "1935", "--force", "-j", "2")
    assert set(statuses(out).values()) == {"built"}


def test_inputs_that_would_share_an_output_do_not_overwrite_each_other(tmp_path):
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "x.txt").write_bytes(SEED.read_bytes())
    out = tmp_path / "dist"
    result = run_cli(
        "build", str(tmp_path / "a" / "x.txt"), str(tmp_path / "b" / "x.txt"), "-o", str(out)
    )
    assert result.returncode == 1
    assert "same output" in result.stderr
    assert [b["status"] for b in report(out)["books"]] == ["built", "failed"]


def start_batch_of_copies(tmp_path: Path, **popen: object) -> tuple[Path, Path, subprocess.Popen]:
    """40 copies of the seed, a batch of them started with two workers: (src, out, process)."""
    src = tmp_path / "src"
    src.mkdir()
    for i in range(40):
        (src / f"book{i:02d}.txt").write_bytes(SEED.read_bytes())
    out = tmp_path / "dist"
    proc = subprocess.Popen(
        [sys.executable, "-m", "ebookmaker.cli", "build", str(src), "-o", str(out), "--jobs", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
        **popen,
    )
    return src, out, proc


def test_ctrl_c_stops_cleanly_and_the_next_run_carries_on(tmp_path):
    def default_sigint() -> None:
        # A background shell starts its jobs with SIGINT ignored, and Python then never
        # raises KeyboardInterrupt: the default disposition, as a terminal would give.
        signal.signal(signal.SIGINT, signal.SIG_DFL)

    src, out, proc = start_batch_of_copies(tmp_path, preexec_fn=default_sigint)
    try:
        first = proc.stdout.readline()  # a book was built
        assert first.startswith("built "), proc.stderr.read()
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr
    no_partial_files(out)
    data = report(out)
    assert data["interrupted"] is True
    assert data["summary"]["cancelled"] > 0
    done = {k for k, v in statuses(out).items() if v == "built"}
    assert done and done <= set(mtimes(out))

    result = run_cli("build", str(src), "-o", str(out), "--jobs", "2")
    assert result.returncode == 0, result.stderr
    now = statuses(out)
    assert len(mtimes(out)) == 40 and set(now.values()) <= {"built", "skipped"}
    assert {k for k, v in now.items() if v == "skipped"} >= done
    no_partial_files(out)


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_a_worker_that_dies_fails_only_its_own_book(tmp_path):
    src, out, proc = start_batch_of_copies(tmp_path)
    try:
        first = proc.stdout.readline()  # the workers are building
        assert first.startswith("built "), proc.stderr.read()
        workers = _children(proc.pid)
        assert len(workers) == 2
        os.kill(workers[0], signal.SIGKILL)  # as the kernel's out-of-memory killer would
        _, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 1, stderr
    assert "Traceback" not in stderr
    failed = [b for b in report(out)["books"] if b["status"] == "failed"]
    assert len(failed) == 1 and "worker process died" in failed[0]["error"]
    assert sum(1 for v in statuses(out).values() if v == "built") == 39
    no_partial_files(out)
    again = run_cli("build", str(src), "-o", str(out), "--jobs", "2")
    assert again.returncode == 0 and "1 built, 39 skipped" in again.stderr, again.stderr


def test_builds_on_a_dask_cluster(tmp_path):
    distributed = pytest.importorskip("distributed")
    src = make_archive(tmp_path, others=False)
    out = tmp_path / "dist"
    with distributed.LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
    ) as cluster:
        address = cluster.scheduler_address
        result = run_cli("build", str(src), "-o", str(out), "--scheduler", address)
        assert result.returncode == 1, result.stderr
        assert "the input is empty" in result.stderr
        assert statuses(out) == {
            "seed.epub": "built",
            "a/x.epub": "built",
            "b/x.epub": "built",
            "empty.epub": "failed",
        }
        # same bytes as a local build: the cluster only runs the same task
        assert (out / "seed.epub").read_bytes() == (out / "a" / "x.epub").read_bytes()
        again = run_cli("build", str(src), "-o", str(out), "--scheduler", address)
        assert "0 built, 3 skipped, 1 failed" in again.stderr


def test_scheduler_without_dask_is_a_one_line_error(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "x.txt").write_bytes(SEED.read_bytes())
    code = "import sys; sys.modules['distributed'] = None; from ebookmaker.cli import main; main()"
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            code,
            "build",
            str(src),
            "-o",
            str(tmp_path / "d"),
            "--scheduler",
            "tcp://127.0.0.1:1",
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
        timeout=120,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "ebookmaker: error: --scheduler needs dask.distributed: "
        "pip install 'ebookmaker-pdftext[distributed]'"
    ]
