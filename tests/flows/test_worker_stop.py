"""The guide's worker command stops promptly when asked, even with the Prefect server down.

Asked to stop, Prefect's own worker first tries to send its last events to the server; with
the server's machine not answering it ignored SIGTERM for 30 s here (flows/worker.py says
why). `untoc flows worker` gives it `--stop-timeout` (5 s) and then kills it. On a server of
its own (the test hangs it, as a lost machine would), not the session's."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from .conftest import (
    AUTH_STRING,
    VENV_BIN,
    client_env,
    free_port,
    start_server,
    stop,
    wait_for,
    wait_healthy,
)

pytestmark = [pytest.mark.prefect, pytest.mark.slow]


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def parent_of(pid: str) -> int | None:
    """The parent's pid, or None for a process that ended between the listing and the read."""
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except OSError:
        return None


def test_a_worker_asked_to_stop_while_the_server_hangs_exits_within_seconds(tmp_path):
    (tmp_path / "server").mkdir()
    port = free_port()
    url = f"http://127.0.0.1:{port}/api"
    server, log = start_server(
        tmp_path / "server", port, {"PREFECT_SERVER_API_AUTH_STRING": AUTH_STRING}
    )
    worker = None
    try:
        wait_healthy(url, server, log)
        env = client_env(url, tmp_path, f"sqlite:///{tmp_path / 'untoc.db'}")
        worker_log = tmp_path / "worker.log"
        # the guide's command (docs/scaling-out.md); the pool is made if missing
        worker = subprocess.Popen(
            [str(VENV_BIN / "untoc"), "flows", "worker", "--pool", "untoc-process"]
            + ["--limit", "4", "--type", "process"],
            env=env,
            stdout=worker_log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(
            "the worker started",
            lambda: "started!" in worker_log.read_text(errors="replace"),
            timeout=180,
            every=0.5,
        )
        [prefect_worker] = [
            int(p) for p in os.listdir("/proc") if p.isdigit() and parent_of(p) == worker.pid
        ]
        # the server's machine stops answering: connections are made, nothing replies
        os.killpg(server.pid, signal.SIGSTOP)
        time.sleep(3)
        asked = time.monotonic()
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)
        took = time.monotonic() - asked
        assert took < 15, f"{took:.1f} s\n{worker_log.read_text()[-2000:]}"
        assert not alive(prefect_worker)  # Prefect's worker process too, not only the wrapper
    finally:
        with_server = os.getpgid(server.pid) if server.poll() is None else None
        if with_server:
            os.killpg(with_server, signal.SIGCONT)
        stop(server)
        if worker is not None and worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
