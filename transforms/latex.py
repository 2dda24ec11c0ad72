r"""Plain-text abstracts: LaTeX markup the site left in (`\textbf{X}`, `\ie`, `\(>90\%\)`).

The received abstract is kept as it is; this produces a second, readable column for
full-text search and BI tools.
"""

from __future__ import annotations

import polars as pl

# An escaped dollar is set aside first, so the `$x$` rule never pairs it (`\$100 to \$10`).
_DOLLAR = "\uE000"
# Inline math: a `$…$` whose content starts with a digit is math only as pandoc reads it
# (no space before its closing `$`, no digit after it), so prices are text (`from $5 to
# $3`); any other is math (`$\sim$30\%`, `$ \epsilon $`). Groups: the numeric content and
# the character after it, or the other content.
_MATH = r"\$(?:([0-9](?:[^$]*[^\s$])?)\$([^0-9]|$)|([^$0-9][^$]*)\$)"
_MARKUP = r"\\(?:textbf|textit|emph|texttt|textsc|underline|mathrm|mathbf|mathit|text|mbox)\{([^{}]*)\}"
# (trigger, rules): each group of (pattern, replacement) rules, applied in order, runs only
# on the abstracts that contain its trigger (most contain none of them, and each rule is a
# pass over every character of the rows it runs on).
_RULES: list[tuple[str, list[tuple[str, str]]]] = [
    ("\\", [
        (r"\\\$", _DOLLAR),  # \$ (restored as $ at the end)
        (r"\\url\{([^}]*)\}", "$1"),  # \url{https://x.y}
        (_MARKUP, "$1"),  # \textbf{X}
        (_MARKUP, "$1"),  # \textbf{\emph{X}}: the inner one went first
        (_MARKUP, "$1"),  # three deep
        (r"\\ie\b\.?", "i.e."),  # \ie
        (r"\\eg\b\.?", "e.g."),  # \eg
        (r"\\etal\b\.?", "et al."),  # \etal
        (r"\\[()\[\]]", ""),  # \( x \) and \[ x \]
        (r"\\\\", " "),  # `\\`: a line break
        (r"\\ ", " "),  # `e.g.\ a`: a control space
    ]),
    # $x$ (see `_MATH`), both rules in one pass from left to right, so a closing `$`
    # never opens a match with a price after it (`$2$-approximation … under $5`); twice,
    # as a match takes the character after its closing `$`, which may open the next one.
    ("$", [(r"\$\$([^$]+)\$\$", "$1"), (_MATH, "${1}${2}${3}"), (_MATH, "${1}${2}${3}")]),
    ("\\", [(r"\\([%&_#])", "$1")]),  # \% \& \_ \#
    # ``quoted'' and ''quoted'': `''` is a quote at a word's edge; inside one it is two
    # primes (`f''(x)`).
    ("`", [(r"``", "\u201c")]),
    ("''", [(r"(^|[\s(\[{])''", "${1}\u201c"), (r"''($|[\s.,;:!?)\]}])", "\u201d${1}")]),
    # A tie between two characters (`Fig.~3`, `Eq.~(3)`, `4~GPUs`, `et~al.`) is a space;
    # a free-standing `~` is text (`1% ~ 4%`, `~4%`), and so is `/~user` in a URL. Twice,
    # for chained ties (`a~priori~b`).
    ("~", [(r"([^\s/])~(\S)", "$1 $2"), (r"([^\s/])~(\S)", "$1 $2")]),
    (_DOLLAR, [(_DOLLAR, "$$")]),  # `$$`: a literal dollar in a replacement
]
# Whitespace runs and other whitespace characters become one space (single spaces are
# left alone: 4x faster than rewriting every space).
_WHITESPACE = r"\s\s+|[^\S ]"


def with_plain_text(frame: pl.DataFrame, source: str, target: str) -> pl.DataFrame:
    """Add `target`: the `source` text with common LaTeX markup replaced by the text it
    renders as. A frame function, one step per rule group, so each group runs only on
    the rows holding its trigger."""
    text = pl.col(target)
    frame = frame.with_columns(pl.col(source).alias(target))
    for trigger, rules in _RULES:
        hit = pl.when(text.str.contains(trigger, literal=True)).then(text)  # null elsewhere: skipped
        for pattern, replacement in rules:
            hit = hit.str.replace_all(pattern, replacement)
        frame = frame.with_columns(pl.coalesce(hit, text).alias(target))
    return frame.with_columns(text.str.replace_all(_WHITESPACE, " ").str.strip_chars())
