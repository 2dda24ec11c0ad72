import polars as pl

from profile_etl.transforms.owner import infer_owners


def _listed(rows: list[tuple[int, int, str]]) -> pl.DataFrame:
    return pl.DataFrame(
        {"doc_id": [r[0] for r in rows], "entry_no": [r[1] for r in rows], "author_id": [r[2] for r in rows], "name": [r[2].title() for r in rows]}
    )


def test_owner_is_the_author_on_a_strict_majority_of_entries():
    listed = _listed([(0, 1, "ana"), (0, 1, "bo"), (0, 2, "ana"), (0, 3, "cy"), (1, 1, "dan"), (1, 2, "eve")])
    owners = infer_owners(listed, pl.Series([0, 1]))
    assert owners.to_dicts() == [{"doc_id": 0, "author_id": "ana", "name": "Ana"}]


def test_half_is_not_a_majority():
    listed = _listed([(0, 1, "ana"), (0, 2, "bo")])
    assert infer_owners(listed, pl.Series([0])).is_empty()


def test_pages_with_a_header_name_are_not_inferred():
    listed = _listed([(0, 1, "ana"), (0, 2, "ana")])
    assert infer_owners(listed, pl.Series([], dtype=pl.Int64)).is_empty()


def test_authors_tied_on_the_most_entries_give_no_owner():
    # One paper: every co-author is on all of the page's entries; picking one is a guess.
    one_paper = _listed([(0, 1, "ana"), (0, 1, "bo"), (0, 1, "cy")])
    assert infer_owners(one_paper, pl.Series([0])).is_empty()
    both_on_both = _listed([(0, 1, "ana"), (0, 1, "bo"), (0, 2, "bo"), (0, 2, "ana")])
    assert infer_owners(both_on_both, pl.Series([0])).is_empty()


def test_a_frequent_coauthor_on_a_majority_does_not_hide_the_owner():
    listed = _listed([(0, e, "ana") for e in (1, 2, 3, 4)] + [(0, e, "bo") for e in (1, 2, 3)])
    assert infer_owners(listed, pl.Series([0]))["author_id"].to_list() == ["ana"]
