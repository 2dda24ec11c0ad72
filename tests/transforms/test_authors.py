import unicodedata

import polars as pl

from profile_etl.transforms.authors import explode_authors, is_truncated


def _explode(texts: list[str]) -> pl.DataFrame:
    frame = pl.DataFrame({"entry": list(range(len(texts))), "authors_text": texts})
    return explode_authors(frame, key=["entry"])


def test_positions_and_truncation():
    out = _explode(["Aochuan Chen, Yuguang Yao, Pin-Yu Chen et al.", "Haomin Zhuang, Yihua Zhang, Sijia Liu"])
    assert out.filter(pl.col("entry") == 0)["name"].to_list() == ["Aochuan Chen", "Yuguang Yao", "Pin-Yu Chen"]
    assert out.filter(pl.col("entry") == 1)["position"].to_list() == [1, 2, 3]
    flags = pl.Series(["A B et al.", "A B, C D", "A B et al"]).to_frame("t").select(is_truncated(pl.col("t")))
    assert flags.to_series().to_list() == [True, False, True]


def test_same_person_in_other_unicode_form_case_and_spacing_has_one_id():
    nfc = "Seán O'Brien"
    nfd = unicodedata.normalize("NFD", nfc)
    out = _explode([nfc, f"  {nfd} ", "SEÁN  O'BRIEN", "Sean O'Brien"])
    ids = out["author_id"].to_list()
    assert ids[0] == ids[1] == ids[2]
    assert ids[3] != ids[0]  # a different spelling is a different key
    assert out["name"].to_list()[1] == nfc  # stored composed


def test_case_is_folded_beyond_lower_case():
    ids = _explode(["Jürgen Strauß", "JÜRGEN STRAUSS", "Jürgen Strauss"])["author_id"].to_list()
    assert ids[0] == ids[1] == ids[2]


def test_stray_whitespace_and_empty_items_are_dropped():
    out = _explode(["Jane  Doe ,  Ravi Kumar,, Li Wei et al."])
    assert out["name"].to_list() == ["Jane Doe", "Ravi Kumar", "Li Wei"]
    assert out["position"].to_list() == [1, 2, 3]


def test_typographic_apostrophes_and_hyphens_give_the_same_id():
    # `O’Brien` and `O'Brien` used to be two authors (the owner then appeared twice on a paper).
    out = _explode(["Seán O’Brien, Pin\u2010Yu Chen", "Seán O'Brien, Pin-Yu Chen"])
    ids = out.group_by("position").agg(pl.col("author_id").n_unique()).sort("position")["author_id"].to_list()
    assert ids == [1, 1]
    assert out.filter(pl.col("entry") == 0)["name"].to_list() == ["Seán O’Brien", "Pin\u2010Yu Chen"]  # names as written


def test_a_generational_suffix_after_a_comma_stays_with_its_name():
    # `John Smith, Jr.` used to give a second author named `Jr.`.
    out = _explode(["John Smith, Jr., Li Wei et al.", "Ann Lee, III", "Jr. Jones, Li Wei"])
    assert out.filter(pl.col("entry") == 0)["name"].to_list() == ["John Smith Jr.", "Li Wei"]
    assert out.filter(pl.col("entry") == 1)["name"].to_list() == ["Ann Lee III"]
    assert out.filter(pl.col("entry") == 2)["name"].to_list() == ["Jr. Jones", "Li Wei"]


def test_the_typo_et_dot_al_truncates_like_et_al():
    out = _explode(["Ann Lee, Omar Khattab et. al.", "Ann Lee, Omar Khattab et al."])
    assert out.filter(pl.col("entry") == 0)["name"].to_list() == ["Ann Lee", "Omar Khattab"]
    flags = pl.Series(["Ann Lee et. al.", "Ann Lee et. al", "Ann Lee, Bo Li"]).to_frame("t").select(is_truncated(pl.col("t")))
    assert flags.to_series().to_list() == [True, True, False]
