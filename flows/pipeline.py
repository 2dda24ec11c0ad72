"""The Prefect flow: extract -> parse/normalize/validate -> load -> publish.

Thin by design: tasks wrap the pure transforms and the warehouse loader, one task run per
batch of pages (never per file). Loading keeps a single writer, and the warehouse is
published only when the whole run succeeded.
"""

from __future__ import annotations

import datetime as dt
import gc
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

import duckdb
import polars as pl
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.exceptions import FailedRun
from prefect.futures import PrefectFuture
from prefect.states import Failed, State
from prefect.task_runners import ThreadPoolTaskRunner

from ..settings import get_settings
from ..transforms.pipeline import FILE_BLANK, FILE_EMPTY, PageBatch, process_pages
from ..warehouse import load
from ..warehouse.connection import open_writer
from ..warehouse.errors import WarehouseError, interrupted
from .runners import TaskRunnerName, make_task_runner
from .sources import (
    ACCOUNTING, FAILURE_SCHEMA, InputError, ReadResult, discover, path_text, read_files, split_unchanged,
)

ProgressHook = Callable[[int, int], None]
# Set by the CLI to draw a progress bar; flows started elsewhere (a deployment) log instead.
PROGRESS: ContextVar[ProgressHook | None] = ContextVar("profile_etl_progress", default=None)


@task(name="read_batch", retries=2, retry_delay_seconds=1, cache_policy=NO_CACHE)
def read_batch(paths: list[Path], as_of: dt.date | None, skip_hashes: set[str],
               unchanged: dict[str, tuple[int, int, int, str]], parse_dates: dict[str, dt.date]) -> ReadResult:
    """Read, hash and decode a batch of files (retried on I/O errors)."""
    return read_files(paths, as_of=as_of, skip_hashes=skip_hashes, unchanged=unchanged,
                      parse_dates=parse_dates)


@task(name="parse_pages", cache_policy=NO_CACHE)
def parse_batch(read: ReadResult) -> PageBatch | None:
    """Parse, normalize and validate a batch of pages (None when it has none to parse)."""
    return process_pages(read.docs) if read.docs.height else None


class BatchError(RuntimeError):
    """A batch failed for a reason that is not in the data's quarantine rules: a bug."""


def _name_the_culprit(read: ReadResult, error: BaseException) -> BatchError:
    """Re-parse the batch's pages one by one to name the file that breaks the parser."""
    for doc in read.docs.iter_slices(1):
        try:
            process_pages(doc)
        except Exception as single:  # noqa: BLE001 - any failure names the file
            path = doc["source_path"].item()
            return BatchError(f"parsing {path} failed: {type(single).__name__}: {single}")
    paths = read.docs["source_path"]
    where = f"{paths.first()} .. {paths.last()}" if paths.len() else "an empty batch"
    return BatchError(f"batch of {paths.len()} pages ({where}) failed: {type(error).__name__}: {error}")


def _without_contents(
    read: ReadResult, batch: PageBatch | None, shas: set[str]
) -> tuple[ReadResult, PageBatch | None]:
    """Drop pages whose content an earlier batch of this run already loaded (if this batch
    offers it under an earlier date, `_redate` parses it again with that one)."""
    if not shas:
        return read, batch
    seen = pl.col("file_sha256").is_in(list(shas))
    dup_docs = read.docs.filter(seen)["doc_id"].implode()
    keep = ~pl.col("doc_id").is_in(dup_docs)
    repeated = seen & pl.col("status").is_in(["loaded", "failed"])
    files = read.files.with_columns(
        status=pl.when(repeated).then(pl.lit("skipped")).otherwise("status"),
        reason=pl.when(repeated).then(pl.lit("content already loaded")).otherwise("reason"),
    )
    failures = read.failures.filter(~seen.fill_null(False))
    read = ReadResult(docs=read.docs.filter(keep), files=files, failures=failures)
    if batch is None:
        return read, batch
    batch = PageBatch(
        pages=batch.pages.filter(keep), entries=batch.entries.filter(keep),
        entry_authors=batch.entry_authors.filter(keep), quarantine=batch.quarantine.filter(keep),
        accounting=batch.accounting.filter(keep),
    )
    return read, batch


def _staging_frames(run_id: str, read: ReadResult, batch: PageBatch | None) -> dict[str, pl.DataFrame]:
    """Attach file identity to the batch's frames, in the staging tables' shapes
    (`batch` is None when nothing was parsed: only files and their read failures)."""
    files = read.files
    quarantine = [read.failures.with_columns(raw_text=pl.lit(None, pl.String), stage=pl.lit("read"))]
    empty = pl.DataFrame()
    parsed = {"documents": empty, "pages": empty, "entries": empty, "entry_authors": empty}
    if batch is None:
        files = files.with_columns(layout=pl.lit(None, pl.String))
    else:
        keys = read.docs.select("doc_id", "file_sha256", "source_path")
        accounting = batch.accounting.join(keys, on="doc_id").drop("doc_id", "source_path")
        files = (
            files.join(batch.pages.select("file_sha256", "layout"), on="file_sha256", how="left")
            .join(read.docs.select("file_sha256", parsed_as_of="as_of"), on="file_sha256", how="left")
            .join(accounting, on="file_sha256", how="left", suffix="_parsed")
            .with_columns(pl.coalesce(c, f"{c}_parsed").alias(c) for c in ACCOUNTING)
            .drop(f"{c}_parsed" for c in ACCOUNTING)
        )
        # An empty or blank-only file loaded nothing: it failed, with the reason its
        # quarantine row gives (a file that loaded nothing from garbage lines is partial,
        # and its records say why).
        nothing = batch.quarantine.filter(
            pl.col("line_no").is_null() & pl.col("reason").is_in([FILE_EMPTY, FILE_BLANK])
        ).join(keys, on="doc_id").select("file_sha256", why="reason")
        failed = pl.col("why").is_not_null() & (pl.col("status") == "loaded")
        files = (
            files.join(nothing, on="file_sha256", how="left")
            .with_columns(
                status=pl.when(failed).then(pl.lit("failed")).otherwise("status"),
                reason=pl.when(failed).then("why").otherwise("reason"),
            )
            .drop("why")
        )
        quarantine.insert(0, batch.quarantine.join(keys, on="doc_id").drop("doc_id"))
        parsed = {
            "documents": read.docs.select("file_sha256", "undecodable", content="text"),
            "pages": batch.pages.drop("doc_id"),
            "entries": batch.entries.drop("doc_id"),
            "entry_authors": batch.entry_authors.drop("doc_id"),
        }
    return {
        "files": files.with_columns(
            first_seen_at=pl.lit(dt.datetime.now(dt.UTC)), last_run_id=pl.lit(run_id), is_current=pl.lit(True)
        ),
        "quarantine": pl.concat(quarantine, how="diagonal_relaxed").with_columns(run_id=pl.lit(run_id)),
        **parsed,
    }


def _new_run_id(suffix: str = "") -> str:
    """Sortable by start time, unique across processes."""
    return f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}{suffix}"


def _batches(items: list[Path], size: int) -> list[list[Path]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


@contextmanager
def _run_writer(warehouse: Path, run_id: str, as_of: dt.date | None) -> Iterator[duckdb.DuckDBPyConnection]:
    """The writer for one run, with the run recorded as running; if the run fails, its copy
    is thrown away (see `open_writer`) and the failure is recorded on its own."""
    settings = get_settings()
    started_at = dt.datetime.now(dt.UTC)
    started = False
    try:
        with open_writer(warehouse, settings.lock_timeout_s, settings.duckdb_memory_limit) as con:
            load.start_run(con, run_id, as_of)
            started = True
            yield con
    except BaseException as error:
        if started:
            with open_writer(warehouse, settings.lock_timeout_s) as con:
                load.record_failed_run(con, run_id, started_at, as_of, f"{type(error).__name__}: {error}")
        raise


@contextmanager
def _collect_batch_garbage() -> Iterator[Callable[[], None]]:
    """Free each batch's frames as soon as it is loaded, so memory stays flat.

    Prefect's task engine keeps a task's return value in reference cycles, which only
    Python's cyclic collector frees; a batch's frames are few Python objects but hundreds
    of MB, so the collector's object-count trigger would let several batches pile up. A
    full collection costs about 0.2 s with Prefect loaded, so everything alive before the
    first batch is frozen out of it (`gc.freeze`, itself free: no collection first) and a
    collection per batch costs ~2 ms. Unfreezing at the end hands it all back to the
    collector.
    """
    gc.freeze()
    try:
        yield gc.collect
    finally:
        gc.unfreeze()


def _submit(paths: list[Path], as_of: dt.date | None, skip: set[str],
            unchanged: dict[str, tuple[int, int, int, str]],
            parse_dates: dict[str, dt.date]) -> tuple[PrefectFuture, PrefectFuture]:
    names = map(path_text, paths)
    mine = {name: unchanged[name] for name in names if name in unchanged}
    read = read_batch.submit(paths, as_of, skip, mine, parse_dates)
    return read, parse_batch.submit(read)


def run_pipeline(
    paths: list[Path],
    warehouse: Path,
    as_of: dt.date | None = None,
    batch_size: int | None = None,
    full_refresh: bool = False,
    progress: ProgressHook | None = None,
) -> dict:
    """The flow's body: batches are read and parsed in parallel by the flow's task runner
    (a bounded number ahead), and loaded in order by this one writer; the warehouse is
    published only when the whole run succeeded."""
    settings = get_settings()
    batch_size = batch_size or settings.batch_size
    progress = progress or PROGRESS.get()
    logger = get_run_logger()
    files = discover(paths)
    run_id = _new_run_id()
    counts = dict.fromkeys(load.RunCounts.__dataclass_fields__, 0)
    counts["n_files_offered"] = len(files)
    ahead = settings.batches_in_flight
    changes = 0
    with _run_writer(warehouse, run_id, as_of) as con, _collect_batch_garbage() as collect:
        skip = set() if full_refresh else load.known_hashes(con)
        unchanged = {} if full_refresh else load.unchanged_files(con)
        parse_dates = load.staged_dates(con)  # a text is parsed with the earliest date offered
        same, files = split_unchanged(files, unchanged)
        if same:  # recorded as skipped without a read or a task
            read = read_files(same, as_of=as_of, skip_hashes=skip, unchanged=unchanged,
                              parse_dates=parse_dates)
            skipped = read.files.filter(pl.col("status") == "skipped")
            # A file that changed since `split_unchanged` looked goes through a batch.
            kept = set(skipped["path"].to_list())
            files += [p for p in same if path_text(p) not in kept]
            read = ReadResult(docs=read.docs.clear(), files=skipped, failures=read.failures.clear())
            frames = _staging_frames(run_id, read, None)
            with load.transaction(con):
                changes += load.stage_batch(con, **frames)
            _count(counts, None, frames)
        batches = _batches(files, batch_size)
        logger.info("run %s: %d files unchanged, %d to read in %d batches -> %s",
                    run_id, len(same), len(files), len(batches), warehouse)
        in_flight = [_submit(b, as_of, skip, unchanged, parse_dates) for b in batches[:ahead]]
        staged: set[str] = set()
        for done in range(1, len(batches) + 1):
            read_future, parse_future = in_flight.pop(0)
            if done - 1 + ahead < len(batches):
                in_flight.append(_submit(batches[done - 1 + ahead], as_of, skip, unchanged, parse_dates))
            read = read_future.result()
            try:
                batch = parse_future.result()
            except Exception as error:
                raise _name_the_culprit(read, error) from error
            read, batch = _without_contents(read, batch, staged)
            staged |= set(read.files.filter(pl.col("status") != "skipped")["file_sha256"].drop_nulls().to_list())
            frames = _staging_frames(run_id, read, batch)
            with load.transaction(con):
                changes += load.stage_batch(con, **frames)
            _count(counts, batch, frames)
            del read, batch, frames, read_future, parse_future
            collect()
            logger.info("batch %d/%d loaded: %d files", done, len(batches), len(batches[done - 1]))
            if progress:
                progress(done, len(batches))
        changes += _redate(con, run_id, batch_size, counts)
        changed = changes > 0 or full_refresh or load.migrated_since_last_run(con)
        totals = load.finish_run(con, run_id, load.RunCounts(**counts), changed=changed)
        top_reasons = load.top_quarantine_reasons(con, run_id)
        conflicts = load.count_snapshot_conflicts(con)
    summary = {"run_id": run_id, **counts, **{f"n_{k}": v for k, v in totals.items()},
               "n_snapshot_conflicts": conflicts}
    _publish_artifact(summary, top_reasons)
    return summary


def _parse_stored(
    con: duckdb.DuckDBPyConnection, stored: pl.DataFrame, batch_size: int, run_id: str
) -> Iterator[tuple[pl.DataFrame, ReadResult, PageBatch | None, dict]]:
    """Parse stored page texts (`load.stored_documents` rows) batch by batch, fetching each
    batch's texts only when it is parsed: each batch's rows, what it was read as, its parse
    and its staging frames."""
    for start in range(0, stored.height, batch_size):
        chunk = load.with_texts(con, stored.slice(start, batch_size)).with_row_index(
            "doc_id", offset=start
        ).with_columns(pl.col("doc_id").cast(pl.Int64))
        read = ReadResult(
            docs=chunk.select("doc_id", "file_sha256", "source_path", "as_of", "text", "undecodable"),
            files=chunk.select("file_sha256", path="source_path", size_bytes="size_bytes", as_of="as_of",
                               status=pl.lit("loaded"), reason=pl.lit(None, pl.String),
                               **{c: pl.lit(None, pl.Int64) for c in ACCOUNTING}),
            failures=pl.DataFrame(schema=FAILURE_SCHEMA),
        )
        try:
            batch = parse_batch(read)
        except Exception as error:
            raise _name_the_culprit(read, error) from error
        yield chunk, read, batch, _staging_frames(run_id, read, batch)


def _redate(con: duckdb.DuckDBPyConnection, run_id: str, batch_size: int, counts: dict[str, int]) -> int:
    """Parse again, from their stored texts, the contents whose earliest offered date is
    not the one they were parsed with (`load.contents_to_redate`); returns how many. A
    re-dated text counts as parsed by this run (its pages, entries and quarantined
    records, which carry this run's id), and what this run had counted of it before is
    taken back, so the counts do not depend on the batch size."""
    redate = load.contents_to_redate(con)
    for chunk, _read, batch, frames in _parse_stored(con, redate, batch_size, run_id):
        with load.transaction(con):
            for name, value in load.parsed_counts(con, chunk["file_sha256"], run_id).items():
                counts[name] -= value
            load.clear_parsed(con, chunk["file_sha256"])
            load.restage(con, frames)
        _count_parsed(counts, batch, frames)
    with load.transaction(con):
        load.sync_parse_dates(con)
    return redate.height


def _count(counts: dict[str, int], batch: PageBatch | None, frames: dict) -> None:
    """Add a loaded batch to the run's counts."""
    status = frames["files"]["status"]
    counts["n_files_loaded"] += int((status == "loaded").sum())
    counts["n_files_skipped"] += int((status == "skipped").sum())
    counts["n_files_failed"] += int((status == "failed").sum())  # unreadable files included
    _count_parsed(counts, batch, frames)


def _count_parsed(counts: dict[str, int], batch: PageBatch | None, frames: dict) -> None:
    """Add what a batch's parse staged to the run's counts."""
    counts["n_records_quarantined"] += frames["quarantine"].height
    if batch is not None:
        counts["n_pages"] += batch.pages.height
        counts["n_entries_loaded"] += batch.entries.height
        counts["n_pages_without_owner"] += batch.pages.filter(
            pl.col("researcher_id").is_null() & (pl.col("listed_papers") > 0)).height


def _publish_artifact(summary: dict, top_reasons: list[tuple[str, int]]) -> None:
    """A markdown report of the run in Prefect: counts per stage, top quarantine reasons."""
    stages = [
        ("read", f"{summary['n_files_offered']} files offered, {summary['n_files_loaded']} parsed, "
                 f"{summary['n_files_skipped']} skipped (unchanged), {summary['n_files_failed']} failed"),
        ("parse + validate", f"{summary['n_pages']} pages, {summary['n_entries_loaded']} entries loaded, "
                             f"{summary['n_records_quarantined']} records quarantined"),
        ("load", f"the warehouse holds {summary['n_researchers']} researchers, {summary['n_papers']} papers, "
                 f"{summary['n_authors']} authors"),
    ]
    lines = [f"# profile-etl run {summary['run_id']}", "", "| stage | result |", "| --- | --- |"]
    lines += [f"| {stage} | {text} |" for stage, text in stages]
    lines += ["", "## Top quarantine reasons", ""]
    lines += [f"{i}. {reason}: {n}" for i, (reason, n) in enumerate(top_reasons, 1)] or ["none"]
    create_markdown_artifact(markdown="\n".join(lines), key="profile-etl-run", description="profile-etl run summary")


def rebuild_pipeline(warehouse: Path, batch_size: int | None = None) -> dict:
    """Replay `raw.documents` through the current transforms into staging and core.

    The warehouse rebuilds itself: no input files are needed. Every page is parsed with the
    earliest date a path offers it under (`load.stored_documents`) and keeps its lineage.
    """
    settings = get_settings()
    batch_size = batch_size or settings.batch_size
    run_id = _new_run_id("-rebuild")
    counts = dict.fromkeys(load.RunCounts.__dataclass_fields__, 0)
    with _run_writer(warehouse, run_id, None) as con:
        stored = load.stored_documents(con)
        with load.transaction(con):
            load.clear_parsed(con)
        for _chunk, _read, batch, frames in _parse_stored(con, stored, batch_size, run_id):
            with load.transaction(con):
                load.restage(con, frames)
            _count(counts, batch, frames)
        with load.transaction(con):
            load.sync_parse_dates(con)
        counts["n_files_offered"] = stored.height
        totals = load.finish_run(con, run_id, load.RunCounts(**counts))
    return {"run_id": run_id, **counts, **{f"n_{k}": v for k, v in totals.items()}}


@contextmanager
def _interrupt_is_a_crash() -> Iterator[None]:
    """Ctrl-C that lands inside a DuckDB query arrives as an error (`warehouse.errors.
    interrupted`): raise it as the interrupt it is, so the flow run crashes like any Ctrl-C."""
    try:
        yield
    except Exception as error:
        if interrupted(error):
            raise KeyboardInterrupt from error
        raise


@flow(name="profile-etl-rebuild", log_prints=False)
def rebuild_flow(warehouse: str | None = None, batch_size: int | None = None) -> dict:
    """Rebuild staging and core from the page texts stored in the warehouse."""
    settings = get_settings()
    try:
        with _interrupt_is_a_crash():
            return rebuild_pipeline(Path(warehouse) if warehouse else settings.warehouse, batch_size)
    except WarehouseError as error:
        return Failed(message=str(error))


def _load(paths: list[str], warehouse: str, as_of: dt.date | None, batch_size: int | None,
          full_refresh: bool) -> dict | State:
    try:
        with _interrupt_is_a_crash():
            summary = run_pipeline([Path(p) for p in paths], Path(warehouse), as_of, batch_size, full_refresh)
    except (InputError, WarehouseError) as error:
        # A problem the user can fix: fail the run with the message, not a traceback.
        return Failed(message=str(error))
    get_run_logger().info("run %s completed: %s", summary["run_id"], summary)
    return summary


@flow(name="profile-etl-load", log_prints=False)
def load_pages_flow(paths: list[str], warehouse: str, as_of: dt.date | None, batch_size: int | None,
                    full_refresh: bool) -> dict:
    """Load pages with the task runner the parent flow chose."""
    return _load(paths, warehouse, as_of, batch_size, full_refresh)


@flow(name="profile-etl", log_prints=False, task_runner=ThreadPoolTaskRunner())
def profile_etl_flow(
    paths: list[str] | None = None,
    warehouse: str | None = None,
    as_of: dt.date | None = None,
    batch_size: int | None = None,
    full_refresh: bool = False,
    task_runner: TaskRunnerName = "thread",
    dask_address: str | None = None,
    workers: int | None = None,
) -> dict:
    """Load researcher-profile pages into the DuckDB warehouse.

    Parameters mirror `profile-etl run`: no `paths` loads the bundled sample, no `as_of`
    takes each file's modification date, `task_runner` is `thread` or `dask`.
    """
    settings = get_settings()
    chosen = [str(p) for p in paths] if paths else [str(settings.sample_dir)]
    target = str(warehouse or settings.warehouse)
    if task_runner == "thread" and workers is None:
        # This flow's own thread pool: no subflow, whose run would cost about a second.
        return _load(chosen, target, as_of, batch_size, full_refresh)
    try:
        runner = make_task_runner(task_runner, dask_address, workers)
    except ValueError as error:
        return Failed(message=str(error))
    state = load_pages_flow.with_options(task_runner=runner)(
        chosen, target, as_of, batch_size, full_refresh, return_state=True
    )
    if state.is_failed():
        error = state.result(raise_on_failure=False)
        if isinstance(error, BaseException) and not isinstance(error, FailedRun):
            raise error  # a bug: keep its type and traceback
        return Failed(message=state.message)  # a user-fixable problem, already explained
    return state.result()
