"""Links in abstracts, and the one that points at a paper's code."""

from __future__ import annotations

import polars as pl

from . import patterns


def extract_urls(abstract: pl.Expr) -> pl.Expr:
    r"""All URLs in order, `\url{...}` unwrapped and trailing punctuation (`.`, `,`, `)`,
    `;`, `:`, `!`, `?`, `'`) removed.

    The braces delimit the URL: it is unwrapped between spaces, so the text glued after
    it (`\url{https://x.y/z}and`, `}~\cite`, `}'s`, a second `\url`) never joins it.
    LaTeX escapes in a link stand for the character itself (`b\_c` is `b_c`), in braces or
    not: the link would otherwise end at the backslash and name another repository.
    """
    unescaped = abstract.str.replace_all(patterns.LATEX_ESCAPED_URL_CHAR, "$1")
    unwrapped = unescaped.str.replace_all(patterns.LATEX_URL, " $1 ")
    kept = pl.element().filter(~pl.element().str.contains(patterns.CODE_HOST_INSIDE))
    link = kept.str.replace(patterns.URL_TRAILING, "")
    return unwrapped.str.extract_all(patterns.URL).list.eval(
        # A scheme-less link (`github.com/a/b`) gets one, so that it can be opened.
        pl.when(link.str.contains("(?i)^https?://")).then(link).otherwise(pl.lit("https://") + link)
    )


def code_url(urls: pl.Expr, has_code: pl.Expr) -> pl.Expr:
    """First URL on a code host; else the first URL when the entry carries `Code`; else null."""
    on_code_host = urls.list.eval(
        pl.element().filter(pl.element().str.contains(patterns.CODE_HOST_URL))
    ).list.first()
    return pl.coalesce(on_code_host, pl.when(has_code).then(urls.list.first()))
