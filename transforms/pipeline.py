"""One batch of pages from text to loadable frames: parse, normalize, validate, account.

Pure: frames in, frames out. The Prefect flow calls `process_pages` once per batch and
hands the result to the warehouse loader.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from ..schemas.staging import StagedEntry, StagedEntryAuthor, StagedPage
from ..schemas.validate import split_valid
from . import ENGINE
from .lines import count_lines
from .normalize import PAGE_COLUMNS, normalize
from .parse import ParsedPages, parse_pages

FILE_EMPTY = "file is empty"
# A page field that cannot load takes the fields derived from it along: no name, no owner.
_DEPENDENT = {"name": ("researcher_id", "name_inferred")}
FILE_BLANK = "file has only blank lines"


@dataclass(frozen=True)
class PageBatch:
    """Loadable frames for a batch, every row keyed by `doc_id`.

    - `pages`, `entries`, `entry_authors`: rows for the staging tables (validated).
    - `quarantine`: `doc_id`, `line_no`, `n_lines`, `reason`, `raw_text`, `stage`.
    - `accounting`: per page, `n_lines` = `n_separator_lines` + `n_loaded_lines` +
      `n_quarantined_lines`, each counted independently.
    """

    pages: pl.DataFrame
    entries: pl.DataFrame
    entry_authors: pl.DataFrame
    quarantine: pl.DataFrame
    accounting: pl.DataFrame


def _validate_pages(pages: pl.DataFrame, headers: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Validate page rows; a failing field is set to null and the header line that gave
    it is quarantined. Returns (pages, rejected records)."""
    rejected: list[pl.DataFrame] = []
    field_lines = headers.select("doc_id", *(c for c in headers.columns if c.endswith("_line")))
    for _ in range(len(StagedPage.to_schema().columns)):
        valid, bad = split_valid(pages.drop("doc_id"), StagedPage)
        if bad.is_empty():
            return pages, pl.concat(rejected) if rejected else _no_records()
        bad = bad.join(pages.select("doc_id", "file_sha256"), on="file_sha256")
        lines = bad.join(field_lines, on="doc_id", how="left")
        record_line = pl.coalesce(
            *(pl.when(pl.col("column") == c).then(pl.col(f"{c}_line")) for c in PAGE_COLUMNS if f"{c}_line" in lines.columns),
            pl.col("header_line"),
        )
        rejected.append(lines.select("doc_id", record_line=record_line, reason="reason"))
        for column in bad["column"].unique().to_list():
            hit = pl.col("doc_id").is_in(bad.filter(pl.col("column") == column)["doc_id"].implode())
            for dropped in (column, *_DEPENDENT.get(column, ())):
                if dropped in pages.columns:
                    pages = pages.with_columns(pl.when(hit).then(None).otherwise(pl.col(dropped)).alias(dropped))
    raise RuntimeError("page rows still fail validation after nulling every failing field")


def _no_records() -> pl.DataFrame:
    return pl.DataFrame(schema={"doc_id": pl.Int64, "record_line": pl.Int64, "reason": pl.String})


def process_pages(docs: pl.DataFrame) -> PageBatch:
    """Pages (`doc_id`, `file_sha256`, `source_path`, `as_of`, `text`) to loadable frames."""
    parsed = parse_pages(docs)
    tables = normalize(parsed, docs)
    doc_keys = docs.select("doc_id", "file_sha256", "source_path")

    pages = tables.pages.join(doc_keys, on="doc_id").select(
        "doc_id", "file_sha256", "source_path", "as_of",
        researcher_id="owner_id", name="owner_name", name_inferred="name_inferred",
        *[c for c in StagedPage.to_schema().columns if c not in {
            "file_sha256", "source_path", "as_of", "researcher_id", "name", "name_inferred"}],
    )
    pages, page_rejects = _validate_pages(pages, parsed.headers)

    entries = tables.entries.join(doc_keys.drop("source_path"), on="doc_id")
    entry_cols = list(StagedEntry.to_schema().columns)
    valid_entries, bad_entries = split_valid(entries.select(*entry_cols), StagedEntry)
    # The owner added to papers that hide them in `et al.` only if the page kept its owner.
    owners = pages.select("doc_id", owner_id="researcher_id")
    entry_authors = (
        tables.entry_authors.join(owners, on="doc_id", how="left")
        .filter(pl.col("position").is_not_null() | (pl.col("author_id") == pl.col("owner_id")))
        .drop("owner_id")
        .join(entries.select("doc_id", "entry_no", "file_sha256", entry_line_no="line_no"), on=["doc_id", "entry_no"])
    )
    author_cols = list(StagedEntryAuthor.to_schema().columns)
    _, bad_authors = split_valid(entry_authors.select(*author_cols), StagedEntryAuthor)
    by_line = ["file_sha256", "line_no"]
    entry_rejects = pl.concat([
        bad_entries.select(*by_line, "reason"),
        bad_authors.select("file_sha256", line_no="entry_line_no", reason=pl.format("author {}", pl.col("reason"))),
    ]).unique(subset=by_line, keep="first", maintain_order=True)
    entries = entries.join(entry_rejects, on=by_line, how="anti")
    entry_authors = entry_authors.join(
        entry_rejects.rename({"line_no": "entry_line_no"}), on=["file_sha256", "entry_line_no"], how="anti"
    )
    validation_rejects = pl.concat([
        page_rejects.with_columns(stage=pl.lit("validate")),
        entry_rejects.join(doc_keys, on="file_sha256").select(
            "doc_id", record_line="line_no", reason="reason", stage=pl.lit("validate")
        ),
        tables.rejected.with_columns(stage=pl.lit("parse")),
    ])
    quarantine, accounting = _quarantine_and_accounting(docs, parsed, entries, validation_rejects)
    return PageBatch(
        pages=pages,
        entries=entries.select("doc_id", *entry_cols),
        entry_authors=entry_authors.select("doc_id", *author_cols),
        quarantine=quarantine,
        accounting=accounting,
    )


def _quarantine_and_accounting(
    docs: pl.DataFrame, parsed: ParsedPages, entries: pl.DataFrame, later_rejects: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    parse_rejects = parsed.records.filter(pl.col("reason").is_not_null()).select(
        "doc_id", "record_line", "reason", stage=pl.lit("parse")
    )
    rejects = pl.concat([parse_rejects, later_rejects.select(parse_rejects.columns)]).unique(
        subset=["doc_id", "record_line"], keep="first", maintain_order=True
    )
    # Only quarantined records need their text: gathering it for every record would copy
    # every abstract once more.
    record_text = (
        parsed.lines.lazy()
        .join(rejects.lazy().select("doc_id", "record_line"), on=["doc_id", "record_line"], how="semi")
        .group_by("doc_id", "record_line")
        .agg(n_lines=pl.len().cast(pl.Int64), raw_text=pl.col("raw").sort_by("line_no").str.join("\n"))
        .collect(engine=ENGINE)
    )
    line_quarantine = rejects.join(record_text, on=["doc_id", "record_line"], how="left").select(
        "doc_id", line_no="record_line", n_lines=pl.col("n_lines").fill_null(0), reason="reason",
        raw_text="raw_text", stage="stage",
    )
    n_lines = docs.select("doc_id", n_lines=count_lines(pl.col("text")))
    has_record = parsed.records.select("doc_id").unique()
    file_level = n_lines.join(has_record, on="doc_id", how="anti").select(
        "doc_id",
        line_no=pl.lit(None, pl.Int64),
        n_lines=pl.lit(0, pl.Int64),
        reason=pl.when(pl.col("n_lines") == 0).then(pl.lit(FILE_EMPTY)).otherwise(pl.lit(FILE_BLANK)),
        raw_text=pl.lit(None, pl.String),
        stage=pl.lit("parse"),
    )
    quarantine = pl.concat([line_quarantine, file_level]).sort("doc_id", "line_no", nulls_last=True)

    separators = parsed.lines.group_by("doc_id").agg(
        n_separator_lines=pl.col("record_line").is_null().sum().cast(pl.Int64)
    )
    loaded_header = (
        parsed.records.filter((pl.col("kind") == "header") & pl.col("reason").is_null())
        .join(rejects, on=["doc_id", "record_line"], how="anti")
        .group_by("doc_id")
        .agg(n_header=pl.len().cast(pl.Int64))
    )
    loaded_entries = entries.group_by("doc_id").agg(n_entry=pl.col("n_lines").sum().cast(pl.Int64))
    quarantined = quarantine.group_by("doc_id").agg(n_quarantined_lines=pl.col("n_lines").sum().cast(pl.Int64))
    accounting = (
        n_lines.join(separators, on="doc_id", how="left")
        .join(loaded_header, on="doc_id", how="left")
        .join(loaded_entries, on="doc_id", how="left")
        .join(quarantined, on="doc_id", how="left")
        .select(
            "doc_id",
            "n_lines",
            pl.col("n_separator_lines").fill_null(0),
            n_loaded_lines=pl.col("n_header").fill_null(0) + pl.col("n_entry").fill_null(0),
            n_quarantined_lines=pl.col("n_quarantined_lines").fill_null(0),
        )
        .sort("doc_id")
    )
    return quarantine, accounting
