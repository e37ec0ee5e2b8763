"""Private temporary folders named after the process that owns them (`<prefix><pid>-…`),
so that one left by a killed process can be found and removed by the next."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


def remove_orphans(prefix: str, directory: Path | None = None) -> None:
    """Remove the folders `<prefix><pid>-…` in `directory` (default: the system's temporary
    folder) whose process is gone (killed, crashed)."""
    for path in Path(directory or tempfile.gettempdir()).glob(f"{prefix}*-*"):
        pid = path.name[len(prefix) :].split("-", 1)[0]
        if pid.isdigit() and not process_exists(int(pid)):
            shutil.rmtree(path, ignore_errors=True)


def process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True
