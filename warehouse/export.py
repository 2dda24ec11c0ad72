"""Parquet exports for tools that cannot open DuckDB (Tableau, Power BI, spreadsheets).

One file per core table and analytics view under `OUT_DIR/<schema>/<name>.parquet`;
`core.papers` is partitioned by publication year (`OUT_DIR/core/papers/published_year=2024/`)
because year is how most dashboards slice it. Data leaves DuckDB as Arrow and is written
by polars, so no path is ever pasted into SQL.

An export is written into a hidden folder inside OUT_DIR and each schema folder is then
swapped in whole, so a tool reading OUT_DIR (or a failed export) sees the previous complete
export, never some tables of the new one next to others of the old, and files of objects
that no longer exist do not linger.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import duckdb
import polars as pl

PARTITIONS = {("core", "papers"): "published_year"}


def exportable(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(schema, name) of every core table and analytics view."""
    rows = con.execute(
        """
        select table_schema, table_name from information_schema.tables
        where table_schema in ('core', 'analytics')
        order by table_schema, table_name
        """
    ).fetchall()
    return [(schema, name) for schema, name in rows]


def _quoted(schema: str, name: str) -> str:
    return ".".join('"' + part.replace('"', '""') + '"' for part in (schema, name))


def export_parquet(con: duckdb.DuckDBPyConnection, out_dir: Path) -> dict[str, int]:
    """Write every core table and analytics view as Parquet; returns rows written per object."""
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".export-", dir=out_dir))
    try:
        written = _write_objects(con, staging / "new")
        (staging / "old").mkdir()
        for schema in sorted({name.split(".")[0] for name in written}):
            _swap_in(staging / "new" / schema, out_dir / schema, staging / "old" / schema)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return written


def _swap_in(new: Path, final: Path, old: Path) -> None:
    """Put `new` at `final`, moving what was there to `old`: two renames, no copy."""
    if final.exists():
        final.rename(old)
    try:
        new.rename(final)
    except OSError:
        if old.exists():
            old.rename(final)
        raise


def _write_objects(con: duckdb.DuckDBPyConnection, out_dir: Path) -> dict[str, int]:
    written: dict[str, int] = {}
    for schema, name in exportable(con):
        frame = con.sql(f"select * from {_quoted(schema, name)}").pl()
        target = out_dir / schema
        target.mkdir(parents=True, exist_ok=True)
        partition = PARTITIONS.get((schema, name))
        if partition:
            folder = target / name
            frame = frame.with_columns(pl.col("published_on").dt.year().alias(partition))
            if frame.is_empty():  # no partition to write: one empty file keeps the columns readable
                folder.mkdir()
                frame.write_parquet(folder / "empty.parquet")
            else:
                frame.write_parquet(folder, partition_by=partition)
        else:
            frame.write_parquet(target / f"{name}.parquet")
        written[f"{schema}.{name}"] = frame.height
    return written
