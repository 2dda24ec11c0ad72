import unicodedata

import polars as pl

from profile_etl.transforms.keys import stable_ids, title_key


def test_title_key_ignores_case_spacing_punctuation_and_unicode_form():
    titles = ["Café: A Study!", unicodedata.normalize("NFD", "cafe\u0301 a  study"), "CAFÉ — a study", "Cafe a study"]
    keys = pl.DataFrame({"t": titles}).select(title_key(pl.col("t"))).to_series().to_list()
    assert keys[0] == keys[1] == keys[2] == "caféastudy"
    assert keys[3] != keys[0]


def test_title_key_keeps_symbols_and_meaningful_punctuation():
    """`C++`, `C#` and `C` are three papers (they were one: the key dropped everything but
    letters and digits, and a page listing two of them quarantined one as a duplicate)."""
    titles = ["Repair of C++ Programs", "Repair of C# Programs", "Repair of C Programs", "A (1+1) EA", "A (1,1) EA",
              "A* Search", "A Search", "Repair of C++ programs?", "Repair of  C++  Programs."]
    keys = pl.DataFrame({"t": titles}).select(title_key(pl.col("t"))).to_series().to_list()
    assert len(set(keys[:7])) == 7
    assert keys[7] == keys[8] == keys[0] == "repairofc++programs"
    latex = ["Bounds for $k$-Means", "Bounds for k-Means", "Near~Optimal | Tight^2", "Near Optimal Tight2"]
    keys = pl.DataFrame({"t": latex}).select(title_key(pl.col("t"))).to_series().to_list()
    assert keys[0] == keys[1] and keys[2] == keys[3]


def test_stable_ids_are_deterministic_and_distinct():
    first = stable_ids(pl.Series(["a", "b", "a", None])).to_list()
    again = stable_ids(pl.Series(["b", "a"])).to_list()
    assert first[0] == first[2] == again[1]
    assert first[1] == again[0] != first[0]
    assert first[3] is None
    assert all(len(x) == 16 for x in first[:3])


def test_name_key_leaves_out_a_quoted_nickname_but_not_an_apostrophe():
    from profile_etl.transforms.keys import name_key

    names = ["Xiang 'Anthony' Chen", "Xiang “Anthony” Chen", "XIANG  CHEN", "Jacobus van 't Hoff", "Seán O'Brien",
             "Seán O´Brien", "Seán Oʼbrien"]
    keys = pl.Series(names).to_frame("n").select(name_key(pl.col("n")))["n"].to_list()
    assert keys == ["xiang chen", "xiang chen", "xiang chen", "jacobus van 't hoff"] + ["seán o'brien"] * 3
