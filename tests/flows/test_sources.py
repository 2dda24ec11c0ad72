"""Reading input files: hashing, decoding, and not reading what nothing has written to."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import time

from profile_etl.flows.sources import read_files, split_unchanged

PAGE = "Jane Doe\n\nLG\nh-index3\n"
MTIME = 1_700_000_000_000_000_000


def _write(path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(MTIME, MTIME))  # pages often carry a fixed mtime (it sets as_of)


def _known(path, sha: str) -> dict[str, tuple[int, int, int, str]]:
    stat = path.stat()
    return {str(path): (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, sha)}


def test_an_untouched_file_is_not_read(tmp_path):
    page = tmp_path / "a.txt"
    _write(page, PAGE)
    first = read_files([page], as_of=None, skip_hashes=set()).files.row(0, named=True)
    assert first["status"] == "loaded"
    assert (first["modified_ns"], first["changed_ns"]) == (MTIME, page.stat().st_ctime_ns)

    # The recorded hash is returned as is: proof that the file was not read and hashed.
    recorded = "0" * 64
    again = read_files([page], as_of=None, skip_hashes=set(), unchanged=_known(page, recorded))
    assert again.docs.is_empty()
    assert again.files.select("status", "file_sha256").row(0) == ("skipped", recorded)
    assert split_unchanged([page], _known(page, recorded)) == ([page], [])


def test_a_rewrite_with_the_same_size_and_mtime_is_read_again(tmp_path):
    """Changing 42 to 43 and setting the mtime back keeps size and mtime, but not ctime."""
    page = tmp_path / "a.txt"
    _write(page, PAGE)
    row = read_files([page], as_of=None, skip_hashes=set()).files.row(0, named=True)
    known = _known(page, row["file_sha256"])

    changed = PAGE.replace("h-index3", "h-index4")
    time.sleep(0.05)  # a run lies between two writes; ctime's clock ticks every few ms
    _write(page, changed)
    assert page.stat().st_mtime_ns == MTIME and page.stat().st_size == row["size_bytes"]
    assert split_unchanged([page], known) == ([], [page])
    again = read_files([page], as_of=None, skip_hashes={row["file_sha256"]}, unchanged=known)
    assert again.files["status"].to_list() == ["loaded"]
    assert again.files["file_sha256"].item() == hashlib.sha256(changed.encode()).hexdigest()
    assert again.docs["text"].item() == changed


def test_a_touched_file_with_the_same_content_is_skipped_by_its_hash(tmp_path):
    page = tmp_path / "a.txt"
    _write(page, PAGE)
    row = read_files([page], as_of=None, skip_hashes=set()).files.row(0, named=True)
    known = _known(page, row["file_sha256"])
    os.utime(page, ns=(MTIME + 10**9,) * 2)
    again = read_files([page], as_of=None, skip_hashes={row["file_sha256"]}, unchanged=known)
    assert again.docs.is_empty()
    assert again.files.select("status", "modified_ns").row(0) == ("skipped", MTIME + 10**9)


def test_a_named_pipe_is_refused_not_read(tmp_path):
    import threading

    import pytest

    from profile_etl.flows.sources import InputError, discover

    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="not a file or directory.*named pipe"):
        discover([fifo])
    result = {}
    reader = threading.Thread(target=lambda: result.update(
        read=read_files([fifo], as_of=None, skip_hashes=set())), daemon=True)
    reader.start()
    reader.join(timeout=10)
    assert "read" in result, "reading a named pipe blocked"
    assert result["read"].failures["reason"].to_list() == ["cannot read file: not a regular file (a named pipe)"]


def test_undecodable_bytes_in_a_text_file_are_replaced_not_fatal(tmp_path):
    page = tmp_path / "latin1.txt"
    page.write_bytes(b"Ren\xe9 Dupont\n\nLG\n")
    read = read_files([page], as_of=None, skip_hashes=set())
    assert read.files["status"].to_list() == ["loaded"]
    assert read.failures.is_empty()
    assert read.docs["text"].to_list() == ["Ren\ufffd Dupont\n\nLG\n"]  # the parser quarantines that line


def test_a_file_with_a_nul_byte_near_the_start_fails_as_binary(tmp_path):
    page = tmp_path / "image.txt"
    page.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    read = read_files([page], as_of=None, skip_hashes=set())
    assert read.files["status"].to_list() == ["failed"]
    assert read.failures["reason"].to_list() == ["file looks binary (NUL byte at offset 8, line 3)"]
    assert read.failures["line_no"].to_list() == [1]  # the record is the whole file, from line 1


def test_a_modification_time_outside_the_calendar_is_a_failure_not_a_crash(tmp_path, monkeypatch):
    import datetime as dt

    from profile_etl.flows import sources

    def stat(mtime: float) -> os.stat_result:
        return os.stat_result((0o100644, 0, 0, 1, 0, 0, 10, 0, mtime, 0))

    assert sources._modified_date(stat(1e13)) is None  # year 318857
    assert sources._modified_date(stat(1_700_000_000)) == dt.date.fromtimestamp(1_700_000_000)
    page = tmp_path / "far.txt"
    _write(page, PAGE)
    monkeypatch.setattr(sources, "_modified_date", lambda _stat: None)
    read = read_files([page], as_of=None, skip_hashes=set())
    assert read.failures["reason"].to_list() == ["file modification time is no calendar date (give --as-of)"]
    given = read_files([page], as_of=dt.date(2026, 1, 1), skip_hashes=set())
    assert given.files["status"].to_list() == ["loaded"]


def test_what_cannot_be_read_below_a_directory_is_reported_not_left_out(tmp_path):
    from profile_etl.flows.sources import discover

    _write(tmp_path / "good.txt", PAGE)
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "loop_a.txt").symlink_to(tmp_path / "loop_b.txt")
    (tmp_path / "loop_b.txt").symlink_to(tmp_path / "loop_a.txt")
    (tmp_path / "notes.md").write_text("not a page")
    found = discover([tmp_path])
    assert [p.name for p in found] == ["gone.txt", "good.txt", "loop_a.txt", "loop_b.txt", "pipe.txt"]
    read = read_files(found, as_of=None, skip_hashes=set())
    assert read.failures["reason"].to_list() == [
        "cannot read file: No such file or directory", "cannot read file: Too many levels of symbolic links",
        "cannot read file: Too many levels of symbolic links", "cannot read file: not a regular file (a named pipe)"]
    assert read.docs["source_path"].to_list() == [str(tmp_path / "good.txt")]


def test_paths_are_absolute_so_the_same_name_in_two_directories_is_two_files(tmp_path, monkeypatch):
    from pathlib import Path

    from profile_etl.flows.sources import discover

    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        _write(tmp_path / name / "page.txt", PAGE)
    found = []
    for name in ("a", "b"):
        monkeypatch.chdir(tmp_path / name)
        found += discover([Path("page.txt")])
    assert found == [tmp_path / "a" / "page.txt", tmp_path / "b" / "page.txt"]


def test_a_symlink_and_its_target_are_two_paths_the_second_a_copy(tmp_path):
    from profile_etl.flows.sources import discover

    _write(tmp_path / "b_real.txt", PAGE)
    (tmp_path / "a_link.txt").symlink_to("b_real.txt")
    found = discover([tmp_path, tmp_path / "a_link.txt"])  # a path named twice is listed once
    assert [p.name for p in found] == ["a_link.txt", "b_real.txt"]
    read = read_files(found, as_of=None, skip_hashes=set())
    assert read.files.select("path", "status").rows() == [
        (str(tmp_path / "a_link.txt"), "loaded"), (str(tmp_path / "b_real.txt"), "skipped")]


def test_a_file_name_that_is_not_utf8_is_recorded_with_escapes(tmp_path):
    from profile_etl.flows.sources import discover, path_text

    bad = tmp_path / os.fsdecode(b"bad\xffname.txt")
    _write(bad, PAGE)
    found = discover([tmp_path])
    assert found == [bad]
    read = read_files(found, as_of=None, skip_hashes=set())
    assert read.files["path"].to_list() == [str(tmp_path / "bad\\xffname.txt")] == [path_text(bad)]
    assert read.docs["text"].to_list() == [PAGE]
    # The stat fast path finds it again under the same text.
    known = {path_text(bad): (*_known(bad, "0" * 64)[str(bad)][:3], "0" * 64)}
    assert split_unchanged(found, known) == (found, [])



def test_a_utf16_page_is_named_as_such_not_as_binary(tmp_path):
    text = "Jane Doe\nLG\nA title about 𝔼[x] and Ω, with Zoë and Łukasz\n"
    cases = {"le_bom.txt": text.encode("utf-16"), "be_bom.txt": b"\xfe\xff" + text.encode("utf-16-be"),
             "le.txt": text.encode("utf-16-le"), "be.txt": text.encode("utf-16-be")}
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
    read = read_files([tmp_path / n for n in cases], as_of=dt.date(2026, 1, 1), skip_hashes=set())
    assert read.failures["reason"].to_list() == [
        "file is UTF-16 (little-endian byte-order mark), not UTF-8", "file is UTF-16 (big-endian byte-order mark), not UTF-8",
        "file is UTF-16 (little-endian, no byte-order mark), not UTF-8", "file is UTF-16 (big-endian, no byte-order mark), not UTF-8"]


def test_a_directory_yields_txt_files_in_any_case(tmp_path):
    """`PAGE.TXT` was silently left out of a directory's files."""
    from profile_etl.flows.sources import discover

    for name in ("a.txt", "B.TXT", "c.Txt", "d.txt.bak", "e.md", ".txt"):
        _write(tmp_path / name, PAGE)
    (tmp_path / "sub.TXT").mkdir()
    _write(tmp_path / "sub.TXT" / "f.tXt", PAGE)
    assert [p.relative_to(tmp_path).as_posix() for p in discover([tmp_path])] == [".txt", "B.TXT", "a.txt", "c.Txt", "sub.TXT/f.tXt"]
