"""Stage-by-stage timing of one pipeline run, without Prefect, for finding where time goes.

    python benchmarks/profile_stages.py CORPUS_DIR [--batch-size 500] [--cprofile FILE]

Runs the same functions the flow runs, in the same order, sequentially in one thread (so
stage times add up; the real flow overlaps read/parse of later batches with loading):
read_files -> process_pages (parse_pages / normalize / validation / accounting) ->
_staging_frames -> load.stage_batch (each insert) -> load.finish_run (rebuild_core per
table) -> checkpoint -> publish copy, then an incremental second pass over the same
files. Source functions are wrapped at run time; no project file is changed. Every
polars collect (eager operations included) is attributed to the project line that
triggered it, so the top polars expressions are listed too. RSS after each stage is
printed (VmRSS / VmHWM from /proc).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import functools
import shutil
import sys
import tempfile
import threading
import time
import traceback
from collections import defaultdict
from pathlib import Path

import duckdb
import polars as pl

import profile_etl.flows.pipeline as fp
import profile_etl.transforms.pipeline as tp
import profile_etl.warehouse.load as load
from profile_etl.flows.sources import discover, read_files
from profile_etl.warehouse.connection import apply_migrations, apply_views, read_sql
from profile_etl.warehouse.publish import prepare_work_copy, publish, writer_lock

TIMES: dict[str, float] = defaultdict(float)
CALLS: dict[str, int] = defaultdict(int)
COLLECTS: dict[str, float] = defaultdict(float)
PROJECT = str(Path(tp.__file__).resolve().parent.parent)
_local = threading.local()


LABEL = {"run": "full"}
PEAKS: dict[str, float] = {}


def reset_peak() -> None:
    try:
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM (Linux)
    except OSError:
        pass


def hwm_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


class TimedConnection:
    """A DuckDB connection whose execute() is timed per statement (first SQL words)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con

    def __getattr__(self, name):
        return getattr(self._con, name)

    def execute(self, sql: str, *a, **k):
        words = " ".join(sql.split()[:3])
        key = f"{LABEL['run']}:sql/{words}"
        s = time.perf_counter()
        try:
            return self._con.execute(sql, *a, **k)
        finally:
            TIMES[key] += time.perf_counter() - s
            CALLS[key] += 1


def rss() -> str:
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    return f"RSS {int(fields['VmRSS'].split()[0]) / 1024:.0f} MB, peak {int(fields['VmHWM'].split()[0]) / 1024:.0f} MB"


def timed(name: str, fn):
    @functools.wraps(fn)
    def wrapper(*a, **k):
        s = time.perf_counter()
        try:
            return fn(*a, **k)
        finally:
            key = f"{LABEL['run']}:{name}"
            TIMES[key] += time.perf_counter() - s
            CALLS[key] += 1

    return wrapper


def patch(module, attr: str, name: str) -> None:
    setattr(module, attr, timed(name, getattr(module, attr)))


def _where() -> str:
    """The innermost project source line on the stack (outside polars and pandera)."""
    for frame in reversed(traceback.extract_stack()[:-2]):
        if frame.filename.startswith(PROJECT) and "/benchmarks/" not in frame.filename:
            return f"{Path(frame.filename).parent.name}/{Path(frame.filename).name}:{frame.lineno} {frame.name}"
    return "other"


def patch_collect() -> None:
    real = pl.LazyFrame.collect

    @functools.wraps(real)
    def collect(self, *a, **k):
        if getattr(_local, "depth", 0):
            return real(self, *a, **k)
        _local.depth = 1
        s = time.perf_counter()
        try:
            return real(self, *a, **k)
        finally:
            COLLECTS[_where()] += time.perf_counter() - s
            _local.depth = 0

    pl.LazyFrame.collect = collect


def instrument() -> None:
    patch(tp, "parse_pages", "process_pages/parse_pages")
    patch(tp, "normalize", "process_pages/normalize")
    patch(tp, "split_valid", "process_pages/validation (pandera split_valid, incl. inside _validate_pages)")
    patch(tp, "_validate_pages", "process_pages/_validate_pages (pages)")
    patch(tp, "_quarantine_and_accounting", "process_pages/_quarantine_and_accounting")
    for attr in ("_insert", "_record_files", "_drop_stale_contents"):
        patch(load, attr, f"load/{attr}")


def run_sql_timed(con: duckdb.DuckDBPyConnection) -> None:
    """rebuild_core with each core table's delete+insert timed (same statements)."""
    s = time.perf_counter()
    con.execute("delete from ref.arxiv_categories")
    load._insert(con, "ref.arxiv_categories", load.category_reference())
    load._drop_stale_contents(con)
    TIMES[f"{LABEL['run']}:rebuild_core/ref + _drop_stale_contents"] += time.perf_counter() - s
    for table in load.CORE_BUILD_ORDER:
        s = time.perf_counter()
        con.execute(f"delete from core.{table}")
        con.execute(f"insert into core.{table} by name {read_sql('core', table + '.sql')}")
        TIMES[f"{LABEL['run']}:rebuild_core/core.{table}"] += time.perf_counter() - s


def one_run(files: list[Path], warehouse: Path, batch_size: int, as_of: dt.date, label: str) -> None:
    LABEL["run"] = label

    def stage(name: str, fn, *a, **k):
        reset_peak()
        s = time.perf_counter()
        out = fn(*a, **k)
        TIMES[f"{label}:{name}"] += time.perf_counter() - s
        PEAKS[f"{label}:{name}"] = max(PEAKS.get(f"{label}:{name}", 0.0), hwm_mb())
        return out

    run_id = f"bench-{label}"
    counts = dict.fromkeys(load.RunCounts.__dataclass_fields__, 0)
    with writer_lock(warehouse, 60):
        work = stage("open: prepare_work_copy", prepare_work_copy, warehouse)
        con = TimedConnection(stage("open: connect", duckdb.connect, str(work)))
        stage("open: migrations+views", lambda: (apply_migrations(con), apply_views(con)))
        stage("start_run+known_hashes", load.start_run, con, run_id, as_of)
        skip = stage("start_run+known_hashes", load.known_hashes, con)
        for i in range(0, len(files), batch_size):
            read = stage("read_files (read+sha256+decode)", read_files, files[i:i + batch_size], as_of=as_of,
                         skip_hashes=skip)
            batch = stage("process_pages", tp.process_pages, read.docs)
            frames = stage("_staging_frames", fp._staging_frames, run_id, read, batch)
            with load.transaction(con):  # one commit per batch, as the flow does
                stage("load.stage_batch", load.stage_batch, con, **frames)
            counts["n_entries_loaded"] += batch.entries.height
        real_rebuild = load.rebuild_core
        load.rebuild_core = run_sql_timed
        try:
            stage("load.finish_run (rebuild_core, commit)", load.finish_run, con, run_id, load.RunCounts(**counts))
        finally:
            load.rebuild_core = real_rebuild
        stage("close: checkpoint", con._con.execute, "checkpoint")
        stage("close: close", con._con.close)
        stage("close: publish (copy+fsync+rename)", publish, warehouse)
    print(f"  after {label}: {rss()}, entries {counts['n_entries_loaded']}, "
          f"warehouse {warehouse.stat().st_size / 1e6:.0f} MB", flush=True)


def report(total: float) -> None:
    print(f"\n{'stage (sql/...: DuckDB statements, nested in the stages above them)':<78}{'s':>8}{'%':>6}{'peak MB':>9}")
    for name, s in sorted(TIMES.items(), key=lambda kv: (kv[0].split(":")[0] != "full", "sql/" in kv[0], -kv[1])):
        if s < 0.005:
            continue
        calls = f" x{CALLS[name]}" if CALLS.get(name, 0) > 1 else ""
        peak = f"{PEAKS[name]:9.0f}" if name in PEAKS else ""
        print(f"{(name + calls)[:77]:<78}{s:8.2f}{100 * s / total:6.1f}{peak}")
    print(f"{'total (both runs)':<78}{total:8.2f}")
    print("\ntop polars collects by project line (full run, process_pages and frames):")
    for where, s in sorted(COLLECTS.items(), key=lambda kv: -kv[1])[:18]:
        print(f"  {s:7.2f}s  {where}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--cprofile", type=Path, help="also write cProfile stats of the full run here")
    parser.add_argument("--as-of", default="2026-06-30")
    args = parser.parse_args()
    as_of = dt.date.fromisoformat(args.as_of)
    files = discover([args.corpus])
    instrument()
    patch_collect()
    tmp = Path(tempfile.mkdtemp(prefix="profile-etl-stages-"))
    warehouse = tmp / "profiles.duckdb"
    print(f"{len(files)} files, {sum(f.stat().st_size for f in files) / 1e6:.1f} MB; {rss()}", flush=True)
    start = time.perf_counter()
    profiler = cProfile.Profile() if args.cprofile else None
    if profiler:
        profiler.enable()
    one_run(files, warehouse, args.batch_size, as_of, "full")
    if profiler:
        profiler.disable()
        profiler.dump_stats(args.cprofile)
    collects = dict(COLLECTS)
    one_run(files, warehouse, args.batch_size, as_of, "incremental")
    COLLECTS.clear()
    COLLECTS.update(collects)
    report(time.perf_counter() - start)
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
