"""Whose page is it? The header says so; a page without one is inferred from its authors."""

from __future__ import annotations

import polars as pl

from . import ENGINE


def infer_owners(entry_authors: pl.DataFrame, pages_without_name: pl.Series) -> pl.DataFrame:
    """For each page in `pages_without_name` (doc ids), the author on a strict majority of
    its entries: `doc_id`, `author_id`, `name` (the spelling seen most often). Pages with
    no such author are absent from the result.

    Input: one row per listed author (`doc_id`, `entry_no`, `author_id`, `name`).
    """
    listed = entry_authors.lazy().filter(pl.col("doc_id").is_in(pages_without_name.implode()))
    n_entries = listed.group_by("doc_id").agg(n_entries=pl.col("entry_no").n_unique())
    per_author = listed.group_by("doc_id", "author_id").agg(
        n_papers=pl.col("entry_no").n_unique(),
        name=pl.col("name").mode().sort().first(),
    )
    return (
        per_author.join(n_entries, on="doc_id")
        .filter(pl.col("n_papers") * 2 > pl.col("n_entries"))
        .sort("doc_id", "n_papers", "author_id", descending=[False, True, False])
        .group_by("doc_id", maintain_order=True)
        .first()
        .select("doc_id", "author_id", "name")
        .collect(engine=ENGINE)
    )
