"""Benchmark: page views per second of the portal for one signed-in focal point.

    .venv/bin/python bench/bench_portal.py [--seconds 10] [--clients 1]
                                           [--reviews 10000] [--events 1000000] [--skip-large]

Serves the portal with uvicorn on 127.0.0.1 (a real HTTP server) over a SQLite store and
asks, over keep-alive HTTP connections, for the person's list of reviews (its first page of
50) and each review page listed there in turn, for a fixed time. Twice: on the bundled
sample (189 Parties, cluster 1, as on 2024-04-16), and on a mechanism of 10,000 reviews made
by bench/generate.py.

The focal point is the one whose Party takes part in the most reviews (the longest list).
Each request checks the session, asks the store whether the log changed, checks who the
address is today (against the event log and the register) and renders the page; the first
request after a change folds the log again, so it is timed apart ("first page").
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.generate import generate, write  # noqa: E402

SAMPLE = ROOT / "untoc_workflow" / "sample" / "mechanism.json"


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _busiest_focal_point(store: Any, as_of: date) -> tuple[str, str]:
    from untoc_workflow.core import focal_points_on

    snapshot = store.snapshot(as_of)
    count: Counter[str] = Counter()
    for review in snapshot.reviews.values():
        count[review.reviewed] += 1
        for a in review.reviewers:
            count[a.party] += 1
    roll = focal_points_on(snapshot.events, as_of)
    for party, _ in count.most_common():
        persons = roll.persons(party)
        if persons:
            return party, persons[0].email
    raise SystemExit("no Party has a focal point on the date")


def measure(url: str, as_of: date, seconds: float, clients: int, label: str) -> dict[str, Any]:
    import httpx
    import uvicorn

    from untoc_workflow.core import Event
    from untoc_workflow.definitions import load_process
    from untoc_workflow.definitions.load import BUNDLED_DEFS
    from untoc_workflow.portal import create_app
    from untoc_workflow.portal.config import PortalSettings
    from untoc_workflow.portal.signin import open_session
    from untoc_workflow.settings import load_settings
    from untoc_workflow.store import open_store

    store = open_store(url)
    party, email = _busiest_focal_point(store, as_of)
    tmp = Path(tempfile.mkdtemp(prefix="untoc-bench-portal-docs-"))
    settings = PortalSettings(
        base_url="http://127.0.0.1", documents_dir=tmp / "documents", secure_cookies=False
    )
    project = load_settings(cwd=tmp)
    definition = load_process(BUNDLED_DEFS / "country_review.yaml")
    app = create_app(store, definition, settings, project, as_of=as_of)
    with store.engine.begin() as conn:
        cookie = open_session(conn, email, datetime.now(UTC).replace(tzinfo=None), settings)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    try:
        # the first page folds the log (seconds for a million events): no timeout for it
        with httpx.Client(base_url=base, cookies={"untoc_session": cookie}, timeout=None) as client:
            started = time.perf_counter()
            listing = client.get("/reviews")
            first = time.perf_counter() - started
            assert listing.status_code == 200, listing.status_code
            ids = [part.split('"')[0] for part in listing.text.split('href="/reviews/')[1:]]
            paths = ["/reviews", *(f"/reviews/{rid}" for rid in ids)]
            for path in paths:  # warm each review's fold once
                assert client.get(path).status_code == 200

        latencies: list[float] = []
        lock = threading.Lock()
        stop = time.perf_counter() + seconds

        def browse(offset: int) -> None:
            mine: list[float] = []
            with httpx.Client(base_url=base, cookies={"untoc_session": cookie}, timeout=60) as c:
                i = offset
                while time.perf_counter() < stop:
                    t0 = time.perf_counter()
                    r = c.get(paths[i % len(paths)])
                    mine.append(time.perf_counter() - t0)
                    assert r.status_code == 200, r.status_code
                    i += 1
            with lock:
                latencies.extend(mine)

        workers = [threading.Thread(target=browse, args=(k,)) for k in range(clients)]
        t0 = time.perf_counter()
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        elapsed = time.perf_counter() - t0
        # facts recorded meanwhile: about one review (an extension), then about the Party
        # (experts named); the next page reads the new rows and folds what they change
        stamp = time.time()
        after: dict[str, float] = {}
        for kind, event in (
            (
                "review",
                Event(
                    as_of,
                    "deadline_extended",
                    review=ids[0],
                    data={"step": "saq", "due": date(2030, 1, 31), "basis": f"bench {stamp}"},
                ),
            ),
            (
                "party",
                Event(as_of, "experts_nominated", party=party, data={"count": 3}, note=f"{stamp}"),
            ),
        ):
            store.append([event])
            with httpx.Client(
                base_url=base, cookies={"untoc_session": cookie}, timeout=None
            ) as client:
                t1 = time.perf_counter()
                assert client.get(f"/reviews/{ids[0]}").status_code == 200
                after[kind] = time.perf_counter() - t1
    finally:
        server.should_exit = True
        thread.join(10)
        store.close()
    latencies.sort()
    return {
        "mechanism": label,
        "focal point": f"{email} ({party}), {len(ids)} reviews listed",
        "first page (fold)": f"{first:.2f} s",
        "first page after a review's fact": f"{after['review']:.2f} s",
        "first page after a Party's fact": f"{after['party']:.2f} s",
        "page views": len(latencies),
        "views per s": f"{len(latencies) / elapsed:.1f}",
        "median": f"{statistics.median(latencies) * 1000:.1f} ms",
        "p95": f"{latencies[int(len(latencies) * 0.95) - 1] * 1000:.1f} ms",
        "clients": clients,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--clients", type=int, default=1)
    ap.add_argument("--reviews", type=int, default=10_000)
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--skip-large", action="store_true")
    ap.add_argument("--work", type=Path, help="keep the stores here and reuse them on the next run")
    args = ap.parse_args()
    os.environ.setdefault("UNTOC_SETTINGS", "/nonexistent/untoc.toml")
    from untoc_workflow.store import open_store

    work = args.work or Path(tempfile.mkdtemp(prefix="untoc-bench-portal-"))
    work.mkdir(parents=True, exist_ok=True)
    results = []
    sample_url = f"sqlite:///{work / 'sample.db'}"
    with open_store(sample_url) as store:
        store.import_file(SAMPLE)  # idempotent: a kept store is unchanged
    results.append(measure(sample_url, date(2024, 4, 16), args.seconds, args.clients, "sample"))
    print(results[-1], flush=True)
    if not args.skip_large:
        large = work / f"large-{args.reviews}-{args.events}.db"
        large_url = f"sqlite:///{large}"
        if not large.exists():  # a kept store is used again (making it takes minutes)
            big = work / "mechanism.json"
            t0 = time.perf_counter()
            write(generate(args.reviews, args.events), big)
            with open_store(large_url) as store:
                store.import_file(big)
            big.unlink()
            print(
                f"made and imported {args.reviews} reviews, {args.events} events "
                f"in {time.perf_counter() - t0:.1f} s",
                flush=True,
            )
        label = f"{args.reviews} reviews, {args.events} events"
        results.append(measure(large_url, date(2024, 4, 16), args.seconds, args.clients, label))
        print(results[-1], flush=True)
    print()
    for r in results:
        print(" | ".join(f"{k}: {v}" for k, v in r.items()))
    print(f"load average: {Path('/proc/loadavg').read_text().split()[:3]}")


if __name__ == "__main__":
    main()
