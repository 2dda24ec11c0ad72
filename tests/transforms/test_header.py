import polars as pl
import pytest

from profile_etl.transforms.header import classify_header_lines, header_fields


def _header(lines: list[str]) -> tuple[dict, pl.DataFrame]:
    frame = pl.DataFrame({"doc_id": [0] * len(lines), "line_no": list(range(1, len(lines) + 1)), "text": lines})
    classified = classify_header_lines(frame.lazy()).collect()
    fields = header_fields(classified.lazy()).collect()
    return (fields.row(0, named=True) if fields.height else {}), classified


def test_full_header_glued_labels():
    fields, classified = _header(["Yihua Zhang", "LG", "h-index42", "42papers", "1,928citations", "Novelty58%", "AI Score66", "42 Papers"])
    assert classified["reason"].null_count() == classified.height
    assert fields["name"] == "Yihua Zhang"
    assert fields["primary_category"] == "LG"
    assert (fields["h_index"], fields["paper_count"], fields["citations"]) == (42, 42, 1928)
    assert (fields["novelty_pct"], fields["ai_score"]) == (58.0, 66.0)
    assert fields["stated_listed_papers"] == 42
    assert fields["citations_line"] == 5


def test_spaces_between_label_and_number_and_thousands():
    fields, _ = _header(["Ana Silva", "h-index 7", "1,204 papers", "12,345,678 citations", "Novelty 5 %", "AI Score 70.5", "1,204 Papers"])
    assert fields["h_index"] == 7
    assert fields["paper_count"] == 1204
    assert fields["citations"] == 12_345_678
    assert fields["novelty_pct"] == 5.0
    assert fields["ai_score"] == 70.5
    assert fields["stated_listed_papers"] == 1204


def test_thousands_grouped_by_spaces():
    fields, classified = _header(["Ana Silva", "1 204papers", "12\u202f345\u00a0678 citations", "AI Score 1\u2009000",
                                  "1 204 Papers"])
    assert classified["reason"].null_count() == classified.height
    assert (fields["paper_count"], fields["citations"], fields["ai_score"]) == (1204, 12_345_678, 1000.0)
    assert fields["stated_listed_papers"] == 1204


def test_counts_grouped_by_dots_or_apostrophes():
    """A count is whole, so `1.928` (German style) and `1'928` (Swiss) are 1928; they were
    quarantined as unreadable. Novelty and AI score keep the dot as a decimal point."""
    fields, classified = _header(["Ana Silva", "h-index 1.024", "1'204papers", "12.345.678 citations",
                                  "AI Score 66.500", "Novelty 58.5%", "1’204 Papers"])
    assert classified["reason"].null_count() == classified.height
    assert (fields["h_index"], fields["paper_count"], fields["citations"]) == (1024, 1204, 12_345_678)
    assert (fields["ai_score"], fields["novelty_pct"], fields["stated_listed_papers"]) == (66.5, 58.5, 1204)


@pytest.mark.parametrize("line", ["1.92citations", "1.9kcitations", "h-index 4.2", "12.3456 citations",
                                  "0.123 papers", "0,123citations", "0 123 citations"])
def test_a_dot_groups_only_three_digits_in_counts(line):
    _, classified = _header(["Ana Silva", line])
    assert classified["reason"][1].endswith("has an unreadable number"), classified["reason"][1]


def test_a_space_groups_only_three_digits():
    _, classified = _header(["Ana Silva", "12 3456 citations"])
    assert classified["reason"].to_list() == [None, "header field 'citations' has an unreadable number"]


@pytest.mark.parametrize("line", ["h-index1,2", "4,2papers", "1,2,3citations", "1928,citations", "h-index４２"])
def test_commas_group_only_three_ascii_digits(line):
    _, classified = _header(["Ana Silva", line])
    assert classified["reason"][1].endswith("has an unreadable number"), classified["reason"][1]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("h-index", "header field 'h-index' has no number"),
        ("citations", "header field 'citations' has no number"),
        ("h-indexN/A", "header field 'h-index' has no number"),
        ("Novelty%", "header field 'novelty' has no number"),
        ("??? something odd ???", "unrecognized header line (not a name, category or metric)"),
    ],
)
def test_garbled_lines_are_quarantined_and_the_rest_loads(line, reason):
    fields, classified = _header(["Jane Doe", line, "h-index 3"] if "h-index" not in line else ["Jane Doe", line, "5citations"])
    bad = classified.filter(pl.col("reason").is_not_null())
    assert bad["text"].to_list() == [line]
    assert bad["reason"].to_list() == [reason]
    assert fields["name"] == "Jane Doe"


def test_duplicate_field_keeps_the_first():
    fields, classified = _header(["Jane Doe", "h-index4", "h-index9"])
    assert fields["h_index"] == 4
    assert classified.filter(pl.col("reason").is_not_null())["reason"].to_list() == ["duplicate header field 'h_index'"]


def test_a_count_of_one_is_singular():
    fields, classified = _header(["Ana Silva", "1paper", "1 Paper"])
    assert classified["reason"].null_count() == classified.height
    assert (fields["paper_count"], fields["stated_listed_papers"]) == (1, 1)


@pytest.mark.parametrize("name", ["Seán Ó hÉigeartaigh", "Eoin Mac an tSaoi", "Seán O´Brien"])
def test_irish_and_accent_apostrophe_names_are_names(name):
    fields, classified = _header([name, "LG", "h-index4"])
    assert classified["reason"].null_count() == classified.height
    assert fields["name"] == name
