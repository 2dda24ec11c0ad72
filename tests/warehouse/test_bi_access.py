"""Rebuild, Parquet export and BI clients against a warehouse built by the real flow."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest
import sqlalchemy as sa

from pagekit import SEED_AS_OF
from profile_etl.flows.pipeline import profile_etl_flow, rebuild_flow
from profile_etl.settings import SAMPLE_DIR
from profile_etl.warehouse.export import export_parquet
from warehouse_kit import query, table_checksums

CORE = ["core.researchers", "core.profile_snapshots", "core.papers", "core.authors",
        "core.paper_authors", "core.profile_papers", "core.categories"]
READ_ONLY_ARGS = {"read_only": True, "config": {"enable_external_access": False, "lock_configuration": True}}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory, seed_page, prefect_harness) -> Path:
    inputs = tmp_path_factory.mktemp("in")
    shutil.copy(seed_page, inputs)
    for page in SAMPLE_DIR.glob("*.txt"):
        shutil.copy(page, inputs)
    (inputs / "bad.txt").write_text("Jane Doe\nLGFeb 30, 2024\nT\nJane Doe\nA.\n", encoding="utf-8")
    path = tmp_path_factory.mktemp("wh") / "w.duckdb"
    profile_etl_flow(paths=[str(inputs)], warehouse=str(path), as_of=SEED_AS_OF)
    return path


def test_rebuild_from_raw_documents_yields_identical_core_tables(warehouse, tmp_path):
    copy = tmp_path / "copy.duckdb"
    shutil.copy(warehouse, copy)
    before = table_checksums(copy, CORE)
    summary = rebuild_flow(warehouse=str(copy))
    assert summary["n_files_loaded"] == query(copy, "select count(*) n from raw.documents")["n"].item()
    assert table_checksums(copy, CORE) == before
    reasons = query(copy, "select reason from quarantine.records")["reason"].to_list()
    assert reasons == ["invalid date 'Feb 30, 2024'"]
    assert query(copy, "select count(*) n from analytics.line_accounting where not is_balanced")["n"].item() == 0


def test_export_writes_every_core_table_and_view_as_parquet(warehouse, tmp_path):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        written = export_parquet(con, tmp_path / "out")
        objects = con.execute(
            "select table_schema || '.' || table_name from information_schema.tables where table_schema in ('core', 'analytics')"
        ).fetchall()
    assert set(written) == {o[0] for o in objects}
    assert any(name.startswith("analytics.") for name in written)
    for name, n_rows in written.items():
        schema, table = name.split(".")
        source = tmp_path / "out" / schema / (table if name == "core.papers" else f"{table}.parquet")
        frame = pl.read_parquet(source, hive_partitioning=name == "core.papers")
        assert frame.height == n_rows == query(warehouse, f"select count(*) n from {name}")["n"].item()
    years = sorted(p.name for p in (tmp_path / "out" / "core" / "papers").iterdir())
    assert years and all(y.startswith("published_year=") for y in years)


def test_sqlalchemy_duckdb_engine_reads_every_analytics_view_read_only(warehouse, tmp_path):
    engine = sa.create_engine(f"duckdb:///{warehouse}", connect_args=READ_ONLY_ARGS)
    with engine.connect() as con:
        views = sa.inspect(con).get_view_names(schema="analytics")
        assert "line_accounting" in views
        for view in views:
            con.execute(sa.text(f'select * from analytics."{view}" limit 5')).fetchall()
        for statement in (
            "drop table core.papers",
            f"copy core.papers to '{tmp_path}/leak.csv'",
            "select * from read_text('/etc/passwd')",
        ):
            with pytest.raises(sa.exc.DBAPIError):
                con.execute(sa.text(statement))
    assert not (tmp_path / "leak.csv").exists()
    engine.dispose()


def test_python_read_only_connection_as_documented(warehouse, tmp_path):
    with duckdb.connect(str(warehouse), **READ_ONLY_ARGS) as con:
        assert con.execute("select count(*) from core.papers").fetchone()[0] > 0
        for statement in ("drop table core.papers", f"copy core.papers to '{tmp_path}/x.csv'", "select * from read_text('/etc/passwd')"):
            with pytest.raises(duckdb.Error):
                con.execute(statement)


def test_export_of_a_warehouse_without_papers_still_writes_the_papers_folder(tmp_path):
    """A warehouse whose pages listed no paper: `core/papers/` holds one empty file with the
    table's columns (it used to be missing, so the documented glob found no file)."""
    from profile_etl.warehouse.connection import apply_migrations, apply_views

    path = tmp_path / "w.duckdb"
    with duckdb.connect(str(path)) as con:
        apply_migrations(con)
        apply_views(con)
        written = export_parquet(con, tmp_path / "out")
    assert written["core.papers"] == 0
    frame = duckdb.sql(f"select * from read_parquet('{tmp_path}/out/core/papers/**/*.parquet')").pl()
    assert frame.height == 0
    assert {"paper_id", "title", "published_on", "published_year"} <= set(frame.columns)


def _empty_warehouse(folder: Path) -> Path:
    """A warehouse with every table and view and no rows."""
    from profile_etl.warehouse.connection import apply_migrations, apply_views

    path = folder / "empty.duckdb"
    with duckdb.connect(str(path)) as con:
        apply_migrations(con)
        apply_views(con)
    return path


def test_a_failed_export_leaves_the_previous_export_whole(warehouse, tmp_path, monkeypatch):
    """An export that fails part-way (a full disk, a killed process) used to leave some tables
    of the new export beside others of the old one; now OUT_DIR keeps the previous export
    file for file, and no half-written folder is left in it."""
    emptied = _empty_warehouse(tmp_path)  # a later state of the warehouse: every object differs
    out = tmp_path / "out"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        export_parquet(con, out)
    (out / "notes.txt").write_text("the user's own file")
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    from profile_etl.warehouse import export

    real_write = export._write_file
    calls = []

    def failing_write(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return real_write(*args, **kwargs)

    monkeypatch.setattr(export, "_write_file", failing_write)
    with duckdb.connect(str(emptied), read_only=True) as con, pytest.raises(OSError, match="No space"):
        export_parquet(con, out)
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []


def test_export_replaces_files_of_objects_that_no_longer_exist(warehouse, tmp_path):
    out = tmp_path / "out"
    (out / "core").mkdir(parents=True)
    (out / "core" / "dropped_table.parquet").write_bytes(b"old")
    (out / "notes.txt").write_text("the user's own file")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        written = export_parquet(con, out)
    assert not (out / "core" / "dropped_table.parquet").exists()
    assert (out / "notes.txt").read_text() == "the user's own file"
    assert (out / "core" / "researchers.parquet").is_file() and "core.researchers" in written


def test_export_streams_tables_in_batches(warehouse, tmp_path, monkeypatch):
    """Tables leave DuckDB a batch at a time (they were read whole into memory first):
    with batches of 50 rows, every file of a bigger table holds several row groups."""
    import pyarrow.parquet as pq

    from profile_etl.warehouse import export

    monkeypatch.setattr(export, "BATCH_ROWS", 50)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        written = export_parquet(con, tmp_path / "out")
    assert written["core.paper_authors"] > 100
    assert pq.ParquetFile(tmp_path / "out" / "core" / "paper_authors.parquet").metadata.num_row_groups > 1
    frame = pl.read_parquet(tmp_path / "out" / "core" / "papers", hive_partitioning=True)
    assert frame.height == written["core.papers"] and frame["paper_id"].n_unique() == frame.height


def test_an_export_interrupted_between_its_renames_puts_the_old_folder_back(warehouse, tmp_path, monkeypatch):
    """Ctrl-C between moving the old `core/` aside and moving the new one in used to lose
    `core/` (the hidden folder holding the old one was removed on the way out), and left the
    new `analytics/` beside the old `core/`."""
    emptied = _empty_warehouse(tmp_path)  # a later state of the warehouse: every object differs
    out = tmp_path / "out"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        export_parquet(con, out)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    real_rename = Path.rename

    def interrupted_rename(self, target):
        if self.name == "core" and "new" in self.parts:
            raise KeyboardInterrupt
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", interrupted_rename)
    with duckdb.connect(str(emptied), read_only=True) as con, pytest.raises(KeyboardInterrupt):
        export_parquet(con, out)
    monkeypatch.undo()
    # `analytics/` was swapped before `core/` failed: it gets its old folder back too
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before


def test_export_removes_what_a_killed_export_left_and_refuses_a_file_as_out_dir(warehouse, tmp_path):
    from profile_etl.warehouse.errors import WarehouseError

    out = tmp_path / "out"
    dead = out / ".export-999999999-abc"  # no such process
    (dead / "new" / "core").mkdir(parents=True)
    (dead / "new" / "core" / "papers.parquet").write_bytes(b"half")
    alive = out / f".export-{os.getpid()}-xyz"  # an export still running
    alive.mkdir()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        export_parquet(con, out)
        assert not dead.exists() and alive.is_dir()
        with pytest.raises(WarehouseError, match="OUT_DIR is not a directory"):
            export_parquet(con, tmp_path / "out" / "core" / "researchers.parquet")


def test_export_writes_more_than_a_thousand_publication_years(tmp_path):
    """pyarrow writes at most 1,024 partitions unless told otherwise; the polars export had
    no such cap."""
    import datetime as dt

    from profile_etl.warehouse.connection import apply_migrations, apply_views

    path = tmp_path / "w.duckdb"
    with duckdb.connect(str(path)) as con:
        apply_migrations(con)
        apply_views(con)
        papers = pl.DataFrame({
            "paper_id": [f"{i:016x}" for i in range(1100)], "title": "t", "abstract": "a", "category": "LG",
            "published_on": [dt.date(900 + i, 1, 1) for i in range(1100)], "published_year_inferred": False,
            "has_code": False, "authors_truncated": False,
        })
        con.register("_papers", papers.to_arrow())
        con.execute("insert into core.papers by name select * from _papers")
        written = export_parquet(con, tmp_path / "out")
    assert written["core.papers"] == papers.height
    assert len(list((tmp_path / "out" / "core" / "papers").iterdir())) == 1100
