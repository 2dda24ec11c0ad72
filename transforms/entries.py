"""Paper entries: a meta line, then title, authors and abstract in one of two layouts.

Full layout (blank lines between the parts)::

    LGOct 3, 2023Code
    DeepZero: Scaling up Zeroth-Order Optimization for Deep Model Training
    Aochuan Chen, Yimeng Zhang, Jinghan Jia et al.
    We propose ...

Compact layout (no blank lines, title glued to the authors)::

    72.0LGApr 18
    Sparse Tuning for Long Contexts: Methods, Limits, and MoreJane Doe, Ravi Kumar et al.
    We study ...

Which layout an entry is in: an author line after the title line, with a blank line between
them or more lines after it, is the full layout (a lone word right under the title line,
`PDF` or `Withdrawn.`, is too weak a sign: the title line is still tried as compact). Otherwise the title line is tried as a
compact one (title glued to authors), and the split is kept unless it is doubtful: when
a blank line follows the title line, or an author line follows it as the entry's last
line. Those read either way: `Revisiting ImageNet Pretraining` then a blank and an
abstract is a full entry without authors (not the title `Revisiting Image` by `Net
Pretraining`), and a truncated full entry (title, authors, end) is no compact entry whose
abstract is the author line; but a compact entry may have a stray blank line, or a
one-line abstract such as `Withdrawn.`. A doubtful split is kept only when its authors
are a list (a comma or `et al.`, never a lone two-word "name") and the page has no entry
that is surely in the full layout; otherwise the entry is read as full, and a missing or
unreadable author line is quarantined, never invented.
"""

from __future__ import annotations

import polars as pl

from . import patterns
from .authors import is_surely_author_list
from .categories import UNKNOWN_CODE, is_known
from .dates import resolve_dates
from .keys import nfc

ABSTRACT_IS_AUTHORS = "abstract is an author list (a repeated, wrapped or stray line before it?)"
REPEATED_LINE = "entry repeats one of its lines (a duplicated line shifts its fields)"
ABSTRACT_IS_NAME = (
    "abstract is a lone name or label with more lines after it (a wrapped title or author line, "
    "or a junk line such as 'PDF', shifted the fields?)"
)
# A line at least this long after a name-like abstract is the real abstract, shifted down.
ABSTRACT_MIN_BYTES = 100
# Lines an entry uses after its meta line, by layout.
LINES_AFTER_META = {"full": 3, "compact": 2}


def _nth(k: int, column: str = "text") -> pl.Expr:
    return pl.col(column).filter(pl.col("k") == k).first()


def gather_entries(entry_lines: pl.LazyFrame) -> pl.LazyFrame:
    """One row per entry with its meta line and the next three non-blank lines.

    Input: non-blank lines at or after a page's first meta line, with `entry_no` and `k`
    (the line's rank within its entry, 0 for the meta line).
    """
    return entry_lines.group_by("doc_id", "entry_no").agg(
        line_no=_nth(0, "line_no"),
        meta=_nth(0),
        l1=_nth(1),
        l2=_nth(2),
        l3=_nth(3),
        l2_line=_nth(2, "line_no"),
        l3_line=_nth(3, "line_no"),
        # Blank lines are not in `entry_lines`: a jump in line numbers is one.
        blank_after_title=(_nth(2, "line_no") - _nth(1, "line_no") > 1).fill_null(False),
        n_segment_lines=pl.len().cast(pl.Int64),
        # The longest line after the compact (full) layout's abstract: a real abstract
        # shifted down by a wrapped or junk line (see `_reason`).
        longest_after_l2=pl.col("text").filter(pl.col("k") >= 3).str.len_bytes().max(),
        longest_after_l3=pl.col("text").filter(pl.col("k") >= 4).str.len_bytes().max(),
    )


def _split_compact(entries: pl.LazyFrame, pattern: str) -> pl.LazyFrame:
    """Add `compact_title` and `compact_authors`: `l1` split by `pattern` (null: no split)."""
    parts = pl.col("l1").str.extract_groups(pattern)
    return entries.with_columns(
        compact_title=parts.struct.field("title"), compact_authors=parts.struct.field("authors")
    )


def _rejoin_later_author(split: pl.LazyFrame) -> pl.LazyFrame:
    """Undo a split inside a later author (see `patterns.COMPACT_REJOIN`). The pattern is
    costly, so it runs only on titles that end in a name prefix (null elsewhere)."""
    ends_in_prefix = pl.col("compact_title").str.contains(patterns.ENDS_IN_INNER_CAPITAL_PREFIX) | (
        pl.col("compact_title").str.contains(patterns.ENDS_IN_INITIALS)
        & pl.col("compact_authors").str.contains(patterns.STARTS_WITH_INITIAL)
    )
    parts = pl.when(ends_in_prefix).then(pl.col("compact_title")).str.extract_groups(patterns.COMPACT_REJOIN)
    joined = parts.struct.field("authors") + pl.col("compact_authors")
    ok = parts.struct.field("title").is_not_null() & joined.str.contains(patterns.AUTHOR_LINE).fill_null(False)
    return _resplit(split, ok, parts.struct.field("title"), joined)


def _move_glued_initials(split: pl.LazyFrame) -> pl.LazyFrame:
    """Give the first author back the initials the split left on the title (see
    `patterns.TITLE_ENDS_IN_GLUED_INITIALS`); null-safe, and a no-op elsewhere."""
    ends_in_initial = pl.col("compact_title").str.contains(r"\p{Lu}\.$") & pl.col("compact_authors").str.contains(
        patterns.STARTS_WITH_INITIAL
    )  # the costly pattern only there
    parts = pl.when(ends_in_initial).then(pl.col("compact_title")).str.extract_groups(
        patterns.TITLE_ENDS_IN_GLUED_INITIALS
    )
    joined = parts.struct.field("initials") + pl.col("compact_authors")
    ok = joined.str.contains(patterns.AUTHOR_LIST_LINE).fill_null(False)
    return _resplit(split, ok, parts.struct.field("title"), joined)


def _resplit(split: pl.LazyFrame, ok: pl.Expr, title: pl.Expr, authors: pl.Expr) -> pl.LazyFrame:
    """Where `ok`, the compact split moves: `title` by `authors`."""
    return split.with_columns(
        compact_title=pl.when(ok).then(title).otherwise("compact_title"),
        compact_authors=pl.when(ok).then(authors).otherwise("compact_authors"),
    )


def parse_entries(entries: pl.LazyFrame) -> pl.LazyFrame:
    """Split each entry into fields and decide whether it loads.

    Adds the parsed fields, `layout`, `n_lines` (lines the record uses) and `reason`
    (null when the entry loads).
    """
    parsed = resolve_dates(_choose_layout(entries)).with_columns(
        n_after=pl.col("n_segment_lines") - 1,
        expected=pl.col("layout").replace_strict(LINES_AFTER_META, default=None, return_dtype=pl.Int64),
    )
    full = pl.col("layout") == "full"
    title = pl.when(full).then(pl.col("l1")).otherwise(pl.col("compact_title"))
    authors = pl.when(full).then(pl.col("l2")).otherwise(pl.col("compact_authors"))
    abstract = pl.when(full).then(pl.col("l3")).otherwise(pl.col("l2"))
    return parsed.with_columns(
        title=nfc(title),
        authors_text=nfc(authors),
        abstract=abstract.str.strip_chars(),  # NFC is applied in `parse_pages`, only where needed
        abstract_line=pl.when(full).then(pl.col("l3_line")).otherwise(pl.col("l2_line")),
        reason=_reason(full, abstract),
    ).with_columns(
        # A loaded entry uses its meta line and the lines its layout expects; a
        # quarantined one takes every line up to the next meta line with it.
        n_lines=pl.when(pl.col("reason").is_null())
        .then(pl.col("expected") + 1)
        .otherwise(pl.col("n_segment_lines")),
    ).drop("l2_is_authors", "surely_full", "page_has_full", "blank_after_title", "longest_after_l2", "longest_after_l3",
            "l2_line", "l3_line")


def _choose_layout(entries: pl.LazyFrame) -> pl.LazyFrame:
    """Parse the meta line, try the compact split where it may apply, and set `layout`
    (`full`, `compact`, or null when the entry is in neither: see the module's docstring)."""
    meta = pl.col("meta").str.extract_groups(patterns.META_LINE)
    l2_is_authors = pl.col("l2").str.contains(patterns.AUTHOR_LINE).fill_null(False)
    gap = pl.col("blank_after_title")
    # A lone word (`PDF`, `Previous`, `Withdrawn.`) right under the title line is weak
    # evidence of an author line: the title line is still tried as a compact one.
    one_word = pl.col("l2").str.contains(r"^[\p{Lu}\p{Lt}][^\s,]*$").fill_null(False)
    surely_full = l2_is_authors & (gap | ((pl.col("n_segment_lines") > 3) & ~one_word))
    with_meta = entries.with_columns(
        meta_parts=meta,
        l2_is_authors=l2_is_authors,
        surely_full=surely_full,
        page_has_full=surely_full.any().over("doc_id"),
    ).unnest("meta_parts")
    # The compact split is the costliest pattern: try it only on entries not surely in
    # the full layout; the quoted title end first, only on lines with a single quote; the
    # acronym fallback only where the split found no point.
    no_split = {"compact_title": pl.lit(None, pl.String), "compact_authors": pl.lit(None, pl.String)}
    not_compact = with_meta.filter(pl.col("surely_full")).with_columns(**no_split)
    may_split = with_meta.filter(~pl.col("surely_full"))
    has_quote = pl.col("l1").str.contains("['’]").fill_null(False)
    quoted = _split_compact(may_split.filter(has_quote), patterns.COMPACT_SPLIT_AFTER_QUOTE)
    unsplit = pl.col("compact_title").is_null()
    primary = _split_compact(
        pl.concat([may_split.filter(~has_quote), quoted.filter(unsplit).drop(*no_split)]),
        patterns.COMPACT_SPLIT,
    )
    fallback = _split_compact(primary.filter(unsplit).drop(*no_split), patterns.COMPACT_SPLIT_AFTER_ACRONYM)
    doubtful = gap | pl.col("l2_is_authors")  # see the module's docstring
    split_is_list = pl.col("compact_authors").str.contains(patterns.LIST_MARK)
    compact = pl.col("compact_title").is_not_null() & (~doubtful | (split_is_list & ~pl.col("page_has_full")))
    return (
        pl.concat([
            not_compact,
            quoted.filter(~unsplit),
            # twice: a list may hold two authors whose inner capital the split fell into
            primary.filter(~unsplit).pipe(_move_glued_initials).pipe(_rejoin_later_author).pipe(_rejoin_later_author),
            fallback,
        ])
        .with_columns(
            layout=pl.when(pl.col("surely_full"))
            .then(pl.lit("full"))
            .when(compact)
            .then(pl.lit("compact"))
            .when(pl.col("l2_is_authors"))
            .then(pl.lit("full")),
            score=pl.col("score").cast(pl.Float64, strict=False),
            has_code=pl.col("code").is_not_null(),
        )
    )


def _reason(full: pl.Expr, abstract: pl.Expr) -> pl.Expr:
    """Why an entry does not load (null when it does), the first problem found in order:
    meta line, category, date, then missing or shifted fields."""
    l1_is_author_list = pl.col("l1").str.contains(patterns.AUTHOR_LINE) & pl.col("l1").str.contains(patterns.LIST_MARK)
    # An author list as the abstract with the entry's lines going on after it: a line was
    # shifted in (an abstract such as `Paris, London, Berlin` or `PhD Thesis, Stanford
    # University` as an entry's last line is text).
    # (Tested only where lines follow: the patterns would otherwise scan every abstract.)
    lines_follow = pl.col("n_after") > pl.col("expected")
    abstract_is_list = is_surely_author_list(pl.when(lines_follow).then(abstract)).fill_null(False)
    # A lone name or label there (`Jane Doe`, `Neural Networks` wrapped from the title,
    # `PDF`) is no abstract either when an abstract-long line follows: the real one. One
    # that ends a sentence (`Withdrawn.`), or is followed by short lines only (`Withdrawn`,
    # then `PDF` or a page footer), is a short abstract, and the lines after it are strays.
    longest_after = pl.when(full).then(pl.col("longest_after_l3")).otherwise(pl.col("longest_after_l2"))
    abstract_follows = longest_after >= ABSTRACT_MIN_BYTES  # a footer (`Showing 3 of 3 papers`) is shorter
    abstract_is_name = (
        pl.when(lines_follow & abstract_follows).then(abstract).str.contains(patterns.AUTHOR_LINE)
        & ~abstract.str.contains(r"[.!?]$")
        & (abstract.str.len_bytes() < ABSTRACT_MIN_BYTES)  # a name or label is short
    ).fill_null(False)
    repeats = (abstract == pl.col("l1")) | (full & ((abstract == pl.col("l2")) | (pl.col("l2") == pl.col("l1"))))
    return (
        pl.when(pl.col("category").is_null())
        .then(pl.format("malformed meta line '{}' (expected e.g. 'LGApr 7, 2024')", pl.col("meta")))
        .when(~is_known(pl.col("category")))
        .then(pl.format(UNKNOWN_CODE, pl.col("category")))
        .when(pl.col("published_on").is_null())
        .then(pl.format("invalid date '{}'", pl.col("date")))
        .when(pl.col("published_on") > pl.col("as_of"))
        .then(pl.format("date '{}' is after the snapshot date {}", pl.col("date"), pl.col("as_of")))
        .when(pl.col("n_after") == 0)
        .then(pl.lit("entry has only a meta line (no title, authors or abstract)"))
        .when(pl.col("layout").is_null() & l1_is_author_list)
        .then(pl.lit("entry has no title"))
        .when(pl.col("layout").is_null() & pl.col("blank_after_title") & (pl.col("n_after") >= 3))
        .then(pl.format("entry has no readable author line (expected names separated by commas, found '{}')",
                        pl.col("l2").str.slice(0, 80)))
        .when(pl.col("layout").is_null() & (pl.col("n_after") == 1))
        .then(pl.lit("entry has no authors or abstract"))
        .when(pl.col("layout").is_null())
        .then(pl.lit("entry has no authors"))
        .when(pl.col("n_after") < pl.col("expected"))
        .then(pl.lit("entry has no abstract"))
        # The fields are read by position: a repeated, wrapped or stray line before the
        # abstract would shift an author line or a line of the entry into it.
        .when(abstract_is_list)
        .then(pl.lit(ABSTRACT_IS_AUTHORS))
        .when(repeats)
        .then(pl.lit(REPEATED_LINE))
        .when(abstract_is_name)
        .then(pl.lit(ABSTRACT_IS_NAME))
    )
