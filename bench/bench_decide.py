"""Benchmark: a Conference decision that moves deadlines in 10,000 reviews.

Builds a store with 10,000 reviews of cluster 1 (one per synthetic Party, all at the SAQ
step), 10,000 pending notifications about their SAQ deadline, then times `untoc decide`'s
work (`mechanism.service.decide`) as a dry run, applied, and applied again.

    .venv/bin/python bench/bench_decide.py [--reviews 10000] [--url sqlite:///... | postgresql+psycopg://...]

Target: under 5 s each for the dry run and the apply.
"""

from __future__ import annotations

import argparse
import itertools
import os
import string
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from untoc_workflow.definitions import load_process  # noqa: E402
from untoc_workflow.mechanism import service  # noqa: E402
from untoc_workflow.mechanism.decisions import parse_decision  # noqa: E402
from untoc_workflow.mechanism.definition import load_mechanism  # noqa: E402
from untoc_workflow.outbox.decisions import StoreNoticeOutbox  # noqa: E402
from untoc_workflow.store import open_store  # noqa: E402
from untoc_workflow.yamlsource import Located, load_text  # noqa: E402

GROUPS = ["African", "Asia-Pacific", "Eastern European", "GRULAC", "WEOG"]
STARTS = [date(2020, 12, 1), date(2021, 11, 1), date(2022, 11, 1)]
DECISION = """
decision: BENCH-1
title: Six more months for every SAQ of cluster 1
adopted_on: 2023-06-01
effects:
  - {kind: extend_deadline, step: saq, by: 6 months, reviews: {cluster: 1}}
"""


def build(store, n: int) -> None:
    codes = [
        "".join(c) for c in itertools.islice(itertools.product(string.ascii_uppercase, repeat=3), n)
    ]
    parties = [
        {
            "code": c,
            "name": f"Party {c}",
            "regional_group": GROUPS[i % 5],
            "instruments": {"UNTOC": "2003-09-29"},
        }
        for i, c in enumerate(codes)
    ]
    reviews = []
    for i, c in enumerate(codes):
        own = codes[(i + 5) % n]  # same regional group (i % 5)
        other = codes[(i + 1) % n]
        start = STARTS[i % 3]
        reviews.append(
            {
                "id": f"C1-G{i % 3 + 1}-{c}",
                "cluster": 1,
                "group": i % 3 + 1,
                "reviewed": c,
                "instruments": ["UNTOC"],
                "reviewers": [
                    {"party": own, "instruments": ["UNTOC"]},
                    {"party": other, "instruments": ["UNTOC"]},
                ],
                "starts_on": start.isoformat(),
            }
        )
    events = [
        {
            "on": "2020-11-01",
            "type": "focal_point_nominated",
            "party": c,
            "person": {"name": f"FP {c}", "email": f"fp.{c.lower()}@example.org"},
        }
        for c in codes
    ]
    doc = {"format": "untoc-mechanism/1", "parties": parties, "reviews": reviews, "events": events}
    store.import_document(Located(doc, "<bench>", {}))
    now = datetime.now(UTC).replace(tzinfo=None)
    rows = []
    for r in reviews:
        start = date.fromisoformat(r["starts_on"])
        due = date(start.year + (start.month + 6 > 12), (start.month + 6 - 1) % 12 + 1, 1)
        notice = f"{r['id']}/saq/overdue/0/{due.isoformat()}"
        rows.append(
            {
                "key": notice + "|x",
                "notice": notice,
                "kind": "notice",
                "review_id": r["id"],
                "step": "saq",
                "rung": "overdue",
                "occurrence": 0,
                "deadline_due": due,
                "due_on": due,
                "found_on": due,
                "party": r["reviewed"],
                "role": "waiting.focal_point",
                "copy_only": False,
                "recipient": f"fp.{r['reviewed'].lower()}@example.org",
                "recipient_name": "FP",
                "language": "en",
                "subject": "s",
                "body_text": "b",
                "body_html": "b",
                "message_id": f"<{notice}>",
                "status": "pending",
                "attempts": 0,
                "created_at": now,
                "updated_at": now,
            }
        )
    cols = list(rows[0])
    sql = text(
        f"INSERT INTO outbox ({', '.join(chr(34) + c + chr(34) for c in cols)}) "
        f"VALUES ({', '.join(':' + c for c in cols)})"
    )
    with store.engine.begin() as conn:
        conn.execute(sql, rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reviews", type=int, default=10_000)
    parser.add_argument("--url", default=None)
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory()
    url = args.url or f"sqlite:///{Path(tmp.name) / 'bench.db'}"
    process = load_process(ROOT / "process_defs" / "country_review.yaml")
    mechanism = load_mechanism(ROOT / "process_defs" / "mechanism.yaml")
    decision = parse_decision(load_text(DECISION, "bench.yaml"), process)
    as_of = date(2023, 7, 1)

    store = open_store(url)
    t = time.perf_counter()
    build(store, args.reviews)
    print(
        f"store: {args.reviews} reviews and pending notices on {url.split(':')[0]}, "
        f"built in {time.perf_counter() - t:.1f} s"
    )

    def timed(dry_run: bool) -> tuple[Any, float, float]:
        wall, cpu = time.perf_counter(), time.process_time()
        result = service.decide(
            store,
            decision,
            process,
            mechanism,
            as_of=as_of,
            dry_run=dry_run,
            outbox=StoreNoticeOutbox(store),
        )
        return result, time.perf_counter() - wall, time.process_time() - cpu

    dry, t_dry, c_dry = timed(True)
    applied, t_apply, c_apply = timed(False)
    again, t_again, c_again = timed(False)
    store.close()

    print(
        f"dry run: {len(dry.plan.moves)} deadlines would move, "
        f"{len(dry.plan.cancellations)} notices would be cancelled: "
        f"{t_dry:.2f} s (cpu {c_dry:.2f} s)"
    )
    print(
        f"apply:   {applied.recorded} events recorded, {applied.cancelled} notices cancelled: "
        f"{t_apply:.2f} s (cpu {c_apply:.2f} s)"
    )
    print(
        f"again:   {again.recorded} events recorded, {len(again.plan.moves)} moves: "
        f"{t_again:.2f} s (cpu {c_again:.2f} s)"
    )
    # Other work on the machine slows the wall clock; the load says how much there was.
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    ok = t_dry < 5 and t_apply < 5 and len(dry.plan.moves) == args.reviews
    print("target (< 5 s each): " + ("met" if ok else "NOT met"))


if __name__ == "__main__":
    main()
