"""Models of the core tables: the warehouse contract that BI dashboards are built on.

Core tables are derived in SQL from the validated staging tables; the tests validate the
derived tables against these models too, so the contract is checked end to end.
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

import pandera.polars as pa

from .fields import ID_PATTERN, SHA256_PATTERN, stable_id


class _Core(pa.DataFrameModel):
    class Config:
        strict = False  # lineage columns may be added; the contract columns must be there
        coerce = True


class Researcher(_Core):
    """core.researchers: one row per researcher (page owner)."""

    researcher_id: str = pa.Field(unique=True, str_matches=ID_PATTERN, description="Stable id; equals the owner's author_id.")
    name: str = pa.Field(description="Name from the header (or inferred), NFC.")
    name_inferred: bool = pa.Field(description="True when no page of theirs had a header name.")
    primary_category: Optional[str] = pa.Field(nullable=True, description="Primary category code from the latest header.")


class ProfileSnapshot(_Core):
    """core.profile_snapshots: one row per researcher per as_of date."""

    researcher_id: str = pa.Field(str_matches=ID_PATTERN, description="The researcher (core.researchers).")
    as_of: dt.date = pa.Field(description="Snapshot date: the day the page was observed (--as-of, else the file's modification date).")
    h_index: Optional[int] = pa.Field(nullable=True, ge=0, description="h-index from the header; null when absent or unreadable.")
    paper_count: Optional[int] = pa.Field(nullable=True, ge=0, description="Papers, as the header states (a count, not the entries listed).")
    citations: Optional[int] = pa.Field(nullable=True, ge=0, description="Citations from the header, thousands separators removed.")
    novelty_pct: Optional[float] = pa.Field(nullable=True, ge=0, le=100, description="Novelty from the header, in percent (0-100).")
    ai_score: Optional[float] = pa.Field(nullable=True, ge=0, le=100, description="AI score from the header, on the site's 0-100 scale.")
    listed_papers: int = pa.Field(ge=0, description="Entries listed on the page, quarantined ones included.")

    class Config:
        unique = ["researcher_id", "as_of"]


class Paper(_Core):
    """core.papers: one row per distinct paper across all pages."""

    paper_id: str = stable_id("paper")
    title: str = pa.Field(description="Title as listed (NFC), from the paper's newest listing.")
    abstract: str = pa.Field(description="Abstract as listed, LaTeX and URLs included (NFC).")
    category: str = pa.Field(description="Category code of the entry's meta line, e.g. CV (core.categories).")
    published_on: dt.date = pa.Field(description="Date on the meta line; a year-less one resolved against the page's as_of.")
    published_year_inferred: bool = pa.Field(description="True when the meta line had no year and it was inferred.")
    has_code: bool = pa.Field(description="True when the meta line carries the `Code` marker.")
    code_url: Optional[str] = pa.Field(nullable=True, str_matches=r"(?i)^https?://",
                                       description="First code-host URL in the abstract, else the first URL if has_code; else null.")
    authors_truncated: bool = pa.Field(description="True when the author list ends in `et al.`.")

    class Config:
        unique = ["paper_id"]


class Author(_Core):
    """core.authors: one row per person."""

    author_id: str = pa.Field(unique=True, str_matches=ID_PATTERN,
                              description="Stable id over the name folded for Unicode form, case and spacing.")
    name: str = pa.Field(description="The spelling of the name seen most often (ties: the smallest), NFC.")


class PaperAuthor(_Core):
    """core.paper_authors: one row per author of a paper."""

    paper_id: str = pa.Field(str_matches=ID_PATTERN, description="The paper (core.papers).")
    author_id: str = pa.Field(str_matches=ID_PATTERN, description="The author (core.authors).")
    position: Optional[int] = pa.Field(nullable=True, ge=1, description="1-based listed position; null when hidden in et al.")

    class Config:
        unique = ["paper_id", "author_id"]


class ProfilePaper(_Core):
    """core.profile_papers: one row per paper a page listed."""

    researcher_id: str = pa.Field(str_matches=ID_PATTERN, description="The page's owner (core.researchers).")
    paper_id: str = pa.Field(str_matches=ID_PATTERN, description="The paper listed (core.papers).")
    as_of: dt.date = pa.Field(description="Snapshot date of the page (core.profile_snapshots).")
    position: int = pa.Field(ge=1, description="Entry number on the page, in page order (quarantined entries count).")
    score: Optional[float] = pa.Field(nullable=True, description="The entry's score on the page (e.g. 89.2); null when absent.")

    class Config:
        unique = ["researcher_id", "paper_id", "as_of"]


class Category(_Core):
    """core.categories: one row per category code seen."""

    code: str = pa.Field(unique=True, description="Category code as on the pages, e.g. LG.")
    arxiv_id: Optional[str] = pa.Field(nullable=True, description="e.g. cs.LG; null when unknown.")
    name: Optional[str] = pa.Field(nullable=True, description="e.g. Machine Learning.")


class QuarantineRecord(_Core):
    """quarantine.records: one row per record that could not be loaded."""

    run_id: str = pa.Field(description="The run that quarantined it (meta.runs).")
    source_path: str = pa.Field(description="The file it came from.")
    line_no: Optional[int] = pa.Field(nullable=True, ge=1, description="First line of the record; null for whole-file problems.")
    reason: str = pa.Field(str_length={"min_value": 1}, description="Why it did not load, specific (e.g. invalid date 'Feb 30, 2024').")
    raw_text: Optional[str] = pa.Field(nullable=True, description="The record's lines as received.")
    file_sha256: Optional[str] = pa.Field(nullable=True, str_matches=SHA256_PATTERN,
                                          description="SHA-256 of the file's bytes (hex); null when it could not be read.")
    n_lines: int = pa.Field(ge=0, description="Lines of the file the record covers.")
    stage: str = pa.Field(isin=["read", "parse", "validate"], description="Where it was stopped: read, parse or validate.")


CORE_MODELS: dict[str, type[pa.DataFrameModel]] = {
    "core.researchers": Researcher,
    "core.profile_snapshots": ProfileSnapshot,
    "core.papers": Paper,
    "core.authors": Author,
    "core.paper_authors": PaperAuthor,
    "core.profile_papers": ProfilePaper,
    "core.categories": Category,
    "quarantine.records": QuarantineRecord,
}
