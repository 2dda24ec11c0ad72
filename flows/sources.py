"""Finding and reading input files: the only place the pipeline touches its inputs."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISBLK, S_ISCHR, S_ISDIR, S_ISFIFO, S_ISREG, S_ISSOCK

import polars as pl

READ_ATTEMPTS = 3
BINARY_SNIFF_BYTES = 8000
ACCOUNTING = ("n_lines", "n_separator_lines", "n_loaded_lines", "n_quarantined_lines")
# One row per file that could not be read or decoded.
FAILURE_SCHEMA = {"source_path": pl.String, "file_sha256": pl.String, "line_no": pl.Int64,
                  "reason": pl.String, "n_lines": pl.Int64}
READ_BACKOFF_S = 0.2


class InputError(ValueError):
    """An input path the user gave cannot be used."""


@dataclass(frozen=True)
class ReadResult:
    """A batch of files read: parseable pages, one row per offered file, file-level failures."""

    docs: pl.DataFrame  # doc_id, file_sha256, source_path, as_of, text, undecodable
    files: pl.DataFrame  # a meta.source_files row per path: file_sha256, path, size_bytes, status, reason, as_of, ...
    failures: pl.DataFrame  # quarantine rows of unreadable files: source_path, file_sha256, line_no, n_lines, reason


def _kind(mode: int) -> str:
    """What a path that is not a regular file is, for an error message."""
    kinds = ((S_ISFIFO, "a named pipe"), (S_ISSOCK, "a socket"), (S_ISCHR, "a character device"),
             (S_ISBLK, "a block device"), (S_ISDIR, "a directory"))
    return next((name for test, name in kinds if test(mode)), "not a regular file")


def path_text(path: Path) -> str:
    """A path as the warehouse records it: the name as is, and the bytes of a name that is
    not valid UTF-8 as `\\xff` escapes. Strings in polars and DuckDB are UTF-8, and such a
    name (Python holds it with surrogates) crashed the whole run."""
    name = str(path)
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(path).decode("utf-8", "backslashreplace")
    return name


def _utf16_reason(data: bytes) -> str | None:
    """The reason for a UTF-16 page (a byte-order mark, or ASCII text with every other byte
    NUL): pages are UTF-8, and "looks binary" would not tell the user what to convert."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return f"file is UTF-16 ({'little' if data[0] == 0xFF else 'big'}-endian byte-order mark), not UTF-8"
    head = data[:BINARY_SNIFF_BYTES - BINARY_SNIFF_BYTES % 2]
    if len(head) >= 4:
        # Text in a Latin script: the high byte of most characters is NUL, the low byte never.
        for order, high, low in (("little", head[1::2], head[0::2]), ("big", head[0::2], head[1::2])):
            if high.count(0) >= 0.7 * len(high) and low.count(0) == 0:
                return f"file is UTF-16 ({order}-endian, no byte-order mark), not UTF-8"
    return None


def discover(paths: list[Path]) -> list[Path]:
    """Files to load: each file given, and every `*.txt` below each directory, in any case
    (`PAGE.TXT` too: saved pages come from many tools), sorted within each directory, in
    the order the paths were given.

    Paths are made absolute (symlinks kept as named): a path is a file's identity in the
    warehouse, and `page.txt` run from two directories is two files. A symlink and its
    target are two paths too: the second one read is recorded as a copy (`skipped`), so
    every path offered has its row; only a path named twice is listed once.
    """
    found: list[Path] = []
    for path in map(Path.absolute, paths):
        if not path.exists():
            raise InputError(f"input path does not exist: {path_text(path)}")
        if path.is_dir():
            # Everything named *.txt that is not a directory: a broken link or a named pipe
            # is reported by the read, never silently left out.
            found.extend(sorted(p for p in path.rglob("*") if p.name.lower().endswith(".txt") and not p.is_dir()))
        elif path.is_file():
            found.append(path)
        else:  # reading a FIFO or a device would block or never end
            raise InputError(f"input path is not a file or directory: {path_text(path)} ({_kind(path.stat().st_mode)})")
    return list(dict.fromkeys(found))


def _modified_date(stat: os.stat_result) -> dt.date | None:
    """The file's modification date (its snapshot date when no --as-of is given); None
    when the timestamp is outside the calendar (`touch -d @99999999999999`)."""
    try:
        return dt.date.fromtimestamp(stat.st_mtime)
    except (ValueError, OverflowError, OSError):
        return None


def _signature(stat: os.stat_result) -> tuple[int, int, int]:
    """What changes whenever a file is written: size, mtime, and ctime (which `touch -d`
    or `os.utime` also move, so an mtime set back cannot hide a write)."""
    return stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns


def split_unchanged(
    paths: list[Path], unchanged: dict[str, tuple[int, int, int, str]]
) -> tuple[list[Path], list[Path]]:
    """(paths whose size, mtime and ctime match their last read, the others). Only `stat`
    is called, so an unchanged corpus costs one stat per file and no batch at all."""
    same: list[Path] = []
    other: list[Path] = []
    for path in paths:
        known = unchanged.get(path_text(path))
        try:
            stat = path.stat() if known is not None else None
        except OSError:
            stat = None  # reported by the read, with its retries
        if stat is not None and known[:3] == _signature(stat):
            same.append(path)
        else:
            other.append(path)
    return same, other


def _read_bytes(path: Path) -> bytes:
    """Read a file, retrying transient errors (a network share that hiccups)."""
    for attempt in range(1, READ_ATTEMPTS + 1):
        try:
            return path.read_bytes()
        except (FileNotFoundError, PermissionError, IsADirectoryError):
            raise
        except OSError:
            if attempt == READ_ATTEMPTS:
                raise
            time.sleep(READ_BACKOFF_S * attempt)
    raise AssertionError("unreachable")


def _with_line_ends(data: bytes) -> bytes:
    """The bytes with a CR-only file's CRs as newlines, as `transforms.lines` reads text
    (the same length: offsets still hold)."""
    return data if b"\n" in data else data.replace(b"\r", b"\n")


def _count_lines(data: bytes) -> int:
    """Lines in raw bytes, counted as the parser counts them in text."""
    body = _with_line_ends(data[3:] if data.startswith(b"\xef\xbb\xbf") else data)
    if not body:
        return 0
    return (body[:-1] if body.endswith(b"\n") else body).count(b"\n") + 1


def _unreadable(name: str, as_of: dt.date | None, reason: str) -> dict:
    """The meta.source_files row of a file that could not be read: no content, no lines."""
    return {"file_sha256": None, "path": name, "size_bytes": None, "modified_ns": None, "changed_ns": None,
            "as_of": as_of, "status": "failed", "reason": reason, **dict.fromkeys(ACCOUNTING, 0)}


def read_files(
    paths: list[Path],
    *,
    as_of: dt.date | None,
    skip_hashes: set[str],
    unchanged: dict[str, tuple[int, int, int, str]] | None = None,
    parse_dates: dict[str, dt.date] | None = None,
) -> ReadResult:
    """Read, hash and decode files.

    A text is parsed with the earliest date it has been offered under: `parse_dates` holds
    the date each stored content was parsed with, and a content offered under an earlier
    one is parsed again with it (so its year-less dates resolve the same whatever order
    the dates came in: a paper a page listed on a date was published by then). The file
    is still offered (observed) under its own date. Unchanged contents (in `skip_hashes`)
    offered under no earlier date, and repeats of a content within the batch, are recorded
    as skipped and not parsed again (a repeat under an earlier date lowers the parse
    date). A path in `unchanged` (path -> size, modification time in ns, content hash of
    the last read) whose size and modification time still match is recorded as skipped
    without being read."""
    docs: list[dict] = []
    files: list[dict] = []
    failures: list[dict] = []
    unchanged = unchanged or {}
    parse_dates = parse_dates or {}
    in_batch: dict[str, dict] = {}  # content -> its doc (None: a failed file) in this batch
    for path in paths:
        name = path_text(path)
        try:
            stat = path.stat()  # before reading: a file changed while read gets a new mtime
            page_as_of = as_of or _modified_date(stat)
            if page_as_of is None:
                reason = "file modification time is no calendar date (give --as-of)"
                failures.append({"source_path": name, "file_sha256": None, "line_no": None, "n_lines": 0,
                                 "reason": reason})
                files.append(_unreadable(name, None, reason))
                continue
            known = unchanged.get(name)
            if known is not None and known[:3] == _signature(stat) and not page_as_of < parse_dates.get(known[3], page_as_of):
                files.append({"file_sha256": known[3], "path": name, "size_bytes": stat.st_size,
                              "modified_ns": stat.st_mtime_ns, "changed_ns": stat.st_ctime_ns,
                              "as_of": page_as_of,
                              "status": "skipped", "reason": "content already loaded (file untouched since)"})
                continue
            if not S_ISREG(stat.st_mode):  # a FIFO would block the read forever
                raise OSError(f"not a regular file ({_kind(stat.st_mode)})")
            data = _read_bytes(path)
        except OSError as error:
            reason = f"cannot read file: {error.strerror or error}"
            failures.append({"source_path": name, "file_sha256": None, "line_no": None,
                             "reason": reason, "n_lines": 0})
            files.append(_unreadable(name, as_of, reason))
            continue
        sha = hashlib.sha256(data).hexdigest()
        row = {"file_sha256": sha, "path": name, "size_bytes": len(data), "modified_ns": stat.st_mtime_ns,
               "changed_ns": stat.st_ctime_ns, "as_of": page_as_of, "status": "loaded", "reason": None}
        if sha in in_batch:
            doc = in_batch[sha]
            if doc is not None and page_as_of < doc["as_of"]:
                doc["as_of"] = page_as_of
            files.append(row | {"status": "skipped", "reason": "content already loaded"})
            continue
        parsed_with = parse_dates.get(sha)
        if sha in skip_hashes and not (parsed_with is not None and page_as_of < parsed_with):
            files.append(row | {"status": "skipped", "reason": "content already loaded"})
            continue
        in_batch[sha] = None
        if (nul := data.find(b"\x00", 0, BINARY_SNIFF_BYTES)) >= 0:  # not text (git's heuristic)
            line_no = _with_line_ends(data).count(b"\n", 0, nul) + 1
            reason = _utf16_reason(data) or f"file looks binary (NUL byte at offset {nul}, line {line_no})"
            n_lines = _count_lines(data)
            files.append(row | {"status": "failed", "reason": reason, "n_lines": n_lines, "n_separator_lines": 0,
                                "n_loaded_lines": 0, "n_quarantined_lines": n_lines})
            # The record is the whole file: it starts at line 1 (the reason names the NUL's line).
            failures.append({"source_path": name, "file_sha256": sha, "line_no": 1 if n_lines else None, "reason": reason,
                             "n_lines": n_lines})
            continue
        files.append(row)
        # Undecodable bytes in a text file become U+FFFD; the parser quarantines the records
        # whose lines hold them, and the rest of the page loads.
        try:
            text, undecodable = data.decode("utf-8"), False
        except UnicodeDecodeError:
            text, undecodable = data.decode("utf-8", errors="replace"), True
        docs.append({"doc_id": len(docs), "file_sha256": sha, "source_path": name,
                     "as_of": min(page_as_of, parsed_with or page_as_of), "text": text, "undecodable": undecodable})
        in_batch[sha] = docs[-1]
    return ReadResult(
        docs=pl.DataFrame(docs, schema={"doc_id": pl.Int64, "file_sha256": pl.String, "source_path": pl.String,
                                        "as_of": pl.Date, "text": pl.String, "undecodable": pl.Boolean}),
        files=pl.DataFrame(files, schema={"file_sha256": pl.String, "path": pl.String, "size_bytes": pl.Int64,
                                          "modified_ns": pl.Int64, "changed_ns": pl.Int64, "as_of": pl.Date, "status": pl.String, "reason": pl.String,
                                          **dict.fromkeys(ACCOUNTING, pl.Int64)}),
        failures=pl.DataFrame(failures, schema=FAILURE_SCHEMA),
    )
