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
