"""Task runners: batches in threads on one machine, or on a Dask cluster when outgrown."""

from __future__ import annotations

import socket
import urllib.parse
from typing import Literal

from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

TaskRunnerName = Literal["thread", "dask"]


def make_task_runner(name: TaskRunnerName = "thread", dask_address: str | None = None,
                     workers: int | None = None) -> TaskRunner:
    """`thread`: Prefect's thread pool (default). `dask`: prefect-dask's DaskTaskRunner on a
    local cluster, or on the scheduler at `dask_address` (`tcp://HOST:PORT`)."""
    if name == "thread":
        return ThreadPoolTaskRunner(max_workers=workers)
    if name == "dask":
        from prefect_dask import DaskTaskRunner

        if dask_address:
            _check_reachable(dask_address)
            return DaskTaskRunner(address=dask_address)
        return DaskTaskRunner(cluster_kwargs={"n_workers": workers or 2, "threads_per_worker": 1,
                                              "dashboard_address": ":0"})
    raise ValueError(f"unknown task runner {name!r} (expected 'thread' or 'dask')")


def _check_reachable(address: str, timeout_s: float = 5.0) -> None:
    """A scheduler that does not answer would fail the run after Dask's 30 s timeout, with
    Prefect's traceback of 170 lines: one line, at once, instead (tcp and tls addresses)."""
    parts = urllib.parse.urlsplit(address if "://" in address else f"tcp://{address}")
    if parts.scheme not in ("tcp", "tls"):
        return  # ucx://, inproc://: Dask's own business
    try:
        port = parts.port
    except ValueError:
        port = None
    if not parts.hostname or port is None:
        raise ValueError(f"invalid Dask scheduler address {address!r} (expected tcp://HOST:PORT)")
    try:
        socket.create_connection((parts.hostname, port), timeout=timeout_s).close()
    except OSError as error:
        raise ValueError(f"the Dask scheduler at {address} does not answer: {error}") from None
