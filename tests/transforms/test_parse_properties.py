"""Property-based tests for the page parser (`process_pages`).

1. It never raises, whatever the text (arbitrary unicode, control characters, CR, BOM)
   and on pages mixed from realistic line fragments.
2. Every input line is accounted for: per page, n_lines = separators + loaded +
   quarantined, and n_lines equals an independent count; every quarantine row has a reason.
3. Generated pages with random damage (lines deleted, duplicated, swapped, text
   truncated, garbage inserted, line endings changed) never make it raise and keep (2).
4. Valid generated pages round-trip: the parser gives back what the generator wrote.
"""

from __future__ import annotations

import os

# Value checks must run here, not just schema checks: set before pandera is imported.
os.environ["PANDERA_VALIDATION_DEPTH"] = "SCHEMA_AND_DATA"

import datetime as dt
import functools
import unicodedata

import polars as pl
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from profile_etl.generator import CATEGORIES, GeneratedPage, generate_pages
from profile_etl.transforms.pipeline import PageBatch, process_pages
from pagekit import SEED_AS_OF, make_docs

AS_OF = SEED_AS_OF
BOM = "\ufeff"

SLOW = settings(deadline=None, max_examples=40, suppress_health_check=[HealthCheck.too_slow])
FAST = settings(deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow])


# --------------------------------------------------------------------------- helpers


def expected_line_count(text: str) -> int:
    """Independent line count: split on '\\n' after dropping one leading BOM (on '\\r' in a
    text without '\\n'); a final line end does not start a new line; an empty text has no
    lines."""
    body = text[1:] if text.startswith(BOM) else text
    if "\n" not in body:
        body = body.replace("\r", "\n")
    if body == "":
        return 0
    if body.endswith("\n"):
        body = body[:-1]
    return len(body.split("\n"))


def run(texts: list[str], as_of: dt.date = AS_OF) -> PageBatch:
    return process_pages(make_docs(texts, as_of))


def assert_accounted(batch: PageBatch, texts: list[str], events: bool = True) -> None:
    acc = batch.accounting.sort("doc_id")
    assert acc["doc_id"].to_list() == list(range(len(texts))), "one accounting row per page"
    for row in acc.iter_rows(named=True):
        text = texts[row["doc_id"]]
        assert row["n_lines"] == expected_line_count(text), (row, text)
        parts = row["n_separator_lines"] + row["n_loaded_lines"] + row["n_quarantined_lines"]
        assert row["n_lines"] == parts, (row, text)
        assert min(row["n_separator_lines"], row["n_loaded_lines"], row["n_quarantined_lines"]) >= 0, row
    if events:  # how much of the parser the examples reach (--hypothesis-show-statistics)
        for what in ("n_loaded_lines", "n_quarantined_lines"):
            share = (acc[what] > 0).mean() if acc.height else 0.0
            event(f"{what} > 0 on {'no' if share == 0 else 'every' if share == 1 else 'some'} page")
    q = batch.quarantine
    bad_reason = q.filter(pl.col("reason").is_null() | (pl.col("reason").str.strip_chars() == ""))
    assert bad_reason.is_empty(), bad_reason
    assert set(q["doc_id"].to_list()) <= set(range(len(texts)))
    assert (q["n_lines"] >= 0).all()


# --------------------------------------------------------------------------- strategies

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

meta_fixed = st.sampled_from(
    ["89.2CVApr 7", "LGOct 3, 2023Code", "CVFeb 30, 2024", "XXApr 1", "lgApr 7", "QQJan 5, 2024",
     "CVJan 5, 2027", "LGSept. 3, 2021", "999.9LGApr 7, 2020", "LGApr 7, 0001", "MLDec 31, 20245",
     "CVApr 00, 2020", "LGFeb 29", "ROMay 1,2019 Code", "-Jan 1", "1.2.3ABMar 3"]
)


@st.composite
def meta_built(draw) -> str:
    score = draw(st.sampled_from(["", "", "89.2", "100", "0.5", "1000", "72."]))
    cat = draw(st.sampled_from(["LG", "CV", "ML", "XX", "lg", "C", "ABCDEFGHIJKLM", "", "Q-B"]))
    month = draw(st.sampled_from(MONTHS + ["Sept.", "Febr", "Marc."]))
    day = draw(st.integers(0, 35))
    year = draw(st.one_of(st.none(), st.integers(0, 99999)))
    sep = draw(st.sampled_from(["", " ", "  "]))
    code = draw(st.sampled_from(["", "", "Code", " Code"]))
    year_part = "" if year is None else f",{sep}{year}"
    return f"{score}{cat}{month}{sep}{day}{year_part}{code}"


header_line = st.sampled_from(
    ["h-index42", "h-index 42", "h-index", "h-indexN/A", "hindex: 7", "h-index99999999999999999999",
     "h-index1,000,000", "1,928citations", "1,928 citations", "??citations", "citations", "0citation",
     "Novelty58%", "Novelty 58 %", "Novelty%", "Novelty 158%", "Novelty1,5.5%", "AI Score66",
     "AI Score 66.5", "AI Score", "ai score: 101", "42 Papers", "42papers", "papers", "LG", "CV",
     "ABCDEFGHI", "42 Papers 42 Papers"]
)
name_line = st.sampled_from(
    ["Jane Doe", "Yihua Zhang", "Seán O'Brien", unicodedata.normalize("NFD", "Seán O'Brien"),
     "Madonna", "Ludwig van Beethoven", "Zoë  Müller", "J. R. R. Tolkien", "A" * 250 + " B",
     "Pin-Yu Chen", "jane doe"]
)
title_line = st.sampled_from(
    ["DeepZero: Scaling up Zeroth-Order Optimization for Deep Model Training", "A Title", "T",
     "Is attention all you need?", "Deep Learning (revisited)", "Models with 3 experts",
     "Sparse Tuning for Long Contexts: Methods, Limits, and MoreJane Doe, Ravi Kumar et al.",
     "Scaling up DeepZeroJane Doe, Li Wei", "A study of BadPromptFLMadonna",
     "Is attention all you need?Seán O'Brien", "X" * 2100]
)
author_line = st.sampled_from(
    ["Aochuan Chen, Yuguang Yao, Pin-Yu Chen et al.", "Jane Doe", "Jane Doe et al.", "Jane Doe, Li Wei",
     "Madonna", "Ludwig van Beethoven, Ana Silva, et al.", "Jane Doe,, Li Wei", "et al.",
     "Jane Doe, " + "B" * 250 + " C"]
)
abstract_line = st.sampled_from(
    ["We study x.", "We propose a method. Code is available at https://github.com/lab/x.",
     r"See \url{https://example.org/x}. We reach \(>90\%\) accuracy, \ie a \textbf{large} gain.",
     "Links: http://a.b/c, (https://gitlab.com/q/r), https://huggingface.co/m.", "ftp://nope",
     "https://", "We use $x$ and ``quotes'' here~now."]
)
blank_line = st.sampled_from(["", "", " ", "\t", "\r", "   \t "])
junk_line = st.text(max_size=30)

fragment_line = st.one_of(
    meta_fixed, meta_built(), header_line, name_line, title_line, author_line, abstract_line,
    blank_line, junk_line,
)


@st.composite
def page_from_lines(draw, lines=st.lists(fragment_line, max_size=40)) -> str:
    body = draw(lines)
    newline = draw(st.sampled_from(["\n", "\n", "\r\n"]))
    text = newline.join(body)
    if draw(st.booleans()):
        text += newline
    if draw(st.integers(0, 9)) == 0:
        text = BOM + text
    return text


@st.composite
def structured_page(draw) -> str:
    """Fragments arranged roughly like real pages (header, then entries), then mixed."""
    lines: list[str] = []
    if draw(st.booleans()):
        lines += draw(st.lists(st.one_of(name_line, header_line, blank_line), max_size=10))
    for _ in range(draw(st.integers(0, 6))):
        lines.append(draw(st.one_of(meta_fixed, meta_built())))
        lines += draw(
            st.lists(st.one_of(title_line, author_line, abstract_line, blank_line, junk_line), max_size=7)
        )
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = newline.join(lines) + draw(st.sampled_from(["", newline]))
    return (BOM + text) if draw(st.booleans()) else text


# Any unicode text, weighted towards line breaks, CR, BOM and control characters.
any_text = st.one_of(
    st.text(max_size=200),
    st.lists(
        st.one_of(
            st.characters(codec="utf-8"),
            st.sampled_from(["\n", "\r", "\r\n", BOM, "\x00", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\t", " "]),
            fragment_line,
        ),
        max_size=60,
    ).map("".join),
)


# --------------------------------------------------------------------------- 1 + 2


@FAST
@given(texts=st.lists(any_text, min_size=1, max_size=4))
def test_arbitrary_text_never_raises_and_every_line_is_accounted(texts):
    assert_accounted(run(texts), texts)


@FAST
@given(
    texts=st.lists(st.one_of(page_from_lines(), structured_page()), min_size=1, max_size=4),
    as_of=st.dates(dt.date(2000, 1, 1), dt.date(2100, 12, 31)),
)
def test_realistic_fragments_never_raise_and_every_line_is_accounted(texts, as_of):
    assert_accounted(run(texts, as_of), texts)


def test_line_count_edge_cases():
    texts = ["", "\n", BOM, BOM + "\n", "a", "a\n", "a\n\n", "\r\n", "a\r\nb", BOM + BOM, "\n\n\n"]
    expected = [0, 1, 0, 1, 1, 1, 2, 1, 2, 1, 3]
    assert [expected_line_count(t) for t in texts] == expected
    assert_accounted(run(texts), texts, events=False)
    empty_batch = run([])
    assert empty_batch.accounting.is_empty() and empty_batch.quarantine.is_empty()


# --------------------------------------------------------------------------- 3


@functools.lru_cache(maxsize=256)
def pages_for(seed: int, n: int) -> tuple[GeneratedPage, ...]:
    return tuple(generate_pages(n, seed))


mutation = st.one_of(
    st.tuples(st.just("delete"), st.integers(0, 10_000)),
    st.tuples(st.just("duplicate"), st.integers(0, 10_000)),
    st.tuples(st.just("swap"), st.integers(0, 10_000), st.integers(0, 10_000)),
    st.tuples(st.just("truncate"), st.floats(0, 1)),
    st.tuples(st.just("garbage"), st.floats(0, 1), any_text),
    st.tuples(st.just("crlf"), st.sampled_from(["to_crlf", "to_lf", "one_line", "bare_cr"]), st.integers(0, 10_000)),
    st.tuples(st.just("bom"), st.booleans()),
)


def mutate(text: str, op: tuple) -> str:
    kind = op[0]
    if kind in {"delete", "duplicate", "swap"}:
        lines = text.split("\n")
        i = op[1] % len(lines)
        if kind == "delete":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        else:
            j = op[2] % len(lines)
            lines[i], lines[j] = lines[j], lines[i]
        return "\n".join(lines)
    if kind == "truncate":
        return text[: int(op[1] * len(text))]
    if kind == "garbage":
        at = int(op[1] * len(text))
        return text[:at] + op[2] + text[at:]
    if kind == "crlf":
        how = op[1]
        if how == "to_crlf":
            return text.replace("\r\n", "\n").replace("\n", "\r\n")
        if how == "to_lf":
            return text.replace("\r\n", "\n")
        lines = text.split("\n")
        i = op[2] % len(lines)
        if how == "one_line":
            lines[i] = lines[i][:-1] if lines[i].endswith("\r") else lines[i] + "\r"
            return "\n".join(lines)
        # bare_cr: an old-Mac line ending, which is not a line break here
        return "\r".join(lines[: i + 1]) + ("\n" + "\n".join(lines[i + 1:]) if i + 1 < len(lines) else "")
    if kind == "bom":
        return (BOM + text) if op[1] else text.removeprefix(BOM)
    raise AssertionError(op)


@SLOW
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 2),
    mutations=st.lists(st.lists(mutation, max_size=6), min_size=2, max_size=2),
    as_of=st.dates(dt.date(2015, 1, 1), dt.date(2035, 12, 31)),
)
def test_mutated_generated_pages_never_raise_and_every_line_is_accounted(seed, n, mutations, as_of):
    texts = []
    for page, ops in zip(pages_for(seed, n), mutations):
        text = page.text
        for op in ops:
            text = mutate(text, op)
        texts.append(text)
    assert_accounted(run(texts, as_of), texts)


# --------------------------------------------------------------------------- 4


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def squash(s: str) -> str:
    return " ".join(nfc(s).split())


def resolve(month: int, day: int, year: int | None, as_of: dt.date) -> dt.date:
    if year is not None:
        return dt.date(year, month, day)
    for y in range(as_of.year, as_of.year - 9, -1):
        try:
            candidate = dt.date(y, month, day)
        except ValueError:
            continue
        if candidate <= as_of:
            return candidate
    raise AssertionError("no year-less resolution")


@SLOW
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 3),
    # The generator writes explicit years up to 2025 (days 1-28), so any as_of from
    # 2026 on is a valid snapshot date for every generated entry.
    as_of=st.dates(dt.date(2026, 1, 1), dt.date(2040, 12, 31)),
)
def test_valid_generated_pages_round_trip(seed, n, as_of):
    pages = pages_for(seed, n)
    texts = [p.text for p in pages]
    batch = run(texts, as_of)
    assert_accounted(batch, texts)
    assert batch.quarantine.is_empty(), batch.quarantine

    for doc_id, page in enumerate(pages):
        entries = batch.entries.filter(pl.col("doc_id") == doc_id).sort("line_no")
        assert entries.height == len(page.entries), page.file_name
        authors = batch.entry_authors.filter(
            (pl.col("doc_id") == doc_id) & pl.col("position").is_not_null()
        ).sort("entry_line_no", "position")
        listed = dict(
            authors.group_by("entry_line_no", maintain_order=True)
            .agg(pl.col("name").sort_by("position"))
            .iter_rows()
        )
        for got, want in zip(entries.iter_rows(named=True), page.entries, strict=True):
            where = (page.file_name, got["line_no"], want.title)
            assert squash(got["title"]) == squash(want.title), where
            assert got["category"] == want.category, where
            assert got["has_code"] == want.has_code, where
            assert got["score"] == want.score, where
            assert got["authors_truncated"] == want.truncated, where
            assert got["published_on"] == resolve(want.month, want.day, want.year, as_of), where
            assert got["published_year_inferred"] == (want.year is None), where
            assert got["code_url"] == want.code_url, where
            assert got["layout"] == page.layout, where
            assert [nfc(a) for a in listed.get(got["line_no"], [])] == [nfc(a) for a in want.authors], where

        page_row = batch.pages.filter(pl.col("doc_id") == doc_id).row(0, named=True)
        assert page_row["listed_papers"] == len(page.entries)
        if page.metrics:
            assert page_row["name"] == nfc(page.name)
            assert page_row["name_inferred"] is False
            assert page_row["primary_category"] in CATEGORIES
            assert page_row["stated_listed_papers"] == len(page.entries)
            for key in ("h_index", "citations", "paper_count", "novelty_pct", "ai_score"):
                assert page_row[key] == page.metrics[key], (page.file_name, key)
        else:
            assert page_row["h_index"] is None and page_row["citations"] is None
