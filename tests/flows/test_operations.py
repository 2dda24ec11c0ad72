"""Operations: Dask gives the same tables, I/O retries, failing batches, artifacts, a real server."""

from __future__ import annotations

import errno
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from pagekit import SEED_AS_OF
from profile_etl.flows import sources
from profile_etl.flows.pipeline import profile_etl_flow
from profile_etl.generator import generate_pages
from warehouse_kit import query, table_checksums

CORE = ["core.researchers", "core.profile_snapshots", "core.papers", "core.authors", "core.paper_authors",
        "core.profile_papers", "core.categories"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    for page in generate_pages(8, seed=21):
        (folder / page.file_name).write_text(page.text, encoding="utf-8", newline="")
    return folder


def test_dask_task_runner_gives_the_same_tables(tmp_path, corpus, prefect_harness):
    threads, dask = tmp_path / "threads.duckdb", tmp_path / "dask.duckdb"
    profile_etl_flow(paths=[str(corpus)], warehouse=str(threads), as_of=SEED_AS_OF, batch_size=3)
    summary = profile_etl_flow(paths=[str(corpus)], warehouse=str(dask), as_of=SEED_AS_OF, batch_size=3,
                               task_runner="dask", workers=2)
    assert summary["n_files_loaded"] == 8
    assert table_checksums(dask, CORE) == table_checksums(threads, CORE)


def test_reading_retries_transient_io_errors(tmp_path, corpus, prefect_harness, monkeypatch):
    failures = {"left": 2}
    real_read = Path.read_bytes

    def flaky(self: Path) -> bytes:
        if failures["left"] and self.suffix == ".txt":
            failures["left"] -= 1
            raise OSError(errno.EIO, "Input/output error")
        return real_read(self)

    monkeypatch.setattr(sources, "READ_BACKOFF_S", 0.01)
    monkeypatch.setattr(Path, "read_bytes", flaky)
    summary = profile_etl_flow(paths=[str(corpus)], warehouse=str(tmp_path / "w.duckdb"), as_of=SEED_AS_OF)
    assert failures["left"] == 0
    assert summary["n_files_loaded"] == 8 and summary["n_files_failed"] == 0


def _break_the_parser_on_poison(monkeypatch) -> None:
    """A bug in the parser, met only by pages that contain `POISON`."""
    from profile_etl.flows import pipeline

    real = pipeline.process_pages

    def breaks_on_poison(docs):
        if docs["text"].str.contains("POISON").any():
            raise ZeroDivisionError("a bug")
        return real(docs)

    monkeypatch.setattr(pipeline, "process_pages", breaks_on_poison)


def test_a_batch_that_fails_unexpectedly_fails_the_run_naming_the_file(tmp_path, corpus, prefect_harness, monkeypatch):
    from profile_etl.flows import pipeline

    warehouse = tmp_path / "w.duckdb"
    profile_etl_flow(paths=[str(corpus)], warehouse=str(warehouse), as_of=SEED_AS_OF)
    before = table_checksums(warehouse, CORE)
    poison = tmp_path / "more" / "poison.txt"
    poison.parent.mkdir()
    poison.write_text("Jane Doe\nLGJan 5, 2024\nPOISON\nJane Doe\nA.\n", encoding="utf-8")
    (poison.parent / "fine.txt").write_text("Li Wei\nLGJan 5, 2024\nFine\nLi Wei\nB.\n", encoding="utf-8")
    _break_the_parser_on_poison(monkeypatch)
    state = profile_etl_flow(paths=[str(poison.parent)], warehouse=str(warehouse), as_of=SEED_AS_OF,
                             return_state=True)
    assert state.is_failed()
    with pytest.raises(pipeline.BatchError, match=r"parsing .*poison\.txt failed: ZeroDivisionError: a bug"):
        state.result()
    assert table_checksums(warehouse, CORE) == before


def test_a_rebuild_that_fails_unexpectedly_names_the_file_and_fetches_texts_per_batch(
    tmp_path, corpus, prefect_harness, monkeypatch
):
    """`rebuild` parsed its batches without naming the page that broke the parser, and it
    read every stored text into memory before its first batch."""
    import shutil

    from profile_etl.flows import pipeline
    from profile_etl.flows.pipeline import rebuild_flow
    from profile_etl.warehouse import load

    warehouse = tmp_path / "w.duckdb"
    pages = shutil.copytree(corpus, tmp_path / "in")
    (pages / "poison.txt").write_text("Jane Doe\nLGJan 5, 2024\nPOISON\nJane Doe\nA.\n", encoding="utf-8")
    profile_etl_flow(paths=[str(pages)], warehouse=str(warehouse), as_of=SEED_AS_OF)
    before = table_checksums(warehouse, CORE)
    fetched: list[int] = []
    real_with_texts = load.with_texts

    def counting_with_texts(con, rows):
        fetched.append(rows.height)
        return real_with_texts(con, rows)

    monkeypatch.setattr(load, "with_texts", counting_with_texts)
    _break_the_parser_on_poison(monkeypatch)
    state = rebuild_flow(warehouse=str(warehouse), batch_size=2, return_state=True)
    assert state.is_failed()
    with pytest.raises(pipeline.BatchError, match=r"parsing .*poison\.txt failed: ZeroDivisionError: a bug"):
        state.result()
    assert fetched and max(fetched) <= 2
    assert table_checksums(warehouse, CORE) == before


def test_ctrl_c_inside_a_duckdb_query_crashes_the_run_like_any_ctrl_c(tmp_path, corpus, prefect_harness, monkeypatch):
    """DuckDB reports Ctrl-C during a query as `RuntimeError('Query interrupted')`: the run
    failed with Prefect's traceback and `profile-etl: error:` instead of stopping as an
    interrupt (flow run crashed, `Aborted!`)."""
    from prefect import get_client

    from profile_etl.warehouse import load

    def interrupted_query(*args, **kwargs):
        raise RuntimeError("Query interrupted")

    warehouse = tmp_path / "w.duckdb"
    profile_etl_flow(paths=[str(corpus)], warehouse=str(warehouse), as_of=SEED_AS_OF)
    before = table_checksums(warehouse, CORE)
    monkeypatch.setattr(load, "stage_batch", interrupted_query)
    with pytest.raises(KeyboardInterrupt):
        profile_etl_flow(paths=[str(corpus)], warehouse=str(warehouse), as_of=SEED_AS_OF, full_refresh=True)
    with get_client(sync_client=True) as client:
        latest = client.read_flow_runs(limit=1, sort="EXPECTED_START_TIME_DESC")[0]
    assert latest.state.is_crashed(), latest.state
    assert table_checksums(warehouse, CORE) == before  # nothing of it published


def test_each_run_publishes_a_markdown_artifact(tmp_path, prefect_harness):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    bad = Path(__file__).resolve().parents[1] / "data" / "bad"
    summary = profile_etl_flow(paths=[str(bad)], warehouse=str(tmp_path / "w.duckdb"), as_of=SEED_AS_OF)
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["profile-etl-run"])))
    mine = [a for a in artifacts if summary["run_id"] in (a.data or "")]
    assert len(mine) == 1
    text = mine[0].data
    assert "| parse + validate |" in text and f"{summary['n_records_quarantined']} records quarantined" in text
    assert "## Top quarantine reasons" in text
    # Quoted values and numbers are folded: the two binary files are one kind of damage,
    # and so are the five lines of a second page's header.
    assert "file looks binary (NUL byte at offset N, line N): 2" in text
    assert "1. a second profile header in the page, from line N (two pages joined in one file?): 5" in text
    assert "10. " in text and "11. " not in text  # the ten most frequent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_runs_are_reported_to_a_running_prefect_server(tmp_path, corpus):
    port = _free_port()
    home = tmp_path / "prefect-home"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")} | {
        "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_SERVER_UI_ENABLED": "false",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
    )
    api = f"http://127.0.0.1:{port}/api"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{api}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "prefect server did not start"
            time.sleep(0.5)
        result = subprocess.run(
            [sys.executable, "-m", "profile_etl.cli", "run", str(corpus), "--warehouse", str(tmp_path / "w.duckdb"),
             "--as-of", "2026-11-22"],
            capture_output=True, text=True, timeout=300, env=env | {"PREFECT_API_URL": api},
        )
        assert result.returncode == 0, result.stderr
        runs = httpx.post(f"{api}/flow_runs/filter", json={"limit": 10}, timeout=10).json()
        states = {(r["name"], r["state"]["type"]) for r in runs}
        flows = {f["id"]: f["name"] for f in httpx.post(f"{api}/flows/filter", json={}, timeout=10).json()}
        names = {flows[r["flow_id"]] for r in runs}
        assert "profile-etl" in names
        assert all(state == "COMPLETED" for _, state in states), states
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_each_batch_frees_frames_held_in_reference_cycles():
    """Prefect keeps task results in reference cycles; the flow collects them after every
    batch instead of waiting for Python's collector, which rarely runs for a few big objects."""
    import gc
    import weakref

    import polars as pl

    from profile_etl.flows.pipeline import _collect_batch_garbage

    class Holder:
        pass

    was_enabled = gc.isenabled()
    gc.disable()  # only the flow's own collection may free the cycle
    try:
        with _collect_batch_garbage() as collect:
            holder = Holder()
            holder.itself = holder
            holder.frame = pl.DataFrame({"x": range(1000)})
            alive = weakref.ref(holder)
            del holder
            assert alive() is not None  # a cycle: reference counting alone does not free it
            collect()
            assert alive() is None
        assert gc.get_freeze_count() == 0  # objects frozen for the run are collectable again
    finally:
        if was_enabled:
            gc.enable()
