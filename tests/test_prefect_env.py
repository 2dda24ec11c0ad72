"""Prefect's set-up for the command line: quiet defaults and the early start of its API."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from profile_etl import prefect_env


def test_one_shot_defaults_only_for_one_shot_runs_and_never_over_the_users_value(monkeypatch):
    monkeypatch.delenv("PREFECT_SERVER_REGISTER_BLOCKS_ON_START", raising=False)
    monkeypatch.setenv("PREFECT_LOGGING_LEVEL", "DEBUG")
    prefect_env.configure()
    assert "PREFECT_SERVER_REGISTER_BLOCKS_ON_START" not in os.environ
    prefect_env.configure(one_shot=True)
    assert os.environ["PREFECT_SERVER_REGISTER_BLOCKS_ON_START"] == "false"
    assert os.environ["PREFECT_LOGGING_LEVEL"] == "DEBUG"  # the user's value wins


def test_no_early_start_when_an_api_url_is_configured():
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: "http://127.0.0.1:9/api"}):
        wait = prefect_env.start_api_early()
    wait()
    assert not [t for t in threading.enumerate() if t.name == "prefect-api-start"]


def _python(code: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          timeout=300, env=env)


def _gone(pid: int, within_s: float = 10.0) -> bool:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


@pytest.mark.parametrize("waits", [True, False], ids=["flow-uses-it", "exit-before-wait"])
def test_early_server_is_the_one_the_flow_uses_and_is_stopped_at_exit(waits):
    result = _python(f"""
        from profile_etl import prefect_env
        prefect_env.configure(one_shot=True)
        wait = prefect_env.start_api_early()
        from prefect.server.api.server import SubprocessASGIServer
        if {waits}:
            wait()
            server = SubprocessASGIServer()
            from prefect import get_client
            with get_client(sync_client=True) as client:
                assert str(client.api_url).rstrip("/") == server.api_url.rstrip("/"), client.api_url
                assert client.api_healthcheck() is None
        else:
            import threading
            starter = next(t for t in threading.enumerate() if t.name == "prefect-api-start")
            starter.join()  # only to learn the pid; a real exit does not wait
            server = SubprocessASGIServer()
        assert server.server_process.poll() is None, "server not running"
        print(server.server_process.pid)
    """)
    assert result.returncode == 0, result.stderr
    pid = int(result.stdout.split()[-1])
    assert _gone(pid), f"Prefect's server process {pid} outlived the command"
