"""Create Prefect's SQLite database quickly on a machine's first run.

Prefect's embedded server creates its database by running every Alembic migration
through the async `aiosqlite` driver: about 34,000 statements, mostly the schema
reflection of SQLite's table-rebuilding migrations, each a round trip to aiosqlite's
worker thread. That took 4.9 s of a first `profile-etl run` (the whole warm run takes
7 s). The same migrations through the synchronous `sqlite3` driver take 1.8 s and
produce the same schema (`tests/test_prefect_db.py` compares the two).

So before the embedded server starts, `ensure_database` creates the database when it
does not exist yet, with Prefect's own migration scripts and the same settings Prefect's
migration environment applies (foreign keys off, `BEGIN IMMEDIATE`, one transaction per
migration, batch mode). The server then finds it at the head revision and has nothing
to migrate. Anything unusual (another database URL, an existing file, any error) leaves
the creation to Prefect, as before: this only ever saves time.

`prefect_server` calls it before it starts the server.
"""

from __future__ import annotations

import os
import sqlite3
import warnings
from pathlib import Path


def database_path() -> Path | None:
    """The file of Prefect's configured SQLite database (None: not a SQLite file)."""
    from prefect.settings import get_current_settings
    from sqlalchemy.engine import make_url

    url = make_url(get_current_settings().server.database.connection_url.get_secret_value())
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    if url.database.startswith("file:") or url.query:
        return None  # URI filenames and options: Prefect's own path knows them
    return Path(url.database)


def _migrate(path: Path) -> None:
    """Run Prefect's migrations into a new SQLite file, as Prefect's `env.py` does."""
    import sqlalchemy as sa
    from alembic.runtime.environment import EnvironmentContext
    from alembic.script import ScriptDirectory
    from prefect.server.database import provide_database_interface
    from prefect.server.database.alembic_commands import alembic_config

    db = provide_database_interface()
    config = alembic_config()
    script = ScriptDirectory(ScriptDirectory.from_config(config).dir, version_locations=[db.orm.versions_dir])
    engine = sa.create_engine(f"sqlite:///{path}")
    begin_mode: list[str] = []

    @sa.event.listens_for(engine, "connect")
    def _connect(connection: sqlite3.Connection, _record: object) -> None:
        connection.isolation_level = None  # BEGIN is emitted below, as Prefect's engine does
        for pragma in ("journal_mode = WAL", "foreign_keys = ON", "legacy_alter_table = OFF", "synchronous = NORMAL"):
            connection.execute(f"PRAGMA {pragma}")

    @sa.event.listens_for(engine, "begin")
    def _begin(connection: sa.Connection) -> None:
        if begin_mode:
            connection.exec_driver_sql(f"BEGIN {begin_mode[0]}")

    def upgrade(revision, _context):  # noqa: ANN001 - alembic's callback signature
        return script._upgrade_revs("head", revision)

    try:
        with engine.connect() as connection, EnvironmentContext(
            config, script, fn=upgrade, destination_rev="head"
        ) as context:
            context.configure(
                connection=connection, target_metadata=db.Base.metadata, include_schemas=True,
                render_as_batch=True, transaction_per_migration=True, template_args={"dialect": "sqlite"},
            )
            begin_mode.append("IMMEDIATE")
            context.execute("COMMIT")
            context.execute("PRAGMA foreign_keys=OFF")
            context.execute("BEGIN IMMEDIATE")
            with context.begin_transaction():
                context.run_migrations()
            context.execute("END")
            context.execute("PRAGMA foreign_keys=ON")
    finally:
        engine.dispose()
    with sqlite3.connect(path) as plain:
        plain.execute("PRAGMA journal_mode = DELETE")  # everything in the one file, for the link below
    plain.close()


def _remove_leftovers(path: Path) -> None:
    """Temporary databases of creators that were killed (their process is gone)."""
    for leftover in path.parent.glob(f".{path.name}.*.tmp*"):
        pid = leftover.name.removeprefix(f".{path.name}.").split(".", 1)[0]
        if pid.isdigit() and not pid_alive(int(pid)):
            leftover.unlink(missing_ok=True)


def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists (someone else's counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        pass
    return True


def ensure_database(path: Path | None = None) -> bool:
    """Create Prefect's database if it does not exist; True when this call created it.

    Built under a temporary name and linked into place, so the server never opens a
    half-migrated file and two first runs at once do not overwrite each other's.
    """
    path = path or database_path()
    if path is None or path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(path)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SQLAlchemy cannot reflect expression indexes; Prefect knows
            _migrate(temporary)
        try:
            os.link(temporary, path)
        except FileExistsError:
            return False
        return True
    finally:
        for leftover in (temporary, *(temporary.with_name(temporary.name + s) for s in ("-wal", "-shm", "-journal"))):
            leftover.unlink(missing_ok=True)
