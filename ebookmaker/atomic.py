"""Atomic file writes: a reader of ``path`` sees the old file or the new one, never a part.

>>> import tempfile, pathlib
>>> target = pathlib.Path(tempfile.mkdtemp()) / "x.txt"
>>> write_atomic(target, b"done")
>>> target.read_bytes()
b'done'
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

# Temp files are named ``.<name>.<12 hex>.tmp`` beside the target (the batch runner removes
# leftovers of interrupted workers by that pattern).
TMP_HEX = 6


def write_atomic(path: str | Path, data: bytes, mode: int | None = None) -> None:
    """Write ``data`` to a temp file in the same folder, fsync it, rename it over ``path``.

    On any error (or interrupt) the temp file is removed and an existing ``path`` is left
    untouched. ``mode`` sets the file's permissions; by default the umask decides.
    """
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    while True:
        tmp = directory / f".{path.name}.{secrets.token_hex(TMP_HEX)}.tmp"
        try:
            # 0o666 lets the umask decide the mode, as a plain open() would.
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            break
        except FileExistsError:
            continue
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_directory(directory)


def fsync_directory(directory: Path) -> None:
    """Make a rename durable; not possible on every platform, so errors are ignored."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
