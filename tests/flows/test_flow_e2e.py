"""The real Prefect flow into a temporary DuckDB file: the contract, re-runs, failures."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest

from pagekit import SEED_AS_OF
from profile_etl.flows.pipeline import profile_etl_flow
from profile_etl.schemas.core import CORE_MODELS
from profile_etl.settings import SAMPLE_DIR
from warehouse_kit import CONTRACT, query, table_checksums

pytestmark = pytest.mark.usefixtures("prefect_harness")


def _run(paths: list[Path], warehouse: Path, **kwargs) -> dict:
    kwargs.setdefault("as_of", SEED_AS_OF)
    return profile_etl_flow(paths=[str(p) for p in paths], warehouse=str(warehouse), **kwargs)


@pytest.fixture(scope="module")
def seed_warehouse(tmp_path_factory, seed_page, prefect_harness) -> Path:
    inputs = tmp_path_factory.mktemp("inputs")
    shutil.copy(seed_page, inputs / seed_page.name)
    for sample in SAMPLE_DIR.glob("*.txt"):
        shutil.copy(sample, inputs / sample.name)
    warehouse = tmp_path_factory.mktemp("wh") / "profiles.duckdb"
    summary = _run([inputs], warehouse)
    assert summary["n_files_loaded"] == 1 + len(list(SAMPLE_DIR.glob("*.txt")))
    return warehouse


def test_contract_tables_and_columns_exist(seed_warehouse):
    columns = query(seed_warehouse, "select table_schema || '.' || table_name as t, column_name as c from information_schema.columns")
    for table, expected in CONTRACT.items():
        present = set(columns.filter(pl.col("t") == table)["c"])
        assert set(expected) <= present, (table, set(expected) - present)


def test_core_tables_pass_their_pandera_models(seed_warehouse):
    for table, model in CORE_MODELS.items():
        model.validate(query(seed_warehouse, f"select * from {table}"), lazy=True)


def test_seed_page_acceptance(seed_warehouse):
    researcher = query(seed_warehouse, "select * from core.researchers where name = 'Yihua Zhang'")
    assert researcher.height == 1
    assert researcher["primary_category"].item() == "LG"
    assert researcher["name_inferred"].item() is False
    rid = researcher["researcher_id"].item()
    snap = query(seed_warehouse, "select * from core.profile_snapshots where researcher_id = ?", [rid]).row(0, named=True)
    assert (snap["h_index"], snap["paper_count"], snap["citations"]) == (42, 42, 1928)
    assert (snap["novelty_pct"], snap["ai_score"], snap["listed_papers"]) == (58, 66, 42)
    assert snap["as_of"] == SEED_AS_OF
    papers = query(
        seed_warehouse,
        "select p.* from core.papers p join core.profile_papers pp using (paper_id) where pp.researcher_id = ?",
        [rid],
    )
    assert papers.height == 42
    assert papers["has_code"].sum() == 19
    assert papers["published_year_inferred"].sum() == 4
    visual = papers.filter(pl.col("title") == "Visual prompting reimagined: The power of the Activation Prompts").row(0, named=True)
    assert (visual["category"], str(visual["published_on"])) == ("CV", "2026-04-07")
    score = query(seed_warehouse, "select score from core.profile_papers where paper_id = ?", [visual["paper_id"]]).item()
    assert score == 89.2
    owner_links = query(seed_warehouse, "select * from core.paper_authors where author_id = ?", [rid])
    assert owner_links.height == 42
    assert owner_links["position"].null_count() == 4
    pilot = query(
        seed_warehouse,
        """select a.name, pa.position, p.authors_truncated from core.papers p
           join core.paper_authors pa using (paper_id) join core.authors a using (author_id)
           where p.title = 'A Pilot Study of Query-Free Adversarial Attack against Stable Diffusion'
           order by pa.position""",
    )
    assert pilot["name"].to_list() == ["Haomin Zhuang", "Yihua Zhang", "Sijia Liu"]
    assert pilot["authors_truncated"].to_list() == [False] * 3
    pruning = papers.filter(pl.col("title").str.starts_with("Pruning then Reweighting"))
    assert pruning["code_url"].item() == "https://github.com/Yeez-lee/Data-Selection-and-Reweighting-for-Diffusion-Models"
    categories = query(seed_warehouse, "select * from core.categories order by code")
    lg = categories.filter(pl.col("code") == "LG").row(0, named=True)
    assert (lg["arxiv_id"], lg["name"]) == ("cs.LG", "Machine Learning")
    assert categories.filter(pl.col("code") == "ML")["arxiv_id"].to_list() in ([], ["stat.ML"])


def test_warehouse_invariants(seed_warehouse):
    for table, key in {
        "core.researchers": "researcher_id", "core.papers": "paper_id", "core.authors": "author_id",
        "core.paper_authors": "paper_id, author_id", "core.profile_papers": "researcher_id, paper_id, as_of",
        "core.profile_snapshots": "researcher_id, as_of", "core.categories": "code",
    }.items():
        dupes = query(seed_warehouse, f"select {key}, count(*) n from {table} group by all having n > 1")
        assert dupes.is_empty(), table
    orphans = query(seed_warehouse, "select * from core.paper_authors where paper_id not in (select paper_id from core.papers) or author_id not in (select author_id from core.authors)")
    assert orphans.is_empty()
    orphans = query(seed_warehouse, "select * from core.profile_papers where paper_id not in (select paper_id from core.papers) or researcher_id not in (select researcher_id from core.researchers)")
    assert orphans.is_empty()
    accounting = query(seed_warehouse, "select * from meta.source_files where n_lines <> n_separator_lines + n_loaded_lines + n_quarantined_lines")
    assert accounting.is_empty()


def test_second_run_changes_no_row(seed_warehouse):
    before = table_checksums(seed_warehouse)
    inputs = Path(query(seed_warehouse, "select min(path) p from meta.source_files")["p"].item()).parent
    summary = _run([inputs], seed_warehouse)
    assert summary["n_files_skipped"] == summary["n_files_offered"] > 0
    assert summary["n_files_loaded"] == 0
    assert table_checksums(seed_warehouse) == before
    # Every current file has the stat signature that lets the next run skip it unread.
    unread = query(seed_warehouse, "select count(*) n from meta.source_files where is_current and (modified_ns is null or changed_ns is null)")
    assert unread["n"].item() == 0
    first_seen = query(seed_warehouse, "select path, first_seen_at from meta.source_files order by path").rows()
    refreshed = _run([inputs], seed_warehouse, full_refresh=True)
    assert refreshed["n_files_loaded"] == refreshed["n_files_offered"]
    # A refresh reprocesses the files; when they were first seen stays (a contract column).
    assert query(seed_warehouse, "select path, first_seen_at from meta.source_files order by path").rows() == first_seen
    after = table_checksums(seed_warehouse)
    assert {k: v for k, v in after.items() if k != "quarantine.records"} == {
        k: v for k, v in before.items() if k != "quarantine.records"
    }


def test_untouched_files_are_not_read_again_identical_copies_included(tmp_path, monkeypatch):
    from profile_etl.flows import sources

    inputs = tmp_path / "in"
    inputs.mkdir()
    page = next(SAMPLE_DIR.glob("*.txt")).read_bytes()
    (inputs / "a.txt").write_bytes(page)
    (inputs / "copy_of_a.txt").write_bytes(page)  # recorded as skipped: a's content
    warehouse = tmp_path / "w.duckdb"
    first = _run([inputs], warehouse)
    assert (first["n_files_loaded"], first["n_files_skipped"]) == (1, 1)
    before = table_checksums(warehouse)

    read: list[str] = []
    real_read = sources._read_bytes
    monkeypatch.setattr(sources, "_read_bytes", lambda path: read.append(path.name) or real_read(path))
    again = _run([inputs], warehouse)
    assert read == []  # neither the file nor its copy was opened
    assert again["n_files_skipped"] == 2 and table_checksums(warehouse) == before

    (inputs / "copy_of_a.txt").write_bytes(page.replace(b"\n", b"\r\n"))  # the copy is edited
    edited = _run([inputs], warehouse)
    assert read == ["copy_of_a.txt"] and edited["n_files_loaded"] == 1


def test_a_copy_is_loaded_under_its_own_name_once_the_original_changes(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    page = next(SAMPLE_DIR.glob("*.txt")).read_bytes()
    (inputs / "a.txt").write_bytes(page)
    (inputs / "b.txt").write_bytes(page)
    warehouse = tmp_path / "w.duckdb"
    _run([inputs], warehouse)
    (inputs / "a.txt").write_bytes(page + b"\n")  # a's content changes; b still holds the old one
    _run([inputs], warehouse)
    _run([inputs], warehouse)
    status = query(warehouse, "select path, status from meta.source_files where is_current order by path")
    assert status.rows() == [(str(inputs / "a.txt"), "loaded"), (str(inputs / "b.txt"), "loaded")]


def test_a_file_name_that_is_not_utf8_loads_under_an_escaped_name(tmp_path):
    import os

    inputs = tmp_path / "in"
    inputs.mkdir()
    pages = sorted(SAMPLE_DIR.glob("*.txt"))[:2]
    shutil.copy(pages[0], inputs / "ok.txt")
    shutil.copy(pages[1], inputs / os.fsdecode(b"bad\xffname.txt"))
    warehouse = tmp_path / "w.duckdb"
    summary = _run([inputs], warehouse)
    assert summary["n_files_loaded"] == 2
    paths = query(warehouse, "select path from meta.source_files order by path")["path"].to_list()
    assert paths == [f"{inputs}/bad\\xffname.txt", f"{inputs}/ok.txt"]
    assert query(warehouse, "select count(distinct source_path) n from staging.pages")["n"].item() == 2
    again = _run([inputs], warehouse)  # untouched: both skipped unread, by the same name
    assert again["n_files_skipped"] == 2


def test_a_replacement_character_is_damage_only_where_the_bytes_were_not_utf8(tmp_path):
    from profile_etl.flows.pipeline import rebuild_flow

    inputs = tmp_path / "in"
    inputs.mkdir()
    entry = "LGAug 2, 2023\nReplacement {} Char Paper\n\nJane Roe\n\nabs.\n"
    (inputs / "sent.txt").write_text("Jane Roe\n" + entry.format("\ufffd"), encoding="utf-8")
    (inputs / "broken.txt").write_bytes(("Ann Lee\n" + entry.format("\udcff")).encode("utf-8", "surrogateescape"))
    warehouse = tmp_path / "w.duckdb"
    _run([inputs], warehouse)
    sql = "select source_path, count(*) n from staging.entries join staging.pages using (file_sha256) group by all"
    assert query(warehouse, sql).rows() == [(str(inputs / "sent.txt"), 1)]
    assert query(warehouse, "select reason from quarantine.records")["reason"].to_list() == [
        "entry is not valid UTF-8 (line 3: undecodable bytes, shown as U+FFFD)"]
    before = table_checksums(warehouse)
    rebuild_flow(warehouse=str(warehouse))  # the stored texts keep the distinction
    after = table_checksums(warehouse)
    assert {k: v for k, v in after.items() if k not in {"quarantine.records", "meta.runs"}} == {
        k: v for k, v in before.items() if k not in {"quarantine.records", "meta.runs"}}
    assert query(warehouse, "select count(*) n from quarantine.records")["n"].item() == 1


def test_a_full_refresh_keeps_the_date_a_text_was_first_parsed_with(tmp_path):
    import datetime as dt

    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "p.txt").write_text("Jane Doe\n\nLGDec 5\nA Paper\n\nJane Doe, Li Wei\n\nAbs.\n")
    warehouse = tmp_path / "w.duckdb"
    dates = "select published_on from core.papers"
    _run([inputs], warehouse, as_of=dt.date(2026, 2, 1))
    assert query(warehouse, dates)["published_on"].to_list() == [dt.date(2025, 12, 5)]
    _run([inputs], warehouse, as_of=dt.date(2026, 12, 20))  # the same text under a later date
    before = table_checksums(warehouse)
    _run([inputs], warehouse, as_of=dt.date(2026, 12, 20), full_refresh=True)
    assert query(warehouse, dates)["published_on"].to_list() == [dt.date(2025, 12, 5)]
    after = table_checksums(warehouse)
    assert {k: v for k, v in after.items() if k != "quarantine.records"} == {
        k: v for k, v in before.items() if k != "quarantine.records"}


def test_changed_content_replaces_the_old_rows(tmp_path):
    page = tmp_path / "in" / "p.txt"
    page.parent.mkdir()
    page.write_text("Jane Doe\nh-index 3\nLGJan 5, 2024\nOld title\nJane Doe\nA.\n", encoding="utf-8")
    warehouse = tmp_path / "w.duckdb"
    _run([page.parent], warehouse)
    page.write_text("Jane Doe\nh-index 4\nLGJan 5, 2024\nNew title\nJane Doe\nA.\n", encoding="utf-8")
    _run([page.parent], warehouse)
    assert query(warehouse, "select title from core.papers")["title"].to_list() == ["New title"]
    assert query(warehouse, "select h_index from core.profile_snapshots")["h_index"].to_list() == [4]
    assert query(warehouse, "select count(*) n from meta.source_files where is_current")["n"].item() == 1


def test_failed_load_leaves_the_warehouse_as_it_was(tmp_path, monkeypatch):
    from profile_etl.warehouse import load

    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a.txt").write_text("Jane Doe\nLGJan 5, 2024\nA title\nJane Doe\nA.\n", encoding="utf-8")
    warehouse = tmp_path / "w.duckdb"
    _run([inputs], warehouse)
    before = table_checksums(warehouse)
    (inputs / "b.txt").write_text("Li Wei\nLGJan 6, 2024\nAnother\nLi Wei\nB.\n", encoding="utf-8")

    def explode(con):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(load, "rebuild_core", explode)
    with pytest.raises(RuntimeError, match="disk on fire"):
        _run([inputs], warehouse)
    assert table_checksums(warehouse) == before
    runs = query(warehouse, "select status, message from meta.runs order by started_at")
    assert runs["status"].to_list() == ["completed", "failed"]
    assert "disk on fire" in runs["message"].to_list()[-1]


def test_every_core_row_carries_its_lineage(seed_warehouse):
    papers = query(seed_warehouse, "select title, category, source_path, source_line_no, first_seen_as_of, last_seen_as_of from core.papers")
    assert papers["source_path"].null_count() == 0 and papers["source_line_no"].null_count() == 0
    assert (papers["first_seen_as_of"] == SEED_AS_OF).all() and (papers["last_seen_as_of"] == SEED_AS_OF).all()
    for row in papers.iter_rows(named=True):
        lines = Path(row["source_path"]).read_text(encoding="utf-8-sig").splitlines()
        meta_line = lines[row["source_line_no"] - 1]
        assert row["category"] in meta_line  # the entry's meta line...
        following = [line.strip() for line in lines[row["source_line_no"]:] if line.strip()]
        assert following[0].startswith(row["title"][:20])  # ...followed by its title (or title+authors)
    for table in ("core.researchers", "core.profile_snapshots", "core.paper_authors", "core.profile_papers"):
        missing = query(seed_warehouse, f"select count(*) n from {table} where source_path is null")
        assert missing["n"].item() == 0, table
    for table in ("core.paper_authors", "core.profile_papers"):
        missing = query(seed_warehouse, f"select count(*) n from {table} where source_line_no is null")
        assert missing["n"].item() == 0, table
    # A researcher's line is their header's name line; an inferred owner has no such line.
    headerless = query(seed_warehouse, "select count(*) n from core.researchers where (source_line_no is null) <> name_inferred")
    assert headerless["n"].item() == 0


def test_a_content_that_comes_back_is_loaded_again(tmp_path):
    x = "Jane Doe\nh-index 3\nLGJan 5, 2024\nPaper X\nJane Doe\nA.\n"
    y = "Jane Doe\nh-index 4\nLGJan 5, 2024\nPaper Y\nJane Doe\nB.\n"
    folder = tmp_path / "in"
    folder.mkdir()
    page = folder / "a.txt"
    warehouse = tmp_path / "w.duckdb"
    for text in (x, y, x):
        page.write_text(text, encoding="utf-8")
        _run([folder], warehouse)
    assert query(warehouse, "select title from core.papers")["title"].to_list() == ["Paper X"]
    page.write_text(y, encoding="utf-8")
    _run([folder], warehouse)
    (folder / "b.txt").write_text(x, encoding="utf-8")  # X again, under a new name, after it went stale
    _run([folder], warehouse)
    assert sorted(query(warehouse, "select title from core.papers")["title"].to_list()) == ["Paper X", "Paper Y"]
    copy = tmp_path / "copy.duckdb"
    shutil.copy(warehouse, copy)
    from profile_etl.flows.pipeline import rebuild_flow

    rebuild_flow(warehouse=str(copy))
    assert sorted(query(copy, "select title from core.papers")["title"].to_list()) == ["Paper X", "Paper Y"]


def _older_then_newer(tmp_path: Path, older_page: str, newer_page: str) -> Path:
    """Load one page as of 2026-01-01, then another (in its own folder) as of 2026-06-01."""
    import datetime as dt

    warehouse = tmp_path / "w.duckdb"
    for folder, text, as_of in (("older", older_page, dt.date(2026, 1, 1)), ("newer", newer_page, dt.date(2026, 6, 1))):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "page.txt").write_text(text, encoding="utf-8")
        profile_etl_flow(paths=[str(tmp_path / folder)], warehouse=str(warehouse), as_of=as_of)
    return warehouse


def test_a_page_owner_stays_an_author_when_the_newest_listing_hides_them(tmp_path):
    warehouse = _older_then_newer(
        tmp_path,
        "Bo Berg\nLGJan 5, 2024\nShared Paper\nAna Alves, Xi Xu, Bo Berg\nA.\n",
        "Ana Alves\nLGJan 5, 2024\nShared Paper\nAna Alves, Xi Xu et al.\nA.\n",
    )
    authors = query(
        warehouse,
        "select a.name, pa.position from core.paper_authors pa join core.authors a using (author_id) order by a.name",
    )
    assert authors.rows() == [("Ana Alves", 1), ("Bo Berg", None), ("Xi Xu", 2)]


def test_a_page_rewritten_in_place_on_a_new_date_builds_history(tmp_path):
    import datetime as dt

    folder = tmp_path / "in"
    folder.mkdir()
    page = folder / "jane.txt"
    warehouse = tmp_path / "w.duckdb"

    def scrape(h_index: int, title: str, as_of: dt.date) -> None:
        page.write_text(f"Jane Doe\nh-index {h_index}\nLGJan 5, 2024\n{title}\nJane Doe\nA.\n", encoding="utf-8")
        profile_etl_flow(paths=[str(folder)], warehouse=str(warehouse), as_of=as_of)

    scrape(3, "Paper X", dt.date(2026, 1, 1))
    scrape(4, "Paper Y", dt.date(2026, 6, 1))  # the scraper rewrote the same file later
    history = query(warehouse, "select as_of, h_index, h_index_change from analytics.metric_history order by as_of")
    assert history.rows() == [(dt.date(2026, 1, 1), 3, None), (dt.date(2026, 6, 1), 4, 1)]
    papers = query(warehouse, "select title, last_seen_as_of from core.papers order by title")
    assert papers.rows() == [("Paper X", dt.date(2026, 1, 1)), ("Paper Y", dt.date(2026, 6, 1))]
    scrape(5, "Paper Y", dt.date(2026, 6, 1))  # a correction of the same date replaces it
    history = query(warehouse, "select as_of, h_index from analytics.metric_history order by as_of")
    assert history.rows() == [(dt.date(2026, 1, 1), 3), (dt.date(2026, 6, 1), 5)]
    assert query(warehouse, "select count(*) n from meta.source_files where is_current")["n"].item() == 1


def test_an_unchanged_page_offered_under_a_new_date_is_that_dates_snapshot(tmp_path):
    """The same text fetched again later (the same file with a new --as-of, or a copy in
    the next day's folder) is not parsed again, but it is the researcher's snapshot of
    that day: one row per researcher per as_of date."""
    import datetime as dt

    day1, day2, day3 = dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)
    page = "Jane Doe\nh-index 3\nLGJan 5, 2024\nPaper X\nJane Doe, Li Wei\nA.\n"
    (tmp_path / "d1").mkdir()
    (tmp_path / "d1" / "jane.txt").write_text(page, encoding="utf-8")
    warehouse = tmp_path / "w.duckdb"
    profile_etl_flow(paths=[str(tmp_path / "d1")], warehouse=str(warehouse), as_of=day1)
    before = table_checksums(warehouse, ["core.profile_snapshots"])
    summary = profile_etl_flow(paths=[str(tmp_path / "d1")], warehouse=str(warehouse), as_of=day2)
    assert (summary["n_files_skipped"], summary["n_files_loaded"]) == (1, 0)  # not parsed again
    (tmp_path / "d3").mkdir()
    shutil.copy(tmp_path / "d1" / "jane.txt", tmp_path / "d3" / "jane.txt")
    profile_etl_flow(paths=[str(tmp_path / "d3")], warehouse=str(warehouse), as_of=day3)

    snapshots = query(warehouse, "select as_of, h_index, source_path from core.profile_snapshots order by as_of")
    assert snapshots["as_of"].to_list() == [day1, day2, day3]
    assert snapshots["h_index"].to_list() == [3, 3, 3]
    assert [Path(p).parent.name for p in snapshots["source_path"]] == ["d1", "d1", "d3"]
    assert before != table_checksums(warehouse, ["core.profile_snapshots"])
    listed = query(warehouse, "select as_of, count(*) n from core.profile_papers group by as_of order by as_of")
    assert listed.rows() == [(day1, 1), (day2, 1), (day3, 1)]
    assert query(warehouse, "select latest_as_of from core.researchers")["latest_as_of"].to_list() == [day3]
    paper = query(warehouse, "select published_on, first_seen_as_of, last_seen_as_of from core.papers").row(0)
    assert paper == (dt.date(2024, 1, 5), day1, day3)

    # Offering the same again changes nothing; so does a rebuild from the stored pages.
    after = table_checksums(warehouse)
    profile_etl_flow(paths=[str(tmp_path / "d3")], warehouse=str(warehouse), as_of=day3)
    assert table_checksums(warehouse) == after
    from profile_etl.flows.pipeline import rebuild_flow

    rebuild_flow(warehouse=str(warehouse))
    assert table_checksums(warehouse) == after


_X = "Jane Doe\nh-index 3\nLGJan 5, 2024\nPaper X\nJane Doe\nA.\nLGJan 6, 2024\nPaper Z\nJane Doe\nB.\n"
_Y = "Jane Doe\nh-index 4\nLGJan 5, 2024\nPaper X\nJane Doe\nA.\n"  # a correction: fewer papers
_Z = "Jane Doe\nh-index 9\nLGJan 7, 2024\nPaper W\nJane Doe\nC.\n"


def _offer(tmp_path: Path, warehouse: Path, offers: list[tuple[str, str, int]]) -> dict[str, list]:
    """Write each (file name, text, day of January 2026) into `in/` and run it; return
    the snapshots as {as_of day: h_index} and the core tables' checksums."""
    import datetime as dt

    folder = tmp_path / "in"
    folder.mkdir(exist_ok=True)
    for name, text, day in offers:
        for old in folder.iterdir():
            old.unlink()
        (folder / name).write_text(text, encoding="utf-8")
        profile_etl_flow(paths=[str(folder)], warehouse=str(warehouse), as_of=dt.date(2026, 1, day))
    rows = query(warehouse, "select as_of, h_index from core.profile_snapshots order by as_of").rows()
    return {as_of.day: h_index for as_of, h_index in rows}


def test_a_correction_replaces_its_own_date_only(tmp_path):
    """X on day 1, corrected by Y on day 1, then X offered again on day 2: day 1 is Y,
    day 2 is X; the correction is not undone and day 2 does not steal day 1."""
    snapshots = _offer(tmp_path, tmp_path / "w.duckdb", [("p.txt", _X, 1), ("p.txt", _Y, 1), ("p.txt", _X, 2)])
    assert snapshots == {1: 4, 2: 3}


def test_a_later_rewrite_leaves_earlier_dates_as_they_were(tmp_path):
    """X on days 1 and 2 at p.txt, Z (another page of Jane's, fewer papers) at q.txt on day
    2, then p.txt rewritten with Y on day 3: days 1 and 2 keep X, as if each scrape had its
    own file."""
    snapshots = _offer(tmp_path, tmp_path / "w.duckdb",
                       [("p.txt", _X, 1), ("p.txt", _X, 2), ("q.txt", _Z, 2), ("p.txt", _Y, 3)])
    assert snapshots == {1: 3, 2: 3, 3: 4}


def test_the_same_offers_in_another_order_give_the_same_tables(tmp_path):
    """X on day 1, X on day 2, Y correcting day 1, in two orders: the same warehouse."""
    first = tmp_path / "a"
    second = tmp_path / "b"
    first.mkdir()
    second.mkdir()
    a = _offer(first, first / "w.duckdb", [("p.txt", _X, 1), ("p.txt", _X, 2), ("p.txt", _Y, 1)])
    b = _offer(second, second / "w.duckdb", [("p.txt", _X, 1), ("p.txt", _Y, 1), ("p.txt", _X, 2)])
    assert a == b == {1: 4, 2: 3}
    for table in (t for t in CONTRACT if t.startswith("core.")):
        columns = query(first / "w.duckdb", f"select * from {table} limit 0").columns
        # The two warehouses' inputs are in different folders: their lineage paths differ.
        sql = f"select * exclude (source_path) from {table}" if "source_path" in columns else f"select * from {table}"
        assert query(first / "w.duckdb", sql).sort(pl.all()).equals(query(second / "w.duckdb", sql).sort(pl.all())), table


def test_categories_hold_every_code_seen_not_only_the_winning_listings(tmp_path):
    warehouse = _older_then_newer(
        tmp_path,
        "Bob Berg\nCV\nMLJan 5, 2024\nJoint Work\nBob Berg, Ana Alves\nA.\n",
        "Bob Berg\nLG\nLGJan 5, 2024\nJoint Work\nBob Berg, Ana Alves\nA.\n",
    )
    assert query(warehouse, "select category from core.papers")["category"].to_list() == ["LG"]
    codes = query(warehouse, "select code, arxiv_id from core.categories order by code")
    assert codes.rows() == [("CV", "cs.CV"), ("LG", "cs.LG"), ("ML", "stat.ML")]


def test_a_researcher_and_their_latest_snapshot_come_from_the_same_page(tmp_path):
    """Two pages of one researcher on one date: the snapshot takes the one listing more
    papers, and so must core.researchers (its category used to come from the other page,
    picked by the smaller hash, so researcher_latest mixed the two pages)."""
    import datetime as dt

    folder = tmp_path / "in"
    folder.mkdir()
    small = "Jane Doe\nCV\nh-index 3\nLGJan 5, 2024\nPaper X\nJane Doe\nA.\n"
    big = "Jane Doe\nLG\nh-index 5\nLGJan 5, 2024\nPaper X\nJane Doe\nA.\nLGJan 6, 2024\nPaper Z\nJane Doe\nB.\n"
    (folder / "a_small.txt").write_text(small, encoding="utf-8")
    (folder / "b_big.txt").write_text(big, encoding="utf-8")
    warehouse = tmp_path / "w.duckdb"
    profile_etl_flow(paths=[str(folder)], warehouse=str(warehouse), as_of=dt.date(2026, 1, 10))
    row = query(
        warehouse,
        "select r.primary_category, r.source_file_sha256 = s.source_file_sha256 as same_page, r.source_path,"
        " l.primary_category as latest_category, l.h_index"
        " from core.researchers r join core.profile_snapshots s using (researcher_id)"
        " join analytics.researcher_latest l using (researcher_id)",
    ).row(0, named=True)
    assert row["same_page"] and row["primary_category"] == row["latest_category"] == "LG"
    assert row["h_index"] == 5 and row["source_path"].endswith("b_big.txt")


_YEARLESS = "Kim Ray\nLG\nh-index 3\nLGDec 5\nWinter Paper\nKim Ray, Lou Tam\nA.\nLGMar 3, 2024\nSpring Paper\nKim Ray, Lou Tam\nB.\n"


@pytest.mark.parametrize("days", [("2026-01-10", "2026-12-20"), ("2026-12-20", "2026-01-10")])
def test_a_yearless_date_resolves_against_the_earliest_date_whatever_the_order(tmp_path, days):
    """The same text offered under two dates, in either order: `Dec 5` is the Dec 5 before
    the earliest date (2025-12-05), not the one before whichever date came first (it used to
    be 2026-12-05 when 2026-12-20 came first: a paper listed on 2026-01-10 published later)."""
    import datetime as dt

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "kim.txt").write_text(_YEARLESS, encoding="utf-8")
    warehouse = tmp_path / "w.duckdb"
    for day in days:
        profile_etl_flow(paths=[str(folder)], warehouse=str(warehouse), as_of=dt.date.fromisoformat(day))
    papers = query(warehouse, "select title, published_on, first_seen_as_of from core.papers order by title")
    assert papers.rows() == [
        ("Spring Paper", dt.date(2024, 3, 3), dt.date(2026, 1, 10)),
        ("Winter Paper", dt.date(2025, 12, 5), dt.date(2026, 1, 10)),
    ]
    assert query(warehouse, "select as_of from meta.source_files").rows() == [(dt.date(2026, 1, 10),)]
    assert query(warehouse, "select count(*) from core.profile_snapshots").item() == 2


def test_a_full_refresh_keeps_the_date_a_text_was_parsed_with(tmp_path):
    """`--full-refresh` under a later date parses with the first date and records that one
    in meta.source_files.as_of (it used to record the run's date there)."""
    import datetime as dt

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "kim.txt").write_text(_YEARLESS, encoding="utf-8")
    warehouse = tmp_path / "w.duckdb"
    profile_etl_flow(paths=[str(folder)], warehouse=str(warehouse), as_of=dt.date(2026, 1, 10))
    profile_etl_flow(paths=[str(folder)], warehouse=str(warehouse), as_of=dt.date(2026, 12, 20), full_refresh=True)
    assert query(warehouse, "select as_of from meta.source_files").rows() == [(dt.date(2026, 1, 10),)]
    assert query(warehouse, "select distinct as_of from staging.pages").rows() == [(dt.date(2026, 1, 10),)]
    assert query(warehouse, "select published_on from core.papers where title = 'Winter Paper'").item() == dt.date(2025, 12, 5)


def test_a_text_that_comes_back_later_keeps_its_earliest_date(tmp_path):
    """p.txt holds the year-less page on 2026-01-10, another text on 2026-06-01, and the
    first text again on 2026-12-20: its `Dec 5` stays 2025-12-05 (it used to be re-dated
    2026-12-05, after the 2026-01-10 snapshot that lists it)."""
    import datetime as dt

    folder = tmp_path / "in"
    folder.mkdir()
    warehouse = tmp_path / "w.duckdb"
    other = "Kim Ray\nLG\nh-index 4\nLGMar 3, 2024\nSpring Paper\nKim Ray, Lou Tam\nB.\n"
    for text, day in ((_YEARLESS, "2026-01-10"), (other, "2026-06-01"), (_YEARLESS, "2026-12-20")):
        (folder / "p.txt").write_text(text, encoding="utf-8")
        profile_etl_flow(paths=[str(folder)], warehouse=str(warehouse), as_of=dt.date.fromisoformat(day))
    assert query(warehouse, "select published_on from core.papers where title = 'Winter Paper'").item() == dt.date(2025, 12, 5)
    dates = query(warehouse, "select as_of from core.profile_snapshots order by as_of")["as_of"].to_list()
    assert [d.isoformat() for d in dates] == ["2026-01-10", "2026-06-01", "2026-12-20"]


@pytest.mark.parametrize("refetch", ["Jane Doe\n\x00\x01garbage", "", "\n\n", "<html><body>503</body></html>\n",
                                     "Service Unavailable\n\nThe server is temporarily unable to service your request.\n",
                                     # a name and entries that are all quarantined: no profile,
                                     # though it lists more papers than the day's page
                                     "Jane Doe\nQQOct 1, 2023\nT1\nJane Doe, Li Wei\nA.\nQQOct 2, 2023\nT2\nJane Doe, Li Wei\nB.\n"
                                     "QQOct 3, 2023\nT3\nJane Doe, Li Wei\nC.\n"])
def test_a_failed_refetch_of_the_same_day_does_not_replace_the_page(tmp_path, refetch):
    """A binary, empty, blank or garbage file written over a good page on the same date is
    recorded and quarantined, but is no correction: the day keeps its page (it used to lose
    its researcher, snapshot and papers). A good page of that day still corrects it."""
    warehouse = tmp_path / "w.duckdb"
    assert _offer(tmp_path, warehouse, [("p.txt", _X, 1), ("p.txt", refetch, 1)]) == {1: 3}
    assert query(warehouse, "select count(*) from core.papers").item() == 2
    assert query(warehouse, "select count(*) from quarantine.records").item() >= 1
    assert _offer(tmp_path, warehouse, [("p.txt", _Y, 1)]) == {1: 4}
    assert query(warehouse, "select count(*) from core.papers").item() == 1


def test_copies_dated_by_modification_time_parse_with_the_earliest_date_across_batches(tmp_path):
    """Two identical pages without `--as-of`, dated by their modification times, in two
    batches with the later one first: the text is parsed with the earlier date (the second
    batch's copy used to be dropped as already loaded)."""
    import datetime as dt
    import os

    folder = tmp_path / "in"
    folder.mkdir()
    for name, day in (("a_late.txt", dt.datetime(2026, 12, 20, 12)), ("b_early.txt", dt.datetime(2026, 1, 10, 12))):
        (folder / name).write_text(_YEARLESS, encoding="utf-8")
        os.utime(folder / name, (day.timestamp(), day.timestamp()))
    warehouse = tmp_path / "w.duckdb"
    profile_etl_flow(paths=[str(folder)], warehouse=str(warehouse), batch_size=1)
    assert query(warehouse, "select published_on from core.papers where title = 'Winter Paper'").item() == dt.date(2025, 12, 5)
    assert query(warehouse, "select count(*) from staging.pages").item() == 1
    dates = query(warehouse, "select as_of from core.profile_snapshots order by as_of")["as_of"].to_list()
    assert [d.isoformat() for d in dates] == ["2026-01-10", "2026-12-20"]



def _run_offers(warehouse: Path, folder: Path, offers: list[tuple[str, str, str]]) -> None:
    """Write each (file name, text, date) into `folder` (other files stay) and run that file."""
    import datetime as dt

    folder.mkdir(parents=True, exist_ok=True)
    for name, text, day in offers:
        (folder / name).write_text(text, encoding="utf-8")
        profile_etl_flow(paths=[str(folder / name)], warehouse=str(warehouse), as_of=dt.date.fromisoformat(day))


_OTHER = "Bob Roe\nCV\nh-index 5\nCVJan 5, 2025\nRobust Gadget Detection\nBob Roe, Ann Lee\nWe detect.\n"


def test_a_correction_that_removes_the_earliest_offer_redates_the_text(tmp_path):
    """X at a.txt on 12-15, X at b.txt on 03-01 (parsed again with 03-01), then b.txt
    corrected to another page on 03-01: X is now offered only on 12-15, and its tables are
    those of the same offers in the other order (X stayed parsed with 03-01 before)."""
    first, second = tmp_path / "one", tmp_path / "two"
    _run_offers(first / "w.duckdb", first / "d", [
        ("a.txt", _YEARLESS, "2026-12-15"), ("b.txt", _YEARLESS, "2026-03-01"), ("b.txt", _OTHER, "2026-03-01")])
    _run_offers(second / "w.duckdb", second / "d", [
        ("b.txt", _YEARLESS, "2026-03-01"), ("b.txt", _OTHER, "2026-03-01"), ("a.txt", _YEARLESS, "2026-12-15")])
    import datetime as dt

    for warehouse in (first / "w.duckdb", second / "w.duckdb"):
        assert query(warehouse, "select published_on from core.papers where title = 'Winter Paper'").item() == dt.date(2026, 12, 5)
        assert query(warehouse, "select as_of from meta.source_files where path like '%a.txt'").item() == dt.date(2026, 12, 15)
    for table in (t for t in CONTRACT if t.startswith("core.")):
        columns = query(first / "w.duckdb", f"select * from {table} limit 0").columns
        sql = f"select * exclude (source_path) from {table}" if "source_path" in columns else f"select * from {table}"
        assert query(first / "w.duckdb", sql).sort(pl.all()).equals(query(second / "w.duckdb", sql).sort(pl.all())), table


def test_every_path_of_a_text_records_the_date_it_was_parsed_with(tmp_path):
    """X at a.txt on 12-15, then at b.txt on 03-01: both rows of meta.source_files say
    03-01 (a.txt kept 12-15, though the text was parsed again with 03-01)."""
    import datetime as dt

    warehouse = tmp_path / "w.duckdb"
    _run_offers(warehouse, tmp_path / "d", [("a.txt", _YEARLESS, "2026-12-15"), ("b.txt", _YEARLESS, "2026-03-01")])
    assert query(warehouse, "select distinct as_of from meta.source_files").rows() == [(dt.date(2026, 3, 1),)]
    assert query(warehouse, "select distinct as_of from staging.pages").rows() == [(dt.date(2026, 3, 1),)]


def test_run_counts_do_not_depend_on_the_batch_size(tmp_path):
    """Identical copies dated by modification time, the later one in the first batch: the
    text is parsed again with the earlier date, but counted once (batch size 1 counted its
    entries and quarantined records twice)."""
    import datetime as dt
    import os

    summaries = []
    for batch_size in (1, 100):
        folder = tmp_path / f"in{batch_size}"
        folder.mkdir()
        for name, day in (("a.txt", dt.datetime(2026, 12, 15, 12)), ("b.txt", dt.datetime(2025, 12, 31, 12))):
            # `Jan 5, 2026` loads under the later date and is quarantined under the earlier one.
            (folder / name).write_text(_YEARLESS + "LGJan 5, 2026\nNew Year\nKim Ray\nC.\n", encoding="utf-8")
            os.utime(folder / name, (day.timestamp(), day.timestamp()))
        warehouse = folder / "w.duckdb"
        summary = profile_etl_flow(paths=[str(folder)], warehouse=str(warehouse), batch_size=batch_size)
        n_quarantined = query(warehouse, "select count(*) from quarantine.records").item()
        summaries.append({k: summary[k] for k in ("n_files_loaded", "n_entries_loaded", "n_records_quarantined")})
        assert summary["n_records_quarantined"] == n_quarantined == 1
        assert summary["n_entries_loaded"] == query(warehouse, "select count(*) from staging.entries").item() == 2
        assert query(warehouse, "select published_on from core.papers where title = 'Winter Paper'").item() == dt.date(2025, 12, 5)
    assert summaries[0] == summaries[1]


def test_the_researcher_comes_from_the_snapshot_page_even_when_its_name_is_inferred(tmp_path):
    """A named page listing one paper and a page without a name listing two, same date: the
    snapshot takes the second, and so do core.researchers' category and lineage; the name
    is still the header's."""
    import datetime as dt

    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "p1.txt").write_text("Jane Doe\nLG\nh-index 10\nLGMar 3, 2024\nWidgets\nJane Doe, Ravi Kumar\nA.\n", encoding="utf-8")
    (folder / "p2.txt").write_text(
        "CV\nh-index 99\nCVMar 3, 2024\nGadgets\nJane Doe, Tom Smith\nB.\nCVJan 9, 2023\nSparse\nJane Doe, Lin Wu\nC.\n",
        encoding="utf-8")
    warehouse = tmp_path / "w.duckdb"
    profile_etl_flow(paths=[str(folder)], warehouse=str(warehouse), as_of=dt.date(2026, 6, 1))
    row = query(warehouse, "select r.name, r.name_inferred, l.primary_category, l.h_index, r.source_path"
                           " from core.researchers r join analytics.researcher_latest l using (researcher_id)").row(0)
    assert row[:4] == ("Jane Doe", False, "CV", 99) and row[4].endswith("p2.txt")


def test_files_that_cannot_be_read_are_in_meta_source_files(tmp_path):
    """`meta.source_files` holds every file offered, loaded or not: a named pipe and a link
    to nothing are `failed` rows without a content hash (they were only in quarantine).
    Offered again, they stay one row each; once readable, the path's new content is current."""
    import datetime as dt
    import os

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(_X, encoding="utf-8")
    (folder / "gone.txt").symlink_to(folder / "nowhere.txt")
    os.mkfifo(folder / "pipe.txt")
    warehouse = tmp_path / "w.duckdb"
    sql = ("select regexp_extract(path, '[^/]+$') name, file_sha256 is null no_hash, status, reason, is_current"
           " from meta.source_files order by name, is_current")
    for _ in range(2):
        summary = profile_etl_flow(paths=[str(folder)], warehouse=str(warehouse), as_of=dt.date(2026, 1, 1))
        assert query(warehouse, sql).rows() == [
            ("gone.txt", True, "failed", "cannot read file: No such file or directory", True),
            ("good.txt", False, "loaded", None, True),
            ("pipe.txt", True, "failed", "cannot read file: not a regular file (a named pipe)", True),
        ]
    assert summary["n_files_failed"] == 2
    assert query(warehouse, "select count(*) from analytics.line_accounting where not is_balanced").item() == 0
    (folder / "gone.txt").unlink()
    (folder / "gone.txt").write_text(_Z, encoding="utf-8")
    profile_etl_flow(paths=[str(folder)], warehouse=str(warehouse), as_of=dt.date(2026, 1, 2))
    rows = query(warehouse, sql).filter(pl.col("name") == "gone.txt").select("no_hash", "status", "is_current").rows()
    assert rows == [(True, "failed", False), (False, "loaded", True)]



def test_a_redated_texts_quarantine_rows_name_the_path_that_holds_it(tmp_path):
    """After the correction that re-dates X, X is held only by b.txt: its quarantine rows
    name b.txt (they named a.txt, which holds the correcting page, in one order only)."""
    warehouse = tmp_path / "w.duckdb"
    text = _YEARLESS + "QQMar 3, 2024\nUnknown Code\nKim Ray\nC.\n"
    _run_offers(warehouse, tmp_path / "d", [("b.txt", text, "2026-12-15"), ("a.txt", text, "2026-03-01"),
                                            ("a.txt", _OTHER, "2026-03-01")])
    rows = query(warehouse, "select regexp_extract(source_path, '[^/]+$') name, reason from quarantine.records").rows()
    assert rows == [("b.txt", "unknown category code 'QQ'")]


def test_rebuild_parses_with_the_earliest_offered_date(tmp_path):
    """A warehouse whose text was parsed with a later date than its earliest offer (as one
    built before re-dating could be): `rebuild` parses it with the earliest one."""
    import datetime as dt

    import duckdb

    from profile_etl.flows.pipeline import rebuild_flow

    warehouse = tmp_path / "w.duckdb"
    _run_offers(warehouse, tmp_path / "d", [("a.txt", _YEARLESS, "2026-01-10")])
    with duckdb.connect(str(warehouse)) as con:  # as an older version left it
        con.execute("update staging.pages set as_of = DATE '2026-12-20'")
        con.execute("update meta.source_files set as_of = DATE '2026-12-20'")
    rebuild_flow(warehouse=str(warehouse))
    assert query(warehouse, "select distinct as_of from staging.pages").item() == dt.date(2026, 1, 10)
    assert query(warehouse, "select distinct as_of from meta.source_files").item() == dt.date(2026, 1, 10)


def test_an_edited_page_does_not_move_a_year_less_date_past_the_first_listing(tmp_path):
    """`Jul 6` on the page of 2026-06-01 is 2025-07-06; the same page edited (a new text)
    and offered on 2026-09-01 reads it as 2026-07-06. core.papers took the newest listing's
    date, so the snapshot of 2026-06-01 listed a paper published a month after it."""
    import datetime as dt

    warehouse = tmp_path / "w.duckdb"
    folder = tmp_path / "in"
    folder.mkdir()
    page = "Jane Doe\nh-index {h}\nLGJul 6\nGraph Transformers without Labels\nJane Doe, Li Wei\nWe study x.\n"
    for h, day in ((3, dt.date(2026, 6, 1)), (4, dt.date(2026, 9, 1))):
        (folder / "p.txt").write_text(page.format(h=h), encoding="utf-8")
        profile_etl_flow(paths=[str(folder)], warehouse=str(warehouse), as_of=day)
    paper = query(warehouse, "select published_on, published_year_inferred, first_seen_as_of from core.papers")
    assert paper.rows() == [(dt.date(2025, 7, 6), True, dt.date(2026, 6, 1))]
    early = query(warehouse, """
        select count(*) n from core.profile_papers join core.papers using (paper_id)
        where published_on > profile_papers.as_of""")
    assert early["n"].item() == 0
