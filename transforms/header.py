"""The profile header: name, primary category and metrics, one field per line.

Every header line is a record of its own: a recognised field loads, anything else (a
metric with no number, a line that is no known field, a field given twice) is
quarantined with the reason, and the rest of the header still loads.
"""

from __future__ import annotations

import polars as pl

from . import patterns
from .authors import explode_authors, is_surely_author_list
from .categories import UNKNOWN_CODE, is_known
from .keys import name_key, nfc

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
DUPLICATE_FIELD = "duplicate header field '{}'"
NOT_THE_AUTHOR_NAME = "not the owner name: the name at line {} is an author of most papers on the page"
LOST_COMPACT_LINE = (
    "not a name: a title glued to an author list (a compact entry whose meta line is missing or unreadable)"
)
# Lines that make a header a profile's: a category (a known code) or a metric, readable or not.
PROFILE_FIELDS = ("primary_category", "garbled", *NUMERIC_FIELDS)


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
        chain.when(text.str.contains(patterns.CATEGORY_LINE) & is_known(text)).then(pl.lit("primary_category"))
        # `PDF` or `QQ` above the real `CR`: no code the site uses, so not the category.
        .when(text.str.contains(patterns.CATEGORY_LINE)).then(pl.lit("unknown_category"))
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
        .when(pl.col("field") == "unknown_category")
        .then(pl.format(UNKNOWN_CODE, text))
        .when(pl.col("field") == "lost_title")
        .then(pl.lit(LOST_TITLE))
        .when(pl.col("occurrence") > 0)
        .then(pl.format(DUPLICATE_FIELD, pl.col("field")))
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


def choose_owner_name(header_lines: pl.DataFrame, entries: pl.DataFrame) -> pl.DataFrame:
    """Decide which name-shaped header line is the owner's name, where that is in doubt.

    A page may carry other name-shaped lines in its header (`Home` or `Sign In` above the
    name, a lost entry's title such as `Fairness Reprogramming`), and the first one used to
    win. The owner is an author of every paper on their page, so a name that is among the
    authors of most of the page's loaded entries wins; failing that, the first name (as
    before: a co-author's name on a few lists is no reason to pass over the first line).
    A line that splits as a compact title of two or more words and an author list whose
    first author is one of the page's, or which is a list (`Fairness ReprogrammingYihua
    Zhang`: a compact entry that lost its meta line), is no name at all. A lone name line
    is otherwise left alone, even one that no list holds: a name-only header is allowed,
    the owner may be hidden in every `et al.`, and one-word names exist (`Mausam`).

    Only pages with two or more name lines, or a lone one on a page with entries and no
    category or metric line, are looked at; elsewhere the lines keep what
    `classify_header_lines` gave them. Only entries that load are evidence, and only name
    lines that are not damaged (an undecodable or NUL byte) take part.

    Input: classified header lines (`doc_id`, `line_no`, `field`, `value`, `reason`) and
    parsed entries (`doc_id`, `entry_no`, `authors_text`, `reason`).
    """
    is_name = (pl.col("field") == "name") & (
        pl.col("reason").is_null() | (pl.col("reason") == DUPLICATE_FIELD.format("name"))
    )
    per_doc = header_lines.group_by("doc_id").agg(
        n_names=is_name.sum(),
        has_profile_line=pl.col("field").is_in(PROFILE_FIELDS).any(),
    )
    with_lists = entries.filter(pl.col("reason").is_null() & pl.col("authors_text").is_not_null()).select(
        "doc_id", "entry_no", "authors_text"
    )
    doubtful = per_doc.filter(
        (pl.col("n_names") >= 2)
        | ((pl.col("n_names") == 1) & ~pl.col("has_profile_line") & pl.col("doc_id").is_in(with_lists["doc_id"].implode()))
    )
    if doubtful.is_empty():
        return header_lines
    evidence = with_lists.filter(pl.col("doc_id").is_in(doubtful["doc_id"].implode()))
    n_lists = evidence.group_by("doc_id").agg(n_lists=pl.len())
    listed = (
        explode_authors(evidence, key=["doc_id", "entry_no"])
        .group_by("doc_id", "author_key")
        .agg(n_listed=pl.col("entry_no").n_unique())
    )
    split = pl.col("value").str.extract_groups(patterns.COMPACT_SPLIT)
    glued_authors = split.struct.field("authors")
    candidates = (
        header_lines.filter(is_name)
        .join(doubtful, on="doc_id")
        .join(n_lists, on="doc_id", how="left")
        .with_columns(
            author_key=name_key(pl.col("value")),
            glued_title=split.struct.field("title"),
            glued_authors=glued_authors,
            glued_first_key=name_key(glued_authors.str.replace(patterns.ET_AL_SUFFIX, "").str.split(",").list.first()),
        )
        .join(listed, on=["doc_id", "author_key"], how="left")
        .join(
            listed.select("doc_id", glued_first_key="author_key", glued_listed="n_listed"),
            on=["doc_id", "glued_first_key"],
            how="left",
        )
        .with_columns(
            on_most=(pl.col("n_listed").fill_null(0) * 2 > pl.col("n_lists").fill_null(0)),
            lost_compact=pl.col("glued_title").str.contains(r"\s").fill_null(False)
            & (
                pl.col("glued_listed").is_not_null()
                | pl.col("glued_authors").str.contains(patterns.LIST_MARK).fill_null(False)
            ),
        )
    )
    chosen = (
        candidates.filter(~pl.col("lost_compact"))
        .sort("doc_id", pl.col("on_most").not_(), "line_no")
        .group_by("doc_id", maintain_order=True)
        .agg(
            chosen_line=pl.col("line_no").first(),
            chosen_key=pl.col("author_key").first(),
            chosen_on_most=pl.col("on_most").first(),
        )
    )
    decided = candidates.join(chosen, on="doc_id", how="left").select(
        "doc_id",
        "line_no",
        decided_reason=pl.when(pl.col("lost_compact"))
        .then(pl.lit(LOST_COMPACT_LINE))
        .when(pl.col("line_no") == pl.col("chosen_line"))
        .then(pl.lit(None, pl.String))
        .when(pl.col("chosen_on_most") & (pl.col("author_key") != pl.col("chosen_key")))
        .then(pl.format(NOT_THE_AUTHOR_NAME, pl.col("chosen_line")))
        .otherwise(pl.lit(DUPLICATE_FIELD.format("name"))),
    )
    return (
        header_lines.join(decided, on=["doc_id", "line_no"], how="left", maintain_order="left")
        .with_columns(
            reason=pl.when(is_name & pl.col("doc_id").is_in(doubtful["doc_id"].implode()))
            .then(pl.col("decided_reason"))
            .otherwise("reason")
        )
        .drop("decided_reason")
    )
