import polars as pl
import pytest

from profile_etl.transforms.urls import code_url, extract_urls


def _code_url(abstract: str, has_code: bool) -> str | None:
    frame = pl.DataFrame({"abstract": [abstract], "has_code": [has_code]})
    return frame.select(code_url(extract_urls(pl.col("abstract")), pl.col("has_code"))).item()


@pytest.mark.parametrize(
    ("abstract", "has_code", "expected"),
    [
        ("Code at https://github.com/a/b.", False, "https://github.com/a/b"),
        (r"See \url{https://gitlab.com/x/y}.", False, "https://gitlab.com/x/y"),
        ("Data https://example.org/d, code https://huggingface.co/m/n).", False, "https://huggingface.co/m/n"),
        ("Project page https://example.org/p.", True, "https://example.org/p"),
        ("Project page https://example.org/p.", False, None),
        ("No link here.", True, None),
        ("Models (https://bitbucket.org/t/r), and more", False, "https://bitbucket.org/t/r"),
        ("fake host https://github.com.evil.io/x and https://example.org", True, "https://github.com.evil.io/x"),
        # LaTeX escapes in a link are the characters themselves, in `\url{}` or not.
        (r"Code: \url{https://github.com/a/b\_c}.", False, "https://github.com/a/b_c"),
        (r"Code: https://github.com/a/b\_c\#readme.", False, "https://github.com/a/b_c#readme"),
        ("See HTTPS://GitHub.com/a/b.", False, "HTTPS://GitHub.com/a/b"),
        # A code host's link without a scheme counts, and gets one; gists are on github.com.
        ("Code is available at github.com/a/b.", False, "https://github.com/a/b"),
        (r"Code: \url{www.gitlab.com/x/y}", False, "https://www.gitlab.com/x/y"),
        ("Snippet at https://gist.github.com/u/123.", False, "https://gist.github.com/u/123"),
        ("Docs at docs.github.com/x and notgithub.com/y.", True, None),
        ("Page https://example.org/p?from=github.com/x.", False, None),
        ("Code on “github.com/a/b” and gist.github.com/u/1.", False, "https://github.com/a/b"),
        ("Snippet: gist.github.com/u/1.", False, "https://gist.github.com/u/1"),
        ("Weights on HuggingFace.co/org/model, code on GitHub.com/a/b.", False, "https://HuggingFace.co/org/model"),
        # A host inside another host or an address drops that match only, not the same
        # text elsewhere: links keep their places.
        ("Code: github.com/org/repo and mirror www.github.com/org/repo", False, "https://github.com/org/repo"),
        ("Email me at me@github.com/x or github.com/x", False, "https://github.com/x"),
        ("See https://docs.github.com/en/x and github.com/en/x", False, "https://github.com/en/x"),
        ("Keys git@www.github.com/org/repo, my.gist.github.com/u/1, docs.www.github.com/x", True, None),
        ("Code on github.com/. Mail user@github.com/x or git@github.com:a/b.", False, None),
        # Punctuation or a symbol outside ASCII ends a link: prose glues it on, no link needs it.
        ("Code: https://github.com/a/tool—see the README.", False, "https://github.com/a/tool"),
        ("代码见 https://github.com/a/tool。", False, "https://github.com/a/tool"),
        ("代码：https://github.com/a/tool，欢迎使用。", False, "https://github.com/a/tool"),
        ("Code at https://github.com/a/tool… (soon)", False, "https://github.com/a/tool"),
        ("（代码 https://github.com/a/tool）", False, "https://github.com/a/tool"),
        ("Code: https://github.com/a/tool🚀", False, "https://github.com/a/tool"),
        ("Code: **https://github.com/a/tool**", False, "https://github.com/a/tool"),
        # Letters of any script stay: an IRI is a link.
        ("See https://fr.wikipedia.org/wiki/Café_crème for context.", True, "https://fr.wikipedia.org/wiki/Café_crème"),
    ],
)
def test_code_url_rule(abstract, has_code, expected):
    assert _code_url(abstract, has_code) == expected


@pytest.mark.parametrize("tail", [";", ":", "!", "?", "'", "'').", "?!", ");"])
def test_any_sentence_punctuation_after_a_url_is_dropped(tail):
    frame = pl.DataFrame({"a": [f"Code: ``https://github.com/a/b{tail} More https://c.org/x?q=1."]})
    assert frame.select(extract_urls(pl.col("a"))).item().to_list() == ["https://github.com/a/b", "https://c.org/x?q=1"]


def test_all_urls_in_order_with_trailing_punctuation_removed():
    frame = pl.DataFrame({"a": [r"A https://a.org/x, then \url{https://b.org/y}. End https://c.org)."]})
    assert frame.select(extract_urls(pl.col("a"))).item().to_list() == ["https://a.org/x", "https://b.org/y", "https://c.org"]


@pytest.mark.parametrize(
    ("abstract", "urls"),
    [
        (r"see \url{https://github.com/a/b}and more", ["https://github.com/a/b"]),
        (r"\url{https://github.com/a/b}~\cite{x}.", ["https://github.com/a/b"]),
        (r"\url{https://github.com/a/b}\url{https://gitlab.com/c}", ["https://github.com/a/b", "https://gitlab.com/c"]),
        (r"\url{https://github.com/a/b}'s repository", ["https://github.com/a/b"]),
        ("HTTPS://GitHub.com/a/b and Http://x.org/y.", ["HTTPS://GitHub.com/a/b", "Http://x.org/y"]),
    ],
)
def test_latex_url_braces_delimit_the_url_and_the_scheme_has_any_case(abstract, urls):
    assert pl.DataFrame({"a": [abstract]}).select(extract_urls(pl.col("a"))).item().to_list() == urls
