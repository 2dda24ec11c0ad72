"""The command line as a user meets it: real processes, real exit codes, one-line errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

CLI = [sys.executable, "-m", "profile_etl.cli"]


def _cli(*args: str, cwd: Path | None = None, **extra_env: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")} | extra_env
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=300, cwd=cwd, env=env)


@pytest.fixture(scope="module")
def sample_warehouse(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    warehouse = tmp_path_factory.mktemp("cli") / "w.duckdb"
    return warehouse, _cli("run", "--warehouse", str(warehouse), "--as-of", "2026-11-22")


def test_run_on_the_bundled_sample_prints_a_clean_summary(sample_warehouse):
    warehouse, result = sample_warehouse
    assert result.returncode == 0, result.stderr
    for label in ("files loaded", "researchers", "papers", "authors", "quarantined records"):
        assert label in result.stdout
    assert "Traceback" not in result.stderr
    assert "ERROR" not in result.stderr and "database is locked" not in result.stderr
    assert warehouse.is_file()


def test_plain_progress_lines_off_a_terminal(sample_warehouse):
    _, result = sample_warehouse
    assert "batch 1/1 loaded" in result.stderr


def test_progress_bar_on_a_terminal(tmp_path):
    import pty

    leader, follower = pty.openpty()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")} | {"COLUMNS": "100"}
    proc = subprocess.Popen([*CLI, "run", "--warehouse", str(tmp_path / "w.duckdb"), "--batch-size", "1"],
                            stdin=follower, stdout=follower, stderr=follower, env=env, close_fds=True)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    proc.wait(timeout=300)
    os.close(leader)
    screen = b"".join(chunks).decode("utf-8", "replace")
    assert proc.returncode == 0, screen
    assert "loading batches" in screen  # rich's bar, redrawn as batches load
    assert "batch 1/" not in screen  # no plain log lines on a terminal


def test_runs_lists_recent_runs(sample_warehouse):
    warehouse, _ = sample_warehouse
    result = _cli("runs", "--warehouse", str(warehouse))
    assert result.returncode == 0, result.stderr
    assert "completed" in result.stdout and "run" in result.stdout


def test_sql_prints_query_results(sample_warehouse):
    warehouse, _ = sample_warehouse
    result = _cli("sql", "select count(*) as n_researchers from core.researchers", "--warehouse", str(warehouse), "--csv")
    assert result.returncode == 0, result.stderr
    header, value = result.stdout.strip().splitlines()
    assert header == "n_researchers" and int(value) > 0


@pytest.mark.parametrize(
    "statement",
    [
        "drop table core.papers",
        "copy core.papers to '{tmp}/leak.csv'",
        "select * from read_text('/etc/passwd')",
        "insert into core.authors values ('x', 'y')",
    ],
)
def test_sql_is_read_only(sample_warehouse, tmp_path, statement):
    warehouse, _ = sample_warehouse
    result = _cli("sql", statement.format(tmp=tmp_path), "--warehouse", str(warehouse))
    assert result.returncode == 2
    assert result.stderr.startswith("profile-etl: error:")
    assert not (tmp_path / "leak.csv").exists()
    assert _cli("sql", "select count(*) from core.papers", "--warehouse", str(warehouse)).returncode == 0


def _one_line_error(result: subprocess.CompletedProcess, text: str) -> None:
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("profile-etl: error:") and text in lines[0]


def test_missing_input_path(tmp_path):
    _one_line_error(_cli("run", str(tmp_path / "nope"), "--warehouse", str(tmp_path / "w.duckdb")), "input path does not exist")


def test_warehouse_in_missing_directory(tmp_path):
    _one_line_error(_cli("run", "--warehouse", str(tmp_path / "no" / "w.duckdb")), "warehouse directory does not exist")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only directories; see the check_writable unit test")
def test_warehouse_in_read_only_directory(tmp_path):
    locked = tmp_path / "ro"
    locked.mkdir(mode=0o555)
    try:
        _one_line_error(_cli("run", "--warehouse", str(locked / "w.duckdb")), "not writable")
    finally:
        locked.chmod(0o755)


def test_warehouse_that_is_not_duckdb(tmp_path):
    bogus = tmp_path / "w.duckdb"
    bogus.write_text("not a database")
    _one_line_error(_cli("run", "--warehouse", str(bogus)), "not a DuckDB database")


def test_as_of_that_is_not_a_date(tmp_path):
    result = _cli("run", "--as-of", "2026-02-30", "--warehouse", str(tmp_path / "w.duckdb"))
    assert result.returncode == 2
    assert "'2026-02-30' is not a date" in result.stderr
    assert "Traceback" not in result.stderr


def test_sql_on_missing_warehouse(tmp_path):
    _one_line_error(_cli("sql", "select 1", "--warehouse", str(tmp_path / "none.duckdb")), "warehouse not found")


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (["sql", " "], "the query is empty"),
        (["serve", "--cron", "bogus"], "invalid deployment"),
    ],
)
def test_more_user_errors_are_one_line(sample_warehouse, args, text):
    warehouse, _ = sample_warehouse
    extra = ["--warehouse", str(warehouse)] if args[0] == "sql" else []
    _one_line_error(_cli(*args, *extra), text)


@pytest.mark.parametrize(
    ("args", "env", "text"),
    [
        # Each of these printed a traceback of 37 to 170 lines (exit 1), or was ignored.
        (["run"], {"PROFILE_ETL_BATCH_SIZE": "abc"}, "invalid setting PROFILE_ETL_BATCH_SIZE='abc': Input should be a valid integer"),
        (["sql", "select 1"], {"PROFILE_ETL_LOCK_TIMEOUT_S": "-1"}, "invalid setting PROFILE_ETL_LOCK_TIMEOUT_S='-1'"),
        (["run"], {"PREFECT_API_URL": "http://127.0.0.1:9/api"}, "the Prefect API at http://127.0.0.1:9/api (PREFECT_API_URL) does not answer"),
        (["run", "--dask-address", "tcp://127.0.0.1:9"], {}, "the Dask scheduler at tcp://127.0.0.1:9 does not answer"),
        (["run", "--task-runner", "thread", "--dask-address", "tcp://127.0.0.1:9"], {}, "--dask-address needs --task-runner dask"),
        (["run"], {"PROFILE_ETL_DUCKDB_MEMORY_LIMIT": "lots"}, "invalid PROFILE_ETL_DUCKDB_MEMORY_LIMIT 'lots'"),
    ],
    ids=["bad-setting", "bad-setting-sql", "dead-prefect-api", "dead-dask-scheduler", "thread-with-dask-address",
         "bad-memory-limit"],
)
def test_configuration_errors_are_one_line(tmp_path, args, env, text):
    _one_line_error(_cli(*args, "--warehouse", str(tmp_path / "w.duckdb"), **env), text)


def test_help_shows_even_with_a_bad_setting(tmp_path):
    result = _cli("run", "--help", PROFILE_ETL_BATCH_SIZE="abc")
    assert result.returncode == 0 and "Load PATHS" in result.stdout, result.stderr
    # A path literally named `--help` after `--` is no request for help.
    result = _cli("run", "--warehouse", str(tmp_path / "w.duckdb"), "--", "--help", PROFILE_ETL_BATCH_SIZE="abc")
    _one_line_error(result, "invalid setting PROFILE_ETL_BATCH_SIZE='abc'")


def test_generate_into_a_file_is_one_line(tmp_path):
    target = tmp_path / "a-file"
    target.write_text("x")
    _one_line_error(_cli("generate", str(target)), "cannot write pages to")


def test_an_input_file_whose_name_is_not_utf8_is_one_line(tmp_path):
    bad = tmp_path / os.fsdecode(b"bad\xffname.txt")
    bad.write_text("Jane Doe\n")
    result = _cli("run", str(bad), "--warehouse", str(tmp_path / "w.duckdb"))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"profile-etl: error: input path name is not valid UTF-8: {tmp_path}/bad\\xffname.txt (give its directory instead)"]


def test_an_interrupt_wrapped_in_another_exception_is_still_an_abort():
    import click

    from profile_etl.cli import _stops_like_ctrl_c

    @_stops_like_ctrl_c
    def command():
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as interrupt:  # as pydantic wraps it while serialising
            raise ValueError("Error calling function _ser_model: KeyboardInterrupt") from interrupt

    with pytest.raises(click.Abort):
        command()

    @_stops_like_ctrl_c
    def failing():
        raise ValueError("a real error")

    with pytest.raises(ValueError, match="a real error"):
        failing()


def test_rebuild_prints_the_counts_it_records(tmp_path):
    """`rebuild` printed `failed 0` whatever it recorded in meta.runs."""
    pages = tmp_path / "in"
    pages.mkdir()
    (pages / "empty.txt").write_text("", encoding="utf-8")
    (pages / "page.txt").write_text("Jane Doe\nLG\nh-index 3\nLGJan 5, 2024\nPaper X\nJane Doe\nA.\n", encoding="utf-8")
    warehouse = tmp_path / "w.duckdb"
    assert _cli("run", str(pages), "--warehouse", str(warehouse), "--as-of", "2026-06-01").returncode == 0
    rebuilt = _cli("rebuild", "--warehouse", str(warehouse))
    assert rebuilt.returncode == 0, rebuilt.stderr
    recorded = _cli("sql", "select n_files_failed from meta.runs where run_id like '%-rebuild'", "--warehouse",
                    str(warehouse), "--csv").stdout.split()[-1]
    assert recorded == "1"
    failed = [line.strip("│ ").split("│") for line in rebuilt.stdout.splitlines() if "files failed" in line]
    assert failed and failed[0][-1].strip() == recorded, rebuilt.stdout


def test_serve_runs_its_schedule_and_serves_prefects_ui(tmp_path):
    """`profile-etl serve` used Prefect's embedded server, which runs no scheduler: its
    schedule never created a run (and the banner pointed at a UI that was switched off)."""
    import signal
    import time
    import urllib.request

    pages = tmp_path / "in"
    pages.mkdir()
    (pages / "p.txt").write_text("Jane Doe\nh-index 3\nLGJan 5, 2024\nA Served Paper\nJane Doe\nA.\n", encoding="utf-8")
    warehouse = tmp_path / "w.duckdb"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env |= {"PREFECT_HOME": str(tmp_path / "prefect"), "TMPDIR": str(tmp_path)}
    log = (tmp_path / "serve.out").open("w")
    process = subprocess.Popen([*CLI, "serve", "--cron", "* * * * *", str(pages), "--warehouse", str(warehouse)],
                               stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + 180  # the next whole minute, then the runner's poll
        while time.monotonic() < deadline and not warehouse.exists():
            assert process.poll() is None, (tmp_path / "serve.out").read_text()
            time.sleep(1)
        assert warehouse.exists(), (tmp_path / "serve.out").read_text()
        banner = (tmp_path / "serve.out").read_text()
        base = banner.split("Prefect UI: ", 1)[1].split("/deployments", 1)[0]
        request = urllib.request.Request(f"{base}/deployments", headers={"Accept": "text/html"})
        direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # no proxy for 127.0.0.1
        with direct.open(request, timeout=10) as response:
            assert response.status == 200 and b"<html" in response.read(2000)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        log.close()
    result = _cli("sql", "select title from core.papers", "--warehouse", str(warehouse), "--csv")
    assert "A Served Paper" in result.stdout, result.stderr
