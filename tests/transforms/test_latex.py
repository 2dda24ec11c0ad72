import polars as pl

from profile_etl.transforms.latex import with_plain_text


def _plain(raw: str) -> str:
    return with_plain_text(pl.DataFrame({"a": [raw]}), "a", "p")["p"].item()


def test_common_markup_is_rendered_as_text():
    raw = r"We get \(>90\%\) accuracy, \ie a \textbf{large} gain over ``prior'' work \url{https://x.org}."
    out = _plain(raw)
    assert out == "We get >90% accuracy, i.e. a large gain over \u201cprior\u201d work https://x.org."


def test_a_tilde_is_a_space_except_in_a_url_path():
    raw = r"See Fig.~3 and https://x.org/~user/code.~\cite{a}"
    out = _plain(raw)
    assert out == r"See Fig. 3 and https://x.org/~user/code. \cite{a}"




def test_a_free_standing_tilde_is_text():
    # `1% ~ 4%` means "about"/"to"; it used to lose its `~`.
    assert _plain("achieves 1% ~ 4% gains, ~4% on average, et~al.") == "achieves 1% ~ 4% gains, ~4% on average, et al."


def test_escaped_dollars_are_dollars_and_math_still_unwraps():
    # The `$x$` rule used to pair the two escaped dollars: `from \100 to \10`.
    assert _plain(r"Costs drop from \$100 to \$10 for $n$ runs.") == "Costs drop from $100 to $10 for n runs."


def test_nested_markup_is_unwrapped():
    assert _plain(r"a \textbf{\emph{large}} gain") == "a large gain"


def test_ties_before_brackets_and_after_digits_and_chained_ties_are_spaces():
    raw = r"Eq.~(3), Ref.~[12], 4~GPUs, i.e.~a~priori, a~b~c~d, \textbf{\emph{\texttt{Deep}}}"
    assert _plain(raw) == "Eq. (3), Ref. [12], 4 GPUs, i.e. a priori, a b c d, Deep"


def test_only_rows_with_a_trigger_change_and_nulls_stay_null():
    frame = pl.DataFrame({"a": ["plain text, nothing to do", None, r"\ie x~y", "tab\there"]})
    assert with_plain_text(frame, "a", "p")["p"].to_list() == ["plain text, nothing to do", None, "i.e. x y", "tab here"]


def test_prices_are_not_math():
    # `$5 to $3` lost its dollars: the `$x$` rule paired them.
    assert _plain("Costs drop from $5 to $3, or $20,000 and $30,000, for $n$ runs at $O(n^2)$.") == (
        "Costs drop from $5 to $3, or $20,000 and $30,000, for n runs at O(n^2).")


def test_two_primes_are_no_quote_and_a_control_space_or_line_break_is_a_space():
    assert _plain(r"the curvature f''(x) of ``smooth'' maps, e.g.\ a ball\\ and ''safety mirage''.") == (
        "the curvature f''(x) of \u201csmooth\u201d maps, e.g. a ball and \u201csafety mirage\u201d.")


def test_adjacent_inline_math_is_unwrapped_whole():
    assert _plain("where $a$$b$ is the product and $$x^2$$ its square") == "where ab is the product and x^2 its square"


def test_math_that_is_no_price_is_unwrapped_even_before_a_digit_or_with_spaces():
    # The price rule kept the dollars of `$\sim$30\%` and `$ \epsilon $`.
    assert _plain(r"about $\sim$30\% and $>$90\% with $ \epsilon $ noise, $1$$2$") == (
        r"about \sim30% and >90% with \epsilon noise, 12")


def test_a_closing_math_dollar_never_pairs_with_a_later_price():
    # `$2$-approximation … under $5`: the math rule used to start at the closing `$`.
    assert _plain("A $2$-approximation that costs under $5 per run, a $2\\times$ speedup for $100.") == (
        "A 2-approximation that costs under $5 per run, a 2\\times speedup for $100.")
