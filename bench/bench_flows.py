"""Benchmark: one country-review flow run per review of the bundled sample (189 reviews),
then 189 facts resumed into them.

    .venv/bin/python bench/bench_flows.py [--limit 6] [--sequential 10] [--server-db sqlite]

Starts its own Prefect server on 127.0.0.1 (a free port, a temporary PREFECT_HOME), a store
with the sample, and `untoc flows serve --limit N` as the runner (N flow-run processes at
once). Reports:
  - runs created per second (API), and runs started-to-suspended per second (end to end);
  - resume-to-suspended latency: from the resume call to the run suspended again at its
    next step with its form saved (or completed); first `--sequential` resumes one at a
    time (uncontended), then the rest all at once (a burst, queued behind the runner).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.flows.conftest import (  # noqa: E402
    AUTH_STRING,
    VENV_BIN,
    basic_auth,
    client_env,
    free_port,
    start_server,
    stop,
    untoc,
    wait_healthy,
)


def states(http: Any) -> dict[str, dict[str, Any]]:
    """Every country-review run by id."""
    body = {"flows": {"name": {"any_": ["country-review"]}}, "limit": 200}
    out: dict[str, dict[str, Any]] = {}
    while True:
        page = http.post("/flow_runs/filter", json=body | {"offset": len(out)}).json()
        out.update((r["id"], r) for r in page)
        if len(page) < 200:
            return out


def ready_key(http: Any, run: dict[str, Any]) -> str | None:
    """The pause key once the run is Suspended with its form saved; "done" when completed."""
    state = run["state"]
    if state["type"] == "COMPLETED":
        return "done"
    if state["type"] in ("CRASHED", "FAILED"):
        return None
    if state["type"] != "PAUSED" or state["name"] != "Suspended":
        return None
    key = state["state_details"]["pause_key"]
    r = http.get(f"/flow_runs/{run['id']}/input/suspended-{key}-description")
    return key if r.status_code == 200 else None


def restart_crashed(runs: dict[str, dict[str, Any]], current: dict[str, str], reviews: Any) -> int:
    """Start a new run for each review whose run crashed (the code changed under it, the
    machine was short of memory...), as `untoc flows start-reviews` would."""
    from untoc_workflow.orchestration import astart_review_runs

    crashed = [
        reviews[name]
        for name, run_id in current.items()
        if run_id in runs and runs[run_id]["state"]["type"] in ("CRASHED", "FAILED")
    ]
    if not crashed:
        return 0
    result = asyncio.run(astart_review_runs(crashed))
    for name, run_id in result.started.items():
        current[name] = str(run_id)
    print(f"restarted {len(result.started)} crashed run(s): {sorted(result.started)}", flush=True)
    return len(result.started)


def fact_for(position: Any, today: date) -> dict[str, Any]:
    """A valid fact for the step the review waits at (what a person would enter)."""
    step = position.step_state
    kind = position.fact
    base: dict[str, Any] = {"on": today.isoformat(), "recorded_by": "bench"}
    if kind == "focal_point_nominated":
        party = step.waiting_for[0] if step.waiting_for else position.state.reviewed
        return base | {
            "party": party,
            "name": f"Focal point {party}",
            "email": f"fp.{party.lower()}@example.org",
        }
    if kind == "preliminary_consultation_held":
        return base | {"languages": ["en"]}
    return base


def _children() -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        out.setdefault(ppid, []).append(int(entry.name))
    return out


def tree_rss(pid: int) -> int:
    """Resident memory, in bytes, of process `pid` and all its descendants (Linux /proc)."""
    children, total, todo = _children(), 0, [pid]
    while todo:
        p = todo.pop()
        todo.extend(children.get(p, ()))
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


class PeakMemory:
    """Samples the runner's process tree every half second; keeps the peak."""

    def __init__(self, pid: int) -> None:
        import threading

        self.pid, self.peak, self.done = pid, 0, threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def _run(self) -> None:
        while not self.done.wait(0.5):
            self.peak = max(self.peak, tree_rss(self.pid))

    def take_peak(self) -> int:
        peak, self.peak = self.peak, 0
        return peak

    def stop(self) -> None:
        self.done.set()


COLD_RESUME = """
import json, sys, time
from datetime import date
from pathlib import Path
t0, c0 = time.perf_counter(), time.process_time()
from untoc_workflow.definitions import load_process
from untoc_workflow.orchestration import review_position, review_snapshot
from untoc_workflow.store import open_store
definition = load_process(Path(sys.argv[2]))
store = open_store(sys.argv[1])
c1 = time.process_time()
out = []
for review in sys.argv[3:]:
    c, t = time.process_time(), time.perf_counter()
    position = review_position(definition, review_snapshot(store, review), review, date.today())
    out.append((time.process_time() - c, time.perf_counter() - t, len(position.state.steps)))
print(json.dumps({"imports": c1 - c0, "reads": out}))
"""


def resume_cpu(events: int) -> None:
    """A resume's own work at `events` events: in a fresh process (as each run is), read
    the review's events and its Parties' focal points and fold its position."""
    import json
    import random
    import statistics

    from bench.generate import generate, write
    from untoc_workflow.store import open_store

    work = Path(tempfile.gettempdir()) / f"bench-flows-{events}"
    work.mkdir(exist_ok=True)
    db = f"sqlite:///{work / 'untoc.db'}"
    if not (work / "imported").exists():
        t = time.perf_counter()
        doc = generate(10_000, events)
        write(doc, work / "mechanism.json")
        with open_store(db) as store:
            store.import_file(work / "mechanism.json")
        (work / "imported").touch()
        print(f"generated and imported {events:,} events in {time.perf_counter() - t:.0f} s")
    with open_store(db) as store, store.engine.connect() as conn:
        from sqlalchemy import text

        ids = [r[0] for r in conn.execute(text("SELECT id FROM review ORDER BY id"))]
        count = conn.execute(text("SELECT COUNT(*) FROM event")).scalar()
    chosen = random.Random(7).sample(ids, 20)
    definition = REPO / "untoc_workflow/process_defs/country_review.yaml"
    done = subprocess.run(
        [sys.executable, "-c", COLD_RESUME, db, str(definition), *chosen],
        capture_output=True,
        text=True,
        check=True,
        env=os.environ | {"PYTHONPATH": str(REPO)},
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    cpu = [r[0] for r in result["reads"]]
    wall = [r[1] for r in result["reads"]]
    print(
        f"a resume's read and fold at {count:,} events / {len(ids):,} reviews: CPU median "
        f"{statistics.median(cpu) * 1000:.1f} ms (max {max(cpu) * 1000:.1f} ms), wall median "
        f"{statistics.median(wall) * 1000:.1f} ms; the first read of a fresh process "
        f"{cpu[0] * 1000:.1f} ms; importing the library {result['imports']:.2f} s CPU"
    )
    load = os.getloadavg()
    print(f"load average: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} cores")


def main() -> None:
    import signal

    # `kill` stops the server and the runner too (the finally below)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--limit", type=int, default=0, help="flow-run processes at once (0: the default)"
    )
    parser.add_argument(
        "--resume-cpu",
        type=int,
        default=0,
        metavar="EVENTS",
        help="only measure a resume's CPU time in a store of EVENTS events (10,000 reviews)",
    )
    parser.add_argument("--sequential", type=int, default=10, help="resumes one at a time first")
    parser.add_argument("--reviews", type=int, default=0, help="only the first N (0: all)")
    parser.add_argument("--server-db", choices=["sqlite", "postgresql"], default="postgresql")
    args = parser.parse_args()
    if args.resume_cpu:
        resume_cpu(args.resume_cpu)
        return
    # two per core, as flows.serve.default_limit (not imported here: importing Prefect
    # before PREFECT_API_URL is set below would point this process at a temporary server)
    args.limit = args.limit or int(os.environ.get("UNTOC_FLOWS_LIMIT") or 2 * (os.cpu_count() or 1))

    import httpx

    from untoc_workflow.definitions import load_process
    from untoc_workflow.orchestration import astart_review_runs, review_position
    from untoc_workflow.store import open_store

    work = Path(tempfile.mkdtemp(prefix="bench-flows-"))
    server_home, client_home = work / "server", work / "client"
    server_home.mkdir()
    client_home.mkdir()
    port = free_port()
    url = f"http://127.0.0.1:{port}/api"
    extra = {"PREFECT_SERVER_API_AUTH_STRING": AUTH_STRING}
    pg_db = None
    if args.server_db == "postgresql":
        from tests.flows.conftest import _drop_pg_database, _pg_database

        pg_db = _pg_database()
        extra["PREFECT_SERVER_DATABASE_CONNECTION_URL"] = (
            f"postgresql+asyncpg://postgres@127.0.0.1:5432/{pg_db}"
        )
    t0 = time.perf_counter()
    server, log = start_server(server_home, port, extra)
    runner = None
    try:
        wait_healthy(url, server, log)
        print(f"server ({args.server_db}) healthy in {time.perf_counter() - t0:.1f} s", flush=True)
        db = f"sqlite:///{client_home / 'untoc.db'}"
        env = client_env(url, client_home, db)
        imported = untoc(env, "import", str(REPO / "untoc_workflow/sample/mechanism.json"))
        assert imported.returncode == 0, imported.stderr
        os.environ.update(
            {"PREFECT_API_URL": url, "PREFECT_API_AUTH_STRING": AUTH_STRING}
            | {k: v for k, v in env.items() if k.startswith("PREFECT_")}
        )
        runner = subprocess.Popen(
            [
                str(VENV_BIN / "untoc"),
                "flows",
                "serve",
                "--no-schedules",
                "--limit",
                str(args.limit),
            ],
            env=env,
            stdout=(client_home / "serve.log").open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        http = httpx.Client(base_url=url, timeout=60, auth=basic_auth())
        while http.get("/deployments/name/country-review/country-review").status_code != 200:
            if runner.poll() is not None:
                raise SystemExit((client_home / "serve.log").read_text()[-3000:])
            time.sleep(0.3)

        definition = load_process(REPO / "untoc_workflow/process_defs/country_review.yaml")
        store = open_store(db)
        snapshot = store.snapshot()
        today = date.today()
        open_reviews = [
            r
            for r in snapshot.reviews.values()
            if not review_position(definition, snapshot, r.id, today).complete
        ]
        if args.reviews:
            open_reviews = sorted(open_reviews, key=lambda r: r.id)[: args.reviews]
        print(f"{len(snapshot.reviews)} reviews; runs to start: {len(open_reviews)}", flush=True)

        memory = PeakMemory(runner.pid)
        memory.start()
        t_start = time.perf_counter()
        result = asyncio.run(astart_review_runs(open_reviews))
        t_created = time.perf_counter() - t_start
        n = len(result.started)
        if result.failed:
            print(f"{len(result.failed)} runs not created: {result.failed}", flush=True)
        print(
            f"created {n} runs in {t_created:.2f} s: {n / t_created:.1f} runs/s (API)", flush=True
        )
        current = {name: str(run_id) for name, run_id in result.started.items()}
        keys: dict[str, str] = {}
        restarts = 0
        while len(keys) < n:
            runs = states(http)
            restarts += restart_crashed(runs, current, snapshot.reviews)
            for name, run_id in current.items():
                # a run restarted just now is not in `runs` yet
                run = runs.get(run_id)
                if name not in keys and run and (k := ready_key(http, run)):
                    keys[name] = k
            time.sleep(0.5)
        t_all = time.perf_counter() - t_start
        start_peak = memory.take_peak()
        print(
            f"peak memory of the runner and its flow-run processes while {n} runs started: "
            f"{start_peak / 2**20:.0f} MB",
            flush=True,
        )
        print(
            f"all {n} runs suspended at their step after {t_all:.1f} s: "
            f"{n / t_all:.2f} runs/s started-to-suspended (runner limit {args.limit}"
            f"{f', {restarts} crashed run(s) restarted' if restarts else ''})",
            flush=True,
        )

        snapshot = store.snapshot()
        plan = []
        for review in sorted(keys):
            position = review_position(definition, snapshot, review, today)
            plan.append((review, fact_for(position, today)))

        def resume(run_id: str, run_input: dict[str, Any]) -> None:
            for _ in range(50):
                answer = http.post(f"/flow_runs/{run_id}/resume", json={"run_input": run_input})
                body = answer.json()
                if body.get("status") == "ACCEPT":
                    return
                if "not paused" in str(body.get("details", {}).get("reason", "")):
                    return  # a Party's focal point, recorded through another run, moved it

                time.sleep(0.1)
            raise RuntimeError(f"resume refused: {body}")

        def wait_moved(pending: dict[str, float], latencies: list[float]) -> None:
            while pending:
                runs = states(http)
                restart_crashed(runs, current, snapshot.reviews)
                for review in list(pending):
                    run = runs.get(current[review])
                    k = ready_key(http, run) if run else None
                    if k and k != keys[review]:
                        latencies.append(time.perf_counter() - pending.pop(review))
                        keys[review] = k
                time.sleep(0.1)

        sequential: list[float] = []
        for review, run_input in plan[: args.sequential]:
            t = time.perf_counter()
            resume(current[review], run_input)
            wait_moved({review: t}, sequential)
        burst: list[float] = []
        t_burst = time.perf_counter()
        pending: dict[str, float] = {}
        for review, run_input in plan[args.sequential :]:
            pending[review] = time.perf_counter()
            resume(current[review], run_input)
        wait_moved(pending, burst)
        t_burst = time.perf_counter() - t_burst
        burst_peak = memory.take_peak()
        memory.stop()
        print(
            f"peak memory of the runner and its flow-run processes while {len(burst)} runs "
            f"resumed at once (limit {args.limit}): {burst_peak / 2**20:.0f} MB",
            flush=True,
        )

        snapshot = store.snapshot()
        recorded = sum(1 for e in snapshot.events if e.on == today)
        everything = sequential + burst
        print(f"resumed {len(everything)} facts; {recorded} recorded in the event log", flush=True)
        if sequential:
            print(
                f"resume-to-suspended, one at a time ({len(sequential)}): median "
                f"{statistics.median(sequential):.2f} s, max {max(sequential):.2f} s"
            )
        if burst:
            q = statistics.quantiles(burst, n=10) if len(burst) > 1 else burst
            print(
                f"resume-to-suspended, burst of {len(burst)}: "
                f"median {statistics.median(burst):.2f} s,"
                f" p90 {q[-1]:.2f} s; burst done in {t_burst:.1f} s "
                f"({len(burst) / t_burst:.2f} resumes/s)"
            )
        median_all = statistics.median(everything)
        print(f"resume-to-suspended, all {len(everything)}: median {median_all:.2f} s")
        load = os.getloadavg()
        print(f"load average: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} cores")
        store.close()
    finally:
        if runner is not None:
            stop(runner)
        stop(server)
        if pg_db:
            _drop_pg_database(pg_db)


if __name__ == "__main__":
    main()
