"""Models of the core tables: the warehouse contract that BI dashboards are built on.

Core tables are derived in SQL from the validated staging tables; the tests validate the
derived tables against these models too, so the contract is checked end to end.
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

import pandera.polars as pa

from .fields import ID_PATTERN, stable_id


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

    researcher_id: str = pa.Field(str_matches=ID_PATTERN)
    as_of: dt.date = pa.Field(description="Snapshot date.")
    h_index: Optional[int] = pa.Field(nullable=True, ge=0)
    paper_count: Optional[int] = pa.Field(nullable=True, ge=0, description="Papers, as the header states.")
    citations: Optional[int] = pa.Field(nullable=True, ge=0)
    novelty_pct: Optional[float] = pa.Field(nullable=True, ge=0, le=100, description="Percent.")
    ai_score: Optional[float] = pa.Field(nullable=True, ge=0, le=100)
    listed_papers: int = pa.Field(ge=0, description="Entries listed on the page.")

    class Config:
        unique = ["researcher_id", "as_of"]


class Paper(_Core):
    """core.papers: one row per distinct paper across all pages."""

    paper_id: str = stable_id("paper")
    title: str
    abstract: str
    category: str
    published_on: dt.date
    published_year_inferred: bool
    has_code: bool
    code_url: Optional[str] = pa.Field(nullable=True, str_matches=r"(?i)^https?://")
    authors_truncated: bool

    class Config:
        unique = ["paper_id"]


class Author(_Core):
    """core.authors: one row per person."""

    author_id: str = pa.Field(unique=True, str_matches=ID_PATTERN)
    name: str


class PaperAuthor(_Core):
    """core.paper_authors: one row per author of a paper."""

    paper_id: str = pa.Field(str_matches=ID_PATTERN)
    author_id: str = pa.Field(str_matches=ID_PATTERN)
    position: Optional[int] = pa.Field(nullable=True, ge=1, description="1-based listed position; null when hidden in et al.")

    class Config:
        unique = ["paper_id", "author_id"]


class ProfilePaper(_Core):
    """core.profile_papers: one row per paper a page listed."""

    researcher_id: str = pa.Field(str_matches=ID_PATTERN)
    paper_id: str = pa.Field(str_matches=ID_PATTERN)
    as_of: dt.date
    position: int = pa.Field(ge=1, description="Entry number on the page, in page order.")
    score: Optional[float] = pa.Field(nullable=True)

    class Config:
        unique = ["researcher_id", "paper_id", "as_of"]


class Category(_Core):
    """core.categories: one row per category code seen."""

    code: str = pa.Field(unique=True)
    arxiv_id: Optional[str] = pa.Field(nullable=True, description="e.g. cs.LG; null when unknown.")
    name: Optional[str] = pa.Field(nullable=True, description="e.g. Machine Learning.")


class QuarantineRecord(_Core):
    """quarantine.records: one row per record that could not be loaded."""

    run_id: str
    source_path: str
    line_no: Optional[int] = pa.Field(nullable=True, ge=1, description="First line of the record; null for whole-file problems.")
    reason: str = pa.Field(str_length={"min_value": 1})
    raw_text: Optional[str] = pa.Field(nullable=True, description="The record's lines as received.")
    file_sha256: Optional[str] = pa.Field(nullable=True, str_matches=r"^[0-9a-f]{64}$")


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
