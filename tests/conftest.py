"""Shared test fixtures: paths to the development corpus and a CLI runner."""

from __future__ import annotations

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
