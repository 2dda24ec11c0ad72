import polars as pl

from profile_etl.transforms.latex import plain_text


def test_common_markup_is_rendered_as_text():
    raw = r"We get \(>90\%\) accuracy, \ie a \textbf{large} gain over ``prior'' work \url{https://x.org}."
    out = pl.DataFrame({"a": [raw]}).select(plain_text(pl.col("a"))).item()
    assert out == "We get >90% accuracy, i.e. a large gain over \u201cprior\u201d work https://x.org."


def test_a_tilde_is_a_space_except_in_a_url_path():
    raw = r"See Fig.~3 and https://x.org/~user/code.~\cite{a}"
    out = pl.DataFrame({"a": [raw]}).select(plain_text(pl.col("a"))).item()
    assert out == r"See Fig. 3 and https://x.org/~user/code. \cite{a}"
