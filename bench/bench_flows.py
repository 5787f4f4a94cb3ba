"""Benchmark: one country-review flow run per review, then facts resumed into them.

    .venv/bin/python bench/bench_flows.py [--limit 6] [--sequential 10] [--server-db sqlite]
    .venv/bin/python bench/bench_flows.py --at-once running --at-once restart
    .venv/bin/python bench/bench_flows.py --reviews 1000 --at-once running
    .venv/bin/python bench/bench_flows.py --resume-cpu 1000000
    .venv/bin/python bench/bench_flows.py --workers 2 --limit 2 --reviews 40
    .venv/bin/python bench/bench_flows.py --workers 2 --limit 2 --reviews 1000 --starts-only

Starts its own Prefect server on 127.0.0.1 (a free port, a temporary PREFECT_HOME), a store
with the mechanism (the bundled sample of 189 reviews; with `--reviews` above 189, a
generated mechanism of 10,000 reviews of which the first N open ones are taken), and
`untoc flows serve --limit N` as the runner (N flow-run processes at once). Reports:
  - runs created per second (API), and runs started-to-suspended per second (end to end);
  - resume-to-suspended latency: from the resume call to the run suspended again at its
    next step with its form saved (or completed); first `--sequential` resumes one at a
    time (uncontended), then the rest all at once (a burst, queued behind the runner);
  - with `--at-once MODE` (instead of the sequential resumes and the burst; repeatable, one
    round each): every run resumed at once, the peak memory of the runner's process tree
    until all are suspended again, that time, and the latency per run. MODE `running`: a
    burst while the runner runs; `restart`: the runner is stopped, every run resumed, then
    the runner started again (the secretariat's restart after an outage, a sync having
    resumed every run);
  - with `--workers K`: the same, with K process workers of the work pool (prefect.yaml
    deployed, `untoc flows worker --limit N` each) instead of the runner; the peak memory
    is that of all K workers and their flow-run processes;
  - with `--starts-only`: only the runs' start (created, started and suspended, the peak
    memory), no resumes: the memory bound at 1,000 runs without the hours of the resumes;
  - at the end, every figure with the load it was measured at, as a table for the README.
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

from bench.runner_memory import PeakMemory  # noqa: E402
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

SAMPLE = REPO / "untoc_workflow/sample/mechanism.json"
SAMPLE_REVIEWS = 189
# The generated mechanism for more runs than the sample has: as many reviews as the
# 10,000-review benches, with their whole lives and some history (not the 1,000,000 events
# of the store benches: a run reads only its own review's events, see --resume-cpu).
GENERATED_REVIEWS, GENERATED_EVENTS = 10_000, 50_000


def states(http: Any) -> dict[str, dict[str, Any]]:
    """Every country-review run by id."""
    body = {"flows": {"name": {"any_": ["country-review"]}}, "limit": 200}
    out: dict[str, dict[str, Any]] = {}
    while True:
        page = http.post("/flow_runs/filter", json=body | {"offset": len(out)}).json()
        out.update((r["id"], r) for r in page)
        if len(page) < 200:
            return out


def ready_key(http: Any, run: dict[str, Any], known: str | None = None) -> str | None:
    """The pause key once the run is Suspended with its form saved; "done" when completed.
    None while it is still suspended under `known` (not asked again: with 1,000 runs
    waiting, one request per run per poll would load the server being measured)."""
    state = run["state"]
    if state["type"] == "COMPLETED":
        return "done"
    if state["type"] in ("CRASHED", "FAILED"):
        return None
    if state["type"] != "PAUSED" or state["name"] != "Suspended":
        return None
    key = state["state_details"]["pause_key"]
    if key == known:
        return None
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


class Report:
    """The figures measured, each with its case and the load it was measured at."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str]] = []
        # how far the phase under way got: shown if the benchmark is stopped during it
        self.under_way: tuple[str, str, str] | None = None

    def add(self, case: str, figure: str, load: str) -> None:
        self.rows.append((case, figure, load))
        self.under_way = None

    def table(self) -> str:
        rows = self.rows + ([self.under_way] if self.under_way else [])
        lines = ["| case | figure | load |", "|---|---|---|"]
        lines += [f"| {c} | {f} | {load} |" for c, f, load in rows]
        return "\n".join(lines)


def spread(latencies: list[float]) -> str:
    """Median and 90th percentile of a list of seconds."""
    p90 = statistics.quantiles(latencies, n=10)[-1] if len(latencies) > 1 else latencies[0]
    return f"median {statistics.median(latencies):.1f} s, p90 {p90:.1f} s"


class Runner:
    """`untoc flows serve --limit N`, the runner being measured, and its memory sampler."""

    def __init__(self, env: dict[str, str], log_dir: Path, limit: int) -> None:
        self.env, self.log_dir, self.limit, self.starts = env, log_dir, limit, 0
        self.proc: subprocess.Popen[bytes] | None = None
        self.memory: PeakMemory | None = None

    def start(self) -> PeakMemory:
        self.starts += 1
        log = self.log_dir / f"serve-{self.starts}.log"
        self.proc = subprocess.Popen(
            [str(VENV_BIN / "untoc"), "flows", "serve", "--no-schedules"]
            + ["--limit", str(self.limit)],
            env=self.env,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.memory = PeakMemory(self.proc.pid)
        self.memory.start()
        return self.memory

    def stop(self) -> None:
        if self.memory is not None:
            self.memory.stop()
        if self.proc is not None:
            stop(self.proc)

    def check(self) -> None:
        """Stop the benchmark with the runner's log if the runner died."""
        if self.proc is not None and self.proc.poll() is not None:
            log = self.log_dir / f"serve-{self.starts}.log"
            raise SystemExit(f"the runner exited:\n{log.read_text()[-3000:]}")


class Workers(Runner):
    """`--workers K`: the work pool of docs/scaling-out.md instead of `untoc flows serve`:
    the deployments of prefect.yaml deployed to a process pool and K `untoc flows worker
    --pool untoc-process --limit N` processes (as if on K machines), their memory summed."""

    def __init__(self, env: dict[str, str], log_dir: Path, limit: int, count: int) -> None:
        super().__init__(env, log_dir, limit)
        self.count, self.procs, self.deployed = count, [], False

    def deploy(self) -> None:
        prefect = str(VENV_BIN / "prefect")
        for command in (
            [prefect, "work-pool", "create", "untoc-process", "--type", "process"],
            [prefect, "--no-prompt", "deploy", "--all"],
        ):
            done = subprocess.run(
                command, env=self.env, cwd=REPO, capture_output=True, text=True, timeout=600
            )
            if done.returncode != 0:
                raise SystemExit(f"{' '.join(command[1:3])} failed:\n{done.stdout}{done.stderr}")
        self.deployed = True

    def start(self) -> PeakMemory:
        if not self.deployed:
            self.deploy()
        self.starts += 1
        self.procs = []
        for number in range(1, self.count + 1):
            log = self.log_dir / f"worker-{number}-{self.starts}.log"
            self.procs.append(
                subprocess.Popen(
                    [str(VENV_BIN / "untoc"), "flows", "worker", "--pool", "untoc-process"]
                    + ["--limit", str(self.limit), "--name", f"bench-worker-{number}"],
                    env=self.env,
                    stdout=log.open("wb"),
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
        self.proc = self.procs[0]
        self.memory = PeakMemory(*(p.pid for p in self.procs))
        self.memory.start()
        return self.memory

    def stop(self) -> None:
        if self.memory is not None:
            self.memory.stop()
        for proc in self.procs:
            stop(proc)

    def check(self) -> None:
        for number, proc in enumerate(self.procs, 1):
            if proc.poll() is not None:
                log = self.log_dir / f"worker-{number}-{self.starts}.log"
                raise SystemExit(f"worker {number} exited:\n{log.read_text()[-3000:]}")


class Runs:
    """The country-review runs being measured: the run that follows each review, the suspend
    key it waits under, how to resume one and how to see it move."""

    def __init__(
        self, http: Any, runner: Runner, reviews: dict[str, Any], every: float, report: Report
    ) -> None:
        self.http, self.runner, self.reviews, self.every = http, runner, reviews, every
        self.report = report
        self.current: dict[str, str] = {}
        self.keys: dict[str, str] = {}
        self.restarts = 0

    def poll(self) -> dict[str, dict[str, Any]]:
        self.runner.check()
        runs = states(self.http)
        self.restarts += restart_crashed(runs, self.current, self.reviews)
        return runs

    def resume(self, review: str, run_input: dict[str, Any]) -> None:
        run_id = self.current[review]
        for _ in range(50):
            answer = self.http.post(f"/flow_runs/{run_id}/resume", json={"run_input": run_input})
            body = answer.json()
            if body.get("status") == "ACCEPT":
                return
            if "not paused" in str(body.get("details", {}).get("reason", "")):
                return  # a Party's focal point, recorded through another run, moved it
            time.sleep(0.1)
        raise RuntimeError(f"resume refused: {body}")

    def wait_moved(self, pending: dict[str, float], label: str) -> list[float]:
        """Wait until every run of `pending` (review: when it was resumed) is suspended at
        its next step (or completed); their latencies, in seconds. Says every minute how
        far it got, so that an interrupted phase still leaves its partial figures."""
        latencies: list[float] = []
        total, t0, said = len(pending), time.perf_counter(), time.perf_counter()
        while pending:
            runs = self.poll()
            for review in list(pending):
                run = runs.get(self.current[review])
                k = ready_key(self.http, run, self.keys.get(review)) if run else None
                if k and k != self.keys.get(review):
                    latencies.append(time.perf_counter() - pending.pop(review))
                    self.keys[review] = k
            if time.perf_counter() - said > 60:
                said = time.perf_counter()
                self.progress(label, total - len(pending), total, said - t0)
            time.sleep(self.every)
        return latencies

    def progress(self, label: str, done: int, total: int, elapsed: float) -> None:
        memory = self.runner.memory
        peak = f"{memory.peak / 2**20:.0f} MB" if memory else "-"
        load = f"load {os.getloadavg()[0]:.1f} at the time"
        print(f"  {label}: {done}/{total} after {elapsed:.0f} s; peak so far {peak}; {load}")
        sys.stdout.flush()
        self.report.under_way = (
            label,
            f"stopped under way: {done}/{total} suspended at their step after "
            f"{elapsed:.0f} s; peak memory so far {peak}",
            load,
        )


def load_mechanism(mechanism: str, db: str, env: dict[str, str]) -> str:
    """Import the mechanism into the store `db`; its name for the report."""
    if mechanism == "sample":
        imported = untoc(env, "import", str(SAMPLE))
        assert imported.returncode == 0, imported.stderr
        return "the sample"
    from bench.generate import generate, write
    from untoc_workflow.store import open_store

    path = Path(tempfile.gettempdir()) / (
        f"bench-flows-mechanism-{GENERATED_REVIEWS}-{GENERATED_EVENTS}.json"
    )
    t = time.perf_counter()
    if not path.exists():
        write(generate(GENERATED_REVIEWS, GENERATED_EVENTS), path)
    with open_store(db) as store:
        store.import_file(path)
    print(f"generated mechanism imported in {time.perf_counter() - t:.0f} s", flush=True)
    return f"a generated mechanism of {GENERATED_REVIEWS:,} reviews"


def open_reviews(store: Any, definition: Any, today: date, count: int) -> dict[str, Any]:
    """The first `count` (0: all) reviews not complete, by id: review id -> review. Each
    review's position from its own events, as its run reads it (folding the whole log once
    per review would cost minutes at 10,000 reviews)."""
    from sqlalchemy import text

    from untoc_workflow.orchestration import review_position, review_snapshot

    with store.engine.connect() as conn:
        ids = [r[0] for r in conn.execute(text("SELECT id FROM review ORDER BY id"))]
    chosen: dict[str, Any] = {}
    for review in ids:
        snapshot = review_snapshot(store, review)
        if not review_position(definition, snapshot, review, today).complete:
            chosen[review] = snapshot.reviews[review]
            if len(chosen) == count:
                break
    return chosen


def plan_facts(
    store: Any, definition: Any, today: date, reviews: list[str]
) -> list[tuple[str, dict[str, Any]]]:
    """A fact for the step each review waits at."""
    from untoc_workflow.orchestration import review_position, review_snapshot

    plan = []
    for review in reviews:
        position = review_position(definition, review_snapshot(store, review), review, today)
        plan.append((review, fact_for(position, today)))
    return plan


def resume_at_once(
    runs: Runs, runner: Runner, plan: list[tuple[str, dict[str, Any]]], mode: str, case: str
) -> tuple[str, list[tuple[str, str]]]:
    """Resume every run of `plan` at once; wait until all are suspended at their next step.
    Mode `restart`: the runner is stopped first and started again once every run is resumed
    (the memory is then the new runner's, from its start). The load, and the figures."""
    if mode == "restart":
        runner.stop()
    assert runner.memory is not None
    runner.memory.take_peak()
    runner.memory.take_load()
    t0 = time.perf_counter()
    pending: dict[str, float] = {}
    for review, run_input in plan:
        pending[review] = time.perf_counter()
        runs.resume(review, run_input)
    sent = time.perf_counter() - t0
    if mode == "restart":
        runner.start()
    n = len(plan)
    print(f"{case}: {n} resumes sent in {sent:.1f} s", flush=True)
    latencies = runs.wait_moved(pending, case)
    t_all = time.perf_counter() - t0
    assert runner.memory is not None
    memory = runner.memory
    peak, processes = memory.take_peak()
    load = memory.take_load()
    figures = [
        (
            "peak memory of the runner and its flow-run processes",
            f"{peak / 2**20:.0f} MB ({processes} processes at most)",
        ),
        (
            "all suspended again at their next step after",
            f"{t_all:.0f} s ({n / t_all:.2f} resumes/s)",
        ),
        ("resume-to-suspended per run", spread(latencies)),
    ]
    for figure, value in figures:
        print(f"{case}: {figure}: {value}; {load}", flush=True)
    return load, figures


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
    parser.add_argument(
        "--mechanism",
        choices=["sample", "generated"],
        help=f"the sample ({SAMPLE_REVIEWS} reviews; the default up to --reviews "
        f"{SAMPLE_REVIEWS}) or a generated one of {GENERATED_REVIEWS:,} reviews",
    )
    parser.add_argument(
        "--at-once",
        action="append",
        choices=["running", "restart"],
        default=[],
        metavar="MODE",
        help="a round of every run resumed at once, instead of the sequential resumes and the "
        "burst: `running` (the runner runs) or `restart` (the runner restarted after the "
        "resumes); repeat for several rounds",
    )
    parser.add_argument("--server-db", choices=["sqlite", "postgresql"], default="postgresql")
    parser.add_argument(
        "--workers",
        type=int,
        default=0,
        metavar="K",
        help="K process workers of the untoc-process pool, each `--limit` runs at once, "
        "instead of `untoc flows serve` (docs/scaling-out.md); memory summed over them",
    )
    parser.add_argument(
        "--starts-only",
        action="store_true",
        help="measure the runs' start only (created, suspended at their step, peak memory)",
    )
    args = parser.parse_args()
    if args.resume_cpu:
        resume_cpu(args.resume_cpu)
        return
    mechanism = args.mechanism or ("generated" if args.reviews > SAMPLE_REVIEWS else "sample")
    if mechanism == "sample" and args.reviews > SAMPLE_REVIEWS:
        parser.error(
            f"--reviews {args.reviews}: the sample has {SAMPLE_REVIEWS} reviews; "
            "leave out --mechanism (or give --mechanism generated) for more"
        )
    # two per core, as flows.serve.default_limit (not imported here: importing Prefect
    # before PREFECT_API_URL is set below would point this process at a temporary server)
    args.limit = args.limit or int(os.environ.get("UNTOC_FLOWS_LIMIT") or 2 * (os.cpu_count() or 1))

    import httpx

    from untoc_workflow.definitions import load_process
    from untoc_workflow.orchestration import astart_review_runs
    from untoc_workflow.store import open_store

    report = Report()
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
        source = load_mechanism(mechanism, db, env)
        os.environ.update(
            {"PREFECT_API_URL": url, "PREFECT_API_AUTH_STRING": AUTH_STRING}
            | {k: v for k, v in env.items() if k.startswith("PREFECT_")}
        )
        runner = (
            Workers(env, client_home, args.limit, args.workers)
            if args.workers
            else Runner(env, client_home, args.limit)
        )
        memory = runner.start()
        http = httpx.Client(base_url=url, timeout=60, auth=basic_auth())
        while http.get("/deployments/name/country-review/country-review").status_code != 200:
            runner.check()
            time.sleep(0.3)

        definition = load_process(REPO / "untoc_workflow/process_defs/country_review.yaml")
        store = open_store(db)
        today = date.today()
        reviews = open_reviews(store, definition, today, args.reviews)
        print(f"{source}; runs to start: {len(reviews)}", flush=True)
        case = f"{len(reviews)} runs ({source}), `--limit {args.limit}`" + (
            f" on each of {args.workers} process workers" if args.workers else ""
        )

        # polling 1,000 runs every half second would load the server being measured
        runs = Runs(http, runner, reviews, max(0.5, len(reviews) / 400), report)
        memory.take_load()
        t_start = time.perf_counter()
        result = asyncio.run(astart_review_runs(reviews.values()))
        t_created = time.perf_counter() - t_start
        n = len(result.started)
        if result.failed:
            print(f"{len(result.failed)} runs not created: {result.failed}", flush=True)
        print(
            f"created {n} runs in {t_created:.2f} s: {n / t_created:.1f} runs/s (API)", flush=True
        )
        report.add(case, f"runs created: {n / t_created:.1f} runs/s (API)", memory.take_load())
        runs.current = {name: str(run_id) for name, run_id in result.started.items()}
        said = time.perf_counter()
        while len(runs.keys) < n:
            states_now = runs.poll()
            for name, run_id in runs.current.items():
                # a run restarted just now is not in `states_now` yet
                run = states_now.get(run_id)
                if name not in runs.keys and run and (k := ready_key(http, run)):
                    runs.keys[name] = k
            if time.perf_counter() - said > 60:
                said = time.perf_counter()
                runs.progress(f"{case}, runs starting", len(runs.keys), n, said - t_start)
            time.sleep(runs.every)
        t_all = time.perf_counter() - t_start
        start_peak, processes = memory.take_peak()
        load = memory.take_load()
        print(
            f"peak memory of the runner and its flow-run processes while {n} runs started: "
            f"{start_peak / 2**20:.0f} MB ({processes} processes at most)",
            flush=True,
        )
        restarts = runs.restarts
        print(
            f"all {n} runs suspended at their step after {t_all:.1f} s: "
            f"{n / t_all:.2f} runs/s started-to-suspended (runner limit {args.limit}"
            f"{f', {restarts} crashed run(s) restarted' if restarts else ''}); {load}",
            flush=True,
        )
        report.add(
            case,
            f"peak memory while the runs start: {start_peak / 2**20:.0f} MB "
            f"({processes} processes at most)",
            load,
        )
        report.add(
            case,
            f"all started and suspended at their step: {t_all:.0f} s ({n / t_all:.2f} runs/s)",
            load,
        )

        if args.starts_only:
            pass
        elif args.at_once:
            for number, mode in enumerate(args.at_once, 1):
                waiting = sorted(r for r, k in runs.keys.items() if k != "done")
                label = (
                    f"round {number}: {len(waiting)} runs ({source}) resumed at once, runner {mode}"
                )
                plan = plan_facts(store, definition, today, waiting)
                load, figures = resume_at_once(runs, runner, plan, mode, label)
                at_once = (
                    f"{len(plan)} runs ({source}) resumed at once, "
                    f"{'runner restarted' if mode == 'restart' else 'runner running'}, "
                    f"`--limit {args.limit}`"
                )
                for figure, value in figures:
                    report.add(at_once, f"{figure}: {value}", load)
        else:
            sequential_and_burst(runs, store, definition, today, args.sequential, report, case)
        recorded = sum(1 for e in store.snapshot().events if e.on == today)
        print(f"{recorded} facts recorded in the event log today", flush=True)
        load = os.getloadavg()
        print(f"load average: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} cores")
        store.close()
    finally:
        if runner is not None:
            runner.stop()
        stop(server)
        if pg_db:
            _drop_pg_database(pg_db)
        if report.rows:
            print(f"\n{report.table()}", flush=True)


def sequential_and_burst(
    runs: Runs, store: Any, definition: Any, today: date, count: int, report: Report, case: str
) -> None:
    """First `count` resumes one at a time (uncontended), then the rest all at once."""
    memory = runs.runner.memory
    assert memory is not None
    waiting = sorted(r for r, k in runs.keys.items() if k != "done")
    plan = plan_facts(store, definition, today, waiting)
    sequential: list[float] = []
    for review, run_input in plan[:count]:
        t = time.perf_counter()
        runs.resume(review, run_input)
        sequential += runs.wait_moved({review: t}, "one at a time")
    load = memory.take_load()
    if sequential:
        print(
            f"resume-to-suspended, one at a time ({len(sequential)}): median "
            f"{statistics.median(sequential):.2f} s, max {max(sequential):.2f} s; {load}"
        )
        report.add(case, f"resume-to-suspended, one at a time: {spread(sequential)}", load)
    memory.take_peak()
    t_burst = time.perf_counter()
    pending: dict[str, float] = {}
    for review, run_input in plan[count:]:
        pending[review] = time.perf_counter()
        runs.resume(review, run_input)
    burst = runs.wait_moved(pending, "burst")
    t_burst = time.perf_counter() - t_burst
    burst_peak, _ = memory.take_peak()
    load = memory.take_load()
    if burst:
        print(
            f"peak memory of the runner and its flow-run processes while {len(burst)} runs "
            f"resumed at once: {burst_peak / 2**20:.0f} MB",
            flush=True,
        )
        print(
            f"resume-to-suspended, burst of {len(burst)}: {spread(burst)}; burst done in "
            f"{t_burst:.1f} s ({len(burst) / t_burst:.2f} resumes/s); {load}"
        )
        report.add(
            case,
            f"burst of {len(burst)} resumes: peak memory {burst_peak / 2**20:.0f} MB, "
            f"{spread(burst)}, done in {t_burst:.0f} s",
            load,
        )


if __name__ == "__main__":
    main()
