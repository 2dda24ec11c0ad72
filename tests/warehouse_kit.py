"""Helpers for tests that read a warehouse built by the real flow."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

CONTRACT = {
    "core.researchers": ["researcher_id", "name", "name_inferred", "primary_category"],
    "core.profile_snapshots": ["researcher_id", "as_of", "h_index", "paper_count", "citations", "novelty_pct", "ai_score", "listed_papers"],
    "core.papers": ["paper_id", "title", "abstract", "category", "published_on", "published_year_inferred", "has_code", "code_url", "authors_truncated"],
    "core.authors": ["author_id", "name"],
    "core.paper_authors": ["paper_id", "author_id", "position"],
    "core.profile_papers": ["researcher_id", "paper_id", "as_of", "position", "score"],
    "core.categories": ["code", "arxiv_id", "name"],
    "quarantine.records": ["run_id", "source_path", "line_no", "reason", "raw_text"],
    "meta.runs": ["run_id", "started_at", "finished_at", "status"],
}
DATA_TABLES = [t for t in CONTRACT if t != "meta.runs"] + ["staging.pages", "staging.entries", "staging.entry_authors", "raw.documents"]


def query(path: Path, sql: str, params: list | None = None) -> pl.DataFrame:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.sql(sql, params=params).pl() if params else con.sql(sql).pl()


def table_checksums(path: Path, tables: list[str] = DATA_TABLES) -> dict[str, tuple[int, int]]:
    """(row count, order-independent hash of all rows) per table."""
    out = {}
    with duckdb.connect(str(path), read_only=True) as con:
        for table in tables:
            out[table] = con.execute(f"select count(*), coalesce(sum(hash(t)::hugeint), 0) from {table} as t").fetchone()
    return out
