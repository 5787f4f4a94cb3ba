"""A worker killed at night: the scaled-out desk of docs/scaling-out.md (the store and the
Prefect server on PostgreSQL, the API behind an auth string, prefect.yaml deployed to the
process pool, two workers as if on two machines). One worker is SIGKILLed while it holds
claimed review runs, then while it holds the sweep; `untoc flows sync --stale-after` gives
every review one live run at its step, the next sweep runs, and no message is sent twice.

The session's Prefect server keeps the runs of earlier tests, some for the same reviews of
tests/flows/mechanism.yaml and still live (suspended, or scheduled on a deployment nobody
serves): `untoc flows start-reviews` rightly leaves a review that has a live run alone, so
the test ends those runs first, then starts and counts its own."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from .conftest import (
    VENV_BIN,
    basic_auth,
    client_env,
    deploy_to_process_pool,
    end_live_runs,
    stop,
    untoc,
    wait_for,
)

pytestmark = [pytest.mark.prefect, pytest.mark.slow, pytest.mark.postgres]

HERE = Path(__file__).parent
STEPS = {
    "C1-G1-NGA": "saq--",
    "C1-G1-GHA": "preliminary-consultation--",
    "C1-G2-FRA": "focal-points--",
}
CLAIMED = ("PENDING", "RUNNING")


def kill_tree(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL a worker and every process under it, as a machine lost would."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry.name))
    todo, pids = [proc.pid], []
    while todo:
        pid = todo.pop()
        pids.append(pid)
        todo.extend(children.get(pid, ()))
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    proc.wait(timeout=10)


class Desk:
    def __init__(self, env: dict[str, str], home: Path, http: httpx.Client) -> None:
        self.env, self.home, self.http, self.started = env, home, http, 0
        # other tests' live runs of these reviews would be "already" theirs to start-reviews
        end_live_runs(http, "country-review", lambda r: r["parameters"].get("review_id") in STEPS)
        # and only this test's runs are counted
        self.before = {r["id"] for r in self.runs("country-review")}

    def worker(self, limit: int = 3) -> subprocess.Popen[bytes]:
        self.started += 1
        log = self.home / f"worker-{self.started}.log"
        return subprocess.Popen(
            [str(VENV_BIN / "untoc"), "flows", "worker", "--pool", "untoc-process"]
            + ["--limit", str(limit), "--name", f"machine-{self.started}"],
            env=self.env,
            cwd=self.home,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def runs(self, flow: str) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        while True:
            body = {"flows": {"name": {"any_": [flow]}}, "limit": 200, "offset": len(out)}
            page = list(self.http.post("/flow_runs/filter", json=body).json())
            out += page
            if len(page) < 200:
                return [r for r in out if r["id"] not in getattr(self, "before", ())]

    def review_runs(self) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = {}
        for r in self.runs("country-review"):
            review = r["parameters"].get("review_id")
            if review in STEPS:
                out.setdefault(review, []).append(r)
        return out

    def all_at_their_step(self) -> bool:
        for review, prefix in STEPS.items():
            live = [
                r
                for r in self.review_runs().get(review, [])
                if r["state"]["type"] not in ("CRASHED", "CANCELLED", "FAILED", "COMPLETED")
            ]
            if len(live) != 1:
                return False
            state = live[0]["state"]
            if state["type"] != "PAUSED" or not state["state_details"]["pause_key"].startswith(
                prefix
            ):
                return False
        return True


@pytest.fixture
def desk(prefect_api: str, pg_url: str, tmp_path: Path) -> Iterator[Desk]:
    env = client_env(prefect_api, tmp_path, pg_url)
    assert untoc(env, "import", str(HERE / "mechanism.yaml")).returncode == 0
    deploy_to_process_pool(env)
    yield Desk(env, tmp_path, httpx.Client(base_url=prefect_api, timeout=30, auth=basic_auth()))


def test_a_worker_killed_holding_review_runs_and_the_sweep_strands_nothing(desk: Desk):
    # machine 1 alone: it claims the review runs as they are created, and is killed while
    # it holds at least one of them claimed (Pending or Running)
    first = desk.worker()
    second = None
    try:
        started = untoc(desk.env, "flows", "start-reviews")
        assert started.returncode == 0, started.stderr
        assert f"started {len(STEPS)} run(s)" in started.stdout, started.stdout

        def claimed() -> list[str]:
            return [
                review
                for review, runs in desk.review_runs().items()
                if any(r["state"]["type"] in CLAIMED for r in runs)
            ]

        held = wait_for("a review run claimed by machine 1", claimed, timeout=120, every=0.1)
        kill_tree(first)
        stranded = [review for review in claimed()]
        assert stranded, f"machine 1 was killed after {held} moved on"
        # machine 2 takes the runs nobody claimed; the stranded ones stay where they are
        second = desk.worker()
        replaced: list[int] = []

        def sync() -> bool:
            done = untoc(desk.env, "flows", "sync", "--stale-after", "5s")
            assert done.returncode == 0, done.stdout + done.stderr
            found = re.search(r"replaced (\d+) stranded review run", done.stdout)
            assert found, done.stdout
            replaced.append(int(found.group(1)))
            return sum(replaced) >= len(stranded)

        wait_for("flows sync to replace the stranded runs", sync, timeout=90, every=2)
        assert sum(replaced) == len(stranded), replaced
        wait_for("every review at its step, one live run each", desk.all_at_their_step, 240, 1)
        for review in stranded:
            names = sorted(r["name"] for r in desk.review_runs()[review])
            assert f"{review} (crashed, replaced)" in names, names

        # machine 2 stops; machine 3 alone takes the sweep and is killed holding it
        stop(second)
        second = None
        third = desk.worker()
        sweep = desk.http.get("/deployments/name/daily-sweep/daily-sweep").json()

        def new_sweep() -> dict[str, Any]:
            return dict(
                desk.http.post(
                    f"/deployments/{sweep['id']}/create_flow_run",
                    json={"parameters": {"as_of": "2022-06-20", "sync_runs": False}},
                ).json()
            )

        orphan = new_sweep()

        def orphan_state() -> str:
            return str(desk.http.get(f"/flow_runs/{orphan['id']}").json()["state"]["type"])

        wait_for("machine 3 holds the sweep", lambda: orphan_state() in CLAIMED, 120, 0.1)
        kill_tree(third)
        assert orphan_state() in CLAIMED
        second = desk.worker()
        blocked = new_sweep()  # the orphan holds the deployment's one slot
        wait_for(
            "the next sweep turned away while the orphan holds the slot",
            lambda: (
                desk.http.get(f"/flow_runs/{blocked['id']}").json()["state"]["type"] == "CANCELLED"
            ),
            timeout=90,
        )

        def freed() -> bool:
            done = untoc(desk.env, "flows", "sync", "--stale-after", "5s")
            assert done.returncode == 0, done.stdout + done.stderr
            return orphan_state() == "CRASHED"

        wait_for("flows sync to free the sweep's slot", freed, timeout=90, every=2)
        nxt = new_sweep()
        wait_for(
            "the next sweep completed",
            lambda: desk.http.get(f"/flow_runs/{nxt['id']}").json()["state"]["type"] == "COMPLETED",
            timeout=180,
        )
    finally:
        for proc in (first, second):
            if proc is not None:
                stop(proc)
    # no message sent twice: one .eml per message sent, each message once
    from sqlalchemy import text

    from untoc_workflow.store import open_store

    emails = list((desk.home / "outbox").glob("*.eml"))
    with open_store(desk.env["UNTOC_DATABASE_URL"]) as store, store.engine.connect() as conn:
        sent = conn.execute(text("SELECT count(*) FROM outbox WHERE status = 'sent'")).scalar()
        keys = conn.execute(text("SELECT count(DISTINCT key) FROM outbox")).scalar()
        rows = conn.execute(text("SELECT count(*) FROM outbox")).scalar()
    assert sent and sent == len(emails), (sent, len(emails))
    assert keys == rows
    ids = [
        line for e in emails for line in e.read_text().splitlines() if line.startswith("Message-ID")
    ]
    assert len(ids) == len(set(ids)) == len(emails)
