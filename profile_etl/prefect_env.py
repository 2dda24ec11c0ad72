"""Prefect settings for a clean command line, applied before Prefect is imported.

With no `PREFECT_API_URL`, flows run against Prefect's embedded (ephemeral) API; these
settings keep its background services from printing to the terminal. Each is only a
default: a value already in the environment wins.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
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


def configure() -> None:
    """Apply the quiet defaults to this process's environment."""
    for key, value in QUIET_DEFAULTS.items():
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
