"""Loading a run: stage each batch, rebuild the core tables, record the run.

Each batch is staged in a transaction of its own and committed (so memory stays flat), in
the run's private copy of the warehouse; readers see the published file, which the run
replaces only when it completed (`publish.py`), so a crash or kill leaves what they see as
it was. Frames go to DuckDB through Arrow (`register`), never as text pasted into SQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import duckdb
import polars as pl

from ..transforms.categories import category_reference
from .connection import read_sql
from .errors import WarehouseError

# Core tables in build order (each reads staging and the core tables built before it).
CORE_BUILD_ORDER = (
    "researchers",
    "profile_snapshots",
    "papers",
    "profile_papers",
    "paper_authors",
    "authors",
    "categories",
)
# Tables whose every row belongs to one file content (`file_sha256`).
PARSED_TABLES = ("staging.pages", "staging.entries", "staging.entry_authors")
CONTENT_TABLES = (*PARSED_TABLES, "quarantine.records", "raw.documents")


@dataclass(frozen=True)
class RunCounts:
    """What a run did, as written to meta.runs."""

    n_files_offered: int = 0
    n_files_loaded: int = 0
    n_files_skipped: int = 0
    n_files_failed: int = 0
    n_pages: int = 0
    n_entries_loaded: int = 0
    n_records_quarantined: int = 0
    n_pages_without_owner: int = 0


def _now() -> dt.datetime:
    """Wall-clock time; DuckDB's now() is the transaction's start, wrong for a finish time."""
    return dt.datetime.now(dt.UTC)


def _insert(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> None:
    if frame.is_empty():
        return
    con.register("_frame", frame.to_arrow(compat_level=pl.CompatLevel.newest()))  # string views: no copy
    try:
        con.execute(f"insert into {table} by name select * from _frame")  # table names are constants
    finally:
        con.unregister("_frame")


def start_run(con: duckdb.DuckDBPyConnection, run_id: str, as_of: dt.date | None) -> None:
    """Record the run as running, committed at once: a copy holding a running run after its
    process died is recognised as half-written by the next writer (see `open_writer`)."""
    con.execute(
        "insert into meta.runs (run_id, started_at, status, as_of) values (?, ?, 'running', ?)",
        [run_id, _now(), as_of],
    )


def known_hashes(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Contents already processed (loaded or failed) and still current for some path: an
    unchanged file is skipped. A content that stopped being current had its rows replaced,
    so if it comes back it is processed again."""
    rows = con.execute(
        "select distinct file_sha256 from meta.source_files where status in ('loaded', 'failed') and is_current"
    )
    return {row[0] for row in rows.fetchall()}


def unchanged_files(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, int, int, str]]:
    """Current files by path: (size_bytes, modified_ns, changed_ns, file_sha256). A path
    whose size, modification and change times still match is not read again. That
    includes an identical copy of another file (recorded as skipped) while some path still
    holds its content as loaded or failed; once none does (the original was rewritten),
    the copy is read again, and its content is then loaded under the copy's name."""
    rows = con.execute(
        """
        with held as (
            select distinct file_sha256 from meta.source_files
            where status in ('loaded', 'failed') and is_current
        )
        select path, size_bytes, modified_ns, changed_ns, file_sha256 from meta.source_files
        where is_current and modified_ns is not null and changed_ns is not null
          and (status in ('loaded', 'failed')
               or (status = 'skipped' and file_sha256 in (select file_sha256 from held)))
        """
    ).fetchall()
    return {path: (size, modified, changed, sha) for path, size, modified, changed, sha in rows}


# The date each staged content is parsed with: the earliest date a path offers it under
# (`meta.observations`), else the one it was parsed with. Runs, re-dates and rebuilds all
# read it from here.
_PARSE_DATES = """
    select p.file_sha256, coalesce(min(o.as_of), p.as_of) as as_of
    from staging.pages as p left join meta.observations as o using (file_sha256)
    group by p.file_sha256, p.as_of
"""


def staged_dates(con: duckdb.DuckDBPyConnection) -> dict[str, dt.date]:
    """The date each staged content is to be parsed with: the earliest date a path offers
    it under (`meta.observations`), else the one it was parsed with. Offered under an
    earlier date it is parsed again with that one, and a full refresh parses it with this
    one, so its year-less dates keep their year (see `read_files`)."""
    return dict(con.execute(_PARSE_DATES).fetchall())


def contents_to_redate(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Stored texts parsed with another date than the earliest one a path now offers them
    under (an earlier offer was corrected away, or a copy under an earlier date came in a
    later batch), with that date as `as_of`: re-parsed so the tables do not depend on the
    order the offers came in. Without their texts: see `with_texts`."""
    return con.sql(
        f"""
        with parse_dates as ({_PARSE_DATES}),
        current_paths as (  -- lineage: the first path holding it now (as rebuild_core sets it)
            select file_sha256, min(path) as path from meta.source_files
            where is_current and file_sha256 is not null group by file_sha256
        )
        select p.file_sha256, coalesce(c.path, p.source_path) as source_path, d.as_of, null::bigint as size_bytes
        from staging.pages as p
        inner join parse_dates as d using (file_sha256)
        left join current_paths as c using (file_sha256)
        where p.as_of <> d.as_of
        order by p.source_path
        """  # a constant, not data
    ).pl()


def parsed_counts(con: duckdb.DuckDBPyConnection, shas: pl.Series, run_id: str) -> dict[str, int]:
    """What `run_id` staged of these contents (its counts' names): pages, entries, pages
    without an owner, and the quarantine records it wrote for them."""
    con.register("_shas", pl.DataFrame({"file_sha256": shas}).to_arrow())
    try:
        row = con.execute(
            """
            with mine as (  -- contents this run staged: their quarantine rows carry its id
                select distinct file_sha256 from quarantine.records
                where run_id = ? and file_sha256 in (select file_sha256 from _shas)
                union
                select file_sha256 from staging.pages as p
                where file_sha256 in (select file_sha256 from _shas)
                  and exists (select 1 from meta.source_files as f
                              where f.file_sha256 = p.file_sha256 and f.last_run_id = ? and f.status = 'loaded')
            )
            select
                (select count(*) from staging.pages where file_sha256 in (select file_sha256 from mine)),
                (select count(*) from staging.entries where file_sha256 in (select file_sha256 from mine)),
                (select count(*) from staging.pages where file_sha256 in (select file_sha256 from mine)
                    and researcher_id is null and listed_papers > 0),
                (select count(*) from quarantine.records where run_id = ? and file_sha256 in (select file_sha256 from mine))
            """,
            [run_id, run_id, run_id],
        ).fetchall()[0]
    finally:
        con.unregister("_shas")
    return dict(zip(("n_pages", "n_entries_loaded", "n_pages_without_owner", "n_records_quarantined"), row))


def sync_parse_dates(con: duckdb.DuckDBPyConnection) -> None:
    """`meta.source_files.as_of` is the date a content was parsed with, under every path
    that holds it (a path that offered it later keeps the content's one parse date)."""
    con.execute(
        """
        update meta.source_files as f set as_of = p.as_of
        from staging.pages as p
        where f.file_sha256 = p.file_sha256 and f.as_of is distinct from p.as_of
        """
    )


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Commit the block's writes together, or none of them."""
    con.execute("begin transaction")
    try:
        yield
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")


def stage_batch(
    con: duckdb.DuckDBPyConnection,
    *,
    files: pl.DataFrame,
    documents: pl.DataFrame,
    pages: pl.DataFrame,
    entries: pl.DataFrame,
    entry_authors: pl.DataFrame,
    quarantine: pl.DataFrame,
) -> int:
    """Replace the staged rows of every content in this batch and record its files.
    Returns a count of changes (0: the batch changed nothing the core tables depend on).

    `files` has one row per offered (file_sha256, path) with the meta.source_files columns;
    `documents` the (file_sha256, content) of the pages parsed in this batch.
    """
    processed = files.filter(pl.col("status") != "skipped").select("file_sha256").drop_nulls().unique()
    if not processed.is_empty():
        con.register("_processed", processed.to_arrow())
        try:
            for table in CONTENT_TABLES:  # constants, not data
                con.execute(f"delete from {table} where file_sha256 in (select file_sha256 from _processed)")
        finally:
            con.unregister("_processed")
    _insert(con, "raw.documents", documents)
    _insert(con, "staging.pages", pages)
    _insert(con, "staging.entries", entries)
    _insert(con, "staging.entry_authors", entry_authors)
    _insert(con, "quarantine.records", quarantine)
    return _record_files(con, files) + processed.height


def _record_files(con: duckdb.DuckDBPyConnection, files: pl.DataFrame) -> int:
    """Upsert meta.source_files; a path's previous contents stop being current. Returns how
    many offered (path, content) pairs were not already current."""
    if files.is_empty():
        return 0
    if "parsed_as_of" not in files.columns:  # the date a parsed content's text was parsed with
        files = files.with_columns(parsed_as_of=pl.lit(None, pl.Date))
    con.register("_files", files.to_arrow())
    try:
        changed = con.execute(
            """
            select count(*) from _files as n
            where not exists (
                select 1 from meta.source_files as f
                where f.path = n.path and f.file_sha256 is not distinct from n.file_sha256 and f.is_current
            )
            """
        ).fetchone()[0]
        con.execute(
            """
            update meta.source_files as f set is_current = false
            from _files as n
            where f.path = n.path and f.file_sha256 is distinct from n.file_sha256 and f.is_current
            """
        )
        con.execute(
            """
            update meta.source_files as f set
                last_run_id = n.last_run_id, is_current = true,
                modified_ns = coalesce(n.modified_ns, f.modified_ns),
                changed_ns = coalesce(n.changed_ns, f.changed_ns)
            from _files as n
            where f.path = n.path and f.file_sha256 = n.file_sha256 and n.status = 'skipped'
            """
        )
        # A (path, content) read again (`--full-refresh`) is replaced, but keeps the time
        # it was first seen.
        con.execute(
            """
            create or replace temp table _first_seen as
            select f.path, f.file_sha256, f.first_seen_at, f.as_of as first_as_of
            from meta.source_files as f inner join _files as n
                on f.path = n.path and f.file_sha256 is not distinct from n.file_sha256
            where n.status <> 'skipped'
            """
        )
        con.execute(
            """
            delete from meta.source_files as f
            using _files as n
            where f.path = n.path and f.file_sha256 is not distinct from n.file_sha256 and n.status <> 'skipped'
            """
        )
        con.execute(
            """
            insert into meta.source_files by name
            select n.* exclude (parsed_as_of) replace (
                coalesce(s.first_seen_at, n.first_seen_at) as first_seen_at,
                coalesce(n.parsed_as_of, least(n.as_of, s.first_as_of)) as as_of
            )
            from _files as n left join _first_seen as s
                on s.path = n.path and s.file_sha256 is not distinct from n.file_sha256
            where n.status <> 'skipped'
               or not exists (
                   select 1 from meta.source_files as f
                   where f.path = n.path and f.file_sha256 = n.file_sha256
               )
            """
        )
        con.execute("drop table _first_seen")
        changed += _record_observations(con)
    finally:
        con.unregister("_files")
    return changed


def _record_observations(con: duckdb.DuckDBPyConnection) -> int:
    """Add the (content, path, as_of) of every offered file with a content to
    meta.observations (registered as `_files`); returns how many observations changed.

    An unchanged page offered under a new date adds a snapshot date without being parsed
    again. A path holds one content per date: offering another content for a (path, date)
    supersedes the old one's observation, a correction of that one day that leaves the
    content's other dates alone. Only a content that loaded a profile (an entry, or a
    header category or metric) corrects: a binary, empty or garbage re-fetch of the same
    day (an error page, `Service Unavailable`) is recorded and quarantined, but the page it
    would replace stays (nothing is lost to a failed fetch).
    """
    con.execute(
        """
        create or replace temp table _correcting as
        select distinct n.file_sha256 from _files as n
        where exists (select 1 from staging.entries as e where e.file_sha256 = n.file_sha256)
           or exists (
               select 1 from staging.pages as p
               where p.file_sha256 = n.file_sha256
                 and coalesce(p.primary_category, p.h_index::varchar, p.paper_count::varchar,
                              p.citations::varchar, p.novelty_pct::varchar, p.ai_score::varchar) is not null
           )
        """
    )
    superseded = con.execute(
        """
        delete from meta.observations as o
        using _files as n
        where n.file_sha256 is not null and n.as_of is not null
          and o.path = n.path and o.as_of = n.as_of and o.file_sha256 <> n.file_sha256
          and n.file_sha256 in (select file_sha256 from _correcting)
        """
    ).fetchone()[0]
    # A content without a profile is no observation of a (path, date) that already has one:
    # the day keeps its page (in the snapshot too, where more listed papers would win).
    added = con.execute(
        """
        insert into meta.observations
        select distinct n.file_sha256, n.path, n.as_of, n.last_run_id as first_run_id
        from _files as n
        where n.file_sha256 is not null and n.as_of is not null
          and not exists (
              select 1 from meta.observations as o
              where o.file_sha256 = n.file_sha256 and o.path = n.path and o.as_of = n.as_of
          )
          and (
              n.file_sha256 in (select file_sha256 from _correcting)
              or not exists (select 1 from meta.observations as o where o.path = n.path and o.as_of = n.as_of)
          )
        """
    ).fetchone()[0]
    con.execute("drop table _correcting")
    return superseded + added


# Contents that no path holds any more and that no (path, date) observation points at:
# every date they were offered under got a correction (another content for the same path
# and date, which supersedes the observation, see `_record_observations`), so they go.
# A content replaced at its path by one of another date stays: its observation still
# points at it, and it is the page as it was on its own date (a scraper that rewrites the
# same file every day builds a history, as separate files would).
_REPLACED_CONTENTS = """
    select f.file_sha256 from meta.source_files as f
    where f.file_sha256 is not null
    group by f.file_sha256
    having not bool_or(f.is_current)
       and not exists (select 1 from meta.observations as o where o.file_sha256 = f.file_sha256)
"""


def _drop_stale_contents(con: duckdb.DuckDBPyConnection) -> None:
    """Staged rows of contents replaced by a correction (see `_REPLACED_CONTENTS`) go."""
    for table in (*PARSED_TABLES, "quarantine.records"):  # raw.documents keeps every text
        con.execute(
            f"""
            delete from {table}
            where file_sha256 is not null and file_sha256 in ({_REPLACED_CONTENTS})
            """  # constants, not data
        )
    # A content offered under several names is attributed to the first of them by name, so
    # lineage does not depend on which name arrived first.
    con.execute(
        """
        update staging.pages as p set source_path = f.path
        from (
            select file_sha256, min(path) as path from meta.source_files
            where is_current group by file_sha256
        ) as f
        where p.file_sha256 = f.file_sha256 and p.source_path <> f.path
        """
    )


def migrated_since_last_run(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether a migration was applied after the last completed run (or there was none):
    what core is built from may have changed, so the run rebuilds it even if no file did."""
    return con.execute(
        """
        select coalesce(
            max(applied_at) > (select max(finished_at) from meta.runs where status = 'completed'),
            true
        )
        from meta.schema_migrations
        """
    ).fetchone()[0]


def stored_documents(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Every staged page with the path it was loaded with and the date to parse it with:
    the earliest a path offers it under (the one it was parsed with, if none). Without
    the texts, which `with_texts` fetches a batch at a time, so that a rebuild's memory
    does not grow with the warehouse."""
    return con.sql(
        f"""
        with sizes as (
            select file_sha256, max(size_bytes) as size_bytes from meta.source_files group by file_sha256
        ),
        parse_dates as ({_PARSE_DATES})
        select p.file_sha256, p.source_path, e.as_of, s.size_bytes
        from staging.pages as p
        inner join parse_dates as e using (file_sha256)
        left join sizes as s using (file_sha256)
        order by p.source_path
        """
    ).pl()


def with_texts(con: duckdb.DuckDBPyConnection, rows: pl.DataFrame) -> pl.DataFrame:
    """`rows` (with `file_sha256`) with each content's stored `text` and `undecodable` flag
    from `raw.documents`, in the same order.

    Read on one thread: each scanning thread holds a vector of 2,048 page texts (about
    115 MB of 56 KB pages), and two of them exceeded the writer's default memory limit of
    300 MB on a warehouse of 3,000 pages."""
    threads = int(con.execute("select current_setting('threads')").fetchall()[0][0])
    con.execute("set threads = 1")
    try:
        texts = con.sql(
            "select file_sha256, content as text, undecodable from raw.documents where file_sha256 = any(?)",
            params=[rows["file_sha256"].to_list()],
        ).pl()
    finally:
        con.execute(f"set threads = {threads}")  # an int read back from DuckDB, not data
    joined = rows.join(texts, on="file_sha256", how="left", maintain_order="left")
    if joined["text"].null_count():
        raise WarehouseError("raw.documents lacks the text of a staged page: the warehouse is damaged")
    return joined


def clear_parsed(con: duckdb.DuckDBPyConnection, shas: pl.Series | None = None) -> None:
    """Remove what was derived from page texts (staging and parse-time quarantine): of
    every text, or only of the contents in `shas`."""
    con.register("_shas", pl.DataFrame({"file_sha256": shas if shas is not None else []}, schema={"file_sha256": pl.String}).to_arrow())
    only = "" if shas is None else " and file_sha256 in (select file_sha256 from _shas)"
    try:
        for table in PARSED_TABLES:  # constants, not data
            con.execute(f"delete from {table} where true{only}")
        con.execute(f"delete from quarantine.records where stage <> 'read'{only}")
    finally:
        con.unregister("_shas")


def restage(con: duckdb.DuckDBPyConnection, frames: dict[str, pl.DataFrame]) -> None:
    """Insert re-parsed rows of stored pages and refresh their line accounting."""
    for table, key in (("staging.pages", "pages"), ("staging.entries", "entries"),
                       ("staging.entry_authors", "entry_authors"), ("quarantine.records", "quarantine")):
        _insert(con, table, frames[key])
    accounting = frames["files"].select(
        "file_sha256", "layout", "n_lines", "n_separator_lines", "n_loaded_lines", "n_quarantined_lines"
    )
    con.register("_accounting", accounting.to_arrow())
    try:
        con.execute(
            """
            update meta.source_files as f set
                layout = a.layout, n_lines = a.n_lines, n_separator_lines = a.n_separator_lines,
                n_loaded_lines = a.n_loaded_lines, n_quarantined_lines = a.n_quarantined_lines
            from _accounting as a
            where f.file_sha256 = a.file_sha256 and f.status = 'loaded'
            """
        )
    finally:
        con.unregister("_accounting")


def rebuild_core(con: duckdb.DuckDBPyConnection) -> None:
    """Derive every core table from staging (deterministic, so re-runs change no row)."""
    con.execute("delete from ref.arxiv_categories")
    _insert(con, "ref.arxiv_categories", category_reference())
    _drop_stale_contents(con)
    for table in CORE_BUILD_ORDER:
        con.execute(f"delete from core.{table}")
        con.execute(f"insert into core.{table} by name {read_sql('core', table + '.sql')}")


def finish_run(
    con: duckdb.DuckDBPyConnection, run_id: str, counts: RunCounts, *, changed: bool = True
) -> dict[str, int]:
    """Rebuild core (unless nothing `changed`), write the run's counts, commit. Returns the
    warehouse totals."""
    con.execute("begin transaction")
    if changed:
        rebuild_core(con)
    totals = {
        name: con.execute(f"select count(*) from core.{name}").fetchone()[0]
        for name in ("researchers", "papers", "authors")
    }
    con.execute(
        """
        update meta.runs set
            finished_at = ?, status = 'completed',
            n_files_offered = ?, n_files_loaded = ?, n_files_skipped = ?, n_files_failed = ?,
            n_pages = ?, n_entries_loaded = ?, n_records_quarantined = ?, n_pages_without_owner = ?,
            n_researchers = ?, n_papers = ?, n_authors = ?
        where run_id = ?
        """,
        [
            _now(),
            counts.n_files_offered, counts.n_files_loaded, counts.n_files_skipped, counts.n_files_failed,
            counts.n_pages, counts.n_entries_loaded, counts.n_records_quarantined, counts.n_pages_without_owner,
            totals["researchers"], totals["papers"], totals["authors"], run_id,
        ],
    )
    con.execute("commit")
    return totals


def count_snapshot_conflicts(con: duckdb.DuckDBPyConnection) -> int:
    """Researcher-dates that several page contents describe (`analytics.snapshot_conflicts`:
    the one definition of a conflict; 15 ms on 1,000 profiles)."""
    return con.execute("select count(*) from analytics.snapshot_conflicts").fetchall()[0][0]


def top_quarantine_reasons(con: duckdb.DuckDBPyConnection, run_id: str, limit: int = 10) -> list[tuple[str, int]]:
    """The run's most frequent quarantine reasons, quoted values and numbers folded
    (`invalid date '...'`, `file looks binary (NUL byte at offset N, line N)`)."""
    return con.execute(
        """
        select meta.reason_kind(reason) as kind,
               count(*) as n
        from quarantine.records where run_id = ?
        group by kind order by n desc, kind limit ?
        """,
        [run_id, limit],
    ).fetchall()


def record_failed_run(
    con: duckdb.DuckDBPyConnection, run_id: str, started_at: dt.datetime, as_of: dt.date | None, message: str
) -> None:
    """Record a failed run in a warehouse that holds nothing else of it."""
    con.execute(
        "insert into meta.runs (run_id, started_at, finished_at, status, as_of, message) "
        "values (?, ?, ?, 'failed', ?, ?)",
        [run_id, started_at, _now(), as_of, message[:2000]],
    )
