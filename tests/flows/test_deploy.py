"""Scheduled runs: the served deployment, a run triggered from it, and prefect.yaml."""

from __future__ import annotations

import inspect
from pathlib import Path

import yaml

from pagekit import SEED_AS_OF
from profile_etl.flows.deploy import build_deployment
from profile_etl.flows.pipeline import profile_etl_flow
from warehouse_kit import query

REPO = Path(__file__).resolve().parents[2]


def test_deployment_has_its_schedule_and_a_triggered_run_loads_the_pages(tmp_path, prefect_harness):
    from prefect.client.orchestration import get_client
    from prefect.deployments import run_deployment
    from prefect.flow_engine import load_flow_and_flow_run, run_flow

    pages = tmp_path / "in"
    pages.mkdir()
    (pages / "p.txt").write_text("Jane Doe\nh-index 3\nLGJan 5, 2024\nA Scheduled Paper\nJane Doe\nA.\n", encoding="utf-8")
    warehouse = tmp_path / "w.duckdb"
    deployment = build_deployment(name="test-schedule", cron="0 6 * * *", paths=[pages], warehouse=warehouse,
                                  as_of=SEED_AS_OF, batch_size=7)
    deployment_id = deployment.apply()
    with get_client(sync_client=True) as client:
        stored = client.read_deployment(deployment_id)
        assert [s.schedule.cron for s in stored.schedules] == ["0 6 * * *"]
        assert stored.parameters["paths"] == [str(pages.resolve())]
        assert stored.parameters["warehouse"] == str(warehouse.resolve())
        assert stored.parameters["batch_size"] == 7
        triggered = run_deployment(name=f"{profile_etl_flow.name}/test-schedule", timeout=0)
        # What a worker does: load the flow from the deployment's entrypoint and run it.
        flow_run, flow = load_flow_and_flow_run(triggered.id)
        state = run_flow(flow, flow_run=flow_run, parameters=flow_run.parameters, return_type="state")
        assert state.is_completed(), state
        assert client.read_flow_run(triggered.id).state.is_completed()
    assert query(warehouse, "select title from core.papers")["title"].to_list() == ["A Scheduled Paper"]


def test_deployment_parameters_default_like_the_cli():
    signature = inspect.signature(profile_etl_flow.fn)
    assert signature.parameters["paths"].default is None  # bundled sample, as `profile-etl run`
    assert signature.parameters["as_of"].default is None  # file modification dates
    assert signature.parameters["task_runner"].default == "thread"
    deployment = build_deployment()
    assert deployment.parameters == {"task_runner": "thread"}


def test_prefect_yaml_deploys_the_installed_flow():
    from prefect.flows import load_flow_from_entrypoint

    config = yaml.safe_load((REPO / "prefect.yaml").read_text())
    (deployment,) = config["deployments"]
    flow = load_flow_from_entrypoint(str(REPO / deployment["entrypoint"]))
    assert flow.name == profile_etl_flow.name
    assert set(deployment["parameters"]) <= set(inspect.signature(profile_etl_flow.fn).parameters)
    # Left to the settings, so PROFILE_ETL_WAREHOUSE / PROFILE_ETL_BATCH_SIZE apply on the worker.
    assert not {"warehouse", "batch_size"} & set(deployment["parameters"])
    assert deployment["schedules"][0]["cron"] == "0 6 * * *"


def test_the_schedule_defaults_to_the_settings(monkeypatch):
    from profile_etl.settings import get_settings

    monkeypatch.setenv("PROFILE_ETL_SCHEDULE_CRON", "30 2 * * 1")
    get_settings.cache_clear()
    try:
        assert [s.schedule.cron for s in build_deployment().schedules] == ["30 2 * * 1"]
        assert [s.schedule.cron for s in build_deployment(cron="0 7 * * *").schedules] == ["0 7 * * *"]
    finally:
        monkeypatch.delenv("PROFILE_ETL_SCHEDULE_CRON")
        get_settings.cache_clear()
    assert [s.schedule.cron for s in build_deployment().schedules] == ["0 6 * * *"]
