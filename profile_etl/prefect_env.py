"""Prefect settings for a clean command line, applied before Prefect is imported.

With no `PREFECT_API_URL`, flows run against Prefect's embedded (ephemeral) API; these
settings keep its background services from printing to the terminal. Each is only a
default: a value already in the environment wins.
"""

from __future__ import annotations

import atexit
import os
import re
import select
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

QUIET_DEFAULTS = {
    # No usage telemetry from the embedded server.
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    # The embedded server needs no web UI for a batch run.
    "PREFECT_SERVER_UI_ENABLED": "false",
    # Our own summary is the output; Prefect's logs only for warnings and errors.
    "PREFECT_LOGGING_LEVEL": "WARNING",
    # Dask's cluster logs its start-up at INFO; keep warnings only (with --task-runner dask).
    "DASK_LOGGING__DISTRIBUTED": "warning",
    # Give the embedded server time to start on a slow, cold machine.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "60",
}

ONE_SHOT_DEFAULTS = {
    # A run from the command line uses no blocks; registering every block type costs the
    # embedded server about a second the first time it starts on a machine. A server
    # started normally (`prefect server start`) still registers them.
    "PREFECT_SERVER_REGISTER_BLOCKS_ON_START": "false",
}


def configure(one_shot: bool = False, ui: bool = False) -> None:
    """Apply the quiet defaults (and, for a single run, the one-shot ones) to this
    process's environment; with `ui`, the server may serve Prefect's web UI (`serve`)."""
    defaults = QUIET_DEFAULTS | (ONE_SHOT_DEFAULTS if one_shot else {})
    if ui:
        defaults = {k: v for k, v in defaults.items() if k != "PREFECT_SERVER_UI_ENABLED"}
    for key, value in defaults.items():
        os.environ.setdefault(key, value)


@contextmanager
def one_shot_run() -> Iterator[None]:
    """Settings for a flow called once from this process (the CLI, a benchmark).

    No heartbeats: they let a server notice a crashed run of a deployment, and the
    heartbeat thread sleeps in one-second steps, so stopping it at the end of a flow
    costs up to a second: every run would be rounded up to the next whole second.
    """
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield


class EarlyApi:
    """The Prefect API server of one command-line run (`prefect_server`), started before
    anything heavy is imported.

    Use it in three steps: `start_api_early()` spawns the server process at once;
    `connect()`, before Prefect is imported, points this process at it through
    `PREFECT_API_URL` (Prefect reads its settings at import); `wait()`, before the flow
    runs, waits until it answers. When the user's settings name an API already, nothing
    is started and Prefect uses theirs. The server is stopped when this process exits,
    however early.

    The server writes its messages to a log file, not to the terminal: a server that fails
    to start (an unreachable database, an unwritable Prefect home) prints a traceback of a
    hundred lines or more, and the one line that matters is the exception at its end. That
    line goes into the error, with the log's path, and the log is kept. Anything a server
    that ran logged is copied to stderr when it stops, and the log removed.
    """

    def __init__(self, process: subprocess.Popen | None, log_path: str | None = None) -> None:
        self.process = process
        self.log_path = log_path
        self.url: str | None = None
        self.ready = False
        if process is not None:
            atexit.register(self.stop)

    def connect(self) -> None:
        """Read the server's address and hand it to Prefect (call before importing Prefect)."""
        if self.process is None:
            return
        line = _read_line(self.process, _startup_timeout_s())
        if line.startswith("http"):
            self.url = line
            os.environ["PREFECT_API_URL"] = line
            for name in ("NO_PROXY", "no_proxy"):  # a proxy from the environment cannot reach it
                os.environ[name] = ",".join(filter(None, (os.environ.get(name), "127.0.0.1")))
        else:  # `external`: the user's settings name an API; or the process failed
            self.stop()

    def wait(self) -> None:
        """Wait until the server answers; fail with its exit code if it ends first (its own
        messages went to stderr), or after the start-up timeout."""
        if self.url is None:
            _check_configured_api()
            return
        deadline = time.monotonic() + _startup_timeout_s()
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                code = "stopped" if self.process is None else f"exit code {self.process.returncode}"
                raise ApiStartError(f"Prefect's API server ended before it was ready ({code}){self._failure()}")
            try:
                # `connect` put the server in NO_PROXY: no proxy from the environment is asked
                with urllib.request.urlopen(f"{self.url}/health", timeout=5) as response:
                    if response.status == 200:
                        self.ready = True
                        return
            except OSError:
                pass
            time.sleep(0.05)
        failure = self._failure()
        self.stop()
        raise ApiStartError(f"Prefect's API server at {self.url} did not answer within {_startup_timeout_s():g} s{failure}")

    def _failure(self) -> str:
        """`: <the server's last error> (server log: <path>)` for an error message; the log is
        kept for the user. "" when there is no log."""
        path, self.log_path = self.log_path, None
        if path is None:
            return ""
        error = last_error(Path(path).read_text("utf-8", "replace")) if Path(path).exists() else ""
        return f": {error} (server log: {path})" if error else f" (server log: {path})"

    def _release_log(self) -> None:
        """Copy what the server logged to stderr and remove its log file."""
        path, self.log_path = self.log_path, None
        if path is None:
            return
        try:
            text = Path(path).read_text("utf-8", "replace")
            Path(path).unlink()
        except OSError:
            return
        if text.strip() and sys.stderr is not None:
            sys.stderr.write(text)
            sys.stderr.flush()

    def stop(self) -> None:
        """Stop the server: a server that answered gets 5 s to shut down cleanly (as Prefect
        stops its own); one still starting is killed at once (it would only notice the
        request once it has imported Prefect's server, seconds later)."""
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            if not self.ready:
                process.kill()
                process.wait()
            else:
                process.terminate()
                try:
                    process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        self._release_log()


class ApiStartError(RuntimeError):
    """The run's Prefect API server could not be started, or the configured one does not answer."""


def _check_configured_api(timeout_s: float = 10.0) -> None:
    """An API the user configured (`PREFECT_API_URL`, or their Prefect profile) that does not
    answer would fail the run with Prefect's traceback of a hundred lines: fail with one.
    Any answer will do: an HTTP error (Prefect Cloud answers 401 without a key: the client
    has one) or a TLS handshake this check cannot verify (Prefect's client may, with
    PREFECT_API_SSL_CERT_FILE or PREFECT_API_TLS_INSECURE_SKIP_VERIFY)."""
    from prefect.settings import get_current_settings

    url = get_current_settings().api.url
    if not url:
        return  # Prefect starts its own embedded server
    try:
        with urllib.request.urlopen(f"{url.rstrip('/')}/health", timeout=timeout_s):
            return
    except urllib.error.HTTPError:
        return  # it answered
    except (OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        if isinstance(reason, ssl.SSLError):
            return  # it answered; TLS is Prefect's business (its own certificate settings apply)
        raise ApiStartError(
            f"the Prefect API at {url} (PREFECT_API_URL) does not answer: {reason}; start it "
            "(`prefect server start`) or unset PREFECT_API_URL to let the command start its own"
        ) from None


# The line a Python traceback ends in: `ConnectionRefusedError: [Errno 111] ...`,
# `sqlite3.OperationalError: unable to open database file`, `KeyboardInterrupt`.
_EXCEPTION_LINE = re.compile(r"^(?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*(?:Error|Exception|Exit|Interrupt|Warning)\b(?::.*)?$")


def last_error(log: str) -> str:
    """The last exception line in a log, else its last non-blank line ("" for none)."""
    lines = [line.strip() for line in log.splitlines() if line.strip()]
    for line in reversed(lines):
        if _EXCEPTION_LINE.match(line):
            return line
    return lines[-1] if lines else ""


def _startup_timeout_s() -> float:
    return float(os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "60"))


def _read_line(process: subprocess.Popen, timeout_s: float) -> str:
    """The first line the server process prints, or "" if it prints none in time."""
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], timeout_s)
    line = process.stdout.readline() if ready else b""
    process.stdout.close()
    return line.decode("utf-8", "replace").strip()


LOG_PREFIX = "profile-etl-prefect-server-"  # then the command's pid


def _remove_stale_logs() -> None:
    """Remove the empty server logs of commands that were killed (no exit handler removed
    them). A log with something in it is left: it may be the one an error named."""
    from .prefect_db import pid_alive  # no Prefect import: only sqlite3

    for log in Path(tempfile.gettempdir()).glob(f"{LOG_PREFIX}*-*.log"):
        pid = log.name.removeprefix(LOG_PREFIX).split("-", 1)[0]
        try:
            if pid.isdigit() and not pid_alive(int(pid)) and log.stat().st_size == 0:
                log.unlink()
        except OSError:
            pass  # another command removed it, or it is not ours to remove


def start_api_early(services: bool = False) -> EarlyApi:
    """Start this run's Prefect API server now, unless `PREFECT_API_URL` is set; with
    `services`, one that runs Prefect's background services (its scheduler above all), for
    serving a deployment.

    With no API configured, the flow would start Prefect's embedded server only after
    importing Prefect, and then wait for it: 5.9 s before the flow could start on a warm
    machine, and 5 s more on a machine's first run, which creates Prefect's database.
    Started here, it boots on the other core while this process imports polars, pandera
    and DuckDB and checks its inputs (see `prefect_server`).
    """
    if os.environ.get("PREFECT_API_URL"):
        return EarlyApi(None)
    # A session of its own: Ctrl-C reaches this process only, which can then still tell the
    # server that its flow run crashed before stopping it (see `stop`).
    _remove_stale_logs()
    with tempfile.NamedTemporaryFile(prefix=f"{LOG_PREFIX}{os.getpid()}-", suffix=".log", delete=False) as log:
        env = os.environ | ({"PROFILE_ETL_SERVER_WITH_SERVICES": "1"} if services else {})
        process = subprocess.Popen(
            [sys.executable, "-m", "profile_etl.prefect_server"], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=log, start_new_session=True, env=env,
        )
    return EarlyApi(process, log.name)
