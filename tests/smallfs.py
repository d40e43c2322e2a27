"""A size-limited tmpfs for full-disk tests (mounted as root; the test is skipped where mount is not permitted)."""

import contextlib
import errno
import os
import sqlite3
import subprocess
from pathlib import Path

import pytest


@contextlib.contextmanager
def small_filesystem(where: Path, size: str = "2m"):
    where.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(where)], capture_output=True, check=False
    )
    if done.returncode != 0:
        pytest.skip(f"mount not permitted here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True, check=False)


def settle_wal(db: Path) -> None:
    """Move the WAL into the database and truncate it, so the next write needs new blocks (a full disk shows at
    once instead of after the WAL's already allocated pages are used up)."""
    conn = sqlite3.connect(db)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def fill(where: Path) -> Path:
    """Take every free block of the filesystem; returns the filler (delete it to give the space back)."""
    filler = where / "filler.bin"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        for size in (65536, 4096, 1):  # down to the last bytes a bigger piece did not fit in
            piece = b"\0" * size
            while True:
                try:
                    os.write(fd, piece)
                except OSError as e:
                    if e.errno != errno.ENOSPC:
                        raise
                    break
    finally:
        os.close(fd)
    return filler
