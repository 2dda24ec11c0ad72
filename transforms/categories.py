"""The arXiv subject classes behind the site's two-letter category codes.

The site shows only the subject part of an arXiv category (`LG` for `cs.LG`). Several
archives reuse a code (`CV` is cs.CV and math.CV), so codes resolve in archive order:
cs, stat, eess, math, q-bio, q-fin, econ; `ML` is therefore stat.ML and `SY` eess.SY.
A code in none of these archives is not a category the site can show, and an entry that
carries one is quarantined.
"""

from __future__ import annotations

import polars as pl

_ARCHIVES: list[tuple[str, dict[str, str]]] = [
    ("cs", {
        "AI": "Artificial Intelligence", "AR": "Hardware Architecture",
        "CC": "Computational Complexity", "CE": "Computational Engineering, Finance, and Science",
        "CG": "Computational Geometry", "CL": "Computation and Language",
        "CR": "Cryptography and Security", "CV": "Computer Vision and Pattern Recognition",
        "CY": "Computers and Society", "DB": "Databases",
        "DC": "Distributed, Parallel, and Cluster Computing", "DL": "Digital Libraries",
        "DM": "Discrete Mathematics", "DS": "Data Structures and Algorithms",
        "ET": "Emerging Technologies", "FL": "Formal Languages and Automata Theory",
        "GL": "General Literature", "GR": "Graphics", "GT": "Computer Science and Game Theory",
        "HC": "Human-Computer Interaction", "IR": "Information Retrieval",
        "IT": "Information Theory", "LG": "Machine Learning", "LO": "Logic in Computer Science",
        "MA": "Multiagent Systems", "MM": "Multimedia", "MS": "Mathematical Software",
        "NA": "Numerical Analysis", "NE": "Neural and Evolutionary Computing",
        "NI": "Networking and Internet Architecture", "OH": "Other Computer Science",
        "OS": "Operating Systems", "PF": "Performance", "PL": "Programming Languages",
        "RO": "Robotics", "SC": "Symbolic Computation", "SD": "Sound",
        "SE": "Software Engineering", "SI": "Social and Information Networks",
    }),
    ("stat", {
        "AP": "Applications", "CO": "Computation", "ME": "Methodology",
        "ML": "Machine Learning", "OT": "Other Statistics", "TH": "Statistics Theory",
    }),
    ("eess", {
        "AS": "Audio and Speech Processing", "IV": "Image and Video Processing",
        "SP": "Signal Processing", "SY": "Systems and Control",
    }),
    ("math", {
        "AC": "Commutative Algebra", "AG": "Algebraic Geometry", "AT": "Algebraic Topology",
        "CA": "Classical Analysis and ODEs", "CT": "Category Theory",
        "DG": "Differential Geometry", "FA": "Functional Analysis", "GM": "General Mathematics",
        "GN": "General Topology", "HO": "History and Overview", "KT": "K-Theory and Homology",
        "MG": "Metric Geometry", "MP": "Mathematical Physics", "NT": "Number Theory",
        "OA": "Operator Algebras", "OC": "Optimization and Control", "PR": "Probability",
        "QA": "Quantum Algebra", "RA": "Rings and Algebras", "RT": "Representation Theory",
        "SG": "Symplectic Geometry", "ST": "Statistics Theory",
    }),
    ("q-bio", {
        "BM": "Biomolecules", "CB": "Cell Behavior", "MN": "Molecular Networks",
        "NC": "Neurons and Cognition", "PE": "Populations and Evolution",
        "QM": "Quantitative Methods", "TO": "Tissues and Organs",
    }),
    ("q-fin", {
        "CP": "Computational Finance", "EC": "Economics", "MF": "Mathematical Finance",
        "PM": "Portfolio Management", "RM": "Risk Management", "TR": "Trading and Market Microstructure",
    }),
    ("econ", {"EM": "Econometrics", "GN": "General Economics"}),
]


def _build() -> dict[str, tuple[str, str]]:
    known: dict[str, tuple[str, str]] = {}
    for archive, subjects in _ARCHIVES:
        for code, name in subjects.items():
            known.setdefault(code, (f"{archive}.{code}", name))
    return known


KNOWN_CATEGORIES: dict[str, tuple[str, str]] = _build()


def category_reference() -> pl.DataFrame:
    """One row per known code: `code`, `arxiv_id`, `name`."""
    codes = sorted(KNOWN_CATEGORIES)
    return pl.DataFrame(
        {
            "code": codes,
            "arxiv_id": [KNOWN_CATEGORIES[c][0] for c in codes],
            "name": [KNOWN_CATEGORIES[c][1] for c in codes],
        }
    )


# The reason an unknown code is quarantined with, on a header line or a meta line alike (so
# `analytics.quarantine_reasons` groups them as one kind).
UNKNOWN_CODE = "unknown category code '{}'"


def is_known(code: pl.Expr) -> pl.Expr:
    """True where the code is an arXiv subject class the site can show."""
    return code.is_in(list(KNOWN_CATEGORIES))
