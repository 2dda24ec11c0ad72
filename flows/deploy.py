"""Scheduled runs: the flow as a Prefect deployment, served from this process or deployed.

`profile-etl serve --cron ...` serves it here (Prefect's `serve`); `prefect.yaml` at the
repository root deploys the same flow to a work pool with `prefect deploy`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from prefect.deployments.runner import EntrypointType, RunnerDeployment

from ..settings import get_settings
from .pipeline import profile_etl_flow


def build_deployment(
    name: str = "scheduled",
    cron: str | None = None,
    paths: list[Path] | None = None,
    warehouse: Path | None = None,
    as_of: dt.date | None = None,
    batch_size: int | None = None,
    task_runner: str = "thread",
    dask_address: str | None = None,
    workers: int | None = None,
) -> RunnerDeployment:
    """A deployment of `profile_etl_flow` on a cron schedule.

    Parameters left out keep the flow's (= the CLI's) defaults; paths are made absolute,
    since a scheduled run does not start in the directory `serve` was called from.
    """
    parameters: dict[str, object] = {"task_runner": task_runner}
    if paths:
        parameters["paths"] = [str(p.resolve()) for p in paths]
    if warehouse:
        parameters["warehouse"] = str(warehouse.resolve())
    optional = {"as_of": as_of.isoformat() if as_of else None, "batch_size": batch_size,
                "dask_address": dask_address, "workers": workers}
    parameters |= {k: v for k, v in optional.items() if v is not None}
    return profile_etl_flow.to_deployment(
        name=name,
        cron=cron or get_settings().schedule_cron,
        parameters=parameters,
        description="Load researcher-profile pages into the DuckDB warehouse.",
        tags=["profile-etl"],
        entrypoint_type=EntrypointType.MODULE_PATH,
    )


def serve(deployment: RunnerDeployment) -> None:
    """Serve the deployment until interrupted: scheduled runs execute in this process."""
    from prefect import serve as prefect_serve

    prefect_serve(deployment)
