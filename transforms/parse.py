"""Pages to records: every non-blank line lands in exactly one record, loaded or not.

Works on a whole batch of pages at once (one frame of lines), never line by line in
Python. The result keeps, for every line, the record it belongs to, so that quarantine
rows carry the exact text and line accounting can be checked per file.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from . import ENGINE

from . import patterns
from .entries import gather_entries, parse_entries
from .header import NUMERIC_FIELDS, PROFILE_FIELDS, choose_owner_name, classify_header_lines, header_fields
from .keys import nfc_where_needed
from .lines import drop_invisible, split_lines

STRAY_LINE_REASON = "line after a complete entry belongs to no entry"
NAME_ONLY = "a name with no profile after it (no category, metric or entry: an error page?)"
# The reader decodes undecodable bytes as U+FFFD (the replacement character) and marks the
# page `undecodable`; in such a page a record that uses a line with a U+FFFD is quarantined,
# the rest of the page still loads. A U+FFFD in a page that decoded cleanly is text.
REPLACEMENT_CHAR = "\ufffd"
HEADER_NOT_UTF8 = "header line is not valid UTF-8 (undecodable bytes, shown as U+FFFD)"
ENTRY_NOT_UTF8 = "entry is not valid UTF-8 (line {}: undecodable bytes, shown as U+FFFD)"
# A NUL byte in the first 8,000 bytes makes the reader reject the file as binary; one
# further on is binary data in a text file: the records holding it are quarantined alike.
NUL = "\x00"
HEADER_NUL = "header line has a NUL byte (binary data in a text file)"
ENTRY_NUL = "entry has a NUL byte (line {}: binary data in a text file)"
DAMAGED_HEADER_REASONS = (HEADER_NOT_UTF8, HEADER_NUL)
# Two pages saved into one file: the second page's header lands among the first page's
# entries, and its papers would be credited to the first page's owner.
SECOND_HEADER = "a second profile header in the page, from line {} (two pages joined in one file?)"
AFTER_SECOND_HEADER = (
    "entry follows a second profile header at line {} (two pages joined in one file?): "
    "not credited to this page's owner"
)
RUNS_INTO_SECOND_HEADER = (
    "entry is cut short by a second profile header at line {} (its abstract is the next page's name?)"
)


@dataclass(frozen=True)
class ParsedPages:
    """What the parser made of a batch of pages.

    - `lines`: one row per line (`doc_id`, `line_no`, `raw`, `record_line`: the first line
      of the record it belongs to, null for blank separator lines).
    - `records`: one row per record (`doc_id`, `record_line`, `kind`, `reason`: null when
      the record loads).
    - `headers`: one row per page with a header: typed fields and their line numbers.
    - `entries`: one row per entry (loaded or not) with its parsed fields.
    """

    lines: pl.DataFrame
    records: pl.DataFrame
    headers: pl.DataFrame
    entries: pl.DataFrame


def _undecodable_docs(docs: pl.DataFrame) -> pl.Series:
    """Ids of the pages whose U+FFFD mark undecodable bytes: those the reader could not
    decode (`undecodable`). Without that column, or where it is null (a text stored before
    the reader recorded it), every page holding a U+FFFD."""
    has_fffd = pl.col("text").str.contains(REPLACEMENT_CHAR, literal=True)
    if "undecodable" in docs.columns:
        has_fffd = has_fffd & pl.col("undecodable").fill_null(True)
    return docs.filter(has_fffd)["doc_id"]


def _quarantine_damaged(
    header_lines: pl.DataFrame, entry_lines: pl.DataFrame, entries: pl.DataFrame, undecodable: pl.Series
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Quarantine header lines and entries that use a damaged line: one with a NUL byte,
    or with a U+FFFD in an `undecodable` page.

    The damage is the reason even for an entry that had another one: a NUL or an
    undecodable byte is what broke it (`no readable author line` would hide that). An
    entry that loaded now takes every line of its segment along, as any quarantined entry
    does.
    """
    text = pl.col("text")
    damage = (
        pl.when(text.str.contains(NUL, literal=True))
        .then(pl.lit("nul"))
        .when(text.str.contains(REPLACEMENT_CHAR, literal=True) & pl.col("doc_id").is_in(undecodable.implode()))
        .then(pl.lit("utf8"))
    )
    header_lines = header_lines.with_columns(damage=damage).with_columns(
        reason=pl.when(pl.col("damage") == "nul")
        .then(pl.lit(HEADER_NUL))
        .when(pl.col("damage") == "utf8")
        .then(pl.lit(HEADER_NOT_UTF8))
        .otherwise("reason")
    ).drop("damage")
    first_bad = (
        entry_lines.with_columns(damage=damage)
        .filter(pl.col("damage").is_not_null())
        .join(entries.select("doc_id", "entry_no", "n_lines"), on=["doc_id", "entry_no"])
        # A line the entry uses (all of its segment, if it is quarantined), not a stray one.
        .filter(pl.col("k") < pl.col("n_lines"))
        .sort("line_no")
        .group_by("doc_id", "entry_no")
        .agg(bad_line=pl.col("line_no").first(), damage=pl.col("damage").first())
    )
    hit = pl.col("bad_line").is_not_null()
    entries = (
        entries.join(first_bad, on=["doc_id", "entry_no"], how="left")
        .with_columns(
            reason=pl.when(hit & (pl.col("damage") == "nul"))
            .then(pl.format(ENTRY_NUL, pl.col("bad_line")))
            .when(hit)
            .then(pl.format(ENTRY_NOT_UTF8, pl.col("bad_line")))
            .otherwise("reason"),
            n_lines=pl.when(hit).then(pl.col("n_segment_lines")).otherwise("n_lines"),
        )
        .drop("bad_line", "damage")
    )
    return header_lines, entries


def _second_headers(entry_lines: pl.DataFrame, header_lines: pl.DataFrame) -> pl.DataFrame:
    """Segments (`doc_id`, `entry_no`) whose lines after the meta line hold three or more
    kinds of header metric, one of them a researcher's own (`h-index10` or `12papers`, which
    no paper has), and one of them with another value than the page's own header gives
    (or one it does not give): another page's header, whose first metric line is
    `header_line`. An entry's own lines (a title `42 Papers`) or a paper's figures (`12
    citations`) are fewer kinds; the page's own figures repeated (a sticky header, a
    footer) are the same page. Lines of an entry that is quarantined count too: a page cut
    short before the second one began (its last entry lost its abstract) must not hide it."""
    text = pl.col("text")
    kind = pl.when(pl.lit(False)).then(pl.lit(None, pl.String))
    val = pl.when(pl.lit(False)).then(pl.lit(None, pl.String))
    for name, pattern in NUMERIC_FIELDS.items():
        kind = kind.when(text.str.contains(pattern)).then(pl.lit(name))
        val = val.when(text.str.contains(pattern)).then(text.str.extract(pattern, 1))
    norm = pl.col("value").str.replace_all(r"[^0-9.]", "")
    found = (
        entry_lines.filter((pl.col("k") > 0) & (text.str.len_bytes() < 48))
        .with_columns(kind=kind, value=val)
        .filter(pl.col("kind").is_not_null())
        .with_columns(norm=norm)
    )
    own = (
        header_lines.filter(pl.col("reason").is_null() & pl.col("field").is_in(list(NUMERIC_FIELDS)))
        .sort("line_no")
        .group_by("doc_id", "field")
        .agg(own=norm.first())
    )
    found = found.join(own, left_on=["doc_id", "kind"], right_on=["doc_id", "field"], how="left")
    return (
        found.group_by("doc_id", "entry_no")
        .agg(
            header_line=pl.col("line_no").min(),
            n_kinds=pl.col("kind").n_unique(),
            researchers=pl.col("kind").is_in(["h_index", "paper_count"]).any(),
            # the page's own figures repeated (a sticky header, a footer) are no other page
            differs=(pl.col("norm") != pl.col("own")).fill_null(True).any(),
        )
        .filter((pl.col("n_kinds") >= 3) & pl.col("researchers") & pl.col("differs"))
        .drop("n_kinds", "researchers", "differs")
    )


def _second_header_in_header(header_lines: pl.DataFrame) -> pl.DataFrame:
    """Pages whose header holds a second page's header (a page with no entries joined to
    another): a name line after a category or metric line, followed by two or more fields
    given before it again, one of them with another value (`Maria Garcia`, `CV`, `h-index3`,
    then `Ken Ito`, `LG`, `h-index12`). One repeated field is a duplicated line, and the
    same values again (a `Statistics` card, `Show More` above a repeat) are the same page.
    Returns `doc_id` and the name line (`start`)."""
    norm = pl.col("value").str.replace_all(r"[^0-9A-Za-z.]", "")
    profile = header_lines.filter(pl.col("field").is_in(PROFILE_FIELDS)).with_columns(
        first_line=pl.col("line_no").min().over("doc_id", "field"),
        first_value=norm.first().over("doc_id", "field", order_by="line_no"),
        norm=norm,
    )
    repeats = profile.filter(pl.col("line_no") > pl.col("first_line")).select(
        "doc_id", "field", "line_no", "first_line", differs=(pl.col("norm") != pl.col("first_value")).fill_null(True)
    )
    if repeats.is_empty():
        return pl.DataFrame(schema={"doc_id": pl.Int64, "start": pl.Int64})
    names = header_lines.filter(pl.col("field") == "name").select("doc_id", name_line="line_no")
    return (
        repeats.join(names, on="doc_id")
        .filter((pl.col("name_line") > pl.col("first_line")) & (pl.col("name_line") < pl.col("line_no")))
        .group_by("doc_id", "name_line")
        .agg(n_fields=pl.col("field").n_unique(), differs=pl.col("differs").any())
        .filter((pl.col("n_fields") >= 2) & pl.col("differs"))
        .group_by("doc_id")
        .agg(start=pl.col("name_line").min())
    )


def _quarantine_second_page(entries: pl.DataFrame, starts: pl.DataFrame, segments: pl.DataFrame) -> pl.DataFrame:
    """Entries after another page's header (`starts`: `doc_id`, `second_header`) are
    quarantined with their whole segment: they belong to a page whose owner this file
    does not say for sure. So is the entry whose segment holds that header (`segments`:
    `doc_id`, `entry_no`, `header_line`) when its abstract is a name or a category line:
    cut short, it read the next page's first line as its abstract."""
    after = pl.col("second_header").is_not_null() & (pl.col("line_no") > pl.col("second_header"))
    runs_into = pl.col("header_line").is_not_null() & (
        pl.col("abstract").str.contains(patterns.AUTHOR_LINE) | pl.col("abstract").str.contains(patterns.CATEGORY_LINE)
    ).fill_null(False)
    return (
        entries.join(starts, on="doc_id", how="left", maintain_order="left")
        .join(segments, on=["doc_id", "entry_no"], how="left", maintain_order="left")
        .with_columns(
            reason=pl.when(after & pl.col("reason").is_null())
            .then(pl.format(AFTER_SECOND_HEADER, pl.col("second_header")))
            .when(runs_into & pl.col("reason").is_null())
            .then(pl.format(RUNS_INTO_SECOND_HEADER, pl.col("header_line")))
            .otherwise("reason"),
            n_lines=pl.when(after | runs_into).then(pl.col("n_segment_lines")).otherwise("n_lines"),
        )
        .drop("second_header", "header_line")
    )


def _abstract_as_received(entries: pl.DataFrame, received: pl.DataFrame) -> pl.DataFrame:
    """Abstracts keep the invisible characters `drop_invisible` took out of their line for
    parsing (a zero-width space marks word breaks in Thai; direction marks matter in
    Arabic or Hebrew): stored as received, whatever their length."""
    if received.is_empty():
        return entries.drop("abstract_line")
    return (
        entries.join(received, left_on=["doc_id", "abstract_line"], right_on=["doc_id", "line_no"], how="left",
                     maintain_order="left")
        .with_columns(abstract=pl.coalesce(pl.col("received").str.strip_chars(), "abstract"))
        .drop("received", "abstract_line")
    )


def parse_pages(docs: pl.DataFrame) -> ParsedPages:
    """Parse pages (`doc_id`, `as_of`, `text`) into records."""
    lines, received = drop_invisible(split_lines(docs).collect(engine=ENGINE))
    lines = (
        lines.lazy()
        .with_columns(
            is_blank=pl.col("text") == "",
            is_meta=pl.col("text").str.contains(patterns.META_LIKE),
        )
        .with_columns(entry_no=pl.col("is_meta").cast(pl.Int64).cum_sum().over("doc_id", order_by="line_no"))
        .collect(engine=ENGINE)
    )
    nonblank = lines.lazy().filter(~pl.col("is_blank"))
    header_lines = classify_header_lines(
        nonblank.filter(pl.col("entry_no") == 0).select("doc_id", "line_no", "text")
    ).collect(engine=ENGINE)
    entry_lines = (
        nonblank.filter(pl.col("entry_no") > 0)
        .select("doc_id", "entry_no", "line_no", "text")
        .with_columns(k=pl.int_range(pl.len(), dtype=pl.Int64).over("doc_id", "entry_no", order_by="line_no"))
        .collect(engine=ENGINE)
    )
    entries = (
        parse_entries(
            gather_entries(entry_lines.lazy()).join(docs.lazy().select("doc_id", "as_of"), on="doc_id")
        )
        .sort("doc_id", "line_no")
        .collect(engine=ENGINE)
        .pipe(_abstract_as_received, received)
        .pipe(nfc_where_needed, "abstract")
    )
    second = _second_headers(entry_lines, header_lines)
    in_header = _second_header_in_header(header_lines)
    if not in_header.is_empty():
        header_lines = header_lines.join(in_header, on="doc_id", how="left", maintain_order="left").with_columns(
            reason=pl.when(pl.col("line_no") >= pl.col("start"))
            .then(pl.format(SECOND_HEADER, pl.col("start")))
            .otherwise("reason")
        ).drop("start")
    if not second.is_empty() or not in_header.is_empty():
        starts = pl.concat([
            second.select("doc_id", second_header="header_line"),
            in_header.select("doc_id", second_header="start"),
        ]).group_by("doc_id").agg(pl.col("second_header").min())
        entries = _quarantine_second_page(entries, starts, second)
    undecodable = _undecodable_docs(docs)
    if not undecodable.is_empty() or docs["text"].str.contains(NUL, literal=True).any():
        header_lines, entries = _quarantine_damaged(header_lines, entry_lines, entries, undecodable)
    header_lines = choose_owner_name(header_lines, entries)
    # A name and nothing else (`Service Unavailable`, then a sentence) is no profile: it
    # makes no researcher, and its line is quarantined like the page's other lines. A
    # category or metric line (readable or not), an entry, or an entry that lost its meta
    # line is a profile.
    profiled = pl.concat([
        header_lines.filter(~pl.col("field").is_in(["name", "unknown", "unknown_category"])).select("doc_id"),
        entries.select("doc_id"),
    ])["doc_id"].implode()
    header_lines = header_lines.with_columns(
        reason=pl.when((pl.col("field") == "name") & pl.col("reason").is_null() & ~pl.col("doc_id").is_in(profiled))
        .then(pl.lit(NAME_ONLY))
        .otherwise("reason")
    )
    entry_line_records = (
        entry_lines.lazy()
        .join(entries.lazy().select("doc_id", "entry_no", "n_lines", meta_line="line_no"), on=["doc_id", "entry_no"])
        .select(
            "doc_id",
            "line_no",
            record_line=pl.when(pl.col("k") < pl.col("n_lines")).then(pl.col("meta_line")).otherwise(pl.col("line_no")),
        )
    )
    line_records = pl.concat(
        [header_lines.lazy().select("doc_id", "line_no", record_line=pl.col("line_no")), entry_line_records]
    )
    lines_out = (
        lines.lazy()
        .select("doc_id", "line_no", "raw")
        .join(line_records, on=["doc_id", "line_no"], how="left")
        .sort("doc_id", "line_no")
        .collect(engine=ENGINE)
    )
    stray = (
        entry_line_records.filter(pl.col("record_line") == pl.col("line_no"))
        .join(entries.lazy().select("doc_id", "line_no"), on=["doc_id", "line_no"], how="anti")
        .join(entry_lines.lazy().select("doc_id", "line_no", "entry_no"), on=["doc_id", "line_no"])
        .join(second.lazy(), on=["doc_id", "entry_no"], how="left")
        .select(
            "doc_id",
            "record_line",
            kind=pl.lit("stray"),
            reason=pl.when(pl.col("header_line").is_not_null())
            .then(pl.format(SECOND_HEADER, pl.col("header_line")))
            .otherwise(pl.lit(STRAY_LINE_REASON)),
        )
    )
    records = pl.concat(
        [
            header_lines.lazy().select("doc_id", record_line=pl.col("line_no"), kind=pl.lit("header"), reason="reason"),
            entries.lazy().select("doc_id", record_line=pl.col("line_no"), kind=pl.lit("entry"), reason="reason"),
            stray,
        ]
    ).collect(engine=ENGINE)
    return ParsedPages(
        lines=lines_out,
        records=records,
        headers=header_fields(header_lines.lazy()).collect(engine=ENGINE),
        entries=entries,
    )
