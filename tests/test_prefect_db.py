"""Prefect's database created the fast way is the database Prefect's migrations create."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from profile_etl import prefect_db


def _schema(path: Path) -> tuple[dict, list]:
    """Every object's SQL, its lines sorted (SQLite keeps constraints in the order the
    migration listed them, which follows Python's set order), and the Alembic revision."""
    with sqlite3.connect(path) as con:
        objects = {
            (kind, name): sorted(line.strip().rstrip(",") for line in (sql or "").splitlines())
            for kind, name, sql in con.execute("select type, name, sql from sqlite_master")
        }
        revision = con.execute("select version_num from alembic_version").fetchall()
    con.close()
    return objects, revision


def test_the_fast_database_has_prefects_own_schema_and_revision(tmp_path, monkeypatch):
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect"))
    from prefect.server.database import provide_database_interface
    from prefect.settings import PREFECT_API_DATABASE_CONNECTION_URL, temporary_settings

    prefects = tmp_path / "prefects.db"
    with temporary_settings(updates={PREFECT_API_DATABASE_CONNECTION_URL: f"sqlite+aiosqlite:///{prefects}"}):
        asyncio.run(provide_database_interface().create_db())
    ours = tmp_path / "ours" / "prefect.db"
    assert prefect_db.ensure_database(ours) is True
    expected, revision = _schema(prefects)
    assert len(expected) > 100 and revision
    assert _schema(ours) == (expected, revision)
    assert not list(ours.parent.glob(".*tmp*")), "temporary files left behind"


def test_temporary_files_of_killed_creators_are_removed(tmp_path):
    """A server killed while it created the database leaves `.prefect.db.<pid>.tmp*`; the
    next creator removes those whose process is gone, and no other."""
    import os

    dead = tmp_path / ".prefect.db.999999999.tmp"
    dead_wal = tmp_path / ".prefect.db.999999999.tmp-wal"
    alive = tmp_path / f".prefect.db.{os.getppid()}.tmp"
    for leftover in (dead, dead_wal, alive):
        leftover.write_bytes(b"half-made")
    assert prefect_db.ensure_database(tmp_path / "prefect.db") is True
    assert not dead.exists() and not dead_wal.exists()
    assert alive.exists()  # another creator, still at work


def test_an_existing_database_is_never_touched(tmp_path):
    existing = tmp_path / "prefect.db"
    existing.write_bytes(b"someone else's")
    assert prefect_db.ensure_database(existing) is False
    assert existing.read_bytes() == b"someone else's"


@pytest.mark.parametrize("url", ["postgresql+asyncpg://u:p@db/prefect", "sqlite+aiosqlite:///:memory:",
                                 "sqlite+aiosqlite:///file:prefect?mode=memory&cache=shared&uri=true"])
def test_only_a_plain_sqlite_file_is_created_here(url):
    from prefect.settings import PREFECT_API_DATABASE_CONNECTION_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_DATABASE_CONNECTION_URL: url}):
        assert prefect_db.database_path() is None


def test_the_database_path_is_read_from_prefects_settings(tmp_path):
    from prefect.settings import PREFECT_API_DATABASE_CONNECTION_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_DATABASE_CONNECTION_URL: f"sqlite+aiosqlite:///{tmp_path}/p.db"}):
        assert prefect_db.database_path() == tmp_path / "p.db"
