"""Benchmark the store on a large mechanism: import, snapshot, derivation, memory.

    .venv/bin/python bench/bench_store.py                      # 10,000 reviews, 1,000,000 events
    .venv/bin/python bench/bench_store.py --events 100000 --reviews 1000 --postgres

Each phase runs in its own process so its peak RSS (resource.getrusage) is its own:
  import     a fresh store imports the JSON file (parse, check, insert: one transaction)
  reimport   the same file again: everything is skipped (idempotence at scale)
  snapshot   a new process opens the store: first snapshot (cold), then again (warm),
             and the core derivation of every review's state if it exists
Targets: import < 60 s, warm snapshot + derive < 2 s, peak RSS < 1 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import uuid
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def phase_import(url: str, file: str) -> dict:
    from untoc_workflow.store import open_store

    store = open_store(url)
    t, c = time.perf_counter(), _cpu()
    result = store.import_file(file)
    seconds, cpu = time.perf_counter() - t, _cpu() - c
    store.close()
    return {"seconds": seconds, "cpu": cpu, "rss_mb": _rss_mb(), "result": str(result)}


def phase_snapshot(url: str, as_of: str) -> dict:
    from untoc_workflow.store import open_store

    day = date.fromisoformat(as_of)
    store = open_store(url)
    t, c = time.perf_counter(), _cpu()
    snap = store.snapshot()
    cold, cold_cpu = time.perf_counter() - t, _cpu() - c
    total = len(snap.events)
    t, c = time.perf_counter(), _cpu()
    snap = store.snapshot(day)
    warm, warm_cpu = time.perf_counter() - t, _cpu() - c
    out = {
        "cold": cold,
        "cold_cpu": cold_cpu,
        "warm": warm,
        "warm_cpu": warm_cpu,
        "total": total,
        "events": len(snap.events),
        "reviews": len(snap.reviews),
    }
    try:
        from untoc_workflow.core import mechanism_states
        from untoc_workflow.definitions import load_process
    except ImportError:
        out["derive"] = None
    else:
        definition = load_process()
        t, c = time.perf_counter(), _cpu()
        try:
            states = mechanism_states(definition, snap, day)
        except Exception as exc:  # the core is someone else's work in progress: report, go on
            out["derive"] = None
            out["derive_error"] = f"{type(exc).__name__}: {exc}"
        else:
            out["derive"] = time.perf_counter() - t
            out["derive_cpu"] = _cpu() - c
            out["states"] = len(states)
    out["rss_mb"] = _rss_mb()
    store.close()
    return out


def _run(*args: str) -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"phase {args[0]} failed")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _pg_url() -> tuple[str, str]:
    import psycopg

    schema = f"bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect("host=127.0.0.1 user=postgres dbname=untoc_test", autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    url = (
        f"postgresql+psycopg://postgres@127.0.0.1:5432/untoc_test?options=-csearch_path%3D{schema}"
    )
    return url, schema


def main() -> None:
    ap = argparse.ArgumentParser(description="store benchmark")
    ap.add_argument("phase", nargs="?", default="all")
    ap.add_argument("--url")
    ap.add_argument("--file")
    ap.add_argument("--as-of", default="2024-06-30")
    ap.add_argument("--reviews", type=int, default=10_000)
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/untoc-bench"))
    ap.add_argument("--postgres", action="store_true", help="PostgreSQL instead of SQLite")
    args = ap.parse_args()

    if args.phase == "import":
        print(json.dumps(phase_import(args.url, args.file)))
        return
    if args.phase == "snapshot":
        print(json.dumps(phase_snapshot(args.url, args.as_of)))
        return

    args.workdir.mkdir(parents=True, exist_ok=True)
    file = args.workdir / f"mechanism-{args.reviews}-{args.events}.json"
    if not file.exists():
        from bench.generate import generate, write

        t = time.perf_counter()
        write(generate(args.reviews, args.events), file)
        print(f"generated {file} in {time.perf_counter() - t:.1f} s")
    schema = None
    if args.postgres:
        url, schema = _pg_url()
    else:
        db = args.workdir / "bench.db"
        for f in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
            if f.exists():
                f.unlink()
        url = f"sqlite:///{db}"
    try:
        imp = _run("import", "--url", url, "--file", str(file))
        again = _run("import", "--url", url, "--file", str(file))
        snap = _run("snapshot", "--url", url, "--as-of", args.as_of)
    finally:
        if schema:
            import psycopg

            with psycopg.connect(
                "host=127.0.0.1 user=postgres dbname=untoc_test", autocommit=True
            ) as conn:
                conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
    size = os.path.getsize(file) / 1e6
    db_name = "PostgreSQL" if args.postgres else "SQLite"
    derive = snap["derive"]
    rows = [
        ("database", db_name, ""),
        ("file", f"{args.reviews:,} reviews, {args.events:,} events, {size:.0f} MB", ""),
        ("phase", "wall", "CPU (user+sys); other"),
        (
            "import",
            f"{imp['seconds']:.1f} s",
            f"{imp['cpu']:.1f} s; peak RSS {imp['rss_mb']:.0f} MB",
        ),
        (
            "re-import (all skipped)",
            f"{again['seconds']:.1f} s",
            f"{again['cpu']:.1f} s; peak RSS {again['rss_mb']:.0f} MB",
        ),
        (
            "snapshot, cold (new process)",
            f"{snap['cold']:.2f} s",
            f"{snap['cold_cpu']:.2f} s; {snap['total']:,} events",
        ),
        (
            f"snapshot as of {args.as_of}, warm",
            f"{snap['warm']:.3f} s",
            f"{snap['warm_cpu']:.3f} s; {snap['events']:,} events",
        ),
        (
            "derive (mechanism_states)",
            "n/a" if derive is None else f"{derive:.2f} s",
            "" if derive is None else f"{snap['derive_cpu']:.2f} s; {snap['states']:,} reviews",
        ),
        (
            "warm snapshot + derive",
            f"{snap['warm'] + (derive or 0):.2f} s",
            f"{snap['warm_cpu'] + snap.get('derive_cpu', 0):.2f} s;"
            f" peak RSS {snap['rss_mb']:.0f} MB",
        ),
    ]
    load = os.getloadavg()[0]
    rows.append(("load average (1 min) at the end", f"{load:.1f}", f"{os.cpu_count()} CPUs"))
    if snap.get("derive_error"):
        print("derive failed:", snap["derive_error"])
    print(imp["result"])
    print(again["result"])
    width = max(len(r[0]) for r in rows)
    for name, value, extra in rows:
        print(f"{name:<{width}}  {value:>12}  {extra}")


if __name__ == "__main__":
    main()
