"""One Prefect server per test session, on 127.0.0.1 and a free port (about 12 s to start).

`prefect_api` starts `prefect server start` in a subprocess in the scaled-out configuration
of docs/scaling-out.md: its database on PostgreSQL (a fresh database on 127.0.0.1:5432,
dropped at the end; SQLite when PostgreSQL is not usable here) and its API protected by
PREFECT_SERVER_API_AUTH_STRING. It points this test process at it (env and Prefect
settings, with the matching PREFECT_API_AUTH_STRING) and stops it at the end of the
session. Runs are executed by background processes the tests start (`untoc flows serve`,
`untoc flows worker`), as in production.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import _pg_ready

VENV_BIN = Path(sys.executable).parent
REPO = Path(__file__).resolve().parents[2]

QUIET = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_UI_ENABLED": "false",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# user:password, as docs/scaling-out.md sets it (a test value, not a secret)
AUTH_STRING = "secretariat:test-only-auth"


def wait_for(what: str, check: Callable[[], Any], timeout: float = 60, every: float = 0.25) -> Any:
    """Poll `check` until it returns something true, and return that; fail after `timeout`."""
    end = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > end:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(every)


def basic_auth() -> tuple[str, str]:
    user, password = AUTH_STRING.split(":", 1)
    return user, password


def wait_healthy(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float = 120) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"Prefect server exited:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{url}/health", timeout=2, auth=basic_auth()).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"Prefect server not healthy after {timeout} s:\n{log.read_text()[-3000:]}")


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop a process we started, and its children (its own process group)."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


@contextmanager
def serving(
    env: dict[str, str], log: Path, http: httpx.Client, deployment: str = "country-review"
) -> Iterator[subprocess.Popen[bytes]]:
    """`untoc flows serve --no-schedules` for the time of the block, entered once `deployment`
    is served (the runner up, its flows registered), stopped with its children at the end."""
    runner = subprocess.Popen(
        [str(VENV_BIN / "untoc"), "flows", "serve", "--no-schedules"],
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_for(
            f"the {deployment} deployment served",
            lambda: (
                http.get(f"/deployments/name/{deployment}/{deployment}").status_code == 200
                or runner.poll() is not None
            ),
        )
        assert runner.poll() is None, log.read_text()
        yield runner
    finally:
        stop(runner)


def start_server(home: Path, port: int, extra: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env |= QUIET | {
        "PREFECT_HOME": str(home),
        # the scheduler looks for cron deployments every 60 s by default
        "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "2",
        "PREFECT_LOGGING_SERVER_LEVEL": "WARNING",
        **(extra or {}),
    }
    log = home / "server.log"
    proc = subprocess.Popen(
        [str(VENV_BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return proc, log


def _pg_database() -> str | None:
    """A fresh PostgreSQL database for the Prefect server, or None (SQLite instead)."""
    if _pg_ready():
        return None
    import uuid

    import psycopg

    name = f"prefect_test_{uuid.uuid4().hex[:12]}"
    dsn = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name


def _drop_pg_database(name: str) -> None:
    import psycopg

    dsn = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def prefect_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The session's Prefect server: {"url", "database"} ("postgresql" or "sqlite")."""
    home = tmp_path_factory.mktemp("prefect-server")
    port = free_port()
    url = f"http://127.0.0.1:{port}/api"
    database = _pg_database()
    extra = {
        "PREFECT_SERVER_API_AUTH_STRING": AUTH_STRING,
        # the UI, for the desk's browser test: it calls the API at this address
        "PREFECT_UI_ENABLED": "true",
        "PREFECT_UI_API_URL": url,
    }
    if database:
        extra["PREFECT_SERVER_DATABASE_CONNECTION_URL"] = (
            f"postgresql+asyncpg://postgres@127.0.0.1:5432/{database}"
        )
    proc, log = start_server(home, port, extra)
    try:
        wait_healthy(url, proc, log)
        yield {"url": url, "database": "postgresql" if database else "sqlite", "log": str(log)}
    finally:
        stop(proc)
        if database:
            _drop_pg_database(database)


@pytest.fixture(scope="session")
def prefect_api(
    prefect_server: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The URL of the session's Prefect API, this process pointed at it."""
    url = prefect_server["url"]
    client_home = tmp_path_factory.mktemp("prefect-client")
    updates = QUIET | {
        "PREFECT_API_URL": url,
        "PREFECT_API_AUTH_STRING": AUTH_STRING,
        "PREFECT_HOME": str(client_home),
    }
    saved = {k: os.environ.get(k) for k in updates}
    os.environ.update(updates)
    from prefect.settings import (
        PREFECT_API_AUTH_STRING,
        PREFECT_API_URL,
        PREFECT_HOME,
        temporary_settings,
    )

    try:
        with temporary_settings(
            updates={
                PREFECT_API_URL: url,
                PREFECT_API_AUTH_STRING: AUTH_STRING,
                PREFECT_HOME: client_home,
            }
        ):
            yield url
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def client_env(api: str, home: Path, database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a command or runner process talking to the session's server."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "UNTOC_"))}
    return (
        env
        | QUIET
        | {
            "PREFECT_API_URL": api,
            "PREFECT_API_AUTH_STRING": AUTH_STRING,
            "PREFECT_HOME": str(home),
            "UNTOC_DATABASE_URL": database_url,
            "UNTOC_OUTBOX_DIR": str(home / "outbox"),
            # a resumed run is picked up at the runner's next poll (10 s by default)
            "PREFECT_RUNNER_POLL_FREQUENCY": "1",
            "PREFECT_WORKER_QUERY_SECONDS": "1",
            "PYTHONPATH": str(REPO),
            **extra,
        }
    )


def untoc(
    env: dict[str, str], *args: str, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(VENV_BIN / "untoc"), *args],
        env=env,
        cwd=cwd or REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )


def deploy_to_process_pool(env: dict[str, str]) -> None:
    """The guide's two commands (docs/scaling-out.md): the process work pool, then every
    deployment of prefect.yaml in it. The session's server is shared: another test may have
    made the pool already (the guide's command is the same on every machine), or served the
    same deployments since (this deploys them again, as they now stand in prefect.yaml)."""
    prefect = str(VENV_BIN / "prefect")
    pool = subprocess.run(
        [prefect, "work-pool", "create", "untoc-process", "--type", "process"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert pool.returncode == 0 or "already exists" in pool.stdout + pool.stderr, pool.stderr
    done = subprocess.run(
        [prefect, "--no-prompt", "deploy", "--all"],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr


LIVE = ("SCHEDULED", "PENDING", "RUNNING", "PAUSED")


def end_live_runs(http: httpx.Client, flow: str, ended: Callable[[dict[str, Any]], bool]) -> int:
    """Cancel the live runs of `flow` for which `ended(run)` is true; how many.

    The session's server keeps every test's runs. A review's live run, whatever deployment
    made it, is the one `untoc flows start-reviews` leaves alone ("already have one"): a test
    that starts its own runs for reviews another test used ends theirs first, and a test
    that leaves live runs ends them when it is done."""
    body = {
        "flows": {"name": {"any_": [flow]}},
        "flow_runs": {"state": {"type": {"any_": list(LIVE)}}},
        "limit": 200,
    }
    runs: list[dict[str, Any]] = []
    while True:
        page = http.post("/flow_runs/filter", json=body | {"offset": len(runs)}).json()
        runs += page
        if len(page) < 200:
            break
    count = 0
    for run in runs:
        if ended(run):
            state = {"type": "CANCELLED", "message": "ended: tests share this server"}
            answer = http.post(
                f"/flow_runs/{run['id']}/set_state", json={"state": state, "force": True}
            )
            answer.raise_for_status()
            count += 1
    return count
