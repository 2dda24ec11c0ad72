"""Publication dates: `Nov 21, 2022` as printed, `Apr 7` with the year left out.

A date without a year is the latest such date that is not after the page's snapshot date
(`as_of`): `Apr 7` seen on 2026-11-22 is 2026-04-07, `Dec 2` seen on 2026-03-01 is
2025-12-02, and `Feb 29` goes back to the last leap year.
"""

from __future__ import annotations

import polars as pl

from .patterns import MONTHS

# How many years back a year-less date may reach: enough to find the last Feb 29.
_YEARS_BACK = 8


def _to_date(year: pl.Expr, month: pl.Expr, day: pl.Expr) -> pl.Expr:
    """Calendar date from parts, null where the parts are not a real date (`Feb 30`) or
    the year is before 1 (`0000`: polars has a year 0, Python's `date`, which the
    validation's bounds are compared in, has not)."""
    text = pl.concat_str(
        year.cast(pl.String).str.zfill(4),
        month.cast(pl.String).str.zfill(2),
        day.cast(pl.String).str.zfill(2),
        separator="-",
    )
    return pl.when(year >= 1).then(text.str.to_date("%Y-%m-%d", strict=False))


def resolve_dates(
    frame: pl.DataFrame | pl.LazyFrame,
    *,
    month: str = "month",
    day: str = "day",
    year: str = "year",
    as_of: str = "as_of",
) -> pl.LazyFrame:
    """Add `published_on` (Date, null when impossible) and `published_year_inferred`.

    `month` holds a month name or its abbreviation (`Apr`, `April`, `Sept`), `day` and
    `year` digit strings (year may be null), `as_of` a Date.
    """
    m = pl.col(month).str.slice(0, 3).replace_strict(MONTHS, default=None, return_dtype=pl.Int32)
    d = pl.col(day).cast(pl.Int32, strict=False)
    y = pl.col(year).cast(pl.Int32, strict=False)
    as_of_year = pl.col(as_of).dt.year().cast(pl.Int32)
    candidates = []
    for back in range(_YEARS_BACK + 1):
        candidate = _to_date(as_of_year - back, m, d)
        candidates.append(pl.when(candidate <= pl.col(as_of)).then(candidate))
    inferred = pl.coalesce(candidates)
    return frame.lazy().with_columns(
        published_on=pl.when(y.is_null()).then(inferred).otherwise(_to_date(y, m, d)),
        published_year_inferred=y.is_null() & pl.col(month).is_not_null(),
    )
