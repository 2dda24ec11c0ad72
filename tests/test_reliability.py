"""Crash safety, idempotency and concurrency, with real `profile-etl run` processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pagekit import SEED_AS_OF
from profile_etl.generator import generate_pages
from warehouse_kit import query, table_checksums

CORE = ["core.researchers", "core.profile_snapshots", "core.papers", "core.authors", "core.paper_authors",
        "core.profile_papers", "core.categories", "staging.pages", "staging.entries", "staging.entry_authors"]


def _write_corpus(folder: Path, profiles: int, seed: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for page in generate_pages(profiles, seed):
        path = folder / page.file_name
        path.write_text(page.text, encoding="utf-8", newline="")
        paths.append(path)
    return paths


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    return env | extra


def _run_cli(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "profile_etl.cli", "run", "--as-of", "2026-11-22", *args],
        capture_output=True, text=True, timeout=600, env=_env(**env),
    )


def test_sigkill_during_load_leaves_the_previous_state(tmp_path):
    first = _write_corpus(tmp_path / "first", 3, seed=1)
    second = _write_corpus(tmp_path / "second", 200, seed=2)
    warehouse = tmp_path / "w.duckdb"
    assert _run_cli(str(first[0].parent), "--warehouse", str(warehouse)).returncode == 0
    before = table_checksums(warehouse, CORE)

    proc = subprocess.Popen(
        [sys.executable, "-m", "profile_etl.cli", "run", "--as-of", "2026-11-22", str(second[0].parent),
         "--warehouse", str(warehouse), "--batch-size", "10"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=_env(),
    )
    killed_mid_load = False
    assert proc.stderr is not None
    for line in proc.stderr:
        if line.startswith("batch 3/"):
            proc.send_signal(signal.SIGKILL)
            killed_mid_load = True
            break
    proc.wait(timeout=120)
    assert killed_mid_load, "the run finished before it could be killed"
    assert proc.returncode == -signal.SIGKILL

    assert table_checksums(warehouse, CORE) == before
    statuses = query(warehouse, "select status from meta.runs order by started_at")["status"].to_list()
    assert statuses == ["completed"]  # the killed run never published anything

    assert _run_cli(str(second[0].parent), "--warehouse", str(warehouse)).returncode == 0
    statuses = query(warehouse, "select status from meta.runs order by started_at")["status"].to_list()
    assert statuses == ["completed", "abandoned", "completed"]
    dupes = query(warehouse, "select paper_id, count(*) n from core.papers group by all having n > 1")
    assert dupes.is_empty()
    clean = tmp_path / "clean.duckdb"
    assert _run_cli(str(first[0].parent), "--warehouse", str(clean)).returncode == 0
    assert _run_cli(str(second[0].parent), "--warehouse", str(clean)).returncode == 0
    assert table_checksums(warehouse, CORE) == table_checksums(clean, CORE)


@pytest.fixture(scope="module")
def halves(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("halves")
    _write_corpus(root / "a", 6, seed=11)
    _write_corpus(root / "b", 6, seed=12)
    return root / "a", root / "b"


def test_split_runs_in_either_order_equal_one_run(tmp_path, halves, prefect_harness):
    from profile_etl.flows.pipeline import profile_etl_flow

    a, b = halves
    results = {}
    runs = {"ab": [[a], [b]], "ba": [[b], [a]], "one": [[a, b]], "twice": [[a, b], [b, a]]}
    for name, order in runs.items():
        warehouse = tmp_path / f"{name}.duckdb"
        for folders in order:
            profile_etl_flow(paths=[str(f) for f in folders], warehouse=str(warehouse), as_of=SEED_AS_OF)
        results[name] = table_checksums(warehouse, [t for t in CORE if not t.startswith("staging")])
    assert results["ab"] == results["ba"] == results["one"] == results["twice"]


def test_two_runs_started_together_both_finish_and_equal_sequential(tmp_path, halves):
    a, b = halves
    warehouse = tmp_path / "together.duckdb"
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "profile_etl.cli", "run", "--as-of", "2026-11-22", str(folder), "--warehouse", str(warehouse)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(),
        )
        for folder in (a, b)
    ]
    outputs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    sequential = tmp_path / "sequential.duckdb"
    for folder in (a, b):
        assert _run_cli(str(folder), "--warehouse", str(sequential)).returncode == 0
    tables = [t for t in CORE if not t.startswith("staging")]
    assert table_checksums(warehouse, tables) == table_checksums(sequential, tables)


def test_a_run_that_cannot_get_the_lock_gives_up_with_a_clear_message(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    folder = _write_corpus(tmp_path / "in", 1, seed=3)[0].parent
    assert _run_cli(str(folder), "--warehouse", str(warehouse)).returncode == 0
    lock = warehouse.with_name(warehouse.name + ".lock")
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl,os,sys,time; fd=os.open(sys.argv[1], os.O_RDWR|os.O_CREAT); "
         "fcntl.flock(fd, fcntl.LOCK_EX); print('held', flush=True); time.sleep(60)", str(lock)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        result = _run_cli(str(folder), "--warehouse", str(warehouse), PROFILE_ETL_LOCK_TIMEOUT_S="2")
        assert result.returncode == 2
        assert "is locked by another process; gave up after 2s" in result.stderr
        assert "Traceback" not in result.stderr
        assert time.monotonic() - started < 60
    finally:
        holder.kill()
        holder.wait()
