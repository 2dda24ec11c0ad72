"""profile-etl: researcher-profile pages -> Prefect + polars + pandera -> DuckDB warehouse."""

__version__ = "0.1.0"
