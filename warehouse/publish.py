"""Readers never wait for writers: runs write a private copy and publish it atomically.

The published file is the truth; the work copy is the writer's scratch space, equal to
the published file between runs. A run commits batch by batch into the copy (so memory
stays flat however large the run), and only a completed run is published: a run that
fails, or a process that dies, leaves a copy that the next writer throws away.

DuckDB lets one process write a file *or* many read it, never both, so a BI tool that
holds the warehouse open would block a scheduled run (and the run would lock the tool
out). Instead a run writes `<warehouse>.work`, commits, checkpoints, copies it to a
temporary file beside the warehouse and renames that over the warehouse. A rename is
atomic: a reader opens either the previous complete state or the new one, and a reader
that already has the file open keeps reading the state it opened. Writers serialise on
an advisory lock (`<warehouse>.lock`) held from the start of a run to its publication.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import WarehouseError

_POLL_S = 0.2


def work_path(published: Path) -> Path:
    """The writer's private copy of the warehouse."""
    return published.with_name(published.name + ".work")


def lock_path(published: Path) -> Path:
    return published.with_name(published.name + ".lock")


@contextmanager
def writer_lock(published: Path, timeout_s: float) -> Iterator[None]:
    """Hold the warehouse's writer lock, waiting up to `timeout_s` for another run."""
    fd = os.open(lock_path(published), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise WarehouseError(
                        f"warehouse {published} is locked by another process; gave up after {timeout_s:g}s "
                        "(raise PROFILE_ETL_LOCK_TIMEOUT_S to wait longer)"
                    ) from None
                time.sleep(_POLL_S)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _atomic_copy(source: Path, target: Path) -> None:
    """Copy `source` over `target` atomically. The copy keeps the target's permission bits
    and owner (the source's when there is no target yet): a warehouse made private
    (`chmod 600`) stays private, where a fresh file would take the writer's umask."""
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        shutil.copyfile(source, temporary)
        model = target if target.exists() else source
        shutil.copymode(model, temporary)
        owner = model.stat()
        try:
            os.chown(temporary, owner.st_uid, owner.st_gid)
        except OSError:
            pass  # only the owner or root may give a file away: the writer's own is the fallback
        with open(temporary, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    _fsync_dir(target.parent)


def _stamp(published: Path) -> str:
    """What identifies the published file: replaced, restored or deleted, it changes."""
    if not published.exists():
        return "absent"
    stat = published.stat()
    return f"{stat.st_ino} {stat.st_size} {stat.st_mtime_ns}"


def _stamp_path(published: Path) -> Path:
    return published.with_name(published.name + ".work.stamp")


def prepare_work_copy(published: Path, *, fresh: bool = False) -> Path:
    """The work copy, equal to the published warehouse. It is made anew when there is none,
    when asked (`fresh`: a failed or dead run left it half-written), or when the published
    file is not the one the copy was last published as (the user deleted, replaced or
    restored it: the published file is the truth)."""
    work = work_path(published)
    stamp = _stamp_path(published)
    recorded = stamp.read_text() if stamp.exists() else None
    if fresh or recorded != _stamp(published):
        work.unlink(missing_ok=True)
        work.with_name(work.name + ".wal").unlink(missing_ok=True)
        stamp.unlink(missing_ok=True)
    if not work.exists():
        if published.exists():
            _atomic_copy(published, work)
        stamp.write_text(_stamp(published))
    elif published.exists() and (mode := published.stat().st_mode & 0o7777) != work.stat().st_mode & 0o7777:
        try:
            work.chmod(mode)  # as private as the warehouse, if it was made so since
        except OSError:
            pass  # another user's copy (a shared warehouse), or a mount without modes
    for stale in published.parent.glob(f".{published.name}.*.tmp"):
        stale.unlink(missing_ok=True)  # left by a run killed while publishing
    return work


def publish(published: Path) -> None:
    """Atomically replace the published warehouse by the (closed, checkpointed) work copy.

    The stamp is voided first: the copy already records its run as completed, and a
    process killed while copying would otherwise leave a copy that still matches the
    published file, which the next, unrelated run would take up and publish."""
    stamp = _stamp_path(published)
    stamp.write_text("publishing")
    _atomic_copy(work_path(published), published)
    stamp.write_text(_stamp(published))
