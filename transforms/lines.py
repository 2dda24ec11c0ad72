"""Pages to lines: the unit that every record, quarantine row and line count refers to.

A line is what ends in `\n` (a trailing `\r` is dropped, so CRLF files read the same); a
file with no `\n` at all ends its lines in `\r` alone (classic Mac OS), so it is not read as
one long line. A CR inside a file that has newlines stays text: it may be a stray control
character in an abstract, and splitting there would cut the entry. A UTF-8 byte-order mark
at the start is dropped; a last line without a newline still counts.
"""

from __future__ import annotations

import polars as pl

from . import patterns

BOM = "\ufeff"


def page_text(text: pl.Expr) -> pl.Expr:
    """The page's text as lines see it: no byte-order mark, and in a file without any
    `\n` every `\r` is a line end."""
    body = text.str.strip_prefix(BOM)
    return (
        pl.when(body.str.contains("\n", literal=True))
        .then(body)
        .otherwise(body.str.replace_all("\r", "\n", literal=True))
    )


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
        .with_columns(text=pl.col("raw").str.strip_chars(patterns.EDGE_CHARS))
    )


# Lines at least this long are abstracts (titles, author and header lines are shorter).
SHORT_LINE_BYTES = 1000


def drop_invisible(lines: pl.DataFrame, column: str = "text") -> tuple[pl.DataFrame, pl.DataFrame]:
    """Take invisible characters out of short lines (see `patterns.INVISIBLE`), touching
    only the lines that hold one: scanning every abstract would cost more than all of it.
    Also returns those lines as they were (`doc_id`, `line_no`, `received`), so that an
    abstract among them is stored as received."""
    values = lines[column]
    short = (values.str.len_bytes() < SHORT_LINE_BYTES).arg_true()
    hit = short.filter(values.gather(short).str.contains(patterns.INVISIBLE))
    received = lines[hit].select("doc_id", "line_no", received=column)
    if hit.is_empty():
        return lines, received
    fixed = values.gather(hit).str.replace_all(patterns.INVISIBLE, "").str.strip_chars(patterns.EDGE_CHARS)
    return lines.with_columns(values.scatter(hit, fixed)), received
