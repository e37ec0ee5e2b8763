"""The SPARQL view's full copy kept on disk for the next process (graph/sparql.py).

A service that starts again would export the whole graph once more (about 80 s of the
2 minutes a full copy takes at 10M triples, BENCHMARKS.md 4d). After each full build the
engine keeps the copy's N-Triples in a folder of its own (`view-<n>.nt`) with a record
(`view.json`) of what it holds: the loads, each with the stamp its commit left on its
`(:Load)` node, and the build (code and ontology) that exported it. A new engine starts
from that copy when every load it names is still in the graph with the same stamp, and
applies the loads since as a delta; anything else (a load gone or loaded again, another
build, a file missing or unreadable) means a full build, as before.

Several API workers (and several services on one data directory) share the folder: one
builds at a time (`building`, a lock on a file the system releases when its process ends),
and one that waited for it starts from the copy it kept; each writes its own file, then
replaces the record in one `os.replace`; a reader that meets a file removed meanwhile
builds in full.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("sahelkg.sparql")

RECORD = "view.json"
LOCK = ".building"

# Load id -> the stamp of its commit (graph.store.Store.load_stamps).
Stamps = dict[str, str]


@dataclass
class Kept:
    path: Path  # a private copy (hard link, or a copy across file systems) of the kept file
    load_ids: tuple[str, ...]  # sorted: the view's version for the delta that follows


def restore(folder: Path, build: str, stamps: Stamps, into: Path) -> Kept | None:
    """The kept copy, when it fits the graph (`stamps`: its loads now), linked or copied to
    `into`; None when there is none or it does not fit."""
    try:
        record = json.loads((folder / RECORD).read_text(encoding="utf-8"))
        kept: Stamps = record["loads"]
        if record["build"] != build or any(stamps.get(i) != s for i, s in kept.items()):
            return None
        _link_or_copy(folder / record["file"], into)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("the kept SPARQL copy in %s is not usable (%s): building it again", folder, exc)
        return None
    return Kept(into, tuple(sorted(kept)))


def keep(folder: Path, build: str, stamps: Stamps, snapshot: Path) -> None:
    """Keep `snapshot` (a full copy holding the loads of `stamps`) for the next engine.
    Never raises: the view works without it (the failure is logged)."""
    name = f"view-{uuid.uuid4().hex}.nt"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _link_or_copy(snapshot, folder / name)
        tmp = folder / f".{RECORD}-{uuid.uuid4().hex}"
        tmp.write_text(json.dumps({"build": build, "loads": stamps, "file": name}), "utf-8")
        os.replace(tmp, folder / RECORD)
    except OSError as exc:
        log.warning("could not keep the SPARQL copy in %s: %s", folder, exc)
        with contextlib.suppress(OSError):
            (folder / name).unlink()
        return
    for old in folder.glob("view-*.nt"):  # the copies the record no longer names
        if old.name != name:
            with contextlib.suppress(OSError):
                old.unlink()


@contextlib.contextmanager
def building(folder: Path) -> Iterator[None]:
    """Held while this process builds a full copy: another one waits (it may then start
    from the copy this one keeps). Without a lock (a folder that cannot be written) it
    builds anyway, as each process did before."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle = (folder / LOCK).open("a")
    except OSError as exc:
        log.warning("no lock for building the SPARQL copy in %s (%s)", folder, exc)
        yield
        return
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file closes or the process ends
        yield


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)  # the same file system: instant, whatever the size
    except OSError:
        shutil.copyfile(source, target)
