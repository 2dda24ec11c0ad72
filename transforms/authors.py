"""Author lists: `Aochuan Chen, Yuguang Yao, Pin-Yu Chen et al.` -> one row per author.

Names are stored in composed Unicode form with single spaces; the same person written
in another Unicode form, case or spacing gets the same `author_id`.
"""

from __future__ import annotations

import polars as pl

from . import ENGINE

from . import patterns
from .keys import name_key, nfc, with_stable_id


def is_surely_author_list(text: pl.Expr) -> pl.Expr:
    """An author line that cannot be a list of places, topics or a job title (see
    `patterns.ONE_WORD_ITEM`): for judging lines found where no author line belongs."""
    return text.str.contains(patterns.AUTHOR_LINE) & (
        text.str.contains(patterns.ET_AL) | (text.str.contains(",", literal=True) & ~text.str.contains(patterns.ONE_WORD_ITEM))
    )


def is_truncated(authors_text: pl.Expr) -> pl.Expr:
    """True where the list ends in `et al.`: more authors exist than are listed."""
    return authors_text.str.contains(patterns.ET_AL_SUFFIX)


def explode_authors(entries: pl.DataFrame, key: list[str]) -> pl.DataFrame:
    """One row per listed author: the `key` columns, `position` (1-based), `name`,
    `author_key` and `author_id`. Input needs `authors_text`."""
    listed = (
        entries.lazy()
        .select(
            *key,
            pl.coalesce(
                # Only lists that mention a suffix are rewritten: the pattern starts at every comma.
                pl.when(pl.col("authors_text").str.contains_any(["Jr", "Sr", "II", "IV"]))
                .then(pl.col("authors_text"))
                .str.replace_all(patterns.NAME_SUFFIX_AFTER_COMMA, " $1$2"),
                pl.col("authors_text"),
            )
            .str.replace(patterns.ET_AL_SUFFIX, "")
            .str.split(",")
            .list.eval(nfc(pl.element()))
            .list.eval(pl.element().filter(pl.element() != ""))
            .alias("name"),
        )
        .with_columns(position=pl.int_ranges(1, pl.col("name").list.len() + 1, dtype=pl.Int32))
        .explode("name", "position")
        .filter(pl.col("name").is_not_null())
        .with_columns(author_key=name_key(pl.col("name")))
        .collect(engine=ENGINE)
    )
    return with_stable_id(listed, "author_key", "author_id")
