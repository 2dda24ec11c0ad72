"""Whose page is it? The header says so; a page without one is inferred from its authors."""

from __future__ import annotations

import polars as pl

from . import ENGINE


def infer_owners(entry_authors: pl.DataFrame, pages_without_name: pl.Series) -> pl.DataFrame:
    """For each page in `pages_without_name` (doc ids), the author on a strict majority of
    its entries: `doc_id`, `author_id`, `name` (the spelling seen most often). Pages with
    no such author are absent from the result, and so are pages where several authors
    share the most entries: a fragment of one or two papers has every co-author on a
    majority, and picking one of them would be a guess.

    Input: one row per listed author (`doc_id`, `entry_no`, `author_id`, `name`).
    """
    listed = entry_authors.lazy().filter(pl.col("doc_id").is_in(pages_without_name.implode()))
    n_entries = listed.group_by("doc_id").agg(n_entries=pl.col("entry_no").n_unique())
    per_author = listed.group_by("doc_id", "author_id").agg(
        n_papers=pl.col("entry_no").n_unique(),
        name=pl.col("name").mode().sort().first(),
    )
    top = pl.col("n_papers") == pl.col("n_papers").max().over("doc_id")
    return (
        per_author.join(n_entries, on="doc_id")
        .filter(pl.col("n_papers") * 2 > pl.col("n_entries"))
        .filter(top & (top.sum().over("doc_id") == 1))
        .select("doc_id", "author_id", "name")
        .sort("doc_id")
        .collect(engine=ENGINE)
    )
