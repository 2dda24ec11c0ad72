"""Every kind of damage a scraper produces: the run completes, good records land, each bad
record is quarantined with a specific reason, and every file's lines are accounted for."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest

from pagekit import SEED_AS_OF
from profile_etl.flows.pipeline import profile_etl_flow
from warehouse_kit import query

BAD = Path(__file__).parent / "data" / "bad"
GOOD_TITLE = "A Good Paper on Robust Things"

# file -> (reasons expected in quarantine.records, titles expected in core.papers from it)
EXPECTED: dict[str, tuple[list[str], list[str]]] = {
    "empty.txt": (["file is empty"], []),
    "binary.txt": (["file looks binary (NUL byte at offset 17, line 4)"], []),
    "invalid_utf8_line.txt": (
        ["header line is not valid UTF-8 (undecodable bytes, shown as U+FFFD)",
         "entry is not valid UTF-8 (line 16: undecodable bytes, shown as U+FFFD)"],
        [GOOD_TITLE, "A Paper After the Undecodable One"],
    ),
    "binary_utf8.txt": (["file looks binary (NUL byte at offset 19, line 3)"], []),
    "bom_crlf.txt": ([], [GOOD_TITLE, "A Year-less Paper"]),
    "cr_only.txt": ([], [GOOD_TITLE, "A Classic Mac Paper"]),  # lines end in a lone CR
    "garbled_header.txt": (["header field 'h-index' has no number", "header field 'citations' has no number"], [GOOD_TITLE]),
    "impossible_date.txt": (["invalid date 'Feb 30, 2024'"], [GOOD_TITLE]),
    "future_date.txt": (["date 'Jan 5, 2027' is after the snapshot date 2026-11-22"], [GOOD_TITLE]),
    "unknown_category.txt": (["unknown category code 'QQ'"], [GOOD_TITLE]),
    "meta_only.txt": (["entry has only a meta line (no title, authors or abstract)"], [GOOD_TITLE, "A Paper After the Bare Meta Line"]),
    "cut_off.txt": (["entry has no abstract"], [GOOD_TITLE]),
    "no_authors.txt": (["entry has no authors"], [GOOD_TITLE]),
    "sql_title.txt": ([], [GOOD_TITLE, "Robert'); DROP TABLE papers;--"]),
    "duplicate_entries.txt": (["duplicate entry: same paper as the entry at line 12"], [GOOD_TITLE]),
    "same_page_a.txt": ([], ["The Same Page Under Two Names"]),
    "huge_abstract.txt": ([], [GOOD_TITLE, "A Paper With a Five Megabyte Abstract"]),
    "nav_above_name.txt": (
        ["not the owner name: the name at line 2 is an author of most papers on the page"],
        [GOOD_TITLE, "Another Robust Paper"],
    ),
    "two_pages.txt": (
        ["a second profile header in the page, from line 17 (two pages joined in one file?)"] * 5
        + ["entry follows a second profile header at line 17 (two pages joined in one file?): "
           "not credited to this page's owner"],
        [GOOD_TITLE],
    ),
    "wrapped_title.txt": (
        ["abstract is a lone name or label with more lines after it (a wrapped title or author line, "
         "or a junk line such as 'PDF', shifted the fields?)"],
        [GOOD_TITLE],
    ),
}


@pytest.fixture(scope="module")
def bad_warehouse(tmp_path_factory, prefect_harness) -> tuple[Path, dict]:
    inputs = tmp_path_factory.mktemp("bad")
    for page in BAD.glob("*.txt"):
        shutil.copy(page, inputs / page.name)
    warehouse = tmp_path_factory.mktemp("wh") / "w.duckdb"
    summary = profile_etl_flow(paths=[str(inputs)], warehouse=str(warehouse), as_of=SEED_AS_OF)
    return warehouse, summary


def test_the_run_completes(bad_warehouse):
    warehouse, summary = bad_warehouse
    assert query(warehouse, "select status from meta.runs")["status"].to_list() == ["completed"]
    assert summary["n_files_offered"] == len(list(BAD.glob("*.txt")))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_damaged_file(bad_warehouse, name):
    warehouse, _ = bad_warehouse
    reasons, titles = EXPECTED[name]
    found = query(
        warehouse,
        "select reason from quarantine.records where source_path like ? order by line_no nulls first",
        [f"%/{name}"],
    )["reason"].to_list()
    assert found == reasons
    loaded = query(
        warehouse,
        """select e.title from staging.entries e join meta.source_files f using (file_sha256)
           where f.path like ? order by e.line_no""",
        [f"%/{name}"],
    )["title"].to_list()
    assert loaded == titles


def test_sql_looking_text_is_stored_verbatim(bad_warehouse):
    warehouse, _ = bad_warehouse
    row = query(warehouse, "select title, abstract from core.papers where title like 'Robert%'").row(0)
    assert row == ("Robert'); DROP TABLE papers;--", "'; DELETE FROM core.papers; -- and \"quotes\" and \\x00.")


def test_the_five_megabyte_abstract_is_whole(bad_warehouse):
    warehouse, _ = bad_warehouse
    n = query(warehouse, "select length(abstract) n from core.papers where title like 'A Paper With a Five%'")["n"].item()
    assert n == len(("word " * 1_048_576).strip() + ".")


def test_the_same_page_under_two_names_loads_once(bad_warehouse):
    warehouse, _ = bad_warehouse
    files = query(warehouse, "select path, status, reason from meta.source_files where path like '%same_page_%' order by path")
    assert files["status"].to_list() == ["loaded", "skipped"]
    assert files["reason"].to_list() == [None, "content already loaded"]
    assert query(warehouse, "select count(*) n from core.papers where title = 'The Same Page Under Two Names'")["n"].item() == 1


def test_line_accounting_holds_for_every_file(bad_warehouse):
    warehouse, _ = bad_warehouse
    files = query(warehouse, "select * from meta.source_files where status <> 'skipped'")
    assert files.height == len(EXPECTED) - 0  # same_page_b is the skipped one; binary is failed
    assert files["n_lines"].null_count() == 0
    broken = files.filter(
        pl.col("n_lines") != pl.col("n_separator_lines") + pl.col("n_loaded_lines") + pl.col("n_quarantined_lines")
    )
    assert broken.is_empty()
    quarantined = query(warehouse, "select source_path, sum(n_lines) n from quarantine.records group by all")
    joined = files.join(quarantined, left_on="path", right_on="source_path", how="left").with_columns(pl.col("n").fill_null(0))
    assert (joined["n"] == joined["n_quarantined_lines"]).all()


def test_a_file_that_loads_nothing_is_failed_with_its_reason(bad_warehouse):
    """An empty file is `failed` in meta.source_files and counted in `n_files_failed` (it
    was `loaded`, its reason only in quarantine.records); a binary one too."""
    warehouse, summary = bad_warehouse
    files = query(warehouse, "select regexp_extract(path, '[^/]+$') name, status, reason from meta.source_files"
                             " where status = 'failed' order by name")
    assert files.rows() == [
        ("binary.txt", "failed", "file looks binary (NUL byte at offset 17, line 4)"),
        ("binary_utf8.txt", "failed", "file looks binary (NUL byte at offset 19, line 3)"),
        ("empty.txt", "failed", "file is empty"),
    ]
    assert summary["n_files_failed"] == 3


@pytest.mark.parametrize(("name", "owner"), [("nav_above_name.txt", "Jane Doe"), ("two_pages.txt", "Jane Doe")])
def test_the_owner_is_the_pages_own(bad_warehouse, name, owner):
    """`Home` above the name became the researcher; a second page's papers were credited
    to the first page's owner."""
    warehouse, _ = bad_warehouse
    rows = query(
        warehouse,
        "select p.name, p.name_inferred from staging.pages p join meta.source_files f using (file_sha256) where f.path like ?",
        [f"%/{name}"],
    ).rows()
    assert rows == [(owner, False)]
    authors = query(
        warehouse,
        """select distinct a.name from staging.entry_authors a join meta.source_files f using (file_sha256)
           where f.path like ? order by a.name""",
        [f"%/{name}"],
    )["name"].to_list()
    assert "Home" not in authors and "Ken Ito" not in authors
