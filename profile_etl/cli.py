"""`profile-etl`: run the pipeline, query the warehouse, generate sample pages.

Heavy imports (Prefect, polars, DuckDB) happen inside the commands, so `--help` is fast
and Prefect is configured before it is first imported.
"""

from __future__ import annotations

import datetime as dt
import functools
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from .settings import Settings, get_settings

if TYPE_CHECKING:  # rich is imported where it is used: start-up time
    from rich.console import Console


def _parse_date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date (expected YYYY-MM-DD)") from None


def _console() -> Console:
    """A rich console; off a terminal, wide enough that tables are not squeezed to 80 columns."""
    from rich.console import Console

    return Console() if sys.stdout.isatty() else Console(width=240)


def _fail(message: str) -> NoReturn:
    click.echo(f"profile-etl: error: {message}", err=True)
    sys.exit(2)


def _runner_for(task_runner: str, dask_address: str | None) -> str:
    """`--dask-address` means Dask: it was silently ignored with the default thread runner."""
    if not dask_address:
        return task_runner
    source = click.get_current_context().get_parameter_source("task_runner")
    if task_runner == "thread" and source is not click.core.ParameterSource.DEFAULT:
        _fail("--dask-address needs --task-runner dask (it was given --task-runner thread)")
    return "dask"


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def _stops_like_ctrl_c(command: Callable[..., Any]) -> Callable[..., Any]:
    """SIGTERM (what a service manager or `kill` sends) stops a run as Ctrl-C does: the
    flow run is recorded as crashed, nothing is published, one `Aborted!` line and no
    traceback. So does an interrupt that a library wrapped in an exception of its own
    (pydantic does, when Ctrl-C lands while Prefect sets up its logging)."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        previous = signal.signal(signal.SIGTERM, _interrupt)
        try:
            return command(*args, **kwargs)
        except Exception as error:
            from .warehouse.errors import interrupted

            if interrupted(error):
                raise click.Abort() from None
            raise
        finally:
            signal.signal(signal.SIGTERM, previous)

    return wrapper


def _check_input_paths(paths: list[Path]) -> None:
    """Exit with a one-line reason for a path that cannot be an input. A name that is not
    valid UTF-8 cannot travel as a Prefect flow parameter (JSON); below a directory such
    files load, with the name recorded in escapes."""
    from .flows.sources import path_text

    for path in paths:
        if not path.exists():
            _fail(f"input path does not exist: {path_text(path)}")
        if path_text(path) != str(path):
            _fail(f"input path name is not valid UTF-8: {path_text(path)} (give its directory instead)")


@click.group()
@click.version_option(package_name="profile-etl")
def main() -> None:
    """Researcher-profile pages -> DuckDB warehouse."""
    options = sys.argv[1:sys.argv.index("--")] if "--" in sys.argv else sys.argv[1:]
    if "--help" in options:
        return  # help needs no settings, and must show even when one is bad
    from pydantic import ValidationError

    try:
        get_settings()
    except ValidationError as error:  # a bad PROFILE_ETL_* value: one line, not pydantic's traceback
        problems = "; ".join(
            f"PROFILE_ETL_{'_'.join(map(str, e['loc'])).upper()}={e.get('input')!r}: {e['msg']}" for e in error.errors()
        )
        _fail(f"invalid setting {problems}")


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--warehouse", type=click.Path(path_type=Path), default=None,
              help="DuckDB file [default: warehouse/profiles.duckdb, or $PROFILE_ETL_WAREHOUSE].")
@click.option("--as-of", "as_of", callback=_parse_date, default=None, metavar="YYYY-MM-DD",
              help="Snapshot date for year-less dates [default: each file's modification date].")
@click.option("--batch-size", type=click.IntRange(min=1), default=None, help="Pages per batch.")
@click.option("--full-refresh", is_flag=True, help="Reprocess files whose content was already loaded.")
@click.option("--task-runner", type=click.Choice(["thread", "dask"]), default="thread", show_default=True,
              help="Where batches are parsed: Prefect's thread pool or a Dask cluster.")
@click.option("--dask-address", default=None, metavar="tcp://HOST:PORT",
              help="An existing Dask scheduler (implies --task-runner dask) [default: a local cluster].")
@click.option("--workers", type=click.IntRange(min=1), default=None, help="Threads or Dask workers.")
@_stops_like_ctrl_c
def run(paths: tuple[Path, ...], warehouse: Path | None, as_of: dt.date | None,
        batch_size: int | None, full_refresh: bool, task_runner: str, dask_address: str | None,
        workers: int | None) -> None:
    """Load PATHS (files, or directories searched for *.txt) into the warehouse.

    With no PATHS, the bundled sample is loaded.
    """
    task_runner = _runner_for(task_runner, dask_address)
    from . import prefect_env

    prefect_env.configure(one_shot=True)
    api = prefect_env.start_api_early()  # boots on the other core from here on
    from .flows.sources import InputError
    from .warehouse.errors import WarehouseError

    settings = get_settings()
    chosen = list(paths) or [settings.sample_dir]
    _check_input_paths(chosen)
    target = warehouse or settings.warehouse
    if warehouse is None and target == Settings.model_fields["warehouse"].default:
        target.parent.mkdir(parents=True, exist_ok=True)  # the default location may be created
    try:
        from .warehouse.connection import check_writable

        check_writable(target)
        from .transforms.pipeline import process_pages  # noqa: F401 - polars and pandera, while it boots

        api.connect()  # before Prefect is imported: it reads its settings then
        summary = _run_with_progress(chosen, target, as_of, batch_size, full_refresh, api.wait,
                                     task_runner=task_runner, dask_address=dask_address, workers=workers)
    except (InputError, WarehouseError, prefect_env.ApiStartError) as error:
        _fail(str(error))
    _print_summary(summary, target)
    _skip_final_collection()


def _skip_final_collection() -> None:
    """Exit without Python's last garbage collections over Prefect's millions of objects
    (0.8 s after a run). Every file and connection is closed by now; exit handlers (which
    stop Prefect's embedded server) still run."""
    import gc

    gc.freeze()


def _run_with_progress(
    paths: list[Path], warehouse: Path, as_of: dt.date | None, batch_size: int | None, full_refresh: bool,
    api_ready: Callable[[], None], **runner: Any,
) -> dict:
    from rich.progress import Progress

    from .prefect_env import one_shot_run
    from .flows.pipeline import PROGRESS, profile_etl_flow
    from .flows.sources import InputError
    from .warehouse.errors import WarehouseError

    api_ready()

    args = dict(paths=[str(p) for p in paths], warehouse=str(warehouse), as_of=as_of,
                batch_size=batch_size, full_refresh=full_refresh, **runner)
    def run_flow() -> dict:
        with one_shot_run():
            state = profile_etl_flow(**args, return_state=True)
        if state.is_failed():
            try:
                state.result()
            except (WarehouseError, InputError):
                raise
            except Exception as error:  # noqa: BLE001 - report the run's own message
                raise WarehouseError(state.message or str(error)) from error
        return state.result()

    if not sys.stderr.isatty():
        def log_line(done: int, total: int) -> None:
            click.echo(f"batch {done}/{total} loaded", err=True)
        token = PROGRESS.set(log_line)
        try:
            return run_flow()
        finally:
            PROGRESS.reset(token)
    with Progress(transient=True) as bar:
        task_id = bar.add_task("loading batches", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task_id, completed=done, total=total)

        token = PROGRESS.set(advance)
        try:
            return run_flow()
        finally:
            PROGRESS.reset(token)


def _print_summary(summary: dict, warehouse: Path) -> None:
    from rich.table import Table

    table = Table(title=f"run {summary['run_id']} -> {warehouse}", show_header=False)
    rows = [
        ("files offered", summary["n_files_offered"]),
        ("files loaded", summary["n_files_loaded"]),
        ("files skipped (unchanged)", summary["n_files_skipped"]),
        ("files failed", summary["n_files_failed"]),
        ("entries loaded", summary["n_entries_loaded"]),
        ("quarantined records", summary["n_records_quarantined"]),
        ("researchers (warehouse)", summary["n_researchers"]),
        ("papers (warehouse)", summary["n_papers"]),
        ("authors (warehouse)", summary["n_authors"]),
    ]
    for label, value in rows:
        table.add_row(label, str(value))
    console = _console()
    console.print(table)
    if summary["n_pages_without_owner"]:
        console.print(
            f"{summary['n_pages_without_owner']} page(s) had no header and no author on a majority "
            "of their entries: their papers loaded without a researcher."
        )
    if summary.get("n_snapshot_conflicts"):
        console.print(
            f"{summary['n_snapshot_conflicts']} researcher-date(s) are described by several different pages "
            "(namesakes, or fragments of one profile): each snapshot keeps the page listing the most papers; "
            "see analytics.snapshot_conflicts."
        )
    if summary["n_records_quarantined"]:
        console.print("see quarantine.records for what did not load, e.g. "
                      "profile-etl sql \"select source_path, line_no, reason from quarantine.records\"")


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--cron", default=None, help="Schedule (cron syntax, UTC)  [default: 0 6 * * *, or PROFILE_ETL_SCHEDULE_CRON]")
@click.option("--name", default="scheduled", show_default=True, help="Deployment name.")
@click.option("--warehouse", type=click.Path(path_type=Path), default=None, help="DuckDB file.")
@click.option("--batch-size", type=click.IntRange(min=1), default=None, help="Pages per batch.")
@click.option("--task-runner", type=click.Choice(["thread", "dask"]), default="thread", show_default=True)
@click.option("--dask-address", default=None, metavar="tcp://HOST:PORT")
def serve(paths: tuple[Path, ...], cron: str | None, name: str, warehouse: Path | None, batch_size: int | None,
          task_runner: str, dask_address: str | None) -> None:
    """Serve the flow as a Prefect deployment that loads PATHS on a schedule (until Ctrl-C).

    Year-less dates resolve against each file's modification date, as in `run`.
    """
    task_runner = _runner_for(task_runner, dask_address)
    from . import prefect_env

    prefect_env.configure(ui=True)
    # Prefect's embedded server runs no scheduler: without an API of the user's, this
    # command starts a server that does, and stops it when it ends.
    api = prefect_env.start_api_early(services=True)
    _check_input_paths(list(paths))
    try:
        api.connect()
        api.wait()
    except prefect_env.ApiStartError as error:
        _fail(str(error))
    from .flows.deploy import build_deployment
    from .flows.deploy import serve as serve_deployment

    try:
        deployment = build_deployment(name=name, cron=cron, paths=list(paths) or None, warehouse=warehouse,
                                      batch_size=batch_size, task_runner=task_runner, dask_address=dask_address)
    except ValueError as error:  # pydantic's ValidationError is one: a bad --cron
        _fail(f"invalid deployment: {str(error).splitlines()[0]} ({cron or get_settings().schedule_cron!r})")
    serve_deployment(deployment)


@main.command()
@click.argument("query")
@click.option("--warehouse", type=click.Path(path_type=Path), default=None, help="DuckDB file.")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV instead of a table (for pipes and scripts).")
def sql(query: str, warehouse: Path | None, as_csv: bool) -> None:
    """Run QUERY on a read-only connection and print the result as a table."""
    import duckdb
    from rich.table import Table

    from .warehouse.connection import open_reader
    from .warehouse.errors import WarehouseError

    target = warehouse or get_settings().warehouse
    try:
        with open_reader(target) as con:
            if not query.strip():
                raise WarehouseError("the query is empty")
            result = con.execute(query)
            columns = [d[0] for d in (result.description or [])] if result is not None else []
            rows = result.fetchall() if columns else []
    except WarehouseError as error:
        _fail(str(error))
    except duckdb.Error as error:
        _fail(str(error).splitlines()[0])
    if as_csv:
        import csv

        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows(rows)
        return
    table = Table(*columns)
    for row in rows:
        table.add_row(*("NULL" if v is None else str(v) for v in row))
    _console().print(table)


@main.command()
@click.option("--warehouse", type=click.Path(path_type=Path), default=None, help="DuckDB file.")
@_stops_like_ctrl_c
def rebuild(warehouse: Path | None) -> None:
    """Rebuild staging and core tables from the page texts stored in raw.documents."""
    from . import prefect_env

    prefect_env.configure(one_shot=True)
    api = prefect_env.start_api_early()
    from .warehouse.connection import check_writable
    from .warehouse.errors import WarehouseError

    target = warehouse or get_settings().warehouse
    if not target.is_file():
        _fail(f"warehouse not found: {target}")
    try:
        check_writable(target)
        from .transforms.pipeline import process_pages  # noqa: F401 - polars and pandera, while it boots

        api.connect()
        from .flows.pipeline import rebuild_flow

        api.wait()
    except (WarehouseError, prefect_env.ApiStartError) as error:
        _fail(str(error))
    with prefect_env.one_shot_run():
        state = rebuild_flow(warehouse=str(target), return_state=True)
    if state.is_failed():
        _fail(state.message or "rebuild failed")
    try:
        summary = state.result()
    except WarehouseError as error:
        _fail(str(error))
    _print_summary(summary, target)
    _skip_final_collection()


@main.command()
@click.argument("out_dir", type=click.Path(path_type=Path))
@click.option("--warehouse", type=click.Path(path_type=Path), default=None, help="DuckDB file.")
def export(out_dir: Path, warehouse: Path | None) -> None:
    """Write every core table and analytics view to OUT_DIR as Parquet."""
    import duckdb

    from .warehouse.connection import open_reader
    from .warehouse.errors import WarehouseError
    from .warehouse.export import export_parquet

    target = warehouse or get_settings().warehouse
    try:
        with open_reader(target) as con:
            written = export_parquet(con, out_dir)
    except (duckdb.Error, OSError, WarehouseError) as error:
        _fail(str(error).splitlines()[0])
    click.echo(f"wrote {len(written)} tables and views ({sum(written.values())} rows) to {out_dir}")


@main.command()
@click.option("--warehouse", type=click.Path(path_type=Path), default=None, help="DuckDB file.")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="How many runs.")
def runs(warehouse: Path | None, limit: int) -> None:
    """List recent runs from meta.runs with their counts and durations."""
    import duckdb
    from rich.table import Table

    from .warehouse.connection import open_reader
    from .warehouse.errors import WarehouseError

    target = warehouse or get_settings().warehouse
    try:
        with open_reader(target) as con:
            rows = con.execute(
                """
                select run_id, status, started_at, round(epoch(finished_at - started_at), 1) as seconds,
                    n_files_offered, n_files_loaded, n_files_skipped, n_files_failed,
                    n_entries_loaded, n_records_quarantined, message
                from meta.runs order by started_at desc limit ?
                """,
                [limit],
            ).fetchall()
    except (WarehouseError, duckdb.Error) as error:
        _fail(str(error).splitlines()[0])
    table = Table("run", "status", "started", "seconds", "offered", "loaded", "skipped", "failed",
                  "entries", "quarantined", "message")
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    _console().print(table)


@main.command()
@click.argument("out_dir", type=click.Path(path_type=Path))
@click.option("--profiles", type=click.IntRange(min=1), default=5, show_default=True, help="Pages to write.")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed (same seed, same pages).")
def generate(out_dir: Path, profiles: int, seed: int) -> None:
    """Write synthetic profile pages (both layouts) to OUT_DIR."""
    from .generator import generate_pages

    total = 0
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for page in generate_pages(profiles, seed):
            path = out_dir / page.file_name
            path.write_text(page.text, encoding="utf-8", newline="")
            total += len(page.text.encode("utf-8"))
    except OSError as error:
        _fail(f"cannot write pages to {out_dir}: {error.strerror or error}")
    click.echo(f"wrote {profiles} pages ({total / 1e6:.1f} MB) to {out_dir}")


if __name__ == "__main__":
    main()
