import os
from pathlib import Path

import duckdb
import pytest

from profile_etl.warehouse.connection import apply_migrations, check_writable, open_reader, open_writer
from profile_etl.warehouse.errors import WarehouseError


def test_read_only_directory_is_reported(tmp_path, monkeypatch):
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if Path(p) == tmp_path else real_access(p, mode))
    with pytest.raises(WarehouseError, match="warehouse directory is not writable"):
        check_writable(tmp_path / "w.duckdb")


def test_migrations_apply_once(tmp_path):
    with open_writer(tmp_path / "w.duckdb", lock_timeout_s=1) as con:
        assert apply_migrations(con) == []  # already applied on open
        versions = [r[0] for r in con.execute("select version from meta.schema_migrations order by version").fetchall()]
    assert versions == ["0001_core.sql", "0002_source_file_modified_ns.sql", "0003_observations.sql",
                        "0004_documents_undecodable.sql", "0005_source_files_unreadable.sql",
                        "0006_reason_kind.sql"]


def test_a_warehouse_from_before_a_migration_gets_it(tmp_path):
    """A warehouse built by an older version keeps its rows and gains the new columns and
    tables: each loaded content is an observation on the date it was loaded with."""
    import duckdb

    from profile_etl.warehouse.connection import read_sql

    path = tmp_path / "w.duckdb"
    with duckdb.connect(str(path)) as old:
        old.execute("create schema meta")
        old.execute("create table meta.schema_migrations (version varchar primary key, applied_at timestamptz not null)")
        old.execute(read_sql("migrations", "0001_core.sql"))
        old.execute("insert into meta.schema_migrations values ('0001_core.sql', now())")
        old.execute("insert into meta.source_files (file_sha256, path, first_seen_at, last_run_id, status, is_current, as_of) "
                    "values ('a', 'p.txt', now(), 'r1', 'loaded', true, '2026-01-02'), "
                    "('b', 'q.txt', now(), 'r1', 'failed', true, null)")
    with open_writer(path, lock_timeout_s=1) as con:
        assert con.execute("select path, modified_ns, changed_ns from meta.source_files order by path").fetchall() == [
            ("p.txt", None, None), ("q.txt", None, None)]
        observations = con.execute("select file_sha256, path, as_of::varchar, first_run_id from meta.observations").fetchall()
        assert observations == [("a", "p.txt", "2026-01-02", "r1")]
        # 0005: the rebuilt table keeps every row, and takes a file that could not be read.
        assert con.execute("select file_sha256, status, first_seen_at is not null from meta.source_files order by path").fetchall() == [
            ("a", "loaded", True), ("b", "failed", True)]
        con.execute("insert into meta.source_files (path, first_seen_at, last_run_id, status, is_current) "
                    "values ('r.txt', now(), 'r2', 'failed', true)")


def test_writer_waits_then_gives_up_with_a_clear_message(tmp_path):
    path = tmp_path / "w.duckdb"
    with open_writer(path, lock_timeout_s=1):
        with pytest.raises(WarehouseError, match="is locked by another process; gave up after 0.5s"):
            with open_writer(path, lock_timeout_s=0.5):
                pass


def test_writer_publishes_atomically_and_readers_do_not_block_it(tmp_path):
    path = tmp_path / "w.duckdb"
    with open_writer(path, lock_timeout_s=1) as con:
        con.execute("create table core.t as select 1 as x")
    reader = duckdb.connect(str(path), read_only=True)  # a BI tool holding the warehouse open
    try:
        with open_writer(path, lock_timeout_s=1) as con:
            con.execute("insert into core.t values (2)")
            assert not path.with_name("w.duckdb.work").samefile(path)
        # The open reader still sees the state it opened; a new reader sees the new one.
        assert reader.execute("select count(*) from core.t").fetchone() == (1,)
    finally:
        reader.close()
    with open_reader(path) as fresh:
        assert fresh.execute("select count(*) from core.t").fetchone() == (2,)


def test_reader_cannot_reach_outside_files(tmp_path):
    path = tmp_path / "w.duckdb"
    with open_writer(path, lock_timeout_s=1):
        pass
    with open_reader(path) as con:
        with pytest.raises(duckdb.Error):
            con.execute("select * from read_text('/etc/passwd')")
        with pytest.raises(duckdb.Error):
            con.execute("set enable_external_access = true")


def test_a_deleted_or_replaced_warehouse_is_not_resurrected_from_the_work_copy(tmp_path):
    path = tmp_path / "w.duckdb"
    with open_writer(path, lock_timeout_s=1) as con:
        con.execute("create table core.t as select 1 as x")
    path.unlink()  # the user starts over
    with open_writer(path, lock_timeout_s=1) as con:
        assert con.execute("select count(*) from information_schema.tables where table_name = 't'").fetchone() == (0,)


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_a_damaged_work_copy_is_made_again_from_the_published_warehouse(tmp_path, damage):
    """A work copy damaged under a matching stamp (a disk that filled up, a bad restore)
    used to fail every later run with `not a DuckDB database`, naming the published file,
    which was intact."""
    path = tmp_path / "w.duckdb"
    with open_writer(path, lock_timeout_s=1) as con:
        con.execute("create table core.t as select 42 as x")
    work = path.with_name(path.name + ".work")
    if damage == "garbage":
        with open(work, "r+b") as f:
            f.write(b"garbage" * 1000)
    else:
        os.truncate(work, 5000)
    for _ in range(2):
        with open_writer(path, lock_timeout_s=1) as con:
            assert con.execute("select x from core.t").fetchall() == [(42,)]
    with open_reader(path) as con:
        assert con.execute("select x from core.t").fetchall() == [(42,)]


def test_a_failed_publish_publishes_nothing_and_keeps_no_half_copy(tmp_path, monkeypatch):
    from profile_etl.warehouse import connection

    path = tmp_path / "w.duckdb"
    with open_writer(path, lock_timeout_s=1) as con:
        con.execute("create table core.t as select 1 as x")

    def disk_full(_path):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(connection, "publish", disk_full)
    with pytest.raises(OSError, match="No space left"):
        with open_writer(path, lock_timeout_s=1) as con:
            con.execute("insert into core.t values (2)")
    monkeypatch.undo()
    with open_writer(path, lock_timeout_s=1) as con:  # starts again from the published state
        assert con.execute("select count(*) from core.t").fetchone() == (1,)


def test_a_process_killed_while_publishing_leaves_a_copy_the_next_run_discards(tmp_path, monkeypatch):
    """No `except` runs when the process is killed: the copy stays, recording its run as
    completed. The next, unrelated run must not take it up and publish it."""
    from profile_etl.warehouse import publish

    path = tmp_path / "w.duckdb"
    with open_writer(path, lock_timeout_s=1) as con:
        con.execute("create table core.t as select 1 as x")

    class Killed(BaseException):
        pass

    def killed_while_copying(source, target):
        raise Killed

    real_copy = publish._atomic_copy
    with monkeypatch.context() as patch:
        patch.setattr(publish, "_atomic_copy", killed_while_copying)
        patch.setattr("profile_etl.warehouse.connection.prepare_work_copy", lambda *a, **k: None)  # no cleanup: killed
        with pytest.raises(Killed):
            with open_writer(path, lock_timeout_s=1) as con:
                con.execute("insert into core.t values (2)")
    assert publish._atomic_copy is real_copy
    with open_writer(path, lock_timeout_s=1) as con:
        assert con.execute("select count(*) from core.t").fetchone() == (1,)


def test_publishing_keeps_the_warehouse_file_mode(tmp_path):
    path = tmp_path / "w.duckdb"
    with open_writer(path, lock_timeout_s=1) as con:
        con.execute("create table core.t as select 1 as x")
    path.chmod(0o600)
    with open_writer(path, lock_timeout_s=1) as con:
        con.execute("insert into core.t values (2)")
    assert path.stat().st_mode & 0o777 == 0o600
    assert (path.with_name(path.name + ".work")).stat().st_mode & 0o777 == 0o600


def test_a_newly_applied_migration_makes_the_next_run_rebuild_core(tmp_path):
    """Core is rebuilt only when something changed; a migration (new tables that core reads)
    counts, until a run has completed after it."""
    from profile_etl.warehouse import load

    with open_writer(tmp_path / "w.duckdb", lock_timeout_s=1) as con:
        assert load.migrated_since_last_run(con)  # no completed run yet
        load.start_run(con, "r1", None)
        load.finish_run(con, "r1", load.RunCounts())
        assert not load.migrated_since_last_run(con)
        con.execute("insert into meta.schema_migrations values ('9999_later.sql', now() + interval 1 second)")
        assert load.migrated_since_last_run(con)


def test_a_symlinked_warehouse_is_published_through_the_link(tmp_path):
    real = tmp_path / "real" / "w.duckdb"
    real.parent.mkdir()
    with open_writer(real, lock_timeout_s=1) as con:
        con.execute("create table core.t as select 1 as x")
    link = tmp_path / "w.duckdb"
    link.symlink_to(real)
    with open_writer(link, lock_timeout_s=1) as con:
        con.execute("insert into core.t values (2)")
    assert link.is_symlink()  # still a link, and the file BI tools open has the run
    with open_reader(real) as con:
        assert con.execute("select count(*) from core.t").fetchone() == (2,)


def test_a_work_copy_that_cannot_be_chmodded_is_no_error(tmp_path, monkeypatch):
    """A shared warehouse: the copy belongs to the user who ran last; chmod by anyone else
    fails even for the same mode. A run goes on (only a changed mode is even tried)."""
    path = tmp_path / "w.duckdb"
    with open_writer(path, lock_timeout_s=1) as con:
        con.execute("create table core.t as select 1 as x")
    path.chmod(0o640)

    real_chmod = os.chmod

    def not_yours(target, mode, *args, **kwargs):
        if str(target).endswith(".work"):
            raise PermissionError(1, "Operation not permitted", str(target))
        return real_chmod(target, mode, *args, **kwargs)

    monkeypatch.setattr(os, "chmod", not_yours)
    with open_writer(path, lock_timeout_s=1) as con:
        con.execute("insert into core.t values (2)")
    monkeypatch.undo()
    with open_reader(path) as con:
        assert con.execute("select count(*) from core.t").fetchone() == (2,)
