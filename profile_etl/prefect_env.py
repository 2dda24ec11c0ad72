"""Prefect settings for a clean command line, applied before Prefect is imported.

With no `PREFECT_API_URL`, flows run against Prefect's embedded (ephemeral) API; these
settings keep its background services from printing to the terminal. Each is only a
default: a value already in the environment wins.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

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


def configure(one_shot: bool = False) -> None:
    """Apply the quiet defaults (and, for a single run, the one-shot ones) to this
    process's environment."""
    defaults = QUIET_DEFAULTS | (ONE_SHOT_DEFAULTS if one_shot else {})
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


def start_api_early() -> Callable[[], None]:
    """Start Prefect's embedded API server now, in the background; return the wait for it.

    With no `PREFECT_API_URL`, the first flow call starts a server process and waits for
    it (3 s in a new process, 8 s more on a machine's first run, which creates Prefect's
    database). Started here, it boots on the other core while this process imports
    polars, pandera and DuckDB and checks its inputs. The flow then finds it running:
    Prefect keeps one embedded server per process. With an API URL set this does nothing.

    If the early start fails, the wait returns anyway: the flow's own start of the
    server tries again and reports Prefect's error.
    """
    from prefect.settings import PREFECT_API_URL

    if PREFECT_API_URL.value():
        return lambda: None
    from prefect.server.api.server import SubprocessASGIServer

    def start() -> None:
        try:
            SubprocessASGIServer().start()
        except Exception:  # noqa: BLE001 - the flow's own start reports it
            pass

    # Not a daemon: an exit before the wait still lets the start finish, so Prefect's
    # exit handler stops the server instead of leaving it behind.
    thread = threading.Thread(target=start, name="prefect-api-start")
    thread.start()
    return thread.join
