import polars as pl
import pytest

from profile_etl.transforms.lines import count_lines, split_lines


@pytest.mark.parametrize(
    ("text", "raw"),
    [
        ("a\nb\n", ["a", "b"]),
        ("a\nb", ["a", "b"]),
        ("\ufeffa\r\nb\r\n", ["a", "b"]),
        ("a\n\n", ["a", ""]),
        ("", []),
        ("\n", [""]),
    ],
)
def test_split_and_count_agree(text, raw):
    docs = pl.DataFrame({"doc_id": [0], "text": [text]})
    lines = split_lines(docs).collect()
    assert lines["raw"].to_list() == raw
    assert lines["line_no"].to_list() == list(range(1, len(raw) + 1))
    assert docs.select(count_lines(pl.col("text"))).item() == len(raw)
