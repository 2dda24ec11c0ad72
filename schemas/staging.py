"""Models of the staging tables: what each page listed, validated before anything lands.

A row failing a check here is quarantined with the check's name and the value; the rest
of its page still loads.
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

import pandera.polars as pa

from .fields import EARLIEST_PUBLICATION, ID_PATTERN, sha256, stable_id


class _Strict(pa.DataFrameModel):
    class Config:
        strict = True
        coerce = True


class StagedPage(_Strict):
    """staging.pages: one row per page content."""

    file_sha256: str = sha256()
    source_path: str = pa.Field(description="Path that holds the content (of several current ones, the first by name): its lineage.")
    as_of: dt.date = pa.Field(description="Snapshot date of the page (--as-of, else the file's modification date).")
    researcher_id: Optional[str] = pa.Field(nullable=True, str_matches=ID_PATTERN, description="Owner's id (= their author_id); null when no owner could be found.")
    name: Optional[str] = pa.Field(nullable=True, str_length={"min_value": 1, "max_value": 200}, description="Owner's name, NFC.")
    name_inferred: Optional[bool] = pa.Field(nullable=True, description="True when the page had no header and the owner was inferred from its authors.")
    primary_category: Optional[str] = pa.Field(nullable=True, str_matches=r"^[A-Z]{2,8}$", description="Header's primary category code, e.g. LG.")
    h_index: Optional[int] = pa.Field(nullable=True, ge=0, le=100_000, description="h-index from the header.")
    paper_count: Optional[int] = pa.Field(nullable=True, ge=0, description="Paper count from the header (papers).")
    citations: Optional[int] = pa.Field(nullable=True, ge=0, description="Citation count from the header.")
    novelty_pct: Optional[float] = pa.Field(nullable=True, ge=0, le=100, description="Novelty score, percent (0-100).")
    ai_score: Optional[float] = pa.Field(nullable=True, ge=0, le=100, description="The site's AI score (0-100).")
    listed_papers: int = pa.Field(ge=0, description="Entries the page listed (loaded or quarantined).")
    stated_listed_papers: Optional[int] = pa.Field(nullable=True, ge=0, description="The page's own count line (`42 Papers`).")
    layout: Optional[str] = pa.Field(nullable=True, isin=["full", "compact", "compact+full"], description="Layout(s) of the page's entries.")
    header_line: Optional[int] = pa.Field(nullable=True, ge=1, description="Line of the header's name (lineage).")


class StagedEntry(_Strict):
    """staging.entries: one row per loaded entry, as its page listed it."""

    file_sha256: str = sha256()
    line_no: int = pa.Field(ge=1, description="Line of the entry's meta line in the source file.")
    n_lines: int = pa.Field(ge=3, le=4, description="Non-blank lines the entry uses (meta, title, authors, abstract).")
    entry_no: int = pa.Field(ge=1, description="1-based position of the entry on its page.")
    paper_id: str = stable_id("paper (title up to case, spacing, punctuation, Unicode form)")
    title: str = pa.Field(str_length={"min_value": 1, "max_value": 2_000}, description="Title, NFC, single-spaced.")
    abstract: str = pa.Field(str_length={"min_value": 1}, description="Abstract as received (NFC, trimmed), LaTeX and all.")
    abstract_plain: Optional[str] = pa.Field(nullable=True, description="Abstract with LaTeX markup rendered as text.")
    category: str = pa.Field(str_matches=r"^[A-Z]{2,}$", description="Category code of the entry, e.g. CV.")
    published_on: dt.date = pa.Field(ge=dt.date.fromisoformat(EARLIEST_PUBLICATION), description="Publication date; year inferred from as_of when the page omitted it.")
    published_year_inferred: bool = pa.Field(description="True when the page gave no year.")
    has_code: bool = pa.Field(description="The entry carried the `Code` marker.")
    code_url: Optional[str] = pa.Field(nullable=True, str_matches=r"(?i)^https?://", description="Link to the code (see README for the rule).")
    authors_truncated: bool = pa.Field(description="The author list ended in `et al.`.")
    score: Optional[float] = pa.Field(nullable=True, ge=0, le=100, description="The page's score for the entry, null when absent.")
    layout: str = pa.Field(isin=["full", "compact"], description="Layout the entry was written in.")


class StagedEntryAuthor(_Strict):
    """staging.entry_authors: one row per author of a loaded entry."""

    file_sha256: str = sha256()
    entry_line_no: int = pa.Field(ge=1, description="Meta line of the entry (lineage).")
    paper_id: str = stable_id("paper")
    author_id: str = stable_id("person (name up to case, spacing, Unicode form)")
    name: str = pa.Field(str_length={"min_value": 1, "max_value": 200}, description="Name as listed, NFC, single-spaced.")
    position: Optional[int] = pa.Field(nullable=True, ge=1, description="1-based position in the listed order; null for a page owner hidden in `et al.`.")
