"""The profile header: name, primary category and metrics, one field per line.

Every header line is a record of its own: a recognised field loads, anything else (a
metric with no number, a line that is no known field, a field given twice) is
quarantined with the reason, and the rest of the header still loads.
"""

from __future__ import annotations

import polars as pl

from . import patterns
from .authors import is_surely_author_list
from .keys import nfc

# Field name -> the pattern whose group 1 is its value, in the order they are tried.
NUMERIC_FIELDS: dict[str, str] = {
    "h_index": patterns.H_INDEX,
    "paper_count": patterns.PAPER_COUNT,
    "stated_listed_papers": patterns.LISTED_COUNT,
    "citations": patterns.CITATIONS,
    "novelty_pct": patterns.NOVELTY,
    "ai_score": patterns.AI_SCORE,
}
FLOAT_FIELDS = ("novelty_pct", "ai_score")
TEXT_FIELDS = ("name", "primary_category")
HEADER_FIELDS = (*TEXT_FIELDS, *NUMERIC_FIELDS)
LOST_TITLE = "not a name: next to an author list (an entry whose meta line is missing or unreadable)"


def _number(value: pl.Expr, field: str) -> pl.Expr:
    if field in FLOAT_FIELDS:
        return value.str.replace_all(f"[,{patterns.THOUSANDS_SPACES}]", "").cast(pl.Float64, strict=False)
    digits = value.str.replace_all(f"[,{patterns.THOUSANDS_SPACES}{patterns.COUNT_SEPARATORS}]", "")
    return digits.cast(pl.Int64, strict=False)


def classify_header_lines(lines: pl.LazyFrame) -> pl.LazyFrame:
    """Add `field`, `value` (text) and `reason` (null when the line loads) to header lines.

    Input: non-blank lines before a page's first entry (`doc_id`, `line_no`, `text`).
    """
    text = pl.col("text")
    # Build the when/then chain from the most specific pattern to the least.
    chain = pl.when(pl.lit(False)).then(pl.lit(None, dtype=pl.String))
    value_chain = pl.when(pl.lit(False)).then(pl.lit(None, dtype=pl.String))
    for name, pattern in NUMERIC_FIELDS.items():
        chain = chain.when(text.str.contains(pattern)).then(pl.lit(name))
        value_chain = value_chain.when(text.str.contains(pattern)).then(text.str.extract(pattern, 1))
    chain = (
        chain.when(text.str.contains(patterns.CATEGORY_LINE)).then(pl.lit("primary_category"))
        .when(text.str.contains(patterns.GARBLED_METRIC)).then(pl.lit("garbled"))
        .when(nfc(text).str.contains(patterns.OWNER_NAME_LINE)).then(pl.lit("name"))
        .otherwise(pl.lit("unknown"))
    )
    value_chain = value_chain.otherwise(nfc(text))
    # An author list among the header lines, with more lines after it and no metric or
    # category line between, is an entry whose meta line is missing or damaged (`LGSep 21,
    # 2O22Code`). The name-shaped line right before the list is that entry's title, and any
    # after it its abstract: never the owner's name (a header lists metrics after the name,
    # never authors). A name line further up (`Yihua Zhang`, then the damaged entry) is
    # still the name, and so is one next to an affiliation (`Stanford University, CA`).
    field = pl.col("field")
    in_block = {"partition_by": ["doc_id", "block"], "order_by": "line_no"}
    list_line = pl.col("list_like") & (pl.int_range(pl.len()).over(**in_block) < pl.len().over(**in_block) - 1)
    lost = (field == "name") & (
        (pl.col("list_line").cast(pl.Int32).cum_sum().over(**in_block) > pl.col("list_line").cast(pl.Int32))
        | pl.col("list_line").shift(-1).over(**in_block).fill_null(False)
    )
    classified = (
        lines.with_columns(field=chain, value=value_chain, list_like=is_surely_author_list(text))
        .with_columns(block=field.is_in(["name", "unknown"]).not_().cast(pl.Int32).cum_sum().over("doc_id", order_by="line_no"))
        .with_columns(list_line=list_line)
        .with_columns(field=pl.when(lost).then(pl.lit("lost_title")).otherwise(field))
        # `John Smith, Jr.` is the `John Smith Jr.` of the author lines.
        .with_columns(
            value=pl.when(field == "name")
            .then(pl.col("value").str.replace(patterns.NAME_SUFFIX_AFTER_COMMA, " $1$2"))
            .otherwise("value")
        )
        .drop("list_like", "block", "list_line")
    ).with_columns(
        occurrence=pl.int_range(pl.len()).over("doc_id", "field", order_by="line_no"),
        out_of_range=pl.any_horizontal(
            (pl.col("field") == name) & _number(pl.col("value"), name).is_null()
            for name in NUMERIC_FIELDS
        ),
    )
    label = text.str.extract(patterns.METRIC_LABEL, 1).str.to_lowercase()
    reason = (
        pl.when((pl.col("field") == "garbled") & text.str.contains(r"\d"))
        .then(pl.format("header field '{}' has an unreadable number", label))
        .when(pl.col("field") == "garbled")
        .then(pl.format("header field '{}' has no number", label))
        .when(pl.col("field") == "unknown")
        .then(pl.lit("unrecognized header line (not a name, category or metric)"))
        .when(pl.col("field") == "lost_title")
        .then(pl.lit(LOST_TITLE))
        .when(pl.col("occurrence") > 0)
        .then(pl.format("duplicate header field '{}'", pl.col("field")))
        .when(pl.col("out_of_range"))
        .then(pl.format("header field '{}' has an unreadable number", pl.col("field")))
    )
    return classified.with_columns(reason=reason).drop("occurrence", "out_of_range")


def header_fields(classified: pl.LazyFrame) -> pl.LazyFrame:
    """One row per page that has header fields: the typed value of each field, plus the
    line each came from (`<field>_line`) so a later check can quarantine exactly that line."""
    good = classified.filter(pl.col("reason").is_null())
    aggs: list[pl.Expr] = []
    for name in HEADER_FIELDS:
        picked = pl.col("value").filter(pl.col("field") == name).first()
        aggs.append(picked if name in TEXT_FIELDS else _number(picked, name))
        aggs[-1] = aggs[-1].alias(name)
        aggs.append(pl.col("line_no").filter(pl.col("field") == name).first().alias(f"{name}_line"))
    return good.group_by("doc_id").agg(aggs)
