"""Parsed records to table-shaped frames: ids, authors, owners, links, clean text.

Everything here is a pure function of the parsed batch, so the same pages always give
the same rows (the warehouse relies on that for idempotent runs).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from .authors import explode_authors, is_truncated
from .keys import name_key, title_key, with_stable_id
from .latex import with_plain_text
from .owner import infer_owners
from .parse import DAMAGED_HEADER_REASONS, ParsedPages
from .urls import code_url, extract_urls

PAGE_COLUMNS = (
    "primary_category", "h_index", "paper_count", "citations", "novelty_pct", "ai_score",
    "stated_listed_papers",
)


@dataclass(frozen=True)
class PageTables:
    """Table-shaped frames for a batch of pages, keyed by `doc_id` for lineage.

    - `pages`: one row per page (owner and header metrics).
    - `entries`: one row per loaded entry (a paper as this page lists it).
    - `entry_authors`: one row per author of a loaded entry, the page owner included.
    - `rejected`: records the normalizer refused (`doc_id`, `record_line`, `reason`).
    """

    pages: pl.DataFrame
    entries: pl.DataFrame
    entry_authors: pl.DataFrame
    rejected: pl.DataFrame


def _papers(entries: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Loaded entries with paper ids and clean fields; duplicates within a page rejected."""
    loaded = entries.filter(pl.col("reason").is_null()).with_columns(
        title_key=title_key(pl.col("title"))
    )
    loaded = with_stable_id(loaded, "title_key", "paper_id").with_columns(
        urls=extract_urls(pl.col("abstract")),
    ).with_columns(
        code_url=code_url(pl.col("urls"), pl.col("has_code")),
        authors_truncated=is_truncated(pl.col("authors_text")),
        first_line=pl.col("line_no").min().over("doc_id", "paper_id"),
    ).pipe(with_plain_text, "abstract", "abstract_plain")
    duplicate = pl.col("line_no") != pl.col("first_line")
    rejected = loaded.filter(duplicate).select(
        "doc_id",
        record_line="line_no",
        reason=pl.format("duplicate entry: same paper as the entry at line {}", pl.col("first_line")),
    )
    kept = loaded.filter(~duplicate).drop("first_line", "urls", "title_key")
    return kept, rejected


def _owners(headers: pl.DataFrame, docs: pl.DataFrame, listed: pl.DataFrame, records: pl.DataFrame) -> pl.DataFrame:
    """One row per page: `owner_id`, `owner_name`, `name_inferred` (null owner if unknown).

    A page whose header has an undecodable line is not given an inferred owner: that
    line may be the name, and a guess could credit the page to a co-author.
    """
    named = with_stable_id(
        headers.filter(pl.col("name").is_not_null()).with_columns(key=name_key(pl.col("name"))),
        "key",
        "owner_id",
    ).select("doc_id", "owner_id", owner_name="name", name_inferred=pl.lit(False))
    damaged_header = records.filter((pl.col("kind") == "header") & pl.col("reason").is_in(DAMAGED_HEADER_REASONS))
    unnamed = docs.join(named, on="doc_id", how="anti").join(damaged_header, on="doc_id", how="anti")["doc_id"]
    inferred = infer_owners(listed, unnamed).select(
        "doc_id", owner_id="author_id", owner_name="name", name_inferred=pl.lit(True)
    )
    return docs.select("doc_id").join(pl.concat([named, inferred]), on="doc_id", how="left")


def normalize(parsed: ParsedPages, docs: pl.DataFrame) -> PageTables:
    """Turn a parsed batch into table-shaped frames. `docs` has `doc_id` and `as_of`."""
    entries, rejected = _papers(parsed.entries)
    listed = explode_authors(entries, key=["doc_id", "entry_no", "paper_id"])
    owners = _owners(parsed.headers, docs, listed, parsed.records)
    entry_counts = parsed.entries.group_by("doc_id").agg(
        listed_papers=pl.len().cast(pl.Int64),
        layout=pl.col("layout").drop_nulls().unique().sort().str.join("+"),
    )
    pages = (
        owners.join(docs.select("doc_id", "as_of"), on="doc_id")
        .join(parsed.headers.select("doc_id", *PAGE_COLUMNS, header_line="name_line"), on="doc_id", how="left")
        .join(entry_counts, on="doc_id", how="left")
        .with_columns(
            pl.col("listed_papers").fill_null(0),
            layout=pl.when(pl.col("layout").is_null() | (pl.col("layout") == "")).then(None).otherwise("layout"),
        )
        .sort("doc_id")
    )
    # The owner is an author of every paper on their page; hidden in `et al.` they get
    # no position.
    owned = entries.join(owners.filter(pl.col("owner_id").is_not_null()), on="doc_id")
    hidden_owner = owned.join(
        listed.select("doc_id", "entry_no", owner_id="author_id"),
        on=["doc_id", "entry_no", "owner_id"],
        how="anti",
    ).select(
        "doc_id",
        "entry_no",
        "paper_id",
        name="owner_name",
        position=pl.lit(None, dtype=pl.Int32),
        author_key=name_key(pl.col("owner_name")),
        author_id="owner_id",
    )
    entry_authors = pl.concat([listed, hidden_owner.select(listed.columns)]).sort(
        "doc_id", "entry_no", "position", nulls_last=True
    )
    return PageTables(pages=pages, entries=entries, entry_authors=entry_authors, rejected=rejected)
