"""The generator is deterministic, and the bundled sample is exactly its output."""

from profile_etl.generator import generate_pages
from profile_etl.settings import SAMPLE_DIR


def test_same_seed_same_pages_other_seed_other_pages():
    first = [p.text for p in generate_pages(3, seed=5)]
    assert first == [p.text for p in generate_pages(3, seed=5)]
    assert first != [p.text for p in generate_pages(3, seed=6)]


def test_both_layouts_are_generated():
    layouts = {p.layout for p in generate_pages(20, seed=1)}
    assert layouts == {"full", "compact"}


def test_bundled_sample_is_the_generator_output_for_seed_7():
    pages = list(generate_pages(4, seed=7))
    on_disk = sorted(SAMPLE_DIR.glob("*.txt"))
    assert [p.name for p in on_disk] == sorted(p.file_name for p in pages)
    for page in pages:
        assert (SAMPLE_DIR / page.file_name).read_bytes() == page.text.encode("utf-8")
