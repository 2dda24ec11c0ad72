"""The Prefect API server of one command-line run: `python -m profile_etl.prefect_server`.

Prefect's own embedded server starts only once the process running the flow has imported
Prefect's server package (2.6 s) and then waits for the server process, which imports it
again (3.5 s), one after the other. This process is started before the command line
imports anything heavy, so the two start side by side, and the command line then talks to
it as to any Prefect server, through `PREFECT_API_URL`, never importing Prefect's server
code itself. It runs Prefect's own application, with the settings Prefect gives its
embedded server.

The protocol, on stdout, one line, as early as possible: `external` when the user's
settings name an API (nothing is started), or the URL of the API this process is about
to serve. Then stdout is pointed at stderr, so the server never blocks on a pipe nobody
reads. The socket listens before the URL is printed, so the port cannot be taken in
between. The process runs in a session of its own: Ctrl-C in the terminal reaches only
the command line, which can still report its flow run as crashed to this server before
stopping it. On a machine's first run the database is created first, the fast way
(`prefect_db`). The process ends when asked (SIGTERM, like Prefect's own) or when the
process that started it is gone.
"""

from __future__ import annotations

import os
import signal
import socket
import sys
import threading
import time

EXTERNAL = "external"
# The environment Prefect gives its own embedded server (`SubprocessASGIServer`).
SERVER_ENV = {"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
# Set by `profile-etl serve`: the server runs Prefect's background services, as `prefect
# server start` does. An embedded (ephemeral) server runs none of them, and without its
# scheduler a served deployment's schedule never creates a run.
WITH_SERVICES = "PROFILE_ETL_SERVER_WITH_SERVICES"


def _end_with_parent(parent: int) -> None:
    """A server left behind by a killed command would run forever: stop when orphaned."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os.kill(os.getpid(), signal.SIGTERM)
        # The signal's exit can be swallowed (raised inside a library that catches every
        # exception while the server starts up): then end without ceremony.
        time.sleep(5.0)
        os._exit(128 + signal.SIGTERM)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _stop_on_sigterm() -> None:
    """Until uvicorn installs its own handlers, SIGTERM (from the command line, or from
    the parent watch) exits through Python, so `finally` blocks clean up after themselves."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))


def _send_address(line: str) -> bool:
    """Print the protocol line, then point stdout at stderr (or nowhere, when stderr is
    closed). False when the command line is already gone."""
    try:
        print(line, flush=True)
    except BrokenPipeError:
        return False
    err = sys.stderr.fileno() if sys.stderr is not None else os.open(os.devnull, os.O_WRONLY)
    os.dup2(err, sys.stdout.fileno())
    return True


def main() -> int:
    parent = os.getppid()
    _stop_on_sigterm()
    users_ui = os.environ.get("PREFECT_UI_ENABLED")
    os.environ.update(SERVER_ENV)
    if os.environ.get(WITH_SERVICES):  # a long-lived server: its UI too, unless switched off
        del os.environ["PREFECT__SERVER_EPHEMERAL"]
        if users_ui is None:
            del os.environ["PREFECT_UI_ENABLED"]
        else:
            os.environ["PREFECT_UI_ENABLED"] = users_ui
    from prefect.settings import get_current_settings

    settings = get_current_settings()
    if settings.api.url or not settings.server.ephemeral.enabled:
        _send_address(EXTERNAL)  # the user's API, or the user's choice of none: Prefect decides
        return 0
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(2048)  # listening before the address is out: no one else can take the port
    if not _send_address(f"http://127.0.0.1:{listener.getsockname()[1]}/api"):
        return 0
    _end_with_parent(parent)

    from .prefect_db import ensure_database

    try:
        ensure_database()
    except Exception:  # noqa: BLE001 - the server creates the database itself, the slow way
        pass
    import uvicorn

    # Back to the default before uvicorn takes SIGTERM over: after its graceful shutdown it
    # raises the signal again, and the default ends the process at once, where a Python
    # exit would first tear down Prefect's server modules (1 s).
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    config = uvicorn.Config(
        "prefect.server.api.server:create_app", factory=True, log_level="error", lifespan="on"
    )
    server = uvicorn.Server(config)
    server.run(sockets=[listener])
    return 0 if server.started else 3  # 3: uvicorn's code for a failed start


if __name__ == "__main__":
    sys.exit(main())
