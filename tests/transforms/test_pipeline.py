"""process_pages on hand-written pages that exercise every variation of the format."""

import datetime as dt
import unicodedata

import polars as pl
import pytest

from pagekit import make_docs
from profile_etl.transforms import header, parse
from profile_etl.transforms.pipeline import process_pages

COMPACT_HEADERLESS = (
    "72.0LGApr 18\n"
    "Sparse Tuning for Long Contexts: Methods, Limits, and MoreJane Doe, Ravi Kumar, Li Wei et al.\n"
    "We study sparse tuning. Code: \\url{https://github.com/jd/sparse}.\n"
    "CVMar 3, 2024Code\n"
    "Scaling up DeepZeroRavi Kumar, Mei Chen\n"
    "We scale \\textbf{DeepZero}, \\ie zeroth order. See https://example.org/p.\n"
    "CLJan 9, 2025\n"
    "EipFormer: why?Li Wei, Seán O'Brien et al.\n"
    "An abstract with ``quotes''.\n"
    "ROJun 1, 2023\n"
    "Robots for allRavi Kumar\n"
    "Short abstract."
)

FULL_WITH_HEADER = (
    "\ufeffMaría José García\r\n\r\nCV\r\nh-index 12\r\n1,204papers\r\n3,456 citations\r\n"
    "Novelty 58 %\r\nAI Score66\r\n\r\n2 Papers\r\n\r\n"
    "CVNov 21, 2022Code\r\nA Title\r\n\r\nAna Silva, Mei Chen et al.\r\n\r\nAbstract https://gitlab.com/a/b).\r\n\r\n"
    "91.5LGMay 15\r\nSecond Title\r\n\r\nMaría José García, Ana Silva\r\n\r\nAnother abstract.\r\n"
)


def test_headerless_compact_page_infers_its_owner():
    batch = process_pages(make_docs([COMPACT_HEADERLESS]))
    page = batch.pages.row(0, named=True)
    assert page["name"] == "Ravi Kumar"  # on 3 of 4 entries; Li Wei on 2 is no majority
    assert page["name_inferred"] is True
    assert page["layout"] == "compact"
    assert batch.quarantine.is_empty()
    entries = batch.entries.sort("line_no")
    assert entries["title"].to_list() == [
        "Sparse Tuning for Long Contexts: Methods, Limits, and More",
        "Scaling up DeepZero",
        "EipFormer: why?",
        "Robots for all",
    ]
    assert entries["code_url"].to_list() == ["https://github.com/jd/sparse", "https://example.org/p", None, None]
    assert entries["published_on"].to_list() == [dt.date(2026, 4, 18), dt.date(2024, 3, 3), dt.date(2025, 1, 9), dt.date(2023, 6, 1)]
    assert entries["score"].to_list() == [72.0, None, None, None]
    plain = entries["abstract_plain"].to_list()
    assert "i.e. zeroth order" in plain[1] and "\\textbf" not in plain[1]


def test_owner_hidden_in_et_al_gets_a_null_position():
    batch = process_pages(make_docs([COMPACT_HEADERLESS]))
    owner_id = batch.pages["researcher_id"].item()
    owner_rows = batch.entry_authors.filter(pl.col("author_id") == owner_id)
    assert owner_rows.height == 4  # an author of every paper on the page
    assert owner_rows["position"].null_count() == 1


def test_bom_crlf_unicode_name_and_spaced_metrics():
    nfd_page = unicodedata.normalize("NFD", FULL_WITH_HEADER)
    batch = process_pages(make_docs([FULL_WITH_HEADER, nfd_page]))
    pages = batch.pages.sort("doc_id")
    assert pages["name"].to_list() == ["María José García"] * 2
    assert pages["researcher_id"].n_unique() == 1
    first = pages.row(0, named=True)
    assert (first["h_index"], first["paper_count"], first["citations"]) == (12, 1204, 3456)
    assert (first["novelty_pct"], first["ai_score"], first["stated_listed_papers"]) == (58.0, 66.0, 2)
    assert batch.quarantine.is_empty()
    assert batch.entries.filter(pl.col("doc_id") == 0)["code_url"].to_list() == ["https://gitlab.com/a/b", None]
    assert batch.entries["paper_id"].n_unique() == 2  # same titles in both forms -> same ids


def test_page_without_any_majority_author_loads_without_owner():
    text = "LGJan 5, 2024\nT one\nJane Doe\nA.\nLGJan 6, 2024\nT two\nLi Wei\nB.\n"
    batch = process_pages(make_docs([text]))
    assert batch.pages["researcher_id"].to_list() == [None]
    assert batch.entries.height == 2


def test_bad_records_are_quarantined_and_good_ones_still_load():
    text = (
        "Jane Doe\nh-index\nNovelty150%\n5citations\n"
        "LGFeb 30, 2024\nBad date\nJane Doe\nA.\n"
        "LGJan 5, 2024\nGood\nJane Doe\nB.\n"
        "LGJan 6, 2024\ngood\nJane Doe\nDuplicate of Good (same title up to case).\n"
        "LGJan 7, 2024\nRobert'); DROP TABLE papers;--\nJane Doe\nC.\n"
    )
    batch = process_pages(make_docs([text]))
    reasons = dict(zip(batch.quarantine["line_no"].to_list(), batch.quarantine["reason"].to_list(), strict=True))
    assert reasons == {
        2: "header field 'h-index' has no number",
        3: "novelty_pct failed check less_than_or_equal_to(100): 150.0",
        5: "invalid date 'Feb 30, 2024'",
        13: "duplicate entry: same paper as the entry at line 9",
    }
    assert batch.entries["title"].to_list() == ["Good", "Robert'); DROP TABLE papers;--"]
    page = batch.pages.row(0, named=True)
    assert (page["citations"], page["novelty_pct"], page["h_index"]) == (5, None, None)
    acc = batch.accounting.row(0, named=True)
    assert acc["n_lines"] == 20
    assert acc["n_quarantined_lines"] == 1 + 1 + 4 + 4
    assert acc["n_loaded_lines"] == 2 + 8


def test_empty_and_blank_files_are_quarantined_as_files():
    batch = process_pages(make_docs(["", "\n\n  \n"]))
    assert batch.quarantine.sort("doc_id")["reason"].to_list() == ["file is empty", "file has only blank lines"]
    assert batch.accounting.sort("doc_id")["n_separator_lines"].to_list() == [0, 3]


def test_a_name_that_fails_validation_leaves_the_page_without_owner():
    name = "A" + "b" * 210 + " Doe"
    batch = process_pages(make_docs([f"{name}\nh-index 3\nLGJan 5, 2024\nT\nJane Doe\nA.\n"]))
    page = batch.pages.row(0, named=True)
    assert (page["name"], page["researcher_id"], page["name_inferred"], page["h_index"]) == (None, None, None, 3)
    assert batch.quarantine["line_no"].to_list() == [1]
    assert batch.quarantine["reason"].item().startswith("name failed check str_length")
    assert batch.entries.height == 1


def test_a_year_0000_is_an_invalid_date_not_a_crash():
    page = "LGApr 7, 0000\nT1\n\nJane Doe\n\nAbs one.\n\nLGApr 7, 2024\nT2\n\nJane Doe\n\nAbs two.\n"
    batch = process_pages(make_docs([page]))
    assert batch.entries["title"].to_list() == ["T2"]
    assert batch.quarantine["reason"].to_list() == ["invalid date 'Apr 7, 0000'"]


def test_short_titles_that_begin_like_a_month_are_titles():
    titles = ["Octopus 2", "Marker 12", "Mayday 1", "Junction 7, 2020", "Decoding 3", "Augmenting 10"]
    page = "".join(f"LGApr {i + 1}, 2024\n{t}\n\nJane Doe, Li Wei\n\nAbstract {i}.\n\n" for i, t in enumerate(titles))
    batch = process_pages(make_docs([page]))
    assert batch.entries["title"].to_list() == titles
    assert batch.quarantine.is_empty()


def test_undecodable_lines_quarantine_their_records_only():
    page = (
        "Jane Doe\n\nLG\nh-index 1\ufffd2\n\n"
        "LGApr 7, 2024\nCaf\ufffd Title\n\nJane Doe, Li Wei\n\nAbs one.\n\n"
        "LGApr 8, 2024\nGood Title\n\nJane Doe, Li Wei\n\nAbs two.\n"
    )
    batch = process_pages(make_docs([page]))
    assert batch.entries["title"].to_list() == ["Good Title"]
    assert batch.quarantine.select("line_no", "reason").rows() == [
        (4, "header line is not valid UTF-8 (undecodable bytes, shown as U+FFFD)"),
        (6, "entry is not valid UTF-8 (line 7: undecodable bytes, shown as U+FFFD)"),
    ]
    page_row = batch.pages.row(0, named=True)
    assert (page_row["name"], page_row["h_index"]) == ("Jane Doe", None)  # the rest of the header loads
    acc = batch.accounting.row(0, named=True)
    assert acc["n_lines"] == acc["n_separator_lines"] + acc["n_loaded_lines"] + acc["n_quarantined_lines"]


def test_a_replacement_character_in_a_page_that_decoded_cleanly_is_text():
    page = "Jane Roe\nLGAug 2, 2023\nReplacement \ufffd Char Paper\n\nJane Roe\n\nabs.\n"
    clean = process_pages(make_docs([page]).with_columns(undecodable=pl.lit(False)))
    assert clean.quarantine.is_empty() and clean.entries["title"].to_list() == ["Replacement \ufffd Char Paper"]
    damaged = process_pages(make_docs([page]).with_columns(undecodable=pl.lit(True)))
    assert damaged.entries.is_empty() and damaged.quarantine["reason"].str.starts_with("entry is not valid UTF-8").all()
    unknown = process_pages(make_docs([page]).with_columns(undecodable=pl.lit(None, pl.Boolean)))  # stored before
    assert unknown.entries.is_empty()


def test_a_page_whose_header_line_is_undecodable_gets_no_guessed_owner():
    page = "Ren\ufffd Dupont\n\nLGApr 7, 2024\nT1\n\nJane Doe, Li Wei\n\nAbs.\n\nLGApr 8, 2024\nT2\n\nJane Doe\n\nAbs.\n"
    batch = process_pages(make_docs([page]))
    assert batch.pages["researcher_id"].to_list() == [None]  # not Jane Doe, the majority author
    assert batch.entries.height == 2


def _as_compact(full_page: str) -> str:
    """The page as a compact fragment: no header, no blank lines, each title glued to its
    author line (entries are a meta line and then title, authors, abstract)."""
    from profile_etl.transforms import patterns

    lines = [line.strip() for line in full_page.splitlines() if line.strip()]
    starts = [i for i, line in enumerate(lines) if pl.Series([line]).str.contains(patterns.META_LINE).item()]
    out = []
    for i in starts:
        meta, title, authors, abstract = lines[i:i + 4]
        out += [meta, title + authors, abstract]
    return "\n".join(out) + "\n"


def test_the_real_page_rewritten_compact_splits_every_title_from_its_authors(seed_page):
    """Real titles and author lists (camel case, colons, question marks, accents) glued as
    the compact layout glues them: every split must recover them exactly."""
    from pagekit import SEED_AS_OF

    full_text = seed_page.read_text(encoding="utf-8")
    full = process_pages(make_docs([full_text], SEED_AS_OF))
    compact = process_pages(make_docs([_as_compact(full_text)], SEED_AS_OF))
    assert compact.quarantine.is_empty()
    assert compact.entries.height == full.entries.height == 42
    assert compact.entries.sort("line_no")["title"].to_list() == full.entries.sort("line_no")["title"].to_list()

    def author_lists(batch):
        return (batch.entry_authors.filter(pl.col("position").is_not_null())
                .group_by("paper_id").agg(pl.col("name").sort_by("position")).sort("paper_id"))

    assert author_lists(compact).equals(author_lists(full))
    page = compact.pages.row(0, named=True)
    assert (page["name"], page["name_inferred"], page["layout"]) == ("Yihua Zhang", True, "compact")


def test_a_link_with_an_upper_case_scheme_loads_as_the_code_url():
    page = "Jane Doe\nLGApr 1, 2020Code\nA Title\n\nJane Doe\n\nSee Https://example.org/x.\n"
    batch = process_pages(make_docs([page]))
    assert batch.quarantine.is_empty(), batch.quarantine["reason"].to_list()
    assert batch.entries["code_url"].to_list() == ["Https://example.org/x"]


@pytest.mark.parametrize("meta", ["\u200eLGAug 1, 2023", "LG Aug 1, 2023", "89.2 LG Aug 1, 2023 Code\u200b"])
def test_meta_lines_with_spaces_or_invisible_marks_load(meta):
    page = f"Jane Roe\n\n{meta}\nDeep Learning Methods\n\nJane Roe, Bob Smith\n\nWe study things.\n"
    batch = process_pages(make_docs([page]))
    assert batch.quarantine.is_empty(), batch.quarantine["reason"].to_list()
    assert batch.entries.select("title", "published_on").row(0) == ("Deep Learning Methods", dt.date(2023, 8, 1))
    assert batch.pages["name"].to_list() == ["Jane Roe"]


@pytest.mark.parametrize(
    ("meta", "reason"),
    [
        ("LGaug 1, 2023", "malformed meta line 'LGaug 1, 2023' (expected e.g. 'LGApr 7, 2024')"),
        ("LGAug 1, 2023code", "malformed meta line 'LGAug 1, 2023code' (expected e.g. 'LGApr 7, 2024')"),
        ("LGAug 1, ２０２３", "malformed meta line 'LGAug 1, ２０２３' (expected e.g. 'LGApr 7, 2024')"),
        ("８９.２CVAug 1, 2023", "malformed meta line '８９.２CVAug 1, 2023' (expected e.g. 'LGApr 7, 2024')"),
        ("89,2CVAug 1, 2023", "malformed meta line '89,2CVAug 1, 2023' (expected e.g. 'LGApr 7, 2024')"),
    ],
)
def test_a_damaged_first_meta_line_is_quarantined_with_its_entry_not_read_as_the_header(meta, reason):
    """Before, its lines were header lines: the title became the owner of a headerless page."""
    page = (f"{meta}\nDeep Learning Methods\n\nJane Roe, Bob Smith\n\nWe study things.\n\n"
            "LGAug 2, 2023\nSecond Paper Here\n\nJane Roe\n\nMore text.\n")
    batch = process_pages(make_docs([page]))
    assert batch.quarantine.select("line_no", "n_lines", "reason").rows() == [(1, 4, reason)]
    assert batch.entries["title"].to_list() == ["Second Paper Here"]
    assert batch.pages["name"].to_list() == ["Jane Roe"]  # inferred from the entry that loads
    assert batch.pages["name_inferred"].to_list() == [True]


def test_a_nul_byte_past_the_binary_sniff_quarantines_its_record_only():
    page = ("Jane Doe\x00\n\n"
            "LGApr 7, 2024\nFirst Title\n\nJane Doe, Li Wei\n\nAbs\x00 one.\n\n"
            "LGApr 8, 2024\nGood Title\n\nJane Doe, Li Wei\n\nAbs two.\n")
    batch = process_pages(make_docs([page]))
    assert batch.entries["title"].to_list() == ["Good Title"]
    assert batch.quarantine.select("line_no", "reason").rows() == [
        (1, "header line has a NUL byte (binary data in a text file)"),
        (3, "entry has a NUL byte (line 8: binary data in a text file)"),
    ]
    assert batch.pages["researcher_id"].to_list() == [None]  # the damaged line may be the name


def test_a_nul_byte_is_the_reason_even_where_the_entry_had_another():
    page = "Jane Doe\n\nLGApr 7, 2024\nFirst Title\n\nJane Doe, Li Wei\x00\n\nAbs one.\n"
    batch = process_pages(make_docs([page]))
    assert batch.quarantine["reason"].to_list() == ["entry has a NUL byte (line 6: binary data in a text file)"]


_LOST_FIRST_META = (
    "LGSep 21, 2O22Code\nFairness Reprogramming\n\nGuanhua Zhang, Yihua Zhang et al.\n\n"
    "Despite a surge of recent advances.\n\n"
    "LGOct 3, 2023Code\nDeepZero: Scaling up\n\nAochuan Chen, Yihua Zhang et al.\n\nZeroth-order.\n\n"
    "LGOct 4, 2023Code\nSecond Paper\n\nYihua Zhang, Li Wei\n\nMore.\n"
)


@pytest.mark.parametrize(
    ("text", "name", "inferred"),
    [
        (_LOST_FIRST_META, "Yihua Zhang", True),  # the letter O in the year
        (_LOST_FIRST_META.replace("LGSep 21, 2O22Code\n", ""), "Yihua Zhang", True),  # meta line gone
        # A real name line before the damaged entry stays the name.
        ("Yihua Zhang\n\n" + _LOST_FIRST_META, "Yihua Zhang", False),
    ],
)
def test_a_title_of_an_entry_that_lost_its_meta_line_is_never_the_owner(text, name, inferred):
    """The lines of an entry whose meta line is damaged fall among the header lines; the
    title used to become the page owner (`name_inferred = false`) of every other paper."""
    batch = process_pages(make_docs([text]))
    assert batch.pages.select("name", "name_inferred").row(0) == (name, inferred)
    reasons = dict(batch.quarantine.select("raw_text", "reason").iter_rows())
    title = next(r for raw, r in reasons.items() if raw.startswith("Fairness"))
    assert title.startswith("not a name: next to an author list")
    assert sorted(batch.entries["title"].to_list()) == ["DeepZero: Scaling up", "Second Paper"]


_TWO_ENTRIES = (
    "\n\nLGOct 3, 2023\nPaper One\n\nBo Chen, Li Wei et al.\n\nAbs one.\n\n"
    "LGOct 4, 2023\nPaper Two\n\nAmy Wu, Bo Chen et al.\n\nAbs two.\n"
)


@pytest.mark.parametrize(
    "header",
    [
        "Jane Doe\nStanford University, Stanford, CA\nLG\nh-index42",  # an affiliation line
        "Jane Doe\nResearch Scientist, Google DeepMind\nLG\nh-index42",
        # A damaged entry whose title is no name: the name line further up stays the name.
        "Jane Doe\n\nLGSep 21, 2O22Code\nFairness Reprogramming for Deep Models\n\nGuanhua Zhang, Yihua Zhang\n\nAbstract.",
    ],
)
def test_the_owner_name_stays_next_to_lines_that_are_no_lost_entry(header):
    batch = process_pages(make_docs([header + _TWO_ENTRIES]))
    assert batch.pages.select("name", "name_inferred").row(0) == ("Jane Doe", False)
    assert 1 not in batch.quarantine["line_no"].to_list()  # the name line is no record of its own


def test_a_header_name_with_a_suffix_after_a_comma_is_the_author_spelling():
    batch = process_pages(make_docs(["John Smith, Jr.\nLG\nh-index3\n\nLGOct 3, 2023\nPaper One\n\nJohn Smith, Jr., Li Wei\n\nAbs.\n"]))
    assert batch.pages.select("name", "name_inferred").row(0) == ("John Smith Jr.", False)
    assert batch.entry_authors.sort("position", nulls_last=True).select("name", "position").rows() == [
        ("John Smith Jr.", 1), ("Li Wei", 2)]  # the owner is found in the list: no extra row


def test_a_name_with_nothing_after_it_is_no_profile():
    """An error page whose first line looks like a name made a researcher of it."""
    batch = process_pages(make_docs(["Service Unavailable\n\nThe server is temporarily unable to service your request.\n",
                                     "Jane Doe\nLG\n"]))
    assert batch.pages.sort("doc_id")["name"].to_list() == [None, "Jane Doe"]
    reasons = batch.quarantine.filter(pl.col("doc_id") == 0).sort("line_no")["reason"].to_list()
    assert reasons[0].startswith("a name with no profile after it")



def test_a_name_above_an_entry_that_lost_its_meta_line_is_a_profile():
    """The damaged entry is the page's only one: the name still makes the researcher (it
    was quarantined as a name with no profile after it)."""
    text = ("Jane Doe\n\nLGSep 21, 2O22Code\nRevisiting Graph Pretraining\n\nJane Doe, Ravi Kumar\n\n"
            "We revisit graph pretraining.\n")
    batch = process_pages(make_docs([text, "Jane Roe\nh-index\n"]))
    assert batch.pages.sort("doc_id").select("name", "name_inferred").rows() == [("Jane Doe", False), ("Jane Roe", False)]


_OWNED = (
    "\n\nLGOct 3, 2023\nPaper One\n\nJane Doe, Li Wei\n\nAbs one.\n\n"
    "LGOct 4, 2023\nPaper Two\n\nAmy Wu, Jane Doe et al.\n\nAbs two.\n"
)
_HEADER = "Jane Doe\n\nLG\nh-index42\n42papers"


def _owner_and_reasons(text: str) -> tuple[tuple, dict[int, str]]:
    batch = process_pages(make_docs([text]))
    owner = batch.pages.select("name", "name_inferred", "primary_category").row(0)
    return owner, dict(batch.quarantine.select("line_no", "reason").iter_rows())


@pytest.mark.parametrize("junk", ["Home", "Sign In", "Back To Search"])
def test_a_navigation_line_above_the_header_is_not_the_owner(junk):
    """The first name-shaped line used to win: `Home` became the researcher, and the real
    name was quarantined as a duplicate. The author of most of the page's papers wins."""
    owner, reasons = _owner_and_reasons(f"{junk}\n" + _HEADER + _OWNED)
    assert owner == ("Jane Doe", False, "LG")
    assert reasons == {1: "not the owner name: the name at line 2 is an author of most papers on the page"}


@pytest.mark.parametrize(
    "header",
    [
        "Jane Doe\nBob Smith\nLG\nh-index4",  # neither name is among the authors
        "Jane Doe\nLi Wei\nLG\nh-index4",  # a co-author's name on one list of two is no majority
    ],
)
def test_without_a_name_on_most_papers_the_first_name_line_stays_the_name(header):
    owner, reasons = _owner_and_reasons(header + _OWNED.replace("Jane Doe", "Amy Lu"))
    assert owner == ("Jane Doe", False, "LG")
    assert reasons == {2: "duplicate header field 'name'"}


def test_an_unknown_code_above_the_category_is_not_the_category():
    """`PDF` took the category (and `core.categories` got a code with no arXiv id), and the
    real `LG` was quarantined as a duplicate."""
    owner, reasons = _owner_and_reasons("Jane Doe\nPDF\nLG\nh-index42" + _OWNED)
    assert owner == ("Jane Doe", False, "LG")
    assert reasons == {2: "unknown category code 'PDF'"}


@pytest.mark.parametrize("name", ["Mausam", "Bob Smith"])
def test_a_lone_name_line_stays_the_owner_even_if_no_list_holds_it(name):
    """A name-only header is allowed, the owner may be hidden in every `et al.` or listed
    under another spelling, and one-word names exist: a lone name line is the name."""
    for owned in (_OWNED, _OWNED.replace(" et al.", ", Bo Li")):
        owner, reasons = _owner_and_reasons(name + owned)
        assert owner == (name, False, None)
        assert reasons == {}


def test_a_lost_one_author_entry_on_a_headerless_page_does_not_name_the_owner():
    """A damaged meta line puts the entry's title among the header lines; with one author
    (no comma, no `et al.`) it was not recognised as a lost entry, and the title became the
    owner of every other paper."""
    lost = "LGSep 21, 2O22Code\nFairness Reprogramming\n\nJane Doe\n\nAn abstract."
    owner, reasons = _owner_and_reasons(lost + _OWNED)
    assert owner == ("Jane Doe", False, None)
    assert reasons[2] == "not the owner name: the name at line 4 is an author of most papers on the page"
    assert set(reasons) == {1, 2, 6}


def test_a_lost_compact_line_is_not_the_owner():
    compact = ("LGSep 21, 2O22\nFairness ReprogrammingJane Doe\nAn abstract.\n"
               "LGOct 3, 2023\nPaper OneJane Doe, Li Wei et al.\nAbs one.\nLGOct 4, 2023\nPaper TwoAmy Wu, Jane Doe et al.\nAbs two.\n")
    owner, reasons = _owner_and_reasons(compact)
    assert owner == ("Jane Doe", True, None)
    assert reasons[2] == header.LOST_COMPACT_LINE


def test_an_owner_whose_given_name_the_compact_split_cuts_keeps_the_name():
    # `AmirHossein Ahmadi` splits as `Amir` by `Hossein Ahmadi`, as the page's lists are cut:
    # a one-word "title" is no lost entry.
    compact = ("AmirHossein Ahmadi\nLGOct 3, 2023\nPaper OneLi Wei, AmirHossein Ahmadi\nAbs one.\n"
               "LGOct 4, 2023\nPaper TwoAmirHossein Ahmadi, Amy Wu\nAbs two.\n")
    owner, reasons = _owner_and_reasons(compact)
    assert owner == ("AmirHossein Ahmadi", False, None)
    assert reasons == {}


def test_a_second_page_joined_into_the_file_is_not_credited_to_the_first_owner():
    """Two pages saved into one file: the second header's lines were stray lines of the
    first page's last entry, and the second page's papers loaded with the first page's
    owner as their author."""
    second = "Bob Smith\n\nCV\nh-index10\n12papers\n300citations\n\n2 Papers" + _OWNED
    text = _HEADER + _OWNED + "\n" + second
    batch = process_pages(make_docs([text]))
    assert batch.pages.select("name").item() == "Jane Doe"
    assert batch.entries["title"].to_list() == ["Paper One", "Paper Two"]  # the first page's only
    reasons = dict(batch.quarantine.select("line_no", "reason").iter_rows())
    lines = text.split("\n")
    h_index_line = lines.index("h-index10") + 1
    assert reasons[lines.index("Bob Smith") + 1] == parse.SECOND_HEADER.format(h_index_line)
    entry_reasons = [r for r in reasons.values() if r.startswith("entry follows")]
    assert entry_reasons == [parse.AFTER_SECOND_HEADER.format(h_index_line)] * 2


@pytest.mark.parametrize(
    ("extra", "n_stray"),
    [
        ("h-index42\n", 1),
        ("12 citations\nNovelty 40%\n", 2),  # two kinds (per-paper figures?) are no header
    ],
)
def test_one_or_two_metric_like_lines_among_entries_are_stray_lines_not_a_second_page(extra, n_stray):
    text = _HEADER + _OWNED + "\n" + extra + _OWNED.replace("Paper", "Other")
    batch = process_pages(make_docs([text]))
    assert batch.entries.height == 4
    assert batch.quarantine["reason"].to_list() == [parse.STRAY_LINE_REASON] * n_stray


def test_an_entry_whose_own_lines_look_like_metrics_is_no_second_page():
    # The entry uses these lines (title `42 Papers`, abstract `h-index 12`): the entries
    # after it were quarantined as a second page's.
    text = _HEADER + "\n\nLGOct 2, 2023\n42 Papers\n\nJane Doe\n\nh-index 12" + _OWNED
    batch = process_pages(make_docs([text]))
    assert batch.entries["title"].to_list() == ["42 Papers", "Paper One", "Paper Two"]
    assert batch.quarantine.is_empty()


def test_a_second_page_after_a_quarantined_last_entry_is_still_found():
    """The first page's last entry lost its abstract, so the second page's header lines
    were that entry's (quarantined) segment: no stray line showed them, and the second
    page's papers loaded under the first page's owner."""
    cut = _HEADER + "\n\nLGFeb 3, 2023\nCut Paper\n\nJane Doe, Li Wei\n\n"
    second = "Ken Ito\n\nLG\nh-index12\n30papers\n1,234citations\n\n2 Papers" + _OWNED.replace("Jane Doe", "Ken Ito")
    batch = process_pages(make_docs([cut + second]))
    assert batch.pages.select("name").item() == "Jane Doe"
    assert batch.entries.is_empty()
    reasons = batch.quarantine["reason"].to_list()
    assert sum(r.startswith("entry follows a second profile header") for r in reasons) == 2
    # The cut entry read `Ken Ito` as its abstract: it goes too.
    assert sum(r.startswith("entry is cut short by a second profile header") for r in reasons) == 1


def test_a_page_without_entries_joined_to_another_keeps_its_own_header_only():
    """Maria's header, then Ken's header and papers: the name became Ken's (on most lists)
    beside Maria's metrics, a profile of no one."""
    maria = "Maria Garcia\n\nCV\nh-index3\n5papers\n40citations\n\n0 Papers\n\n"
    ken = "Ken Ito\n\nLG\nh-index12\n30papers" + _OWNED.replace("Jane Doe", "Ken Ito")
    batch = process_pages(make_docs([maria + ken]))
    assert batch.pages.select("name", "primary_category", "h_index").row(0) == ("Maria Garcia", "CV", 3)
    assert batch.entries.is_empty()
    reasons = dict(batch.quarantine.select("line_no", "reason").iter_rows())
    ken_line = (maria + ken).split("\n").index("Ken Ito") + 1
    assert reasons[ken_line] == parse.SECOND_HEADER.format(ken_line)
    assert sum(r == parse.AFTER_SECOND_HEADER.format(ken_line) for r in reasons.values()) == 2


def test_per_paper_figures_after_an_entry_are_no_second_page():
    # Three kinds of metric, none a researcher's own (no h-index, no paper count).
    text = _HEADER + _OWNED + "\n12 citations\nNovelty 40%\nAI Score 70\n" + _OWNED.replace("Paper", "Other")
    batch = process_pages(make_docs([text]))
    assert batch.entries.height == 4


def test_a_duplicated_header_line_after_a_junk_name_line_is_no_second_page():
    # `Show More` (name-shaped) and one repeated metric: damage, not a joined page.
    owner, reasons = _owner_and_reasons("Jane Doe\nLG\nh-index42\nShow More\nh-index42" + _OWNED)
    assert owner == ("Jane Doe", False, "LG")
    assert sorted(reasons.values()) == [
        "duplicate header field 'h_index'",
        "not the owner name: the name at line 1 is an author of most papers on the page",
    ]


@pytest.mark.parametrize(
    "text",
    [
        # The page's own figures again, under a name-shaped line, in the header ...
        _HEADER + "\nShow More\nh-index42\n42papers" + _OWNED,
        _HEADER + "\n\nStatistics\nLG\nh-index42\n42papers" + _OWNED,
        # ... or among the entries (a sticky header repeated mid-page).
        _HEADER + _OWNED + "\nJane Doe\nLG\nh-index42\n42papers\n" + _OWNED.replace("Paper", "Other"),
    ],
)
def test_the_pages_own_figures_repeated_are_no_second_page(text):
    """Every entry was quarantined as following a second page's header."""
    batch = process_pages(make_docs([text]))
    assert batch.pages.select("name", "h_index").row(0) == ("Jane Doe", 42)
    assert batch.entries.height == len(text.split("LGOct")) - 1
