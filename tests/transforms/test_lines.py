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


def test_invisible_characters_inside_short_lines_do_not_break_parsing():
    """A zero-width space inside a meta line made it `unrecognized`, and a soft hyphen in a
    name made another author id."""
    from pagekit import make_docs
    from profile_etl.transforms.parse import parse_pages

    text = ("Yi\u00adhua Zhang\nLG\nh-index4\n\nCV\u200bNov 21, 2022Code\nA Ti\u200btle\n\n"
            "Jane Doe, Li\u2060 Wei\n\n" + "We study x\u200b. " * 100 + "\n")
    parsed = parse_pages(make_docs([text]))
    assert parsed.records["reason"].null_count() == parsed.records.height
    assert parsed.headers["name"].to_list() == ["Yihua Zhang"]
    row = parsed.entries.row(0, named=True)
    assert (row["category"], row["title"], row["authors_text"]) == ("CV", "A Title", "Jane Doe, Li Wei")
    assert "\u200b" in row["abstract"]  # an abstract is kept as received
    assert parsed.lines["raw"].str.contains("\u200b").sum() == 3  # and so is every raw line


def test_a_short_abstract_keeps_its_invisible_characters():
    from pagekit import make_docs
    from profile_etl.transforms.parse import parse_pages

    thai = "\u0e01\u0e32\u0e23\u200b\u0e28\u0e36\u0e01\u0e29\u0e32"  # a zero-width space marks a word break
    for text in (f"LGOct 3, 2023\nA Title\n\nJane Doe, Li Wei\n\n{thai}.\n",
                 f"LGOct 3, 2023\nA TitleJane Doe, Li Wei\n{thai}.\n"):
        assert parse_pages(make_docs([text])).entries["abstract"].to_list() == [f"{thai}."]
