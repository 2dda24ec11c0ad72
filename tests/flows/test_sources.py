"""Reading input files: hashing, decoding, and not reading what has not changed."""

from __future__ import annotations

import hashlib
import os

from profile_etl.flows.sources import read_files

PAGE = "Jane Doe\n\nLG\nh-index3\n"


def _write(path, text: str, mtime_ns: int | None = None) -> None:
    path.write_text(text, encoding="utf-8")
    if mtime_ns is not None:
        os.utime(path, ns=(mtime_ns, mtime_ns))


def test_a_file_with_the_same_size_and_mtime_is_not_read(tmp_path):
    page = tmp_path / "a.txt"
    _write(page, PAGE, mtime_ns=1_700_000_000_000_000_000)
    first = read_files([page], as_of=None, skip_hashes=set(), first_doc_id=0)
    row = first.files.row(0, named=True)
    assert row["status"] == "loaded" and row["modified_ns"] == 1_700_000_000_000_000_000
    known = {str(page): (row["size_bytes"], row["modified_ns"], row["file_sha256"])}

    # Same size and mtime, different bytes: taken as unchanged without reading (the
    # recorded hash is the old one), which is what proves the file was not read.
    _write(page, PAGE.replace("Jane", "June"), mtime_ns=1_700_000_000_000_000_000)
    again = read_files([page], as_of=None, skip_hashes=set(), first_doc_id=0, unchanged=known)
    assert again.docs.is_empty()
    assert again.files.select("status", "file_sha256").row(0) == ("skipped", row["file_sha256"])


def test_a_file_whose_mtime_changed_is_read_and_hashed_again(tmp_path):
    page = tmp_path / "a.txt"
    _write(page, PAGE, mtime_ns=1_700_000_000_000_000_000)
    row = read_files([page], as_of=None, skip_hashes=set(), first_doc_id=0).files.row(0, named=True)
    known = {str(page): (row["size_bytes"], row["modified_ns"], row["file_sha256"])}

    changed = PAGE.replace("Jane", "June")
    _write(page, changed, mtime_ns=1_700_000_000_000_000_001)
    again = read_files([page], as_of=None, skip_hashes={row["file_sha256"]}, first_doc_id=0, unchanged=known)
    assert again.files["status"].to_list() == ["loaded"]
    assert again.files["file_sha256"].item() == hashlib.sha256(changed.encode()).hexdigest()
    assert again.docs["text"].item() == changed


def test_a_touched_file_with_the_same_content_is_skipped_by_its_hash(tmp_path):
    page = tmp_path / "a.txt"
    _write(page, PAGE, mtime_ns=1_700_000_000_000_000_000)
    row = read_files([page], as_of=None, skip_hashes=set(), first_doc_id=0).files.row(0, named=True)
    os.utime(page, ns=(1_800_000_000_000_000_000,) * 2)
    known = {str(page): (row["size_bytes"], row["modified_ns"], row["file_sha256"])}
    again = read_files([page], as_of=None, skip_hashes={row["file_sha256"]}, first_doc_id=0, unchanged=known)
    assert again.docs.is_empty()
    assert again.files.select("status", "modified_ns").row(0) == ("skipped", 1_800_000_000_000_000_000)
