"""Benchmark: the JSON status report of a mechanism of 10,000 reviews and 1,000,000 events.

    .venv/bin/python bench/bench_report.py [--reviews 10000] [--events 1000000] [--repeat 3]
                                           [--url sqlite:///... | postgresql+psycopg://...]

Builds the mechanism with bench/generate.py (each review's life, then deadline extensions,
focal-point changes and expert lists up to the event count), turns it into the core's
Snapshot the way the store hands it over, and times `untoc report --format json`'s work:
fold every review on the date, compute the figures, serialise the JSON.

With --url it also imports the file into that store and times `store.snapshot()` (reading
the event log), which the command adds on top.

Target: under 3 s for the report.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.generate import generate, write  # noqa: E402
from untoc_workflow.core import (  # noqa: E402
    Event,
    EventIndex,
    Mission,
    Party,
    Review,
    ReviewerAssignment,
    Snapshot,
)
from untoc_workflow.definitions import load_process  # noqa: E402
from untoc_workflow.reports import status_report  # noqa: E402

AS_OF = date(2024, 4, 16)


def _data(e: dict[str, Any]) -> dict[str, Any]:
    """An event's `data` as the store gives it to the core (mechanism_file/convert.py)."""
    t = e["type"]
    if t == "focal_point_nominated":
        return {"person": e["person"], "replaces": e.get("replaces")}
    if t == "focal_point_withdrawn":
        return {"email": e["email"]}
    if t == "experts_nominated":
        return {"count": e["count"], "women": e.get("women")}
    if t == "preliminary_consultation_held":
        agreed = {k: date.fromisoformat(v) for k, v in (e.get("agreed") or {}).items()}
        return {"languages": e["languages"], "agreed": agreed}
    if t == "deadline_extended":
        return {"step": e["step"], "due": date.fromisoformat(e["due"]), "basis": e["basis"]}
    if t == "reviewer_replaced":
        return {"by": e["by"], "requested_by": e["requested_by"]}
    return {}


def snapshot_of(doc: dict[str, Any]) -> Snapshot:
    parties = {
        p["code"]: Party(
            p["code"],
            p["name"],
            p["regional_group"],
            {k: date.fromisoformat(v) for k, v in p["instruments"].items()},
            Mission(p["mission"]["email"], p["mission"]["city"]) if p.get("mission") else None,
            tuple(p.get("languages", ())),
        )
        for p in doc["parties"]
    }
    reviews = {
        r["id"]: Review(
            r["id"],
            r["cluster"],
            r["group"],
            r["reviewed"],
            tuple(r["instruments"]),
            tuple(ReviewerAssignment(a["party"], tuple(a["instruments"])) for a in r["reviewers"]),
            date.fromisoformat(r["starts_on"]),
        )
        for r in doc["reviews"]
    }
    events = [
        Event(
            date.fromisoformat(e["on"]),
            e["type"],
            i + 1,
            e.get("review"),
            e.get("party"),
            _data(e),
            e.get("id"),
            e.get("note"),
        )
        for i, e in enumerate(doc["events"])
    ]
    events.sort(key=lambda e: (e.on, e.seq))
    log = tuple(events)
    # As the store hands it over: its in-memory log comes with the log's index, built once.
    index = EventIndex(log)
    index.build()
    return Snapshot(parties, reviews, log, index=index)


def time_report(process: Any, snapshot: Snapshot, repeat: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU seconds of each run (CPU time is what a busy shared machine
    cannot inflate by running other work on the same cores)."""
    wall, cpu = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        text = json.dumps(status_report(process, snapshot, AS_OF))
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    assert json.loads(text)["reviews"]["total"] == len(snapshot.reviews)
    return wall, cpu


def _read_floor(url: str) -> float | None:
    """Seconds to read every event row with plain sqlite3 (SQLite stores only)."""
    if not url.startswith("sqlite:///"):
        return None
    import sqlite3

    con = sqlite3.connect(url[len("sqlite:///") :])
    t0 = time.perf_counter()
    con.execute('SELECT "on", type, seq, review_id, party, data, id, note FROM event').fetchall()
    seconds = time.perf_counter() - t0
    con.close()
    return seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reviews", type=int, default=10_000)
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--url", help="also time reading the event log from this store")
    args = ap.parse_args()

    t0 = time.perf_counter()
    doc = generate(args.reviews, args.events)
    snapshot = snapshot_of(doc)
    print(
        f"built {len(snapshot.reviews):,} reviews and {len(snapshot.events):,} events "
        f"in {time.perf_counter() - t0:.1f} s"
    )
    tmp = tempfile.TemporaryDirectory()
    path = Path(tmp.name) / "mechanism.json"
    if args.url:
        write(doc, path)
    # `untoc report` holds the snapshot only, not the file's million dicts as well
    del doc
    gc.collect()
    process = load_process()
    wall, cpu = time_report(process, snapshot, args.repeat)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"JSON report as of {AS_OF}: wall best {min(wall):.2f} s, median "
        f"{statistics.median(wall):.2f} s; CPU best {min(cpu):.2f} s, median "
        f"{statistics.median(cpu):.2f} s; over {len(wall)} runs, load average {load:.1f} "
        f"on {os.cpu_count()} cores (target < 3 s)"
    )

    if args.url:
        from untoc_workflow.store import open_store

        store = open_store(args.url)
        try:
            t0 = time.perf_counter()
            store.import_file(path)
            print(f"imported into {args.url.split('?')[0]} in {time.perf_counter() - t0:.1f} s")
            t0 = time.perf_counter()
            from_store = store.snapshot(AS_OF)
            read = time.perf_counter() - t0
            t0 = time.perf_counter()
            json.dumps(status_report(process, from_store, AS_OF))
            report = time.perf_counter() - t0
            floor = _read_floor(args.url)
            print(f"store.snapshot({AS_OF}), cold: {read:.2f} s; report from it: {report:.2f} s")
            if floor is not None:
                print(
                    f"floor (sqlite3 read of every event row): {floor:.2f} s;"
                    f" snapshot / floor {read / floor:.1f}x (target <= 2x);"
                    f" load average {os.getloadavg()[0]:.1f}"
                )
        finally:
            store.close()
    tmp.cleanup()


if __name__ == "__main__":
    main()
