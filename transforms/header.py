"""The profile header: name, primary category and metrics, one field per line.

Every header line is a record of its own: a recognised field loads, anything else (a
metric with no number, a line that is no known field, a field given twice) is
quarantined with the reason, and the rest of the header still loads.
"""

from __future__ import annotations

import polars as pl

from . import patterns
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
    digits = value.str.replace_all(f"[,{patterns.THOUSANDS_SPACES}]", "")
    if field in FLOAT_FIELDS:
        return digits.cast(pl.Float64, strict=False)
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
    # An author list among the header lines (with no metric or category line between) is
    # an entry whose meta line is missing or damaged (`LGSep 21, 2O22Code`). The last
    # name-shaped line before the list is that entry's title, and any after it its abstract:
    # never the owner's name (a header lists metrics after the name, never authors). A name
    # line before the title (`Yihua Zhang`, then the damaged entry) is still the name.
    is_list = (text.str.contains(patterns.AUTHOR_LINE) & text.str.contains(r",|\bet\s+al\b")).cast(pl.Int32)
    is_name = chain == "name"
    block = chain.is_in(["name", "unknown"]).not_().cast(pl.Int32).cum_sum().over("doc_id", order_by="line_no")
    lists_before = is_list.cum_sum().over("doc_id", block, order_by="line_no") - is_list
    last_name_before_list = (
        is_name.cast(pl.Int32).cum_sum(reverse=True).over("doc_id", block, lists_before, order_by="line_no") == 1
    ) & (is_list.sum().over("doc_id", block) > lists_before)
    lost = is_name & ((lists_before > 0) | last_name_before_list)
    chain = pl.when(lost).then(pl.lit("lost_title")).otherwise(chain)
    classified = lines.with_columns(field=chain, value=value_chain).with_columns(
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
