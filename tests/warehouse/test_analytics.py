"""The analytics views (sql/analytics/*.sql) against a warehouse built by the real flow.

Each view is checked for its grain (its key is unique) and for its values, computed here
independently with polars/Python from the core tables or known from the hand-written pages.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from pagekit import SEED_AS_OF
from profile_etl.flows.pipeline import profile_etl_flow
from profile_etl.warehouse.connection import read_sql, sql_files
from warehouse_kit import query

SEED_PAGE = Path(__file__).resolve().parents[2].parent / "shared" / "seeds" / "000_5e04d6b663229320.txt"
EARLY_AS_OF = dt.date(2026, 6, 1)
NAMESAKE_TITLE = "Implementing Support for Pointers to Private Data in a General-Purpose Secure Multi-Party Compiler"

GRAIN = {
    "researcher_latest": ["researcher_id"],
    "metric_history": ["researcher_id", "as_of"],
    "papers_by_year": ["researcher_id", "published_year", "category"],
    "coauthors": ["researcher_id", "coauthor_id"],
    "collaboration_edges": ["author_id_a", "author_id_b"],
    "category_mix": ["researcher_id", "category"],
    "code_release_rate": ["published_year", "category"],
    "top_scored_papers": ["researcher_id", "paper_id"],
    "suspect_attributions": ["researcher_id", "paper_id"],
    "line_accounting": ["path", "file_sha256"],
    "snapshot_conflicts": ["researcher_id", "as_of"],
    "quarantine_reasons": ["kind", "stage"],
}


def _page(header: list[str], entries: list[tuple[str, str, str, str]]) -> str:
    """A full-layout page: header lines, then (meta, title, authors, abstract) entries."""
    blocks = ["\n".join(header), f"{len(entries)} Papers"]
    blocks += ["\n\n".join(entry) for entry in entries]
    return "\n\n".join(blocks) + "\n"


GRAPH = "We study sparse graph neural networks and message passing for node classification on large graphs"

JANE_V1 = _page(
    ["Jane Doe", "LG", "h-index3", "10papers", "40citations", "Novelty50%", "AI Score60"],
    [
        ("90.5LGJan 5, 2024Code", "Sparse Graph Learning", "Jane Doe, Ann Lee, Bob Stone", f"{GRAPH} with pruning."),
        ("70LGFeb 9, 2025", "Graph Attention Pruning", "Ann Lee, Jane Doe", f"{GRAPH} with attention pruning."),
    ],
)
JANE_V2 = _page(
    ["Jane Doe", "LG", "h-index5", "14papers", "100citations", "Novelty55%", "AI Score72"],
    [
        ("90.5LGJan 5, 2024Code", "Sparse Graph Learning", "Jane Doe, Ann Lee, Bob Stone", f"{GRAPH} with pruning."),
        ("70LGFeb 9, 2025", "Graph Attention Pruning", "Ann Lee, Jane Doe", f"{GRAPH} with attention pruning."),
        ("70CVJul 1, 2025", "Robust Vision Graphs", "Jane Doe, Bob Stone, Cara Diaz",
         f"{GRAPH} of images. Code: https://github.com/jane/rvg."),
        ("LGMar 3", "Graph Benchmarks", "Jane Doe", f"{GRAPH}: a benchmark."),
    ],
)
FED = "We study federated learning with noisy clients, client drift and robust aggregation of local model updates"
RAVI = _page(
    ["Ravi Kumar", "LG"],
    [
        ("LGMar 1, 2022", "Federated Learning with Noisy Clients", "Ravi Kumar, Priya Nair, Tom Hill", f"{FED}."),
        ("LGMay 2, 2023", "Robust Aggregation for Federated Clients", "Priya Nair, Ravi Kumar", f"{FED} under attack."),
        ("LGJun 3, 2024", "Client Drift in Federated Learning", "Ravi Kumar, Tom Hill", f"{FED} at scale."),
        ("LGAug 4, 2023", "Personalized Federated Learning", "Ravi Kumar, Uma Shah, Noah Park", f"{FED} per client."),
        # far in time and off-topic, but Tom Hill links it to the page: not a namesake's
        ("CRSep 5, 2014", "Lattice Signatures for Smart Cards", "Tom Hill, Ravi Kumar",
         "Postquantum lattice signature schemes fitted into smartcard hardware with constant time arithmetic."),
        # far in time, off-topic and linked to the page by nobody: a namesake's
        ("CRSep 6, 2008", "Soil Carbon Sequestration in Wheat Fields", "Ravi Kumar, Olaf Berg, Ines Roth",
         "Measurements of soil carbon sequestration under wheat rotation, tillage and nitrogen fertiliser."),
    ],
)
# Two people named Sam Ortiz, a roboticist and a vision researcher, scraped the same day.
SAM_ROBOTS = _page(
    ["Sam Ortiz", "RO", "h-index1"],
    [("ROApr 2, 2025", "Legged Robots on Ice", "Sam Ortiz, Otto Falk", "Legged robots walk on ice."),
     ("ROApr 3, 2025", "Legged Robots on Sand", "Sam Ortiz, Otto Falk", "Legged robots walk on sand.")],
)
SAM_VISION = _page(
    ["Sam Ortiz", "CV", "h-index5"],
    [("CVMay 2, 2025", "Seeing in Fog", "Sam Ortiz, Ida Lund", "Cameras see through fog.")],
)
# A fragment whose four entries are all damaged: four quarantine records.
DAMAGED = (
    "LGFeb 30, 2024\nBroken One\nZoe Park\nA.\nLGFeb 31, 2024\nBroken Two\nZoe Park\nB.\n"
    "XXJan 1, 2024\nBroken Three\nZoe Park\nC.\n"
    "LGJan 2, 2024\n\nBroken Four\n\nSeán O'Brien and Li Wei\n\nD.\n"
)
LI = _page(
    ["Li Wei", "LG"],
    [
        ("LGMar 1, 2024", "Diffusion Models for Tabular Data", "Li Wei, Sara Moon", "Tabular diffusion models."),
        ("CRMar 1, 1999", "Secure Elections with Paper Ballots", "Li Wei, Karl Marx", "Ballot auditing in elections."),
    ],
)
MIA = _page(
    ["Mia Chen", "LG"],
    [
        ("LGMar 1, 2024", "Tokenizers for Code Models", "Mia Chen, Dan Fox", "Tokenizers for source code models."),
        ("LGMar 1, 2023", "Code Models that Repair Bugs", "Mia Chen, Dan Fox", "Language models repair program bugs."),
        ("BMMar 1, 2001", "Protein Folding of Fungal Enzymes", "Mia Chen, Eve Park", "Enzymes of fungi fold slowly."),
    ],
)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory, prefect_harness) -> Path:
    early = tmp_path_factory.mktemp("early")
    (early / "jane.txt").write_text(JANE_V1, encoding="utf-8")
    late = tmp_path_factory.mktemp("late")
    for name, text in {"jane.txt": JANE_V2, "ravi.txt": RAVI, "li.txt": LI, "mia.txt": MIA,
                       "sam_robots.txt": SAM_ROBOTS, "sam_vision.txt": SAM_VISION, "damaged.txt": DAMAGED}.items():
        (late / name).write_text(text, encoding="utf-8")
    if SEED_PAGE.is_file():
        shutil.copy(SEED_PAGE, late / SEED_PAGE.name)
    path = tmp_path_factory.mktemp("wh") / "w.duckdb"
    first = profile_etl_flow(paths=[str(early)], warehouse=str(path), as_of=EARLY_AS_OF)
    second = profile_etl_flow(paths=[str(late)], warehouse=str(path), as_of=SEED_AS_OF)
    assert (first["n_records_quarantined"], second["n_records_quarantined"]) == (0, 4)  # damaged.txt
    assert (first["n_snapshot_conflicts"], second["n_snapshot_conflicts"]) == (0, 1)  # the two Sam Ortiz pages
    return path


def _view(warehouse: Path, name: str, order: list[str] | None = None) -> pl.DataFrame:
    frame = query(warehouse, f"select * from analytics.{name}")
    return frame.sort(order or GRAIN[name])


def _core(warehouse: Path, table: str) -> pl.DataFrame:
    return query(warehouse, f"select * from core.{table}")


def _rid(warehouse: Path, name: str) -> str:
    return query(warehouse, "select researcher_id from core.researchers where name = ?", [name]).item()


def _researcher_papers(warehouse: Path) -> pl.DataFrame:
    """(researcher_id, paper fields) for every paper a page owner is an author of."""
    owners = _core(warehouse, "researchers").select("researcher_id")
    links = _core(warehouse, "paper_authors").select("paper_id", pl.col("author_id").alias("researcher_id"))
    return owners.join(links, on="researcher_id").join(_core(warehouse, "papers"), on="paper_id")


def _with_code() -> pl.Expr:
    return (pl.col("has_code") | pl.col("code_url").is_not_null()).sum().cast(pl.Int64).alias("n_with_code")


def test_every_view_file_is_tested_and_defines_its_view(warehouse):
    names = [n.removesuffix(".sql") for n in sql_files("analytics")]
    assert sorted(GRAIN) == sorted(names)
    for name in names:
        text = read_sql("analytics", f"{name}.sql")
        assert text.lower().count("create or replace view") == 1
        assert f"create or replace view analytics.{name} as" in text
        assert "analytics." not in text.split(" as\n", 1)[1], f"{name} reads another analytics view"


@pytest.mark.parametrize("name", sorted(GRAIN))
def test_grain_key_is_unique(warehouse, name):
    frame = _view(warehouse, name)
    assert frame.height > 0
    assert not frame.select(GRAIN[name]).is_duplicated().any(), name


def test_researcher_latest(warehouse):
    view = _view(warehouse, "researcher_latest")
    assert view.height == _core(warehouse, "researchers").height
    snaps = _core(warehouse, "profile_snapshots").sort("as_of").group_by("researcher_id").last()
    n_papers = _researcher_papers(warehouse).group_by("researcher_id").agg(pl.len().cast(pl.Int64).alias("n_papers_in_warehouse"))
    expected = (
        _core(warehouse, "researchers").select("researcher_id", "name", "primary_category")
        .join(snaps.select("researcher_id", "as_of", "h_index", "citations", "paper_count", "novelty_pct",
                           "ai_score", "listed_papers"), on="researcher_id")
        .join(n_papers, on="researcher_id")
    )
    assert_frame_equal(view, expected.select(view.columns).sort("researcher_id"))
    jane = view.filter(pl.col("name") == "Jane Doe").row(0, named=True)
    assert (jane["as_of"], jane["h_index"], jane["citations"], jane["paper_count"]) == (SEED_AS_OF, 5, 100, 14)
    assert (jane["novelty_pct"], jane["ai_score"], jane["listed_papers"], jane["n_papers_in_warehouse"]) == (55, 72, 4, 4)


def test_metric_history(warehouse):
    view = _view(warehouse, "metric_history")
    metrics = ["h_index", "citations", "paper_count", "novelty_pct", "ai_score"]
    by_date = _core(warehouse, "profile_snapshots").sort("researcher_id", "as_of")
    previous = [pl.col(m).shift(1).over("researcher_id") for m in metrics]
    expected = by_date.select(
        "researcher_id", "as_of",
        (pl.col("as_of") - pl.col("as_of").shift(1).over("researcher_id")).dt.total_days().alias("days_since_previous"),
        *[(pl.col(m) - p).alias(f"{m}_change") for m, p in zip(metrics, previous)],
    )
    got = view.select(expected.columns)
    assert_frame_equal(got, expected, check_dtypes=False)
    jane = view.filter(pl.col("researcher_id") == _rid(warehouse, "Jane Doe"))
    assert jane["as_of"].to_list() == [EARLY_AS_OF, SEED_AS_OF]
    first, second = jane.rows(named=True)
    assert all(first[f"{m}_change"] is None for m in metrics) and first["days_since_previous"] is None
    assert [second[f"{m}_change"] for m in metrics] == [2, 60, 4, 5, 12]
    assert second["days_since_previous"] == (SEED_AS_OF - EARLY_AS_OF).days == 174


def test_papers_by_year(warehouse):
    view = _view(warehouse, "papers_by_year")
    expected = (
        _researcher_papers(warehouse)
        .with_columns(pl.col("published_on").dt.year().cast(pl.Int64).alias("published_year"))
        .group_by("researcher_id", "published_year", "category")
        .agg(pl.len().cast(pl.Int64).alias("n_papers"), _with_code())
        .sort(GRAIN["papers_by_year"])
    )
    assert_frame_equal(view.select(expected.columns), expected, check_dtypes=False)
    jane = view.filter(pl.col("researcher_id") == _rid(warehouse, "Jane Doe"))
    assert jane.select("published_year", "category", "n_papers", "n_with_code").rows() == [
        (2024, "LG", 1, 1), (2025, "CV", 1, 1), (2025, "LG", 1, 0), (2026, "LG", 1, 0),
    ]


def test_coauthors(warehouse):
    view = _view(warehouse, "coauthors")
    papers = _researcher_papers(warehouse).select("researcher_id", "paper_id", "published_on")
    links = _core(warehouse, "paper_authors").select("paper_id", pl.col("author_id").alias("coauthor_id"))
    expected = (
        papers.join(links, on="paper_id").filter(pl.col("coauthor_id") != pl.col("researcher_id"))
        .group_by("researcher_id", "coauthor_id")
        .agg(pl.col("paper_id").n_unique().cast(pl.Int64).alias("n_joint_papers"),
             pl.col("published_on").min().dt.year().cast(pl.Int64).alias("first_year"),
             pl.col("published_on").max().dt.year().cast(pl.Int64).alias("last_year"))
        .sort(GRAIN["coauthors"])
    )
    assert_frame_equal(view.select(expected.columns), expected, check_dtypes=False)
    jane = view.filter(pl.col("researcher_id") == _rid(warehouse, "Jane Doe")).sort("coauthor_name")
    assert jane.select("coauthor_name", "n_joint_papers", "first_year", "last_year").rows() == [
        ("Ann Lee", 2, 2024, 2025), ("Bob Stone", 2, 2024, 2025), ("Cara Diaz", 1, 2025, 2025),
    ]


def test_collaboration_edges(warehouse):
    view = _view(warehouse, "collaboration_edges")
    assert (view["author_id_a"] < view["author_id_b"]).all()
    links = _core(warehouse, "paper_authors").select("paper_id", "author_id")
    years = _core(warehouse, "papers").select("paper_id", pl.col("published_on").dt.year().cast(pl.Int64).alias("y"))
    expected = (
        links.join(links, on="paper_id", suffix="_b").rename({"author_id": "author_id_a"})
        .filter(pl.col("author_id_a") < pl.col("author_id_b"))
        .join(years, on="paper_id")
        .group_by("author_id_a", "author_id_b")
        .agg(pl.len().cast(pl.Int64).alias("weight"), pl.col("y").min().alias("first_year"), pl.col("y").max().alias("last_year"))
        .sort(GRAIN["collaboration_edges"])
    )
    assert_frame_equal(view.select(expected.columns), expected, check_dtypes=False)
    jane_names = {"Jane Doe", "Ann Lee", "Bob Stone", "Cara Diaz"}
    edges = {
        (frozenset((r["name_a"], r["name_b"])), r["weight"], r["first_year"], r["last_year"])
        for r in view.filter(pl.col("name_a").is_in(jane_names) & pl.col("name_b").is_in(jane_names)).iter_rows(named=True)
    }
    assert edges == {
        (frozenset(("Jane Doe", "Ann Lee")), 2, 2024, 2025),
        (frozenset(("Jane Doe", "Bob Stone")), 2, 2024, 2025),
        (frozenset(("Ann Lee", "Bob Stone")), 1, 2024, 2024),
        (frozenset(("Jane Doe", "Cara Diaz")), 1, 2025, 2025),
        (frozenset(("Bob Stone", "Cara Diaz")), 1, 2025, 2025),
    }


def test_category_mix(warehouse):
    view = _view(warehouse, "category_mix")
    expected = (
        _researcher_papers(warehouse).group_by("researcher_id", "category").agg(pl.len().cast(pl.Int64).alias("n_papers"))
        .with_columns((100 * pl.col("n_papers") / pl.col("n_papers").sum().over("researcher_id")).alias("share_pct"))
        .sort(GRAIN["category_mix"])
    )
    assert_frame_equal(view.select(expected.columns), expected, check_dtypes=False)
    totals = view.group_by("researcher_id").agg(pl.col("share_pct").sum())
    assert ((totals["share_pct"] - 100).abs() < 1e-9).all()
    jane = view.filter(pl.col("researcher_id") == _rid(warehouse, "Jane Doe"))
    assert jane.select("category", "n_papers", "share_pct", "category_arxiv_id").rows() == [
        ("CV", 1, 25.0, "cs.CV"), ("LG", 3, 75.0, "cs.LG"),
    ]


def test_code_release_rate(warehouse):
    view = _view(warehouse, "code_release_rate")
    expected = (
        _core(warehouse, "papers").with_columns(pl.col("published_on").dt.year().cast(pl.Int64).alias("published_year"))
        .group_by("published_year", "category").agg(pl.len().cast(pl.Int64).alias("n_papers"), _with_code())
        .with_columns((100 * pl.col("n_with_code") / pl.col("n_papers")).alias("code_release_rate_pct"))
        .sort(GRAIN["code_release_rate"])
    )
    assert_frame_equal(view.select(expected.columns), expected, check_dtypes=False)
    assert view["n_papers"].sum() == _core(warehouse, "papers").height


def test_top_scored_papers(warehouse):
    view = _view(warehouse, "top_scored_papers", ["researcher_id", "score_rank", "paper_id"])
    latest = _core(warehouse, "researchers").select("researcher_id", pl.col("latest_as_of").alias("as_of"))
    expected = (
        _core(warehouse, "profile_papers").join(latest, on=["researcher_id", "as_of"])
        .filter(pl.col("score").is_not_null())
        .join(_core(warehouse, "papers").select("paper_id", "title", "category", "published_on"), on="paper_id")
        .with_columns(pl.col("score").rank("min", descending=True).over("researcher_id").cast(pl.Int64).alias("score_rank"))
        .sort("researcher_id", "score_rank", "paper_id")
    )
    assert_frame_equal(view, expected.select(view.columns), check_dtypes=False)
    jane = view.filter(pl.col("researcher_id") == _rid(warehouse, "Jane Doe"))
    assert jane.select("score_rank", "title", "score").sort("score_rank", "title").rows() == [
        (1, "Sparse Graph Learning", 90.5), (2, "Graph Attention Pruning", 70.0), (2, "Robust Vision Graphs", 70.0),
    ]


def test_line_accounting(warehouse):
    view = _view(warehouse, "line_accounting")
    assert view["is_balanced"].all()
    assert view.height == query(warehouse, "select count(*) n from meta.source_files where status <> 'skipped'")["n"].item()


# --- suspect_attributions -----------------------------------------------------------------

STOP_WORDS = set(re.findall(r"'([a-z]+)'", read_sql("analytics", "suspect_attributions.sql").split("unnest([", 1)[1].split("])", 1)[0]))


def _clamp(x: float) -> float:
    return min(max(x, 0.0), 1.0)


def _expected_suspects(warehouse: Path) -> pl.DataFrame:
    """The view's rule, recomputed in Python from the core tables."""
    latest = _core(warehouse, "researchers").select("researcher_id", pl.col("latest_as_of").alias("as_of"))
    page = (
        _core(warehouse, "profile_papers").join(latest, on=["researcher_id", "as_of"])
        .join(_core(warehouse, "papers"), on="paper_id")
    )
    authors = _core(warehouse, "paper_authors").group_by("paper_id").agg(pl.col("author_id"))
    authors = dict(zip(authors["paper_id"], authors["author_id"]))
    rows = []
    for (rid,), group in page.group_by("researcher_id"):
        papers = group.rows(named=True)
        coauthors = {p["paper_id"]: set(authors[p["paper_id"]]) - {rid} for p in papers}
        words = {
            p["paper_id"]: {
                w for w in re.findall(r"[^\W\d_]+", f"{p['title']} {p['abstract_plain'] or p['abstract']}".lower())
                if len(w) >= 4 and w not in STOP_WORDS
            }
            for p in papers
        }
        similarity = {}
        for p in papers:
            others = set().union(*(w for k, w in words.items() if k != p["paper_id"]))
            mine = words[p["paper_id"]]
            similarity[p["paper_id"]] = len(mine & others) / len(mine) if mine else None
        known = sorted(s for s in similarity.values() if s is not None)
        median = (known[(len(known) - 1) // 2] + known[len(known) // 2]) / 2 if known else None
        for p in papers:
            pid, others = p["paper_id"], [q for q in papers if q["paper_id"] != p["paper_id"]]
            shared = {a for a in coauthors[pid] if any(a in coauthors[q["paper_id"]] for q in others)}
            gap = min((abs(p["published_on"].year - q["published_on"].year) for q in others), default=None)
            sim = similarity[pid]
            time_ev = _clamp((gap - 1) / 4) if gap is not None else 0.0
            topic_ev = _clamp((1 - sim / median) / 0.5) if sim is not None and median else 0.0
            score = (1.0 if not shared else 0.0) * max(time_ev, topic_ev) if len(others) >= 3 else None
            rows.append({"researcher_id": rid, "paper_id": pid, "n_shared_coauthors": len(shared),
                         "years_from_nearest_other": gap, "topic_similarity": sim, "suspect_score": score,
                         "is_suspect": score is not None and score >= 0.5})
    return pl.DataFrame(rows).sort("researcher_id", "paper_id")


def test_suspect_attributions_match_the_rule_recomputed_in_python(warehouse):
    view = _view(warehouse, "suspect_attributions")
    expected = _expected_suspects(warehouse)
    assert_frame_equal(view.select(expected.columns), expected, check_dtypes=False, abs_tol=1e-9)
    scored = view.filter(pl.col("suspect_score").is_not_null())
    assert scored["suspect_score"].is_between(0, 1).all()
    assert (view["is_suspect"] == (view["suspect_score"].fill_null(0) >= 0.5)).all()


def test_suspect_attributions_flag_the_namesake_on_a_hand_written_page(warehouse):
    view = _view(warehouse, "suspect_attributions").filter(pl.col("researcher_id") == _rid(warehouse, "Ravi Kumar"))
    assert view.filter("is_suspect")["title"].to_list() == ["Soil Carbon Sequestration in Wheat Fields"]
    by_title = {r["title"]: r for r in view.iter_rows(named=True)}
    namesake = by_title["Soil Carbon Sequestration in Wheat Fields"]
    assert (namesake["n_shared_coauthors"], namesake["years_from_nearest_other"]) == (0, 6)
    # far in time and off-topic, but a co-author links it to the page
    linked = by_title["Lattice Signatures for Smart Cards"]
    assert linked["n_shared_coauthors"] == 1 and linked["suspect_score"] == 0
    # new co-authors alone, on topic and in the same years, are normal
    new_team = by_title["Personalized Federated Learning"]
    assert new_team["n_shared_coauthors"] == 0 and new_team["suspect_score"] < 0.5


def test_suspect_attributions_do_not_judge_small_pages(warehouse):
    view = _view(warehouse, "suspect_attributions")
    for name, n_papers in {"Li Wei": 2, "Mia Chen": 3}.items():
        page = view.filter(pl.col("researcher_id") == _rid(warehouse, name))
        assert page.height == n_papers
        assert page["suspect_score"].null_count() == n_papers
        assert not page["is_suspect"].any()
    jane = view.filter(pl.col("researcher_id") == _rid(warehouse, "Jane Doe"))
    assert jane.height == 4 and not jane["is_suspect"].any()


def test_suspect_attributions_on_the_seed_page_flag_only_the_namesake(warehouse, seed_page):
    rid = _rid(warehouse, "Yihua Zhang")
    view = _view(warehouse, "suspect_attributions").filter(pl.col("researcher_id") == rid)
    assert view.height == 42
    assert view.filter("is_suspect")["title"].to_list() == [NAMESAKE_TITLE]
    flagged = view.filter("is_suspect").row(0, named=True)
    assert (flagged["n_shared_coauthors"], flagged["years_from_nearest_other"]) == (0, 6)
    runner_up = view.filter(~pl.col("is_suspect"))["suspect_score"].max()
    assert runner_up < 0.5 <= flagged["suspect_score"]
    all_flagged = query(warehouse, "select r.name, s.title from analytics.suspect_attributions s join core.researchers r using (researcher_id) where s.is_suspect order by all")
    assert all_flagged.rows() == [("Ravi Kumar", "Soil Carbon Sequestration in Wheat Fields"), ("Yihua Zhang", NAMESAKE_TITLE)]


def test_snapshot_conflicts_show_the_day_two_pages_describe_one_researcher(warehouse):
    """Two pages named Sam Ortiz on one day: the snapshot keeps the page listing more papers
    (sam_robots.txt), and the view shows the other page and the paper it listed."""
    view = _view(warehouse, "snapshot_conflicts")
    assert view.select("name", "as_of", "n_pages").rows() == [("Sam Ortiz", SEED_AS_OF, 2)]
    row = view.row(0, named=True)
    assert row["kept_path"].endswith("sam_robots.txt")
    assert [p.rsplit("/", 1)[-1] for p in row["other_paths"]] == ["sam_vision.txt"]
    assert row["listed_papers_per_page"] == [2, 1]
    assert sorted(row["primary_categories"]) == ["CV", "RO"] and sorted(row["h_indexes"]) == [1, 5]
    assert row["n_papers_not_in_snapshot"] == 1
    kept = query(warehouse, "select count(*) n from core.profile_papers where researcher_id = ? and as_of = ?",
                 [row["researcher_id"], SEED_AS_OF])
    assert kept["n"].item() == 2


def test_quarantine_reasons_fold_values_into_kinds(warehouse):
    view = _view(warehouse, "quarantine_reasons", ["kind"])
    # A quoted value may hold an apostrophe: it is folded whole all the same.
    no_author_line = "entry has no readable author line (expected names separated by commas, found '...')"
    assert view.select("kind", "stage", "n_records", "n_files", "n_lines").rows() == [
        (no_author_line, "parse", 1, 1, 4),
        ("invalid date '...'", "parse", 2, 1, 8),
        ("unknown category code '...'", "parse", 1, 1, 4),
    ]
    assert view["example_reason"].to_list() == [
        "entry has no readable author line (expected names separated by commas, found 'Seán O'Brien and Li Wei')",
        "invalid date 'Feb 30, 2024'", "unknown category code 'XX'"]
    assert view["example_line_no"].to_list() == [13, 1, 9]
    assert all(path.endswith("damaged.txt") for path in view["example_path"])
    total = query(warehouse, "select count(*) n from quarantine.records")["n"].item()
    assert view["n_records"].sum() == total


def test_reasons_written_in_prose_fold_to_their_own_kind():
    """A reason whose prose held two apostrophes (`owner's … page's`) was folded from the
    first to the second as if it quoted a value: `not the owner'...'s papers`."""
    import duckdb

    from profile_etl.transforms import header, parse
    from profile_etl.transforms.entries import ABSTRACT_IS_NAME
    from profile_etl.warehouse.connection import apply_migrations

    con = duckdb.connect()
    apply_migrations(con)
    templates = [header.NOT_THE_AUTHOR_NAME, header.LOST_COMPACT_LINE, parse.SECOND_HEADER,
                 parse.AFTER_SECOND_HEADER, parse.RUNS_INTO_SECOND_HEADER, parse.STRAY_LINE_REASON]
    for template in templates:
        folded = con.sql("select meta.reason_kind(?)", params=[template.format(17)]).fetchall()[0][0]
        assert folded == template.format("N"), template
    assert con.sql("select meta.reason_kind(?)", params=[ABSTRACT_IS_NAME]).fetchall()[0][0] == (
        ABSTRACT_IS_NAME.replace("'PDF'", "'...'"))
    # Numbers inside words are kept.
    utf8 = parse.ENTRY_NOT_UTF8.format(16)
    assert con.sql("select meta.reason_kind(?)", params=[utf8]).fetchall()[0][0] == parse.ENTRY_NOT_UTF8.format("N")
