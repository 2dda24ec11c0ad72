"""Shared fixtures: the seed page from ../shared, page builders, a Prefect test harness."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

# Value checks must run in tests even where pandera would only check the schema.
os.environ.setdefault("PANDERA_VALIDATION_DEPTH", "SCHEMA_AND_DATA")

REPO = Path(__file__).resolve().parent.parent
SHARED_SEEDS = REPO.parent / "shared" / "seeds"
SEED_PAGE = SHARED_SEEDS / "000_5e04d6b663229320.txt"
SEED_AS_OF = dt.date(2026, 11, 22)


@pytest.fixture(scope="session")
def seed_page() -> Path:
    """The real full-layout page shared with the project (tests skip when it is absent)."""
    if not SEED_PAGE.is_file():
        pytest.skip(f"seed page not available at {SEED_PAGE}")
    return SEED_PAGE


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect API for every test that runs a real flow."""
    from profile_etl import prefect_env

    prefect_env.configure()
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield
