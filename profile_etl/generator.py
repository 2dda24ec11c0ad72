"""Synthetic profile pages in both layouts, with the values they encode.

Used for the bundled sample, the benchmark corpus and round-trip tests. Deterministic:
the same (profiles, seed) gives byte-identical pages. Pure: returns text, writes nothing.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

MONTH_NAMES = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
CATEGORIES = ["LG", "CV", "CL", "CR", "AI", "ML", "RO", "IR", "NE", "DC", "SD", "HC"]
FIRST = ["Jane", "Ravi", "Li", "Seán", "José", "Zoë", "Yann", "John", "Aochuan", "Mei", "Olga", "Kwame",
         "Fatima", "Lars", "Ana", "Hiro", "Priya", "Tomás", "Chloé", "Bjørn", "Nadia", "Omar", "Sofia", "Wei"]
LAST = ["Doe", "Kumar", "Wei", "O'Brien", "García", "Müller", "LeCun", "McDonald", "Chen", "Nakamura",
        "Petrova", "Mensah", "Haddad", "Eriksen", "Silva", "Tanaka", "Sharma", "Núñez", "Lefèvre", "van Dijk",
        "Okafor", "Rossi", "Zhang", "Kowalski"]
TITLE_HEADS = ["Sparse Tuning", "DeepZero", "EipFormer", "BadPromptFL", "Robust Unlearning", "Scaling Laws",
               "Visual Prompting", "Zeroth-Order Optimization", "Contrastive Pretraining", "Graph Transformers",
               "Diffusion Editing", "Federated Distillation"]
TITLE_TAILS = ["for long contexts", "in practice", "without labels", "at scale", "via gradient saliency",
               "under distribution shift", "with 3 experts", "revisited", "for small models", "beyond accuracy"]
WORDS = ("we study model data training robust sparse gradient learning network attention token benchmark "
         "results method show improve accuracy efficient large language vision task loss prompt").split()


@dataclass(frozen=True)
class GeneratedEntry:
    """One paper entry as the generator wrote it."""

    title: str
    authors: list[str]
    truncated: bool
    category: str
    month: int
    day: int
    year: int | None
    score: float | None
    has_code: bool
    code_url: str | None
    abstract: str


@dataclass(frozen=True)
class GeneratedPage:
    """A page's file name, text and the values in it."""

    file_name: str
    text: str
    layout: str
    name: str | None
    metrics: dict[str, int] = field(default_factory=dict)
    entries: list[GeneratedEntry] = field(default_factory=list)


def _name(rng: random.Random) -> str:
    name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    return name


def _spelled(rng: random.Random, name: str) -> str:
    """The same name as a scraper might deliver it: NFD sometimes."""
    return unicodedata.normalize("NFD", name) if rng.random() < 0.2 else name


def _abstract(rng: random.Random, n_words: int, url: str | None) -> str:
    words = [rng.choice(WORDS) for _ in range(n_words)]
    words[0] = words[0].capitalize()
    text = " ".join(words) + "."
    extras = [r" We reach \(>90\%\) accuracy, \ie a \textbf{large} gain over ``prior'' work."]
    if rng.random() < 0.3:
        text += rng.choice(extras)
    if url:
        text += f" Code: \\url{{{url}}}." if rng.random() < 0.3 else f" Code is available at {url}."
    return text


def _entry(rng: random.Random, owner: str, index: int) -> GeneratedEntry:
    head = rng.choice(TITLE_HEADS)
    title = f"{head}: {rng.choice(TITLE_TAILS)} ({index})" if rng.random() < 0.3 else f"{head} {rng.choice(TITLE_TAILS)} {index}"
    n_authors = rng.randint(1, 5)
    authors = []
    while len(authors) < n_authors:
        candidate = _name(rng)
        if candidate not in authors and candidate != owner:
            authors.append(candidate)
    hidden = rng.random() < 0.1
    if not hidden:
        authors.insert(rng.randint(0, len(authors)), owner)
    truncated = hidden or rng.random() < 0.6
    has_code = rng.random() < 0.45
    slug = title.split(":")[0].split(" ")[0]
    url = f"https://github.com/lab-{index % 7}/{slug}-{index}" if has_code or rng.random() < 0.1 else None
    no_year = rng.random() < 0.1
    return GeneratedEntry(
        title=title,
        authors=authors,
        truncated=truncated,
        category=rng.choice(CATEGORIES),
        month=rng.randint(1, 12),
        day=rng.randint(1, 28),
        year=None if no_year else rng.randint(2015, 2025),
        score=round(rng.uniform(50, 99), 1) if rng.random() < 0.25 else None,
        has_code=has_code,
        code_url=url,
        abstract=_abstract(rng, rng.randint(120, 220), url),
    )


def _meta_line(e: GeneratedEntry) -> str:
    score = f"{e.score:.1f}" if e.score is not None else ""
    date = f"{MONTH_NAMES[e.month - 1]} {e.day}" + (f", {e.year}" if e.year else "")
    return f"{score}{e.category}{date}{'Code' if e.has_code else ''}"


def _author_line(rng: random.Random, e: GeneratedEntry) -> str:
    return ", ".join(_spelled(rng, a) for a in e.authors) + (" et al." if e.truncated else "")


def generate_page(rng: random.Random, index: int) -> GeneratedPage:
    """One page: full layout with a header, or compact (a fragment, usually headerless)."""
    owner = _name(rng)
    layout = "full" if rng.random() < 0.6 else "compact"
    n_entries = rng.randint(30, 50)
    entries = [_entry(rng, owner, index * 1000 + i) for i in range(n_entries)]
    metrics = {
        "h_index": rng.randint(1, 120), "paper_count": rng.randint(n_entries, 400),
        "citations": rng.randint(10, 90_000), "novelty_pct": rng.randint(0, 100), "ai_score": rng.randint(0, 100),
    }
    with_header = layout == "full" or rng.random() < 0.3
    out: list[str] = []
    if with_header:
        sep = " " if rng.random() < 0.3 else ""
        out += [owner, "", rng.choice(CATEGORIES), f"h-index{sep}{metrics['h_index']}",
                f"{metrics['paper_count']}papers", f"{metrics['citations']:,}citations",
                f"Novelty{sep}{metrics['novelty_pct']}%", f"AI Score{sep}{metrics['ai_score']}", "",
                f"{n_entries} Papers", ""]
    for e in entries:
        if layout == "full":
            out += [_meta_line(e), e.title, "", _author_line(rng, e), "", e.abstract, ""]
        else:
            out += [_meta_line(e), e.title + _author_line(rng, e), e.abstract]
    newline = "\r\n" if rng.random() < 0.1 else "\n"
    text = newline.join(out)
    if rng.random() < 0.1:
        text = "\ufeff" + text
    return GeneratedPage(
        file_name=f"profile_{index:06d}_{layout}.txt",
        text=text,
        layout=layout,
        name=owner if with_header else None,
        metrics=metrics if with_header else {},
        entries=entries,
    )


def generate_pages(profiles: int, seed: int) -> Iterator[GeneratedPage]:
    """`profiles` pages from one seeded random stream."""
    rng = random.Random(seed)
    for index in range(profiles):
        yield generate_page(rng, index)
