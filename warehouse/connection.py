"""Every DuckDB connection the project opens, with its migrations and its locking rules.

Writers work on a private copy and publish it atomically (`publish.py`), so readers of
the warehouse never meet a writer's lock; a run that finds another run writing waits (up
to `lock_timeout_s`) and then gives up with a clear message. Readers open read-only with
access to anything outside the warehouse switched off.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import duckdb

from .errors import WarehouseError
from .publish import prepare_work_copy, publish, work_path, writer_lock

_LOCK_MARKERS = ("Could not set lock", "Conflicting lock", "lock on file")


def sql_files(folder: str) -> list[str]:
    """Names of the `.sql` files in a folder of the package's `sql/`, sorted."""
    return sorted(p.name for p in resources.files("profile_etl.sql").joinpath(folder).iterdir() if p.name.endswith(".sql"))


def read_sql(folder: str, name: str) -> str:
    """The text of `sql/<folder>/<name>`."""
    return resources.files("profile_etl.sql").joinpath(folder, name).read_text(encoding="utf-8")


def apply_migrations(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply the migrations not yet applied, each in its own transaction; return their names."""
    con.execute("create schema if not exists meta")
    con.execute(
        "create table if not exists meta.schema_migrations (version varchar primary key, applied_at timestamptz not null)"
    )
    done = {row[0] for row in con.execute("select version from meta.schema_migrations").fetchall()}
    applied = []
    for name in sql_files("migrations"):
        if name in done:
            continue
        con.execute("begin transaction")
        try:
            con.execute(read_sql("migrations", name))
            con.execute("insert into meta.schema_migrations values (?, now())", [name])
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
        applied.append(name)
    return applied


def apply_views(con: duckdb.DuckDBPyConnection) -> list[str]:
    """(Re)create every analytics view from `sql/analytics/<name>.sql` (one view per file).

    Views hold no data, so they are simply replaced each time a writer opens the warehouse:
    editing a view file and running again is all it takes to change one.
    """
    names = []
    for name in sql_files("analytics"):
        con.execute(read_sql("analytics", name))
        names.append(name.removesuffix(".sql"))
    return names


def _check_writable_location(path: Path) -> None:
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.exists():
        raise WarehouseError(f"warehouse directory does not exist: {parent}")
    if not parent.is_dir():
        raise WarehouseError(f"warehouse directory is not a directory: {parent}")
    if path.exists() and path.is_dir():
        raise WarehouseError(f"warehouse path is a directory, not a DuckDB file: {path}")


def _is_lock_error(error: duckdb.Error) -> bool:
    return any(marker in str(error) for marker in _LOCK_MARKERS)


def _describe(error: duckdb.Error, path: Path) -> str:
    message = str(error).splitlines()[0]
    if "not a valid DuckDB database" in message or "Could not read from file" in message or "database file" in message.lower() and "invalid" in message.lower():
        return f"not a DuckDB database: {path}"
    if "Permission denied" in message or "Read-only file system" in message:
        return f"warehouse is not writable: {path} ({message})"
    return f"cannot open warehouse {path}: {message}"


def check_writable(path: Path) -> None:
    """Fail fast, before any work, when the warehouse cannot be used for writing.

    A file locked by a running writer is fine here: the run will wait for it.
    """
    path = Path(path)
    _check_writable_location(path)
    parent = path.parent if str(path.parent) else Path(".")
    if not os.access(parent, os.W_OK):
        raise WarehouseError(f"warehouse directory is not writable: {parent}")
    if not path.exists():
        return
    if not os.access(path, os.W_OK):
        raise WarehouseError(f"warehouse is not writable: {path}")
    try:
        duckdb.connect(str(path), read_only=True).close()
    except duckdb.Error as error:
        if not _is_lock_error(error):
            raise WarehouseError(_describe(error, path)) from error


# Rows per row group in the writer's copy (DuckDB's default is 122,880). A run commits
# batch by batch, and every commit checkpoints; a checkpoint rewrites each table's last,
# partly filled row group. With the default size that is up to 122,880 entries with their
# abstracts per commit, so commits got slower as the warehouse grew (20,000 profiles:
# 1.5 s per commit late in the run, half the run's time). 2,048 (DuckDB's vector size,
# the smallest it allows) keeps that rewrite small and constant; scans are unaffected.
WORK_ROW_GROUP_SIZE = 2048
WORK_CATALOG = "warehouse"


class _WorkCopyUnusable(WarehouseError):
    """The work copy could not be attached (damaged, or not a database)."""


def _connect_work(path: Path, memory_limit: str | None) -> duckdb.DuckDBPyConnection:
    config = {"memory_limit": memory_limit} if memory_limit else {}
    try:
        con = duckdb.connect(config=config)
    except duckdb.Error as error:  # an in-memory database: only the settings can be wrong
        raise WarehouseError(
            f"invalid PROFILE_ETL_DUCKDB_MEMORY_LIMIT {memory_limit!r}: {str(error).splitlines()[0]}"
        ) from error
    try:
        con.execute(
            f"attach ? as {WORK_CATALOG} (row_group_size {WORK_ROW_GROUP_SIZE})", [str(work_path(path))]
        )  # constants, not data; the path is bound
        con.execute(f"use {WORK_CATALOG}")
    except duckdb.Error as error:
        con.close()
        raise _WorkCopyUnusable(_describe(error, path)) from error
    return con


def _unfinished_runs(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    has_runs = con.execute(
        "select count(*) from information_schema.tables where table_schema = 'meta' and table_name = 'runs'"
    ).fetchone()[0]
    if not has_runs:
        return []
    return con.execute("select run_id, started_at, as_of from meta.runs where status = 'running'").fetchall()


def _open_work_copy(path: Path, memory_limit: str | None) -> tuple[duckdb.DuckDBPyConnection, list[tuple]]:
    """The work copy and the runs it holds unfinished. A copy that cannot be opened (a disk
    that filled up, a restore of a damaged file) is made again from the published file,
    which is the truth: it holds nothing that was published, so nothing is lost, and the
    error no longer blocks every later run."""
    prepare_work_copy(path)
    try:
        return _attach_work_copy(path, memory_limit)
    except _WorkCopyUnusable:
        prepare_work_copy(path, fresh=True)
        return _attach_work_copy(path, memory_limit)  # fails again only if the published file is bad


def _attach_work_copy(path: Path, memory_limit: str | None) -> tuple[duckdb.DuckDBPyConnection, list[tuple]]:
    con = _connect_work(path, memory_limit)
    try:
        return con, _unfinished_runs(con)
    except duckdb.Error as error:  # attached, but its tables cannot be read
        con.close()
        raise _WorkCopyUnusable(_describe(error, path)) from error


@contextmanager
def open_writer(path: Path, lock_timeout_s: float, memory_limit: str | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection to the writer's copy, with migrations and views applied.

    Waits for another run's lock. A copy left half-written by a run whose process died is
    replaced by the published warehouse first, and that run is recorded as abandoned. On
    leaving normally: checkpoint, close, publish. On an error: the copy is thrown away
    and the published warehouse stays as it was.
    """
    path = Path(path)
    if path.is_symlink():  # publish through the link: replacing the link would detach it
        path = Path(os.path.realpath(path))
    _check_writable_location(path)
    with writer_lock(path, lock_timeout_s):
        con, abandoned = _open_work_copy(path, memory_limit)
        if abandoned:
            con.close()
            prepare_work_copy(path, fresh=True)
            con = _connect_work(path, memory_limit)
        try:
            try:
                apply_migrations(con)
                apply_views(con)
            except duckdb.Error as error:
                raise WarehouseError(_describe(error, path)) from error
            for run_id, started_at, as_of in abandoned:
                con.execute(
                    "insert or ignore into meta.runs (run_id, started_at, status, as_of, message) "
                    "values (?, ?, 'abandoned', ?, 'the process ended before the run finished; nothing of it was published')",
                    [run_id, started_at, as_of],
                )
            yield con
        except BaseException:
            con.close()
            prepare_work_copy(path, fresh=True)
            raise
        try:
            con.execute("checkpoint")
            con.close()
            publish(path)
        except BaseException:
            con.close()
            prepare_work_copy(path, fresh=True)  # the run is not published: its copy must go
            raise


@contextmanager
def open_reader(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection that cannot reach files outside the warehouse."""
    path = Path(path)
    if not path.is_file():
        raise WarehouseError(f"warehouse not found: {path} (run `profile-etl run` first)")
    try:
        con = duckdb.connect(
            str(path),
            read_only=True,
            config={"enable_external_access": False, "lock_configuration": True},
        )
    except duckdb.Error as error:
        raise WarehouseError(_describe(error, path)) from error
    try:
        yield con
    finally:
        con.close()
