"""The Prefect flow: extract -> parse/normalize/validate -> load -> publish.

Thin by design: tasks wrap the pure transforms and the warehouse loader, one task run per
batch of pages (never per file). Loading keeps a single writer and a single transaction.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from pathlib import Path

import polars as pl
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.states import Failed

from ..settings import get_settings
from ..transforms.pipeline import PageBatch, process_pages
from ..warehouse import load
from ..warehouse.connection import open_writer
from ..warehouse.errors import WarehouseError
from .sources import ACCOUNTING, InputError, ReadResult, discover, read_files

ProgressHook = Callable[[int, int], None]
# Set by the CLI to draw a progress bar; flows started elsewhere (a deployment) log instead.
PROGRESS: ContextVar[ProgressHook | None] = ContextVar("profile_etl_progress", default=None)


@task(name="read_batch", retries=2, retry_delay_seconds=1, cache_policy=NO_CACHE)
def read_batch(paths: list[Path], as_of: dt.date | None, skip_hashes: set[str], first_doc_id: int) -> ReadResult:
    """Read, hash and decode a batch of files."""
    return read_files(paths, as_of=as_of, skip_hashes=skip_hashes, first_doc_id=first_doc_id)


@task(name="parse_pages", cache_policy=NO_CACHE)
def parse_batch(docs: pl.DataFrame) -> PageBatch:
    """Parse, normalize and validate a batch of pages."""
    return process_pages(docs)


def _staging_frames(run_id: str, read: ReadResult, batch: PageBatch) -> dict[str, pl.DataFrame]:
    """Attach file identity to the batch's frames, in the staging tables' shapes."""
    keys = read.docs.select("doc_id", "file_sha256", "source_path")
    layout = batch.pages.select("file_sha256", "layout")
    accounting = batch.accounting.join(keys, on="doc_id").drop("doc_id", "source_path")
    files = (
        read.files.join(layout, on="file_sha256", how="left")
        .join(accounting, on="file_sha256", how="left", suffix="_parsed")
        .with_columns(pl.coalesce(c, f"{c}_parsed").alias(c) for c in ACCOUNTING)
        .drop(f"{c}_parsed" for c in ACCOUNTING)
        .with_columns(
            first_seen_at=pl.lit(dt.datetime.now(dt.UTC)),
            last_run_id=pl.lit(run_id),
            is_current=pl.lit(True),
        )
    )
    parse_quarantine = batch.quarantine.join(keys, on="doc_id").drop("doc_id")
    read_quarantine = read.failures.with_columns(raw_text=pl.lit(None, pl.String), stage=pl.lit("read"))
    quarantine = pl.concat([parse_quarantine, read_quarantine], how="diagonal_relaxed").with_columns(
        run_id=pl.lit(run_id)
    )
    return {
        "files": files,
        "documents": read.docs.select("file_sha256", content="text"),
        "pages": batch.pages.drop("doc_id"),
        "entries": batch.entries.drop("doc_id"),
        "entry_authors": batch.entry_authors.drop("doc_id"),
        "quarantine": quarantine,
    }


def _batches(items: list[Path], size: int) -> list[list[Path]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def run_pipeline(
    paths: list[Path],
    warehouse: Path,
    as_of: dt.date | None = None,
    batch_size: int | None = None,
    full_refresh: bool = False,
    progress: ProgressHook | None = None,
) -> dict:
    """The flow's body, shared by the flow and by callers that already run inside one."""
    settings = get_settings()
    batch_size = batch_size or settings.batch_size
    progress = progress or PROGRESS.get()
    files = discover(paths)
    run_id = f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
    counts = dict.fromkeys(load.RunCounts.__dataclass_fields__, 0)
    counts["n_files_offered"] = len(files)
    with open_writer(warehouse, settings.lock_timeout_s) as con:
        load.start_run(con, run_id, as_of)
        skip = set() if full_refresh else load.known_hashes(con)
        load.begin(con)
        try:
            next_doc_id = 0
            batches = _batches(files, batch_size)
            for done, paths_in_batch in enumerate(batches, start=1):
                read = read_batch(paths_in_batch, as_of, skip, next_doc_id)
                next_doc_id += read.docs.height
                skip |= set(read.docs["file_sha256"].to_list())
                batch = parse_batch(read.docs)
                frames = _staging_frames(run_id, read, batch)
                load.stage_batch(con, **frames)
                status = read.files["status"]
                counts["n_files_loaded"] += int((status == "loaded").sum())
                counts["n_files_skipped"] += int((status == "skipped").sum())
                counts["n_files_failed"] += int((status == "failed").sum()) + read.failures.filter(
                    pl.col("file_sha256").is_null()).height
                counts["n_pages"] += batch.pages.height
                counts["n_entries_loaded"] += batch.entries.height
                counts["n_records_quarantined"] += frames["quarantine"].height
                counts["n_pages_without_owner"] += batch.pages.filter(pl.col("researcher_id").is_null()).height
                if progress:
                    progress(done, len(batches))
            totals = load.finish_run(con, run_id, load.RunCounts(**counts))
        except BaseException as error:
            load.rollback(con)
            load.fail_run(con, run_id, f"{type(error).__name__}: {error}")
            raise
    return {"run_id": run_id, **counts, **{f"n_{k}": v for k, v in totals.items()}}


def rebuild_pipeline(warehouse: Path, batch_size: int | None = None) -> dict:
    """Replay `raw.documents` through the current transforms into staging and core.

    The warehouse rebuilds itself: no input files are needed, and every page keeps the
    `as_of` and path it was first loaded with.
    """
    settings = get_settings()
    batch_size = batch_size or settings.batch_size
    run_id = f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}-rebuild"
    counts = dict.fromkeys(load.RunCounts.__dataclass_fields__, 0)
    with open_writer(warehouse, settings.lock_timeout_s) as con:
        load.start_run(con, run_id, None)
        stored = load.stored_documents(con)
        load.begin(con)
        try:
            load.clear_parsed(con)
            for start in range(0, stored.height, batch_size):
                chunk = stored.slice(start, batch_size).with_row_index("doc_id", offset=start).with_columns(
                    pl.col("doc_id").cast(pl.Int64)
                )
                read = ReadResult(
                    docs=chunk.select("doc_id", "file_sha256", "source_path", "as_of", "text"),
                    files=chunk.select("file_sha256", path="source_path", size_bytes="size_bytes", as_of="as_of",
                                       status=pl.lit("loaded"), reason=pl.lit(None, pl.String),
                                       **{c: pl.lit(None, pl.Int64) for c in ACCOUNTING}),
                    failures=pl.DataFrame(schema={"source_path": pl.String, "file_sha256": pl.String,
                                                  "line_no": pl.Int64, "reason": pl.String, "n_lines": pl.Int64}),
                )
                batch = parse_batch(read.docs)
                frames = _staging_frames(run_id, read, batch)
                load.restage(con, frames)
                counts["n_pages"] += batch.pages.height
                counts["n_entries_loaded"] += batch.entries.height
                counts["n_records_quarantined"] += frames["quarantine"].height
            counts["n_files_offered"] = counts["n_files_loaded"] = stored.height
            totals = load.finish_run(con, run_id, load.RunCounts(**counts))
        except BaseException as error:
            load.rollback(con)
            load.fail_run(con, run_id, f"{type(error).__name__}: {error}")
            raise
    return {"run_id": run_id, **counts, **{f"n_{k}": v for k, v in totals.items()}}


@flow(name="profile-etl-rebuild", log_prints=False)
def rebuild_flow(warehouse: str | None = None, batch_size: int | None = None) -> dict:
    """Rebuild staging and core from the page texts stored in the warehouse."""
    settings = get_settings()
    try:
        return rebuild_pipeline(Path(warehouse) if warehouse else settings.warehouse, batch_size)
    except WarehouseError as error:
        return Failed(message=str(error))


@flow(name="profile-etl", log_prints=False)
def profile_etl_flow(
    paths: list[str] | None = None,
    warehouse: str | None = None,
    as_of: dt.date | None = None,
    batch_size: int | None = None,
    full_refresh: bool = False,
) -> dict:
    """Load researcher-profile pages into the DuckDB warehouse."""
    settings = get_settings()
    chosen = [Path(p) for p in paths] if paths else [settings.sample_dir]
    try:
        summary = run_pipeline(
            chosen, Path(warehouse) if warehouse else settings.warehouse, as_of, batch_size, full_refresh
        )
    except (InputError, WarehouseError) as error:
        # A problem the user can fix: fail the run with the message, not a traceback.
        return Failed(message=str(error))
    logger = get_run_logger()
    logger.info("run %s: %s", summary["run_id"], summary)
    return summary
