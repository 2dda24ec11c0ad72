import unicodedata

import polars as pl
import pytest

from profile_etl.transforms import patterns
from profile_etl.transforms.parse import parse_pages

from pagekit import make_docs


def _split(line: str) -> tuple[str | None, str | None]:
    """The compact split as the parser tries it: a title closed by a quote, then the rule."""
    for pattern in (patterns.COMPACT_SPLIT_AFTER_QUOTE, patterns.COMPACT_SPLIT):
        row = pl.DataFrame({"l": [line]}).select(pl.col("l").str.extract_groups(pattern)).item()
        if row["title"] is not None:
            break
    return row["title"], row["authors"]


@pytest.mark.parametrize(
    ("line", "title", "authors"),
    [
        (
            "Sparse Tuning for Long Contexts: Methods, Limits, and MoreJane Doe, Ravi Kumar, Li Wei et al.",
            "Sparse Tuning for Long Contexts: Methods, Limits, and More",
            "Jane Doe, Ravi Kumar, Li Wei et al.",
        ),
        ("Scaling up DeepZeroJane Doe, Li Wei", "Scaling up DeepZero", "Jane Doe, Li Wei"),
        ("EipFormer and BadPromptFL for agentsJohn McDonald, Yann LeCun et al.", "EipFormer and BadPromptFL for agents", "John McDonald, Yann LeCun et al."),
        ("Is attention all you need?Seán O'Brien", "Is attention all you need?", "Seán O'Brien"),
        ("Models with 3 expertsLudwig van Beethoven, Ana Silva", "Models with 3 experts", "Ludwig van Beethoven, Ana Silva"),
        ("Deep Learning (revisited)Mei Chen et al.", "Deep Learning (revisited)", "Mei Chen et al."),
    ],
)
def test_compact_split_takes_right_most_point_with_a_full_first_name(line, title, authors):
    assert _split(line) == (title, authors)


def test_compact_split_needs_a_full_name_first():
    # `Madonna` alone is not a full name, and camel case inside the title is not a split point.
    assert _split("A study of BadPromptFLMadonna") == (None, None)


def _entries(text: str) -> pl.DataFrame:
    return parse_pages(make_docs([text])).entries


def test_full_and_compact_layouts_give_the_same_fields():
    full = "LGOct 3, 2023Code\nA Title\n\nJane Doe, Li Wei et al.\n\nWe study x.\n"
    compact = "LGOct 3, 2023Code\nA TitleJane Doe, Li Wei et al.\nWe study x.\n"
    a, b = _entries(full).row(0, named=True), _entries(compact).row(0, named=True)
    assert (a["layout"], b["layout"]) == ("full", "compact")
    for key in ("title", "authors_text", "abstract", "category", "published_on", "has_code", "reason"):
        assert a[key] == b[key], key
    assert a["reason"] is None


def test_score_category_and_code_marker():
    row = _entries("89.2CVApr 7\nT\nJane Doe\nAbs.\n").row(0, named=True)
    assert (row["score"], row["category"], row["has_code"], row["published_year_inferred"]) == (89.2, "CV", False, True)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("CVFeb 30, 2024\nT\nJane Doe\nAbs.\n", "invalid date 'Feb 30, 2024'"),
        ("CVJan 5, 2027\nT\nJane Doe\nAbs.\n", "date 'Jan 5, 2027' is after the snapshot date 2026-11-22"),
        ("QQJan 5, 2024\nT\nJane Doe\nAbs.\n", "unknown category code 'QQ'"),
        ("lgJan 5, 2024\nT\nJane Doe\nAbs.\n", "malformed meta line 'lgJan 5, 2024' (expected e.g. 'LGApr 7, 2024')"),
        ("LGJan 5, 2024\n", "entry has only a meta line (no title, authors or abstract)"),
        ("LGJan 5, 2024\nT\n\nJane Doe, Li Wei\n", "entry has no abstract"),
        ("LGJan 5, 2024\nA TitleJane Doe, Li Wei\n", "entry has no abstract"),
        ("LGJan 5, 2024\nA title\n\nWe study things here.\n", "entry has no authors"),
        ("LGJan 5, 2024\nJane Doe, Li Wei et al.\nWe study things here.\n", "entry has no title"),
        # A blank line after the title: the full layout, never a compact split of the title.
        ("LGJan 5, 2024\nRevisiting ImageNet Pretraining\n\nWe study this.\n", "entry has no authors"),
        ("LGJan 5, 2024\nRevisiting ImageNet Pretraining\n\nJane Doe (MIT), Ravi Kumar\n\nWe study this.\n",
         "entry has no readable author line (expected names separated by commas, found 'Jane Doe (MIT), Ravi Kumar')"),
    ],
)
def test_bad_entries_get_a_specific_reason(text, reason):
    assert _entries(text)["reason"].to_list() == [reason]


def test_lines_after_a_complete_entry_are_quarantined_one_by_one():
    parsed = parse_pages(make_docs(["LGJan 5, 2024\nT\nJane Doe\nAbs.\nstray one\nstray two\n"]))
    stray = parsed.records.filter(pl.col("kind") == "stray").sort("record_line")
    assert stray["record_line"].to_list() == [5, 6]
    assert parsed.entries["reason"].to_list() == [None]


@pytest.mark.parametrize(
    "line",
    [
        "Aochuan Chen, Yuguang Yao, Pin-Yu Chen et al.",
        "Jean d'Alembert, Muhammad al-Khwarizmi",
        "Ludwig van Beethoven, J. R. R. Tolkien, John Smith Jr.",
        "李 伟, Wei Zhang et al",
        "Seán O'Brien",
        "Xiang 'Anthony' Chen, Jane Doe",
        "Xiang ‘Tony’ Chen et al.",
        # Irish surnames with a lower-case prefix, an apostrophe typed as an accent, `et. al.`
        "Seán Ó hÉigeartaigh, Eoin Mac an tSaoi, Máire Ní Ghallchóir",
        "Seán O´Brien, Ann Lee et. al.",
    ],
)
def test_author_lines(line):
    assert pl.select(pl.lit(line).str.contains(patterns.AUTHOR_LINE)).item()


@pytest.mark.parametrize(
    "line",
    [
        "We study sparse tuning for long contexts.",
        "Despite the record-breaking performance in Text-to-Image (T2I) generation, less research attention is paid.",
        "In this work, we propose a new method, termed AdvMoE.",
        "Sparse Tuning for Long Contexts: Methods, Limits, and More",
    ],
)
def test_abstracts_and_titles_are_not_author_lines(line):
    assert not pl.select(pl.lit(line).str.contains(patterns.AUTHOR_LINE)).item()


@pytest.mark.parametrize(
    ("line", "title", "authors"),
    [
        ("Scaling up NLPJane Doe, Li Wei", "Scaling up NLP", "Jane Doe, Li Wei"),
        ("Models in 3DJane Doe et al.", "Models in 3D", "Jane Doe et al."),
        ("Robust RL for GANsJ. Doe, Li Wei", "Robust RL for GANs", "J. Doe, Li Wei"),
        # The apostrophe after `NLPN` is an elision, not a quote closing the title.
        ("Fine-Tuning for NLPN'Golo Kanté, Li Wei", "Fine-Tuning for NLP", "N'Golo Kanté, Li Wei"),
    ],
)
def test_titles_ending_in_an_acronym_split_before_the_given_name(line, title, authors):
    text = f"LGOct 3, 2023\n{line}\nWe study x.\n"
    row = _entries(text).row(0, named=True)
    assert (row["layout"], row["title"], row["authors_text"], row["reason"]) == ("compact", title, authors, None)


def test_a_date_without_the_comma_before_the_year():
    row = _entries("LGNov 21 2022Code\nT\nJane Doe\nAbs.\n").row(0, named=True)
    assert (str(row["published_on"]), row["published_year_inferred"], row["has_code"]) == ("2022-11-21", False, True)


@pytest.mark.parametrize("line", [
    "May 2024", "Jun 2023 results", "We met on May 5, 2024 in Paris.",
    # Titles with a month's letters in them (any case), or a word and a month.
    "Codec 2", "EnCodec 2", "Grammar 2", "Trojan 3", "Kumar 12", "Update Mar 3", "AI-Act Dec 8", "Vote May 4",
])
def test_lines_that_only_mention_a_date_do_not_start_an_entry(line):
    assert not pl.select(pl.lit(line).str.contains(patterns.META_LIKE)).item()


@pytest.mark.parametrize(
    ("line", "title", "authors"),
    [
        # Decomposed (NFD) text: the title's last letter is followed by a combining mark.
        (unicodedata.normalize("NFD", "Un modèle de caféJane Doe, Ravi Kumar"),
         unicodedata.normalize("NFD", "Un modèle de café"), "Jane Doe, Ravi Kumar"),
        # Closing punctuation of any script, and the symbols that end real titles.
        ("Le modèle «GPT»Jane Doe, Ravi Kumar", "Le modèle «GPT»", "Jane Doe, Ravi Kumar"),
        ("大模型（LLM）Jane Doe, Ravi Kumar", "大模型（LLM）", "Jane Doe, Ravi Kumar"),
        ("Fast parsers for C++Jane Doe", "Fast parsers for C++", "Jane Doe"),
        ("Pruning 90%Jane Doe, Li Wei", "Pruning 90%", "Jane Doe, Li Wei"),
        # Names: particles, long names, capitals-only surnames, a non-breaking space.
        ("Graph Learning at ScaleJoão do Nascimento, Li Wei", "Graph Learning at Scale", "João do Nascimento, Li Wei"),
        ("Chemistry of ThingsJacobus van 't Hoff, Carlos Silva e Sousa", "Chemistry of Things",
         "Jacobus van 't Hoff, Carlos Silva e Sousa"),
        ("Big ModelsMaría José de la Cruz García de la Vega, Li Wei", "Big Models",
         "María José de la Cruz García de la Vega, Li Wei"),
        ("Graph Nets at ScaleYihua ZHANG, Li McDONALD", "Graph Nets at Scale", "Yihua ZHANG, Li McDONALD"),
        ("Learning at ScaleJane\u00a0Doe, Ravi Kumar", "Learning at Scale", "Jane\u00a0Doe, Ravi Kumar"),
        # An apostrophe after a capital is a name's elision, not the title's closing quote.
        ("Robust ModelsO'Neil Jones", "Robust Models", "O'Neil Jones"),
        ("Robust ModelsD’Arcy Thompson, Jane Doe", "Robust Models", "D’Arcy Thompson, Jane Doe"),
        ("On the 'Black Box'Jane Doe, Li Wei", "On the 'Black Box'", "Jane Doe, Li Wei"),
        ('On the "Black Box"Jane Doe', 'On the "Black Box"', "Jane Doe"),
        # A quoted nickname inside a name; its opening quote does not end the title.
        ("Robust ModelsXiang 'Anthony' Chen, Jane Doe", "Robust Models", "Xiang 'Anthony' Chen, Jane Doe"),
        ('Robust ModelsXiang "Anthony" Chen', "Robust Models", 'Xiang "Anthony" Chen'),
        # A quoted acronym closes the title.
        ("Beyond “AI”Jane Doe, Li Wei", "Beyond “AI”", "Jane Doe, Li Wei"),
        ('Safety for "AGI"Jane Doe, Li Wei', 'Safety for "AGI"', "Jane Doe, Li Wei"),
        ("Rethinking 'SOTA'Jane Doe, Li Wei", "Rethinking 'SOTA'", "Jane Doe, Li Wei"),
        ("What Makes a 'good' PromptJane Doe", "What Makes a 'good' Prompt", "Jane Doe"),
        # The quote that closes the title is the first after its opening one, never an
        # elision in a later author.
        ("Rethinking 'SOTA'Jane Doe, O'Neil Jones", "Rethinking 'SOTA'", "Jane Doe, O'Neil Jones"),
        ("Rethinking ‘SOTA’Chloé Silva, Marc'Aurelio Ranzato", "Rethinking ‘SOTA’", "Chloé Silva, Marc'Aurelio Ranzato"),
        ("Don't Stop PretrainingJane Doe", "Don't Stop Pretraining", "Jane Doe"),
        ("Rethinking 'Don't Panic'Jane Doe", "Rethinking 'Don't Panic'", "Jane Doe"),
        ("The ‘Children’s Story’Jane Doe", "The ‘Children’s Story’", "Jane Doe"),
        ("Rethinking 'SOTA'Gerard 't Hooft, Marc'Aurelio Ranzato", "Rethinking 'SOTA'",
         "Gerard 't Hooft, Marc'Aurelio Ranzato"),
        ("(Re)thinking '3D'Jane Doe, O'Neil Jones", "(Re)thinking '3D'", "Jane Doe, O'Neil Jones"),
        ("Learning from Teachers'Jane Doe, Li Wei", "Learning from Teachers'", "Jane Doe, Li Wei"),
        # An elision inside a later author, or after an acronym, is no title end.
        ("Learning at ScaleYann Dauphin, Marc'Aurelio Ranzato, Jane Doe", "Learning at Scale",
         "Yann Dauphin, Marc'Aurelio Ranzato, Jane Doe"),
        # Capitals with decomposed accents, more particles, other spaces and hyphens.
        (unicodedata.normalize("NFD", "Learning at ScaleJosé GARCÍA, Çağlar GÜLÇEHRE"),
         "Learning at Scale", unicodedata.normalize("NFD", "José GARCÍA, Çağlar GÜLÇEHRE")),
        ("Learning at ScaleEhsan ul Haq, Nur Aisyah binti Ahmad", "Learning at Scale",
         "Ehsan ul Haq, Nur Aisyah binti Ahmad"),
        ("Learning at ScaleSophie in 't Veld, Hilma af Klint", "Learning at Scale", "Sophie in 't Veld, Hilma af Klint"),
        ("Learning at ScaleJane\u202fDoe, Pin\u2010Yu Chen", "Learning at Scale", "Jane\u202fDoe, Pin\u2010Yu Chen"),
        ("Wait, What…Jane Doe, Li Wei", "Wait, What…", "Jane Doe, Li Wei"),
        ("Embeddings in ℝⁿJane Doe, Li Wei", "Embeddings in ℝⁿ", "Jane Doe, Li Wei"),
    ],
)
def test_compact_split_in_other_scripts_forms_and_names(line, title, authors):
    assert _split(line) == (title, authors)


def test_an_acronym_glued_to_a_name_is_not_a_name_word():
    # `LLMJane` would make `Seek LLMJane Doe` an author and split the title after `Deep`.
    row = _entries("LGOct 3, 2023\nIntroducing DeepSeek LLMJane Doe, Li Wei\nWe study x.\n").row(0, named=True)
    assert (row["title"], row["authors_text"], row["reason"]) == ("Introducing DeepSeek LLM", "Jane Doe, Li Wei", None)


def test_a_title_word_glued_to_a_caseless_name_is_not_a_name_word():
    # `Models李明` is no name: rather no split (quarantined) than title `Scaling Eip`.
    row = _entries("LGOct 3, 2023\nScaling EipFormer Models李明, 王芳 et al.\nWe study x.\n").row(0, named=True)
    assert row["title"] is None
    assert row["reason"] == "entry has no authors"


def test_full_layout_author_line_with_particles_keeps_the_title_whole():
    text = "LGOct 3, 2023\n\nScaling EipFormer Models\n\nJoão do Nascimento, Jane Doe et al.\n\nWe study x.\n"
    row = _entries(text).row(0, named=True)
    assert (row["layout"], row["title"], row["authors_text"], row["reason"]) == (
        "full", "Scaling EipFormer Models", "João do Nascimento, Jane Doe et al.", None)


def test_a_compact_entry_whose_abstract_is_one_capitalised_line_loads():
    row = _entries("LGJan 5, 2024\nRevisiting ImageNet PretrainingJane Doe, Ravi Kumar\nWithdrawn.\n").row(0, named=True)
    assert (row["layout"], row["title"], row["authors_text"], row["abstract"], row["reason"]) == (
        "compact", "Revisiting ImageNet Pretraining", "Jane Doe, Ravi Kumar", "Withdrawn.", None)


def test_a_full_entry_without_blank_lines_is_still_full():
    row = _entries("LGJan 5, 2024\nRevisiting ImageNet Pretraining\nJane Doe, Ravi Kumar\nWe study this.\n").row(0, named=True)
    assert (row["layout"], row["title"], row["authors_text"], row["reason"]) == (
        "full", "Revisiting ImageNet Pretraining", "Jane Doe, Ravi Kumar", None)


FULL_ENTRY = "CVJan 6, 2024\nA Full Paper\n\nJane Doe, Li Wei\n\nAbstract two.\n"


def test_a_compact_entry_with_a_stray_blank_line_loads_on_a_page_without_full_entries():
    compact = "LGJan 5, 2024\nScaling up DeepZeroRavi Kumar, Mei Chen\n\nWe scale things.\n"
    row = _entries(compact).row(0, named=True)
    assert (row["layout"], row["title"], row["authors_text"], row["reason"]) == (
        "compact", "Scaling up DeepZero", "Ravi Kumar, Mei Chen", None)
    truncated_list = _entries("LGJan 5, 2024\nScaling up DeepZeroRavi Kumar et al.\n\nWe scale things.\n")
    assert truncated_list.select("layout", "authors_text").row(0) == ("compact", "Ravi Kumar et al.")
    # Among full entries the same lines are a full entry whose author line is missing.
    rows = _entries(compact + "\n" + FULL_ENTRY).sort("line_no")
    assert rows["reason"].to_list() == ["entry has no authors", None]


def test_a_truncated_full_entry_is_not_read_as_compact():
    page = ("LGJan 5, 2024\nA First Paper\nJane Doe, Li Wei\nAbstract one.\n"
            "CVJan 6, 2024\nRevisiting ImageNet Pretraining\nJane Doe, Li Wei\n")
    rows = _entries(page).sort("line_no")
    assert rows["reason"].to_list() == [None, "entry has no abstract"]
    # Alone, too: `Net Pretraining` is one two-word name, no list, so the split is not taken.
    alone = _entries("CVJan 6, 2024\nRevisiting ImageNet Pretraining\nJane Doe, Li Wei\n")
    assert alone["reason"].to_list() == ["entry has no abstract"]


def test_the_parser_tries_a_quoted_title_end_first():
    row = _entries("LGOct 3, 2023\n(Re)thinking '3D'Jane Doe, O'Neil Jones\nWe study x.\n").row(0, named=True)
    assert (row["layout"], row["title"], row["authors_text"], row["reason"]) == (
        "compact", "(Re)thinking '3D'", "Jane Doe, O'Neil Jones", None)


@pytest.mark.parametrize(
    ("line", "title", "authors"),
    [
        ("Self-Supervised LearningJane Doe, Tom McCoy Jr.", "Self-Supervised Learning", "Jane Doe, Tom McCoy Jr."),
        ("Contrastive LearningJane Doe, Hugh MacLeod Smith, Li Wei et al.", "Contrastive Learning",
         "Jane Doe, Hugh MacLeod Smith, Li Wei et al."),
        ("Graph Learning for NLPJane Doe, Juan DelaCruz García", "Graph Learning for NLP", "Jane Doe, Juan DelaCruz García"),
        # Not inside an author: a title with a comma and camel-case words keeps its end.
        ("Beyond DeepMind Lab, AlphaGoJane Doe, Ravi Kumar", "Beyond DeepMind Lab, AlphaGo", "Jane Doe, Ravi Kumar"),
        ("Scaling with DeepMind AlphaGoJane Doe", "Scaling with DeepMind AlphaGo", "Jane Doe"),
        ("EipFormer and BadPromptFL for agentsJohn McDonald, Yann LeCun et al.", "EipFormer and BadPromptFL for agents",
         "John McDonald, Yann LeCun et al."),
        # Two such authors; and titles whose last word after a comma is no surname prefix.
        ("Deep LearningJane Doe, Tom McCoy Jr., Hugh MacLeod Smith", "Deep Learning",
         "Jane Doe, Tom McCoy Jr., Hugh MacLeod Smith"),
        ("Mining GitHub Issues, Pull Requests, CodeJane Doe, Li Wei", "Mining GitHub Issues, Pull Requests, Code",
         "Jane Doe, Li Wei"),
        ("(Re)Visiting Web Search, Ads, DataJane Doe, Li Wei", "(Re)Visiting Web Search, Ads, Data", "Jane Doe, Li Wei"),
        ("Mastering DeepMind Chess, Shogi, GoJane Doe et al.", "Mastering DeepMind Chess, Shogi, Go", "Jane Doe et al."),
    ],
)
def test_a_split_inside_a_later_authors_inner_capital_is_undone(line, title, authors):
    """`Tom Mc|Coy Jr.` qualifies as the right-most point (`Coy Jr.` is a two-word name);
    the title would end in `Jane Doe, Tom Mc`. The title's own glued list is joined back."""
    row = _entries(f"LGOct 3, 2023\n{line}\nWe study x.\n").row(0, named=True)
    assert (row["layout"], row["title"], row["authors_text"], row["reason"]) == ("compact", title, authors, None)


_AUTHORS = "Aochuan Chen, Yimeng Zhang, Yihua Zhang et al."
# An abstract as long as real ones are (a page footer or a junk line is shorter).
_LONG = "We scale zeroth-order optimization to deep networks and train a ResNet-20 to a competitive accuracy on CIFAR-10."


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        # The author line repeated: the second copy was loaded as the abstract.
        (f"LGOct 3, 2023\nDeepZero\n\n{_AUTHORS}\n{_AUTHORS}\n\nWe scale it.\n", "abstract is an author list"),
        # The author line wrapped: `Zhang, Yihua Zhang et al.` was the abstract.
        ("LGOct 3, 2023\nDeepZero\n\nAochuan Chen, Yimeng\nZhang, Yihua Zhang et al.\n\nWe scale it.\n",
         "abstract is an author list"),
        # A stray line (or a wrapped title) between title and authors: `Sign in` was the author.
        (f"LGOct 3, 2023\nDeepZero\n\nSign in\n\n{_AUTHORS}\n\nWe scale it.\n", "abstract is an author list"),
        (f"LGOct 3, 2023\nDeepZero While Preserving\nReasoning Skills\n\n{_AUTHORS}\n\nWe scale it.\n",
         "abstract is an author list"),
        # A compact title line repeated: it was the abstract.
        ("LGOct 3, 2023\nDeepZeroJane Doe, Li Wei\nDeepZeroJane Doe, Li Wei\nWe scale it.\n", "entry repeats one of its lines"),
        # A one-author entry's title wrapped: `Neural Networks` was the author, `Jane Doe`
        # the abstract.
        (f"LGMar 3, 2024\nRobust Training for Convolutional\nNeural Networks\n\nJane Doe\n\n{_LONG}\n",
         "abstract is a lone name or label"),
        # An author list wrapped without a comma: `Ruisi Cai` was the abstract.
        (f"LGMar 3, 2024\nDeepZero\n\nYihua Zhang\nRuisi Cai\n\n{_LONG}\n", "abstract is a lone name or label"),
        # A junk line before the abstract, in either layout: `PDF` was the abstract.
        (f"LGMar 3, 2024\nDeepZero\n\n{_AUTHORS}\n\nPDF\n\n{_LONG}\n", "abstract is a lone name or label"),
        (f"LGMar 3, 2024\nDeepZero\n\n{_AUTHORS}\n\nView PDF\n\n{_LONG}\n", "abstract is a lone name or label"),
        (f"LGMar 3, 2024\nDeepZeroJane Doe, Li Wei\nPDF\n{_LONG}\n", "abstract is a lone name or label"),
    ],
)
def test_a_line_shifted_into_the_abstract_quarantines_the_entry(text, reason):
    row = _entries(text).row(0, named=True)
    assert row["reason"] is not None and row["reason"].startswith(reason)
    assert row["n_lines"] == len([line for line in text.splitlines() if line.strip()])


def test_a_lone_word_under_a_compact_title_line_does_not_make_it_full():
    """`PDF` (or `Withdrawn.` followed by a damaged next entry) under a title line that
    splits into a title and an author list: the split is kept. It used to be read as the
    full layout, with the whole glued line as title and `PDF` as its only author."""
    text = "LGOct 3, 2023\nScaling up DeepZeroRavi Kumar, Chloé Silva\nWithdrawn.\nRONov 23, 2O16\nRobots for allRavi Kumar\nShort.\n"
    row = _entries(text).row(0, named=True)
    assert (row["layout"], row["title"], row["authors_text"], row["abstract"], row["reason"]) == (
        "compact", "Scaling up DeepZero", "Ravi Kumar, Chloé Silva", "Withdrawn.", None)
    full = _entries("LGOct 3, 2023\nA Title\n\nMadonna\n\nAn abstract.\n").row(0, named=True)
    assert (full["layout"], full["authors_text"], full["reason"]) == ("full", "Madonna", None)


@pytest.mark.parametrize(
    ("line", "title", "authors"),
    [
        (r"Private Learning with Small $\epsilon$Jane Doe, Ravi Kumar", r"Private Learning with Small $\epsilon$",
         "Jane Doe, Ravi Kumar"),
        ("Catalan ArchitectureJosep Puig i Cadafalch, Ngũgĩ wa Thiong'o", "Catalan Architecture",
         "Josep Puig i Cadafalch, Ngũgĩ wa Thiong'o"),
    ],
)
def test_a_title_ending_in_math_and_particles_i_and_wa(line, title, authors):
    """A title ending in `$…$` used to be unsplittable (quarantined `entry has no authors`);
    `i` and `wa` are particles (`Puig i Cadafalch`, `Ngũgĩ wa Thiong'o`)."""
    row = _entries(f"LGOct 3, 2023\n{line}\nWe study x.\n").row(0, named=True)
    assert (row["title"], row["authors_text"], row["reason"]) == (title, authors, None)


@pytest.mark.parametrize(
    "text",
    [
        "LGOct 3, 2023\nWhere Do Startups Cluster?\n\nJane Doe, Li Wei\n\nParis, London, Berlin\n",
        "LGOct 3, 2023\nA Thesis\n\nJane Doe\n\nPhD Thesis, Stanford University\n",
        "LGOct 3, 2023\nWhere Do Startups Cluster?Jane Doe, Li Wei\nParis, London, Berlin\n",
    ],
)
def test_an_abstract_listing_places_or_a_thesis_as_the_last_line_loads(text):
    assert _entries(text).row(0, named=True)["reason"] is None


def test_a_one_word_caseless_author_line_keeps_the_full_layout():
    row = _entries("LGApr 7, 2024\nScaling ImageNet Training, Vision Transformers\n李明\nWe study things.\n").row(0, named=True)
    assert (row["layout"], row["title"], row["authors_text"], row["reason"]) == (
        "full", "Scaling ImageNet Training, Vision Transformers", "李明", None)


@pytest.mark.parametrize(
    ("line", "title", "authors"),
    [
        ("TinyLlama: An Open-Source Small Language Model 🚀Jane Doe, Li Wei",
         "TinyLlama: An Open-Source Small Language Model 🚀", "Jane Doe, Li Wei"),
        ("Trust in Brand™Jane Doe", "Trust in Brand™", "Jane Doe"),
        ("Scaling to n→∞Ravi Kumar, Li Wei", "Scaling to n→∞", "Ravi Kumar, Li Wei"),
        ("Training for under 100€Jane Doe", "Training for under 100€", "Jane Doe"),
        ("面向大模型的深度学习Jane Doe, Li Wei", "面向大模型的深度学习", "Jane Doe, Li Wei"),
    ],
)
def test_a_title_ending_in_a_symbol_or_a_caseless_letter_splits(line, title, authors):
    """A symbol (`🚀`, `™`, `∞`, `€`) or a letter of a script without case ends a title like a
    lower-case letter does; such entries were quarantined as `entry has no authors`."""
    assert _split(line) == (title, authors)


@pytest.mark.parametrize(
    "text",
    [
        "LGOct 3, 2023\nA Title\n\nAnn Lee, Omar Khattab et. al.\n\nWe study x.\n",
        "LGOct 3, 2023\nA TitleAnn Lee, Omar Khattab et. al.\nWe study x.\n",
        "LGOct 3, 2023\nA Title\n\nSeán Ó hÉigeartaigh, Ann Lee\n\nWe study x.\n",
    ],
)
def test_a_typo_in_et_al_or_an_irish_surname_no_longer_quarantines_the_entry(text):
    """`et. al.` gave `no readable author line` (full) or `no authors` (compact), and so
    did `Ó hÉigeartaigh`."""
    row = _entries(text).row(0, named=True)
    assert row["reason"] is None
    assert row["title"] == "A Title"


@pytest.mark.parametrize(
    ("line", "title", "authors"),
    [
        # A later author's glued initials: `Q. Chen` was the right-most point.
        ("Latent ODEs for Irregularly-Sampled Time SeriesYulia Rubanova, Ricky T.Q. Chen, Jane Doe",
         "Latent ODEs for Irregularly-Sampled Time Series", "Yulia Rubanova, Ricky T.Q. Chen, Jane Doe"),
        ("Sparse Tuning and MoreJane Doe, A.J. Smith et al.", "Sparse Tuning and More", "Jane Doe, A.J. Smith et al."),
        # The first author's: the title ended in `MoreA.` or `GPT-4J.R.`.
        ("Sparse Tuning for Long Contexts: Methods, Limits, and MoreA.J. Smith, Jane Doe",
         "Sparse Tuning for Long Contexts: Methods, Limits, and More", "A.J. Smith, Jane Doe"),
        ("Early Experiments with GPT-4oJ.R.R. Tolkien, Jane Doe", "Early Experiments with GPT-4o", "J.R.R. Tolkien, Jane Doe"),
        ("Deep Learning (revisited)A.J. Smith et al.", "Deep Learning (revisited)", "A.J. Smith et al."),
        # Initials after a capital or a dot may be the title's own, and so may a capital and
        # a dot before a full given name: left there.
        ("Made in the USA.Jane Doe, Li Wei", "Made in the USA.", "Jane Doe, Li Wei"),
        ("Going Beyond GPT-4V.Jane Doe, Tom Smith", "Going Beyond GPT-4V.", "Jane Doe, Tom Smith"),
        ("Reconstruction in 3D.J. Smith, Maria Garcia", "Reconstruction in 3D.", "J. Smith, Maria Garcia"),
        ("Serving Llama-2-70B.J. Smith et al.", "Serving Llama-2-70B.", "J. Smith et al."),
        ("Pose Estimation in 3D.Jane Doe, Tom Smith", "Pose Estimation in 3D.", "Jane Doe, Tom Smith"),
        ("Results at Level 2A.Jane Doe et al.", "Results at Level 2A.", "Jane Doe et al."),
        ("Sparse Tuning in the U.S.Jane Doe, Li Wei", "Sparse Tuning in the U.S.", "Jane Doe, Li Wei"),
    ],
)
def test_glued_initials_stay_with_their_author(line, title, authors):
    row = _entries(f"LGOct 3, 2023\n{line}\nWe study x.\n").row(0, named=True)
    assert (row["layout"], row["title"], row["authors_text"], row["reason"]) == ("compact", title, authors, None)


@pytest.mark.parametrize(
    "text",
    [
        "LGMar 3, 2024\nDeepZero\n\nJane Doe, Li Wei\n\nWithdrawn\n\nPDF\n",
        "LGMar 3, 2024\nDeepZero\n\nJane Doe, Li Wei\n\nExtended Abstract\n\nCode\n",
        "LGMar 3, 2024\nDeepZero\n\nJane Doe, Li Wei\n\nWithdrawn\n\nShowing 3 of 3 papers for this author on the site\n",
    ],
)
def test_a_short_abstract_followed_by_short_lines_only_still_loads(text):
    """Only a longer line after a name-like abstract shows a shift (the real abstract);
    `Withdrawn` then a junk `PDF` is a short abstract and a stray line."""
    parsed = parse_pages(make_docs([text]))
    assert parsed.entries["reason"].to_list() == [None]
    assert parsed.records.filter(pl.col("kind") == "stray").height == 1


def test_a_long_abstract_in_a_script_without_sentence_dots_is_no_name():
    # A Thai abstract reads as one long "name" (no case, no final dot); it was quarantined
    # when a second paragraph followed.
    thai = " ".join(["\u0e01\u0e32\u0e23\u0e28\u0e36\u0e01\u0e29\u0e32\u0e19\u0e35\u0e49"] * 12)
    text = f"LGOct 3, 2023\nA Title\n\nJane Doe, Li Wei\n\n{thai}\n\n{_LONG}\n"
    parsed = parse_pages(make_docs([text]))
    assert parsed.entries["reason"].to_list() == [None]
    assert parsed.entries["abstract"].to_list() == [thai]
