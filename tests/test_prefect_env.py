"""Prefect's set-up for the command line: quiet defaults and the early start of its API."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest

from profile_etl import prefect_env


def test_one_shot_defaults_only_for_one_shot_runs_and_never_over_the_users_value(monkeypatch):
    monkeypatch.delenv("PREFECT_SERVER_REGISTER_BLOCKS_ON_START", raising=False)
    monkeypatch.setenv("PREFECT_LOGGING_LEVEL", "DEBUG")
    prefect_env.configure()
    assert "PREFECT_SERVER_REGISTER_BLOCKS_ON_START" not in os.environ
    prefect_env.configure(one_shot=True)
    assert os.environ["PREFECT_SERVER_REGISTER_BLOCKS_ON_START"] == "false"
    assert os.environ["PREFECT_LOGGING_LEVEL"] == "DEBUG"  # the user's value wins


def test_no_server_is_started_when_the_environment_names_an_api(tmp_path):
    """Checked in a process of its own: Prefect reads its settings once, at import."""
    import http.server
    import threading

    class Answers(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # Prefect Cloud answers 401 without a key: an answer all the same
            self.send_response(401 if self.path.startswith("/cloud") else 200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Answers)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    code = """
        import os
        from profile_etl import prefect_env
        api = prefect_env.start_api_early()
        assert api.process is None
        api.connect()
        api.wait()
        assert os.environ["PREFECT_API_URL"] == {url!r}
    """
    try:
        for url in (f"http://127.0.0.1:{server.server_port}/api", f"http://127.0.0.1:{server.server_port}/cloud/api"):
            result = _python(code.format(url=url), tmp_path, PREFECT_API_URL=url)
            assert result.returncode == 0, result.stderr
    finally:
        server.shutdown()


def _self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now).not_valid_after(now + dt.timedelta(days=1)).sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def test_an_https_api_this_check_cannot_verify_still_counts_as_answering(tmp_path):
    """A self-signed API that Prefect's client accepts (PREFECT_API_SSL_CERT_FILE or
    PREFECT_API_TLS_INSECURE_SKIP_VERIFY) was refused by the check as not answering."""
    import http.server
    import ssl
    import threading

    class Answers(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    cert, key = _self_signed_certificate(tmp_path)
    server = http.server.HTTPServer(("127.0.0.1", 0), Answers)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"https://127.0.0.1:{server.server_port}/api"
        result = _python("""
            from profile_etl import prefect_env
            api = prefect_env.start_api_early()
            api.connect()
            api.wait()
        """, tmp_path, PREFECT_API_URL=url, PREFECT_API_TLS_INSECURE_SKIP_VERIFY="true")
        assert result.returncode == 0, result.stderr
    finally:
        server.shutdown()


def test_a_configured_api_that_does_not_answer_is_one_line_not_a_traceback(tmp_path):
    """It used to fail the run with Prefect's traceback of 130 lines (exit 1)."""
    result = _python("""
        from profile_etl import prefect_env
        api = prefect_env.start_api_early()
        api.connect()
        try:
            api.wait()
        except prefect_env.ApiStartError as error:
            print(error)
    """, tmp_path, PREFECT_API_URL="http://127.0.0.1:9/api")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("the Prefect API at http://127.0.0.1:9/api (PREFECT_API_URL) does not answer"), result.stdout


def test_an_api_named_in_the_users_prefect_profile_is_used_not_replaced(tmp_path, monkeypatch):
    profiles = tmp_path / "profiles.toml"
    profiles.write_text('active = "team"\n[profiles.team]\nPREFECT_API_URL = "http://10.0.0.1:4200/api"\n')
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setenv("PREFECT_PROFILES_PATH", str(profiles))
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "home"))
    api = prefect_env.start_api_early()
    process = api.process
    assert process is not None  # only the server process can read the profile cheaply
    api.connect()
    assert api.url is None and "PREFECT_API_URL" not in os.environ
    assert process.poll() is not None  # it ended: nothing was started
    assert not (tmp_path / "home" / "prefect.db").exists()


def _python(code: str, home, **extra_env: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")} | extra_env
    env["PREFECT_HOME"] = str(home)
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          timeout=300, env=env)


def _gone(pid: int, within_s: float = 15.0) -> bool:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def test_the_flow_talks_to_the_early_server_which_stops_at_exit(tmp_path):
    """A machine's first run: the server creates Prefect's database, Prefect's client
    reaches it through PREFECT_API_URL, a flow run lands in its database. A proxy in the
    environment (one that does not exist) is not asked for the local server."""
    result = _python("""
        from profile_etl import prefect_env
        prefect_env.configure(one_shot=True)
        api = prefect_env.start_api_early()
        api.connect()
        from prefect import flow, get_client
        api.wait()
        @flow
        def hello():
            return 42
        assert hello() == 42
        with get_client(sync_client=True) as client:
            assert str(client.api_url).rstrip("/") == api.url, client.api_url
            assert [run.name for run in client.read_flow_runs()], "no flow run recorded"
        print(api.process.pid)
    """, tmp_path, HTTP_PROXY="http://127.0.0.1:9", http_proxy="http://127.0.0.1:9",
        ALL_PROXY="http://127.0.0.1:9", NO_PROXY="example.org", TMPDIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    pid = int(result.stdout.split()[-1])
    assert _gone(pid), f"the API server process {pid} outlived the command"
    assert (tmp_path / "prefect.db").is_file()
    assert not result.stderr.strip(), result.stderr  # a clean command line: nothing printed
    assert not list(tmp_path.glob("profile-etl-prefect-server-*.log"))  # its log is removed


@pytest.mark.parametrize("services", [True, False], ids=["serve", "run"])
def test_the_server_of_serve_schedules_runs_and_a_runs_server_does_not(tmp_path, services):
    """`profile-etl serve` with no API of the user's never ran its schedule: Prefect's
    embedded server runs no scheduler. Its server now runs Prefect's services; the server
    of a single `run` still does not (it would only cost start-up time)."""
    result = _python(f"""
        import time
        from profile_etl import prefect_env
        prefect_env.configure()
        api = prefect_env.start_api_early(services={services})
        api.connect()
        api.wait()
        from prefect import get_client
        from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId
        from profile_etl.flows.deploy import build_deployment
        deployment_id = build_deployment(name="every-minute", cron="* * * * *").apply()
        only = DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id]))
        # Prefect's scheduler looks at new deployments every 5 s: two rounds, when none is expected
        deadline = time.monotonic() + {60 if services else 10}
        with get_client(sync_client=True) as client:
            while time.monotonic() < deadline and not client.read_flow_runs(deployment_filter=only):
                time.sleep(1)
            print(len(client.read_flow_runs(deployment_filter=only)))
    """, tmp_path, TMPDIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    scheduled = int(result.stdout.split()[-1])
    assert (scheduled > 0) == services, scheduled


@pytest.mark.parametrize("exit_call", ["raise SystemExit(3)", "os._exit(3)"], ids=["exit", "killed"])
def test_the_server_stops_when_the_command_ends_before_using_it(tmp_path, exit_call):
    """An input error exits before the flow; a killed command runs no exit handler, and
    the server notices that its parent is gone."""
    result = _python(f"""
        import os
        from profile_etl import prefect_env
        api = prefect_env.start_api_early()
        api.connect()
        print(api.process.pid, flush=True)
        {exit_call}
    """, tmp_path)
    assert result.returncode == 3, result.stderr
    pid = int(result.stdout.split()[-1])
    assert _gone(pid), f"the API server process {pid} outlived the command"


def test_no_server_when_the_user_switched_prefects_embedded_mode_off(tmp_path, monkeypatch):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setenv("PREFECT_SERVER_ALLOW_EPHEMERAL_MODE", "false")
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path))
    api = prefect_env.start_api_early()
    api.connect()
    assert api.url is None and "PREFECT_API_URL" not in os.environ  # Prefect reports it needs an API


def test_a_server_that_cannot_start_is_reported_not_waited_for(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PREFECT_API_DATABASE_CONNECTION_URL", f"sqlite+aiosqlite:///{blocker}/prefect.db")
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.setenv(name, "")  # restored afterwards: `connect` adds the server to it
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(tempfile, "tempdir", None)  # re-read TMPDIR
    api = prefect_env.start_api_early()
    api.connect()
    try:
        assert api.url is not None
        started = time.monotonic()
        with pytest.raises(prefect_env.ApiStartError) as raised:
            api.wait()
        assert time.monotonic() - started < 30
    finally:
        api.stop()
        os.environ.pop("PREFECT_API_URL", None)
    # One line: the exit code, the exception the traceback ended in, and the kept log.
    message = str(raised.value)
    assert re.match(r"Prefect's API server ended before it was ready \(exit code \d+\): "
                    r"\S*Error: .*unable to open database file.* \(server log: (\S+)\)$", message), message
    log = Path(re.search(r"server log: (\S+)\)$", message).group(1))
    assert log.parent == tmp_path and "Traceback" in log.read_text()


def test_the_last_error_of_a_log_is_the_exception_its_traceback_ends_in():
    log = textwrap.dedent("""\
        12:00:01 | ERROR | uvicorn.error - Traceback (most recent call last):
          File "x.py", line 1, in f
            raise ConnectionRefusedError(111, "Connect call failed")
        ConnectionRefusedError: [Errno 111] Connect call failed ('127.0.0.1', 1)

        12:00:02 | ERROR | uvicorn.error - Application startup failed. Exiting.
    """)
    assert prefect_env.last_error(log) == "ConnectionRefusedError: [Errno 111] Connect call failed ('127.0.0.1', 1)"
    assert prefect_env.last_error("sqlalchemy.exc.OperationalError: (x) unable to open\n") == (
        "sqlalchemy.exc.OperationalError: (x) unable to open")
    assert prefect_env.last_error("no exception here\nthe last words\n\n") == "the last words"
    assert prefect_env.last_error("") == ""


def test_the_cli_imports_no_prefect_before_it_connects():
    """`connect` hands the server's URL to Prefect through the environment, which Prefect
    reads when it is imported: the modules the CLI imports before that must not import it."""
    result = _python("""
        import sys
        from profile_etl import cli, prefect_env
        from profile_etl.flows.sources import InputError
        from profile_etl.warehouse.connection import check_writable
        from profile_etl.warehouse.errors import WarehouseError
        from profile_etl.transforms.pipeline import process_pages
        print(sorted(m for m in sys.modules if m == "prefect" or m.startswith("prefect.")))
    """, "/nonexistent-prefect-home")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def _server_of(pid: int) -> int | None:
    """The pid of the API server process that the command `pid` started, if any."""
    for entry in Path("/proc").iterdir():
        try:
            status = (entry / "status").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        ppid = next(line.split()[1] for line in status.splitlines() if line.startswith("PPid:"))
        if int(ppid) == pid and b"profile_etl.prefect_server" in cmdline:
            return int(entry.name)
    return None


def _cli(args: list[str], home) -> subprocess.Popen:
    """`profile-etl` in a process group of its own, as a terminal runs it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")} | {"PREFECT_HOME": str(home)}
    return subprocess.Popen([sys.executable, "-m", "profile_etl.cli", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, start_new_session=True, text=True)


def _ctrl_c(cli: subprocess.Popen, how: str = "ctrl-c") -> tuple[float, str]:
    """Press Ctrl-C (SIGINT to the command's process group), or `kill` it (SIGTERM to the
    command alone, as `kill PID` and service managers do); return the seconds until the
    command ended and what it printed on stderr from then on."""
    if how == "ctrl-c":
        os.killpg(cli.pid, signal.SIGINT)
    else:
        os.kill(cli.pid, signal.SIGTERM)
    started = time.monotonic()
    _, err = cli.communicate(timeout=60)
    return time.monotonic() - started, err


@pytest.mark.parametrize("how", ["ctrl-c", "sigterm"])
def test_ctrl_c_during_a_run_stops_it_at_once_and_records_it_as_crashed(tmp_path, how):
    """Ctrl-C reaches the terminal's process group. The server is in a session of its own,
    so it is still there when the command tells it that the flow run crashed, and the
    command then stops it: no minute of retries against a dead server, no traceback."""
    import sqlite3

    from profile_etl.generator import generate_pages

    (tmp_path / "pages").mkdir()
    for page in generate_pages(60, seed=3):
        (tmp_path / "pages" / page.file_name).write_text(page.text, encoding="utf-8", newline="")
    cli = _cli(["run", str(tmp_path / "pages"), "--batch-size", "2", "--warehouse", str(tmp_path / "w.duckdb")],
               tmp_path / "home")
    assert cli.stderr is not None
    for line in cli.stderr:  # the flow is running once a batch is loaded
        if line.startswith("batch 1/"):
            break
    server = _server_of(cli.pid)
    assert server is not None
    seconds, rest = _ctrl_c(cli, how)
    assert seconds < 15
    assert cli.returncode != 0
    assert "Traceback" not in rest, rest
    assert rest.strip().splitlines()[-1:] == ["Aborted!"], rest
    assert _gone(server), "the API server outlived the command"
    with sqlite3.connect(tmp_path / "home" / "prefect.db") as db:
        states = db.execute("select state_type from flow_run").fetchall()
    db.close()
    assert states == [("CRASHED",)]


def test_ctrl_c_while_the_server_starts_is_quiet_and_quick(tmp_path):
    cli = _cli(["run", "--warehouse", str(tmp_path / "w.duckdb")], tmp_path / "home")
    deadline = time.monotonic() + 30
    while _server_of(cli.pid) is None and time.monotonic() < deadline:
        time.sleep(0.05)
    server = _server_of(cli.pid)
    assert server is not None
    seconds, err = _ctrl_c(cli)
    assert seconds < 3
    assert err.strip() == "Aborted!", err
    assert _gone(server)
    assert not list((tmp_path / "home").glob(".prefect.db.*")), "a half-made database was left behind"


def test_a_running_server_ends_by_the_signal_after_its_graceful_shutdown(tmp_path, monkeypatch):
    """uvicorn shuts down cleanly on SIGTERM and then raises it again; with the default
    disposition that ends the process at once, where a Python exit would first spend a
    second tearing down Prefect's server modules on every command."""
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path))
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.setenv(name, "")  # restored afterwards: `connect` adds the server to it
    api = prefect_env.start_api_early()
    process = api.process
    api.connect()
    try:
        api.wait()
    finally:
        api.stop()
        os.environ.pop("PREFECT_API_URL", None)
    assert process is not None and process.returncode == -signal.SIGTERM


def test_empty_logs_of_killed_commands_are_removed_and_others_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)
    stale = tmp_path / f"{prefect_env.LOG_PREFIX}{dead_pid}-abc.log"
    stale.write_text("")
    failure = tmp_path / f"{prefect_env.LOG_PREFIX}{dead_pid}-def.log"
    failure.write_text("ConnectionRefusedError: [Errno 111]\n")  # a log an error named
    running = tmp_path / f"{prefect_env.LOG_PREFIX}{os.getpid()}-ghi.log"
    running.write_text("")
    prefect_env._remove_stale_logs()
    assert not stale.exists() and failure.exists() and running.exists()
