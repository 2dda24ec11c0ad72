"""Task runners: batches in threads on one machine, or on a Dask cluster when outgrown."""

from __future__ import annotations

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
            return DaskTaskRunner(address=dask_address)
        return DaskTaskRunner(cluster_kwargs={"n_workers": workers or 2, "threads_per_worker": 1,
                                              "dashboard_address": ":0"})
    raise ValueError(f"unknown task runner {name!r} (expected 'thread' or 'dask')")
