"""Validate a frame against its model and split it into rows that load and rows that don't.

pandera reports every failing check per row (`lazy=True`); each failing row gets one
reason naming the column, the check and the value, and never crashes the run.
"""

from __future__ import annotations

import polars as pl
import pandera.polars as pa
from pandera.errors import SchemaError, SchemaErrors

ROW = "__row"


def _reasons(failures: pl.DataFrame) -> pl.DataFrame:
    """One row per failing row index: `__row`, `column`, `reason` (first failure wins)."""
    return (
        failures.filter(pl.col("index").is_not_null())
        .with_columns(
            reason=pl.format(
                "{} failed check {}: {}",
                pl.col("column"),
                pl.col("check"),
                pl.col("failure_case").str.slice(0, 200),
            )
        )
        .sort("index")
        .group_by("index", maintain_order=True)
        .first()
        .select(pl.col("index").cast(pl.Int64).alias(ROW), "column", "reason")
    )


def split_valid(frame: pl.DataFrame, model: type[pa.DataFrameModel]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(rows that pass, failures) where failures has the failing rows' columns plus
    `column` and `reason`. A failure of the frame as a whole (a missing column, a wrong
    type that cannot be coerced) is a bug in the pipeline, not in the data, and raises."""
    try:
        return model.validate(frame, lazy=True), frame.head(0).with_columns(
            column=pl.lit(None, pl.String), reason=pl.lit(None, pl.String)
        )
    except SchemaErrors as errors:
        reasons = _reasons(errors.failure_cases)
        if reasons.is_empty():
            raise
    indexed = frame.with_row_index(ROW).with_columns(pl.col(ROW).cast(pl.Int64))
    bad = indexed.join(reasons, on=ROW, how="inner").drop(ROW)
    good = indexed.join(reasons, on=ROW, how="anti").drop(ROW)
    try:
        return model.validate(good, lazy=True), bad
    except (SchemaError, SchemaErrors) as errors:  # pragma: no cover - a check that is not row-wise
        raise RuntimeError(f"{model.__name__}: rows still fail after removing failing rows") from errors
