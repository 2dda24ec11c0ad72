"""Helpers for tests that build pages and docs frames by hand."""

from __future__ import annotations

import datetime as dt
import hashlib

import polars as pl

SEED_AS_OF = dt.date(2026, 11, 22)


def make_docs(texts: list[str], as_of: dt.date = SEED_AS_OF) -> pl.DataFrame:
    """A docs frame as the flow builds it, for pure transform tests."""
    return pl.DataFrame(
        {
            "doc_id": list(range(len(texts))),
            "file_sha256": [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in texts],
            "source_path": [f"page_{i}.txt" for i in range(len(texts))],
            "as_of": [as_of] * len(texts),
            "text": texts,
        },
        schema={"doc_id": pl.Int64, "file_sha256": pl.String, "source_path": pl.String, "as_of": pl.Date, "text": pl.String},
    )
