r"""Plain-text abstracts: LaTeX markup the site left in (`\textbf{X}`, `\ie`, `\(>90\%\)`).

The received abstract is kept as it is; this produces a second, readable column for
full-text search and BI tools.
"""

from __future__ import annotations

import polars as pl

# An escaped dollar is set aside first, so the `$x$` rule never pairs it (`\$100 to \$10`).
_DOLLAR = "\uE000"
_MARKUP = r"\\(?:textbf|textit|emph|texttt|textsc|underline|mathrm|mathbf|mathit|text|mbox)\{([^{}]*)\}"
# (pattern, replacement) applied in order; each with the kind of text it cleans.
_RULES: list[tuple[str, str]] = [
    (r"\\\$", _DOLLAR),  # \$ (restored as $ at the end)
    (r"\\url\{([^}]*)\}", "$1"),  # \url{https://x.y}
    (_MARKUP, "$1"),  # \textbf{X}
    (_MARKUP, "$1"),  # \textbf{\emph{X}}: the inner one went first
    (_MARKUP, "$1"),  # three deep
    (r"\\ie\b\.?", "i.e."),  # \ie
    (r"\\eg\b\.?", "e.g."),  # \eg
    (r"\\etal\b\.?", "et al."),  # \etal
    (r"\\[()\[\]]", ""),  # \( x \) and \[ x \]
    (r"\$([^$]*)\$", "$1"),  # $x$
    (r"\\([%&_#])", "$1"),  # \% \& \_ \#
    (r"``", "\u201c"),  # ``quoted''
    (r"''", "\u201d"),
    # A tie between two characters (`Fig.~3`, `Eq.~(3)`, `4~GPUs`, `et~al.`) is a space;
    # a free-standing `~` is text (`1% ~ 4%`, `~4%`), and so is `/~user` in a URL. Twice,
    # for chained ties (`a~priori~b`).
    (r"([^\s/])~(\S)", "$1 $2"),
    (r"([^\s/])~(\S)", "$1 $2"),
    (r"\s\s+|[^\S ]", " "),  # whitespace runs; single spaces are left alone (4x faster)
    (_DOLLAR, "$$"),  # `$$`: a literal dollar in a replacement
]


def plain_text(abstract: pl.Expr) -> pl.Expr:
    """The abstract with common LaTeX markup replaced by the text it renders as."""
    out = abstract
    for pattern, replacement in _RULES:
        out = out.str.replace_all(pattern, replacement)
    return out.str.strip_chars()
