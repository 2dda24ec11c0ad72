"""All configuration in one place, each knob overridable by a `PROFILE_ETL_*` variable."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

SAMPLE_DIR = Path(__file__).parent / "sample"


class Settings(BaseSettings):
    """Defaults shared by the CLI, the flow's parameters and the tests."""

    model_config = SettingsConfigDict(env_prefix="PROFILE_ETL_", extra="ignore")

    warehouse: Path = Field(
        default=Path("warehouse/profiles.duckdb"),
        description="DuckDB warehouse file (PROFILE_ETL_WAREHOUSE).",
    )
    batch_size: int = Field(
        default=200, ge=1, description="Pages parsed per batch (one Prefect task run per batch)."
    )
    batches_in_flight: int = Field(
        default=2, ge=1, description="Batches read and parsed ahead of the loader (bounds memory)."
    )
    duckdb_memory_limit: str = Field(
        default="300MB", description="DuckDB's memory limit for the writer (it spills to disk beyond it)."
    )
    lock_timeout_s: float = Field(
        default=600.0, ge=0, description="How long a run waits for another run's write lock."
    )
    sample_dir: Path = Field(default=SAMPLE_DIR, description="Bundled sample pages.")
    schedule_cron: str = Field(
        default="0 6 * * *", description="Schedule of `profile-etl serve` (cron syntax, UTC)."
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read from the environment once."""
    return Settings()
