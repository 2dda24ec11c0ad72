"""Pages to lines: the unit that every record, quarantine row and line count refers to.

A line is what ends in `\n` (a trailing `\r` is dropped, so CRLF files read the same); a
UTF-8 byte-order mark at the start is dropped; a last line without a newline still counts.
"""

from __future__ import annotations

import polars as pl

BOM = "\ufeff"


def page_text(text: pl.Expr) -> pl.Expr:
    """The page's text without a byte-order mark."""
    return text.str.strip_prefix(BOM)


def count_lines(text: pl.Expr) -> pl.Expr:
    """Number of lines in each page, counted the same way `split_lines` splits them."""
    body = page_text(text)
    return (
        pl.when(body == "")
        .then(0)
        .otherwise(body.str.strip_suffix("\n").str.count_matches("\n", literal=True) + 1)
        .cast(pl.Int64)
    )


def split_lines(docs: pl.DataFrame | pl.LazyFrame) -> pl.LazyFrame:
    """One row per line: `doc_id`, `line_no` (1-based), `raw` (as received), `text` (trimmed).

    Empty pages produce no rows.
    """
    return (
        docs.lazy()
        .select("doc_id", page_text(pl.col("text")).alias("body"))
        .filter(pl.col("body") != "")
        .select(
            "doc_id",
            pl.col("body").str.strip_suffix("\n").str.split("\n").alias("raw"),
        )
        .with_columns(line_no=pl.int_ranges(1, pl.col("raw").list.len() + 1, dtype=pl.Int64))
        .explode("raw", "line_no")
        .with_columns(raw=pl.col("raw").str.strip_suffix("\r"))
        .with_columns(text=pl.col("raw").str.strip_chars())
    )
