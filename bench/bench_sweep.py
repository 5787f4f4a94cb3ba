"""Benchmark of the deadline sweep: 10,000 reviews, about 5,000 notifications due on the
date, consolidated into one message per recipient and delivered by SMTP to a local aiosmtpd
server (in its own process).

    .venv/bin/python bench/bench_sweep.py [--reviews 10000] [--db URL]

The store goes live the working day before (its opening messages are timed too); then the
sweep of the date: notifications found and consolidated messages recorded per second
(snapshot, core, recipients, templates, the outbox and its ledger), emails delivered per
second, and the time of a second sweep the same day, which must send nothing.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

AS_OF = date(2024, 4, 16)
GO_LIVE = date(2024, 4, 15)  # a Monday, a working day in Vienna
SERVER = r"""
import sys, threading
from aiosmtpd.controller import Controller
count = 0
lock = threading.Lock()
class Handler:
    async def handle_DATA(self, server, session, envelope):
        global count
        with lock:
            count += 1
        return "250 OK"
c = Controller(Handler(), hostname="127.0.0.1", port=int(sys.argv[1]))
c.start()
print("ready", flush=True)
for line in sys.stdin:
    print(count, flush=True)
c.stop()
"""


def mechanism(n_reviews: int) -> dict:
    """Every party has a focal point; each review's consultation agreed the SAQ for AS_OF.
    Even reviews are still waiting for the SAQ (due today: one notice each); odd ones are
    complete (none)."""
    import pycountry

    codes = sorted(c.alpha_3 for c in pycountry.countries)[:180]
    parties = [
        {
            "code": c,
            "name": f"Party {c}",
            "regional_group": "WEOG",
            "instruments": {"UNTOC": "2001-01-01", "TIP": "2001-01-01"},
            "mission": {"email": f"mission.{c.lower()}@example.org", "city": "Vienna"},
            "languages": [["en", "fr", "es", "ru", "ar", "zh"][i % 6]],
        }
        for i, c in enumerate(codes)
    ]
    events: list[dict] = []
    for c in codes:
        events.append(
            {
                "on": "2023-01-03",
                "type": "focal_point_nominated",
                "party": c,
                "person": {"name": f"Focal {c}", "email": f"fp.{c.lower()}@example.org"},
            }
        )
        events.append({"on": "2023-01-04", "type": "experts_nominated", "party": c, "count": 2})
    reviews = []
    for i in range(n_reviews):
        reviewed = codes[i % len(codes)]
        r1, r2 = codes[(i + 1) % len(codes)], codes[(i + 2) % len(codes)]
        rid = f"C{1 + i % 4}-G{1 + i % 3}-{reviewed}-{i:05d}"
        reviews.append(
            {
                "id": rid,
                "cluster": 1 + i % 4,
                "group": 1 + i % 3,
                "reviewed": reviewed,
                "instruments": ["UNTOC"],
                "reviewers": [
                    {"party": r1, "instruments": ["UNTOC"]},
                    {"party": r2, "instruments": ["UNTOC"]},
                ],
                "starts_on": "2023-01-02",
            }
        )
        events.append(
            {
                "on": "2023-01-20",
                "type": "preliminary_consultation_held",
                "review": rid,
                "languages": [["en", "fr", "es", "ru", "ar", "zh"][i % 6]],
                "agreed": {"saq": AS_OF.isoformat()},
            }
        )
        if i % 2:
            events += [
                {"on": "2023-05-01", "type": "saq_submitted", "review": rid},
                {"on": "2023-09-01", "type": "written_feedback_submitted", "review": rid},
                {"on": "2023-12-01", "type": "observations_agreed", "review": rid},
                {"on": "2023-12-15", "type": "summary_published", "review": rid},
            ]
    return {"format": "untoc-mechanism/1", "parties": parties, "reviews": reviews, "events": events}


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reviews", type=int, default=10_000)
    parser.add_argument("--db", help="SQLAlchemy URL of an empty database (default: a SQLite file)")
    args = parser.parse_args()

    from untoc_workflow.definitions import load_process
    from untoc_workflow.notify import Notifier
    from untoc_workflow.notify.sweep import sweep
    from untoc_workflow.outbox import SmtpMail, drain
    from untoc_workflow.settings import Contact, Settings
    from untoc_workflow.store import open_store
    from untoc_workflow.yamlsource import Located

    work = Path(tempfile.mkdtemp(prefix="untoc-bench-"))
    db_url = args.db or f"sqlite:///{work / 'bench.db'}"
    store = open_store(db_url)
    t = time.perf_counter()
    store.import_document(Located(mechanism(args.reviews), "<bench>", {}))
    print(
        f"store: {args.reviews} reviews imported in {time.perf_counter() - t:.1f} s"
        f" ({db_url.split(':')[0]})"
    )

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(port)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdout.readline().strip() == "ready"
    url = f"mailto://127.0.0.1:{port}?from=untoc.review@example.org&mode=insecure"
    settings = Settings(
        db_url,
        url,
        ROOT / "process_defs",
        work / "outbox",
        Contact("secretariat.review@example.org", "Secretariat", "en"),
        Contact("cop.presidency@example.org", "Presidency", "en"),
        "untoc.review@example.org",
    )
    notifier = Notifier(load_process(), settings)
    transport = SmtpMail(url)
    now = datetime.now(UTC)

    def deliver() -> object:
        return drain(
            store.engine,
            transport,
            now,
            sender=settings.sender,
            sender_name=settings.secretariat.name,
            reply_to=settings.secretariat.email,
        )

    t = time.perf_counter()
    opening = notifier.record(store, GO_LIVE, now, go_live=GO_LIVE)
    opened = deliver()
    opening_s = time.perf_counter() - t
    print(
        f"go-live {GO_LIVE}: {opening.recorded} opening messages to {opening.recipients}"
        f" recipients, recorded and sent ({opened.sent}) in {opening_s:.2f} s"
    )

    t0 = time.perf_counter()
    recorded = notifier.record(store, AS_OF, now)
    t1 = time.perf_counter()
    drained = deliver()
    t2 = time.perf_counter()
    second = sweep(store, notifier, transport, AS_OF, now)
    t3 = time.perf_counter()
    transport.close()
    server.stdin.write("count\n")
    server.stdin.flush()
    arrived = int(server.stdout.readline())
    server.stdin.close()
    server.wait(10)

    found_s, send_s, again_s = t1 - t0, t2 - t1, t3 - t2
    print(
        f"first sweep: {recorded.found} notifications found, consolidated into"
        f" {recorded.recorded} messages to {recorded.recipients} recipients in {found_s:.2f} s"
        f" -> {recorded.found / found_s:,.0f} notifications/s,"
        f" {recorded.recorded / found_s:,.1f} consolidated messages/s"
    )
    print(
        f"delivery: {drained.sent} emails sent ({drained.failed} failed), in {send_s:.2f} s"
        f" -> {drained.sent / send_s:,.0f} emails delivered/s"
    )
    print(
        f"second sweep the same day: {again_s:.2f} s ({again_s / (found_s + send_s):.1%} of the "
        f"first), recorded {second.recorded}, sent {second.sent}"
    )
    assert second.recorded == second.sent == 0 and arrived == opened.sent + drained.sent
    store.close()
    if not args.db:
        for p in sorted(work.rglob("*"), reverse=True):
            p.unlink() if p.is_file() else p.rmdir()
        os.rmdir(work)


if __name__ == "__main__":
    main()
