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
        ("a\rb\r", ["a", "b"]),  # a file without any \n: classic Mac line ends
        ("\ufeffa\r\rb", ["a", "", "b"]),
        ("a\rb\nc\n", ["a\rb", "c"]),  # a CR in a file with newlines is text
        ("\r", [""]),
    ],
)
def test_split_and_count_agree(text, raw):
    docs = pl.DataFrame({"doc_id": [0], "text": [text]})
    lines = split_lines(docs).collect()
    assert lines["raw"].to_list() == raw
    assert lines["line_no"].to_list() == list(range(1, len(raw) + 1))
    assert docs.select(count_lines(pl.col("text"))).item() == len(raw)


@pytest.mark.parametrize(("data", "lines"), [(b"a\rb\r", 2), (b"a\rb\nc", 2), (b"\xef\xbb\xbfa\r\r\rb", 4), (b"", 0)])
def test_the_byte_count_of_unparsed_files_agrees_with_the_parser(data, lines):
    from profile_etl.flows.sources import _count_lines

    assert _count_lines(data) == lines
    text = data.decode("utf-8")
    assert pl.DataFrame({"text": [text]}).select(count_lines(pl.col("text"))).item() == lines
