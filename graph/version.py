"""The graph-version marker: a small file in SAHELKG_DATA_DIR that the store rewrites right
after every committed write (graph.store.base.Store.write), so that the API processes on
this machine learn that the graph changed with one `os.stat` per request instead of a
store read (api/cache.py).

The file is replaced atomically (write a temporary file, then `os.replace`), and its
modification time is set explicitly to a nanosecond clock strictly after the previous
marker's: the file system's own timestamps are as coarse as the kernel tick (~4 ms), and a
replaced file may get the inode of the one before, so two commits in quick succession
(`clear` then `load`) could otherwise leave a marker that looks unchanged.

The marker says only "a commit happened", not which: readers ask the store for the load ids
when it changes. Loads on another host (a shared Neo4j) do not write it; the API's periodic
re-check covers those (Settings.graph_version_recheck_s).
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
import time
from pathlib import Path

log = logging.getLogger("sahelkg.version")

MARKER_NAME = "graph-version"

# (inode, modification time in ns, size): changes on every `mark`; None = no marker yet.
Token = tuple[int, int, int] | None


def marker_path(data_dir: Path) -> Path:
    return data_dir / MARKER_NAME


def token(path: Path) -> Token:
    """The marker's identity as `os.stat` sees it (a few microseconds, no read)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def mark(path: Path) -> None:
    """Say that a write committed: replace the marker atomically, with a modification time
    later than the previous marker's. Never raises: the commit has happened, and a reader
    that misses the marker still sees the change at its next re-check of the store; the
    failure is logged."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        previous = token(path)
        stamp = time.time_ns()
        if previous is not None and stamp <= previous[1]:
            stamp = previous[1] + 1  # a clock step back, or two marks within one tick
        fd, tmp = tempfile.mkstemp(prefix=f".{MARKER_NAME}-", dir=path.parent)
        try:
            with os.fdopen(fd, "w") as fh:
                fh.write(f"{stamp} {os.getpid()}\n")  # for people; readers use the stat only
            os.utime(tmp, ns=(stamp, stamp))
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError as exc:
        log.warning("could not write the graph-version marker %s: %s", path, exc)
