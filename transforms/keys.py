"""Stable identifiers: the same paper or person gets the same id in every run.

Ids are derived from a *match key* (the text with case, spacing, punctuation and Unicode
form folded away) and hashed with BLAKE2b, which unlike polars' own `hash` is stable
across library versions, processes and machines. Hashing runs once per distinct key.
"""

from __future__ import annotations

import hashlib

import polars as pl

from . import patterns

ID_HEX_CHARS = 16


def nfc(expr: pl.Expr) -> pl.Expr:
    """Composed Unicode form with whitespace runs collapsed: how names and titles are stored."""
    return expr.str.normalize("NFC").str.replace_all(patterns.WHITESPACE, " ").str.strip_chars()


def nfc_where_needed(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """NFC-normalize a text column, touching only the rows that are not plain ASCII (which
    are already in every normal form): abstracts are long and mostly ASCII."""
    values = frame[column]
    needs = values.str.contains(r"[^\x00-\x7F]").fill_null(False)
    if not needs.any():
        return frame
    fixed = values.filter(needs).str.normalize("NFC")
    return frame.with_columns(values.scatter(needs.arg_true(), fixed))


def fold_case(expr: pl.Expr) -> pl.Expr:
    """Case-insensitive form (NFKC, lower-case, `ß` as `ss`): `STRAUSS` and `Strauß` match,
    as they do under Python's `str.casefold`, which polars does not offer."""
    return expr.str.normalize("NFKC").str.to_lowercase().str.replace_all("ß", "ss", literal=True)


def name_key(expr: pl.Expr) -> pl.Expr:
    """Match key for a person: `Seán  O'Brien`, `SEA\u0301N O’BRIEN` -> `seán o'brien`.
    Typographic apostrophes and hyphens are the plain ones (`O’Brien` and `O´Brien` are `O'Brien`,
    `Pin‐Yu` is `Pin-Yu`): the site writes the same name both ways. A quoted nickname is
    left out (`Xiang 'Anthony' Chen` is `xiang chen`): the same person is listed with it
    on one paper and without it on the next."""
    # Before NFKC, which makes `´` a space and a combining accent.
    plain = fold_case(expr.str.replace_many(["’", "‘", "ʼ", "´", "‐", "‑"], ["'", "'", "'", "'", "-", "-"]))
    spaced = plain.str.replace_all(patterns.WHITESPACE, " ")
    return spaced.str.replace_all(patterns.QUOTED_NICKNAME, " ").str.replace_all("  +", " ").str.strip_chars()


def title_key(expr: pl.Expr) -> pl.Expr:
    """Match key for a paper title: letters, digits and symbols (`C++` is not `C`),
    case-folded, NFKC; punctuation and spacing go (see `patterns.TITLE_KEY_DROPPED`)."""
    lowered = fold_case(expr)
    folded = lowered.str.replace_all(patterns.TITLE_KEY_DROPPED, "")
    # A title made only of punctuation still needs a key of its own.
    return pl.when(folded == "").then(lowered.str.strip_chars()).otherwise(folded)


def _digest(value: str) -> str:
    return hashlib.blake2b(value.encode("utf-8"), digest_size=ID_HEX_CHARS // 2).hexdigest()


def stable_ids(keys: pl.Series) -> pl.Series:
    """Hash each distinct key once and map the digests back onto the column."""
    distinct = keys.drop_nulls().unique()
    mapping = dict(zip(distinct.to_list(), (_digest(k) for k in distinct.to_list()), strict=True))
    return keys.replace_strict(mapping, default=None, return_dtype=pl.String)


def with_stable_id(frame: pl.DataFrame, key_column: str, id_column: str) -> pl.DataFrame:
    """Add `id_column` holding the stable id of `key_column`."""
    return frame.with_columns(stable_ids(frame[key_column]).alias(id_column))
