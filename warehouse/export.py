"""Parquet exports for tools that cannot open DuckDB (Tableau, Power BI, spreadsheets).

One file per core table and analytics view under `OUT_DIR/<schema>/<name>.parquet`;
`core.papers` is partitioned by publication year (`OUT_DIR/core/papers/published_year=2024/`)
because year is how most dashboards slice it. Data leaves DuckDB as a stream of Arrow
batches and is written by pyarrow, so no path is ever pasted into SQL and no table is
held in memory whole.

An export is written into a hidden folder inside OUT_DIR and each schema folder is then
swapped in whole (if a swap fails, the schemas already swapped get their old folders back),
so a failed export leaves the previous complete export, never some tables of the new one
next to others of the old, and files of objects that no longer exist do not linger.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from ..prefect_db import pid_alive
from .errors import WarehouseError

PARTITIONS = {("core", "papers"): "published_year"}
# Rows per Arrow batch streamed from DuckDB to Parquet: memory stays flat however large a
# table is (`core.papers` carries every abstract twice).
BATCH_ROWS = 50_000
STAGING_PREFIX = ".export-"


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
    if out_dir.exists() and not out_dir.is_dir():
        raise WarehouseError(f"OUT_DIR is not a directory: {out_dir}")
    out_dir.mkdir(parents=True, exist_ok=True)
    _remove_abandoned_exports(out_dir)
    staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=out_dir))
    try:
        written = _write_objects(con, staging / "new")
        (staging / "old").mkdir()
        swapped: list[str] = []
        try:
            for schema in sorted({name.split(".")[0] for name in written}):
                _swap_in(staging / "new" / schema, out_dir / schema, staging / "old" / schema)
                swapped.append(schema)
        except BaseException:
            # all or nothing: the schemas already swapped get their old folders back
            (staging / "undone").mkdir()
            for schema in reversed(swapped):
                (out_dir / schema).rename(staging / "undone" / schema)
                if (staging / "old" / schema).exists():
                    (staging / "old" / schema).rename(out_dir / schema)
            raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return written


def _remove_abandoned_exports(out_dir: Path) -> None:
    """The hidden folders of exports whose process died (a kill leaves a whole copy, which a
    `**` glob over OUT_DIR would read); those of running exports are left alone. Processes
    are this machine's: do not export into one OUT_DIR from several machines at once."""
    for folder in out_dir.glob(f"{STAGING_PREFIX}*"):
        pid = folder.name.removeprefix(STAGING_PREFIX).split("-", 1)[0]
        if folder.is_dir() and pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        return pid_alive(pid)
    except OverflowError:  # no such process can exist
        return False


def _swap_in(new: Path, final: Path, old: Path) -> None:
    """Put `new` at `final`, moving what was there to `old`: two renames, no copy. If the
    second fails or is interrupted, the old folder goes back."""
    moved = False
    try:
        if final.exists():
            final.rename(old)
            moved = True
        new.rename(final)
    except BaseException:
        if moved and not final.exists():
            old.rename(final)
        raise


def _write_objects(con: duckdb.DuckDBPyConnection, out_dir: Path) -> dict[str, int]:
    written: dict[str, int] = {}
    for schema, name in exportable(con):
        target = out_dir / schema
        target.mkdir(parents=True, exist_ok=True)
        source = _quoted(schema, name)
        partition = PARTITIONS.get((schema, name))
        if partition:
            relation = con.sql(f"select *, year(published_on) as {partition} from {source}")  # constants
            written[f"{schema}.{name}"] = _write_partitioned(relation, target / name, partition)
        else:
            written[f"{schema}.{name}"] = _write_file(con.sql(f"select * from {source}"), target / f"{name}.parquet")
    return written


def _write_file(relation: duckdb.DuckDBPyRelation, path: Path) -> int:
    """Stream a query's rows into one Parquet file, a batch at a time; returns the rows."""
    reader = relation.to_arrow_reader(BATCH_ROWS)
    rows = 0
    with pq.ParquetWriter(path, reader.schema) as writer:
        for batch in reader:
            writer.write_batch(batch)
            rows += batch.num_rows
    return rows


def _write_partitioned(relation: duckdb.DuckDBPyRelation, folder: Path, partition: str) -> int:
    """Stream a query's rows into `folder/<partition>=<value>/part-N.parquet`; returns the rows."""
    reader = relation.to_arrow_reader(BATCH_ROWS)
    rows = 0

    def counted() -> Iterator[pa.RecordBatch]:
        nonlocal rows
        for batch in reader:
            rows += batch.num_rows
            yield batch

    folder.mkdir()
    ds.write_dataset(counted(), folder, schema=reader.schema, format="parquet", partitioning=[partition],
                     partitioning_flavor="hive", basename_template="part-{i}.parquet",
                     max_partitions=100_000)  # pyarrow's default, 1,024, is a cap on years
    if rows == 0:  # no partition to write: one empty file keeps the columns readable
        pq.write_table(reader.schema.empty_table(), folder / "empty.parquet")
    return rows
