"""A report directory's files replaced as one set, and a lock so that one run at a time writes there.

The formats of a run are written into a staging folder inside the report directory
(``.verify-staging-*``), each file flushed to disk, with ``manifest.json`` naming the run and every
file of the set with its SHA-256. Then a journal (``.verify-commit.json``, written to a temporary
name and renamed, so it is whole or absent) lists the moves; it is the commit point. The moves are
renames within one file system, done with SIGINT, SIGTERM and SIGHUP held
(:func:`verify._signals.held`); the files of the previous set that the new one lacks (stale
pictures) are removed, and the journal last of all.

So whatever stops the writing (a full disk, a signal, a crash), the directory holds the previous
set or the new one: before the journal exists, the previous set is untouched and the staging
folder is removed (by this run, or by the next run into the directory); once it exists, the next
:func:`recover` (called by every run that locks the directory) finishes the moves it lists. A set
is checked against its manifest by :func:`check_set`.

The lock is ``flock`` on ``.verify-lock`` in the directory, held for a whole command-line run (from
before its store is opened until its report is written), re-entrant within a process: a second run
into the same directory is refused with one line naming the holder.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import threading
import uuid
from pathlib import Path
from typing import Callable, Iterator

from theory import InvalidArgument, VerifierError

from .._signals import held

__all__ = ["MANIFEST", "report_lock", "write_set", "recover", "check_set", "ReportBusy", "ReportNotWritten"]

MANIFEST = "manifest.json"
_JOURNAL = ".verify-commit.json"
_LOCK = ".verify-lock"
_STAGING = ".verify-staging-"
#: pictures an older report (one without a manifest) may have left: ``<claim id>.<k>.png``, the overview
_LEGACY_PICTURE = re.compile(r"^[A-Za-z0-9_.\-]+\.\d+\.png$|^discrepancies\.png$")
_HELD: dict[Path, list] = {}  # directory -> [open lock file, depth]
_HELD_GUARD = threading.Lock()


class ReportBusy(InvalidArgument):
    """Another process holds the report directory's lock."""

    def __init__(self, directory: str, holder: str):
        super().__init__("--report", directory, "a directory no other run is writing",
                         f"held by {holder}; wait for it, or choose another directory")


class ReportNotWritten(VerifierError, OSError):
    """The new report set could not be written (a full disk, a lost directory); the previous one is unchanged."""

    def __init__(self, directory: str, why: str):
        self.directory, self.why = directory, why
        super().__init__(f"no new report was written to {directory} ({why}); the report there, if any, "
                         f"is the previous one, unchanged")

    def __reduce__(self):
        return type(self), (self.directory, self.why)


@contextlib.contextmanager
def report_lock(directory: str | Path) -> Iterator[Path]:
    """Hold ``directory``'s lock (created if absent); a held lock is :class:`ReportBusy` at once, never a wait."""
    out = Path(directory).resolve()
    with _HELD_GUARD:
        entry = _HELD.get(out)
        if entry is not None:
            entry[1] += 1
        else:
            handle = open(out / _LOCK, "a+")
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.seek(0)
                holder = handle.read().strip() or "another process"
                handle.close()
                raise ReportBusy(str(directory), holder) from None
            with contextlib.suppress(OSError):  # who holds it, for the refusal's message (a full disk: unnamed)
                handle.seek(0)
                handle.truncate()
                handle.write(f"process {os.getpid()}\n")
                handle.flush()
            _HELD[out] = [handle, 1]
    try:
        yield out
    finally:
        with _HELD_GUARD:
            entry = _HELD[out]
            entry[1] -= 1
            if entry[1] == 0:
                del _HELD[out]
                entry[0].close()  # closing the file releases the flock


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_set(out: Path, run_id: str, write: Callable[[Path], dict[str, Path]]) -> dict[str, Path]:
    """Call ``write(staging)`` to write a report set into a staging folder, then replace ``out``'s set with it.

    Returns ``write``'s paths moved into ``out``. Any exception in ``write`` or in the staging (a full disk
    raises OSError) leaves ``out`` as it was and the staging folder removed; the caller holds the lock."""
    staging = out / f"{_STAGING}{uuid.uuid4().hex[:12]}"
    staging.mkdir()
    try:
        paths = write(staging)
        files = sorted(p.name for p in staging.iterdir() if p.is_file())
        manifest = {"run": run_id, "files": {name: _digest(staging / name) for name in files}}
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        for name in (*files, MANIFEST):
            _fsync(staging / name)
        _fsync(staging)
        previous = _manifest_files(out)
        stale = sorted(previous - set(files) - {MANIFEST})
        journal = {"staging": staging.name, "files": [*files, MANIFEST], "remove": stale}
        temporary = out / f"{_JOURNAL}.{staging.name}"
        temporary.write_text(json.dumps(journal) + "\n", encoding="utf-8")
        _fsync(temporary)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        with contextlib.suppress(OSError, UnboundLocalError):
            temporary.unlink(missing_ok=True)
        raise
    with held():
        os.replace(temporary, out / _JOURNAL)  # the commit point
        _finish(out, journal)
    return {key: out / path.name for key, path in paths.items()}


def _manifest_files(out: Path) -> set[str]:
    """The files of the set now in ``out``: its manifest's, or for an older report, its pictures."""
    try:
        return set(json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"])
    except (OSError, ValueError, KeyError, TypeError):
        return {p.name for p in out.iterdir() if p.is_file() and _LEGACY_PICTURE.match(p.name)}


def _finish(out: Path, journal: dict) -> None:
    """Do the moves ``journal`` lists (those already done are skipped), remove the stale files, then it."""
    staging = out / journal["staging"]
    for name in journal["files"]:
        if (staging / name).exists():
            os.replace(staging / name, out / name)
    for name in journal["remove"]:
        (out / name).unlink(missing_ok=True)
    _fsync(out)
    (out / _JOURNAL).unlink(missing_ok=True)
    shutil.rmtree(staging, ignore_errors=True)
    _fsync(out)


def recover(out: Path) -> None:
    """Finish a commit a crash interrupted, and remove staging folders and journals no commit will use."""
    journal_path = out / _JOURNAL
    if journal_path.exists():
        try:
            journal = json.loads(journal_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            journal = None
        if isinstance(journal, dict) and {"staging", "files", "remove"} <= set(journal):
            with held():
                _finish(out, journal)
        else:
            journal_path.unlink(missing_ok=True)
    for leftover in out.glob(f"{_STAGING}*"):
        shutil.rmtree(leftover, ignore_errors=True)
    for leftover in out.glob(f"{_JOURNAL}.*"):
        leftover.unlink(missing_ok=True)


def check_set(out: str | Path) -> str | None:
    """The run id of the complete report set in ``out`` (None if there is none); a set whose files do not
    match its manifest raises InvalidArgument naming the first that differs (for tests and careful readers)."""
    out = Path(out)
    try:
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    for name, digest in manifest["files"].items():
        actual = _digest(out / name) if (out / name).exists() else "missing"
        if actual != digest:
            raise InvalidArgument("report directory", str(out), "a report set whose files match its manifest",
                                  f"{name} is not the file of run {manifest['run']}")
    return manifest["run"]


