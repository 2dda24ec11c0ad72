import datetime as dt

import polars as pl
import pytest

from profile_etl.transforms.dates import resolve_dates


def _resolve(month: str, day: str, year: str | None, as_of: dt.date) -> tuple[dt.date | None, bool]:
    frame = pl.DataFrame(
        {"month": [month], "day": [day], "year": [year], "as_of": [as_of]},
        schema={"month": pl.String, "day": pl.String, "year": pl.String, "as_of": pl.Date},
    )
    row = resolve_dates(frame).collect().row(0, named=True)
    return row["published_on"], row["published_year_inferred"]


@pytest.mark.parametrize(
    ("month", "day", "year", "as_of", "expected", "inferred"),
    [
        ("Nov", "21", "2022", dt.date(2026, 11, 22), dt.date(2022, 11, 21), False),
        ("Apr", "7", None, dt.date(2026, 11, 22), dt.date(2026, 4, 7), True),
        ("Dec", "2", None, dt.date(2026, 3, 1), dt.date(2025, 12, 2), True),
        ("Nov", "22", None, dt.date(2026, 11, 22), dt.date(2026, 11, 22), True),  # same day counts
        ("Nov", "23", None, dt.date(2026, 11, 22), dt.date(2025, 11, 23), True),
        ("Feb", "29", None, dt.date(2026, 11, 22), dt.date(2024, 2, 29), True),  # last leap year
        ("Feb", "30", "2024", dt.date(2026, 11, 22), None, False),
        ("Feb", "30", None, dt.date(2026, 11, 22), None, True),
        ("Jan", "5", "2027", dt.date(2026, 11, 22), dt.date(2027, 1, 5), False),  # caller rejects
        ("Apr", "7", "0000", dt.date(2026, 11, 22), None, False),  # no year 0 in Python's dates
        ("Dec", "2", None, dt.date(1, 3, 1), None, True),  # would be year 0
        ("Sept", "3", "2021", dt.date(2026, 11, 22), dt.date(2021, 9, 3), False),
        ("September", "3", None, dt.date(2026, 11, 22), dt.date(2026, 9, 3), True),
    ],
)
def test_resolve_dates(month, day, year, as_of, expected, inferred):
    assert _resolve(month, day, year, as_of) == (expected, inferred)


def test_each_row_uses_its_own_as_of():
    frame = pl.DataFrame(
        {
            "month": ["Dec", "Dec"],
            "day": ["2", "2"],
            "year": [None, None],
            "as_of": [dt.date(2026, 3, 1), dt.date(2026, 12, 31)],
        },
        schema={"month": pl.String, "day": pl.String, "year": pl.String, "as_of": pl.Date},
    )
    out = resolve_dates(frame).collect()["published_on"].to_list()
    assert out == [dt.date(2025, 12, 2), dt.date(2026, 12, 2)]
