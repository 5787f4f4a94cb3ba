"""The sweep process is killed (SIGKILL) at random moments, again and again; after the
reruns, every due notification has reached the SMTP server exactly once."""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from untoc_workflow.notify.outbox import TABLE
from untoc_workflow.notify.sweep import N as NOTICES
from untoc_workflow.store import open_store

from .conftest import SmtpServer, load_mechanism, nominate, party, review

DRIVER = Path(__file__).with_name("crash_sweep.py")
ROOT = Path(__file__).resolve().parents[2]
DATES = ["2023-06-16", "2023-06-30", "2023-07-14"]  # reminder, due, overdue of the SAQ
GO_LIVE = "2023-06-15"
KILLS = 50


def _mechanism(store, tmp_path: Path) -> None:
    """Twelve parties, eight reviews: six in the questionnaire stage with the SAQ due on
    2023-06-30, two whose consultation is overdue (three focal points each, plus the
    mission and the secretariat at the escalation)."""
    codes = ["ARG", "BRA", "CAN", "DNK", "EGY", "FIN", "GRC", "HUN", "IND", "JPN", "KEN", "LVA"]
    parties = [
        party(c, f"Party {c}", ["en", "fr", "es"][i % 3 : i % 3 + 1]) for i, c in enumerate(codes)
    ]
    reviews, events = [], []
    for c in codes:
        events.append(nominate("2023-01-05", c, f"Focal {c}", f"fp.{c.lower()}@example.org"))
    for i in range(8):
        rid = f"C1-G1-{codes[i]}"
        reviews.append(review(rid, codes[i], [codes[(i + 3) % 12], codes[(i + 7) % 12]]))
        events.append(
            {"on": "2023-01-10", "type": "experts_nominated", "party": codes[i], "count": 1}
        )
        if i < 6:
            events.append(
                {
                    "on": "2023-01-20",
                    "type": "preliminary_consultation_held",
                    "review": rid,
                    "languages": [["en", "fr", "es"][i % 3]],
                    "agreed": {"saq": "2023-06-30"},
                }
            )
    load_mechanism(store, tmp_path, parties, reviews, events)


class Sweeper:
    """The forking driver (crash_sweep.py): one child process per sweep."""

    def __init__(self, db_url: str, url: str):
        self.proc = subprocess.Popen(
            [sys.executable, str(DRIVER), db_url, url],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=ROOT,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        line = self.proc.stdout.readline()
        assert line.strip() == "ready", line

    def start(self, day: str) -> int:
        self.proc.stdin.write(f"go {day}\n")
        self.proc.stdin.flush()
        word, pid = self.proc.stdout.readline().split()
        assert word == "pid"
        return int(pid)

    def wait(self) -> int:
        word, status = self.proc.stdout.readline().split()
        assert word == "exit"
        return int(status)

    def complete(self, day: str) -> float:
        began = time.monotonic()
        self.start(day)
        assert self.wait() == 0
        return time.monotonic() - began

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(30)


@pytest.mark.slow
def test_sigkill_at_random_points_then_rerun_delivers_every_notice_exactly_once(
    tmp_path, store_url
):
    rng = random.Random(20240416)
    # calibration on a separate store and server: how long a whole sweep takes
    calib_db = f"sqlite:///{tmp_path / 'calib.db'}"
    calib_store = open_store(calib_db)
    (tmp_path / "calib").mkdir()
    _mechanism(calib_store, tmp_path / "calib")
    calib_smtp = SmtpServer()
    calib_smtp.start()
    calib = Sweeper(calib_db, calib_smtp.url)
    calib.complete(GO_LIVE)  # the openings, once
    # how long a sweep of each date takes, first and again (nothing new to send)
    work = {d: calib.complete(d) for d in DATES}
    calib.close()
    with calib_store.engine.connect() as conn:
        expected_keys = set(conn.execute(select(TABLE.c.key)).scalars())
        expected_notices = set(conn.execute(select(NOTICES.c.notice, NOTICES.c.recipient)))
    calib_smtp.stop()
    calib_store.close()
    assert len(expected_keys) >= 20

    db_url = store_url  # a SQLite file, then a PostgreSQL schema
    store = open_store(db_url)
    _mechanism(store, tmp_path)
    smtp = SmtpServer()
    smtp.start()
    sweeper = Sweeper(db_url, smtp.url)
    try:
        sweeper.complete(GO_LIVE)
        kills = runs = 0
        # at least KILLS runs killed mid-way: each at a random moment within the time the
        # last whole run of that date took (a run may still finish before its moment)
        while kills < KILLS and runs < 4 * KILLS:
            day = DATES[runs % len(DATES)]
            began = time.monotonic()
            pid = sweeper.start(day)
            runs += 1
            time.sleep(rng.uniform(0, work[day]))
            with contextlib.suppress(ProcessLookupError):  # it may have finished
                os.kill(pid, signal.SIGKILL)
            status = sweeper.wait()
            if os.WIFSIGNALED(status):
                kills += 1
            else:
                assert os.WEXITSTATUS(status) == 0
                work[day] = time.monotonic() - began
        assert kills >= KILLS, f"only {kills} of {runs} runs were killed mid-way"
        for day in DATES:  # rerun to completion
            sweeper.complete(day)

        with store.engine.connect() as conn:
            rows = list(conn.execute(select(TABLE.c.key, TABLE.c.status, TABLE.c.message_id)))
            notices = list(conn.execute(select(NOTICES.c.notice, NOTICES.c.recipient)))
        # Every notice found for every address is recorded once, whatever the kills; how
        # the interleaved runs grouped them into messages may differ from a quiet run.
        assert len(notices) == len(set(notices)) and set(notices) == expected_notices
        assert {r.key for r in rows} >= {k for k in expected_keys if k.startswith("opening/")}
        statuses = Counter(r.status for r in rows)
        # cancelled: a reminder still undelivered when a later notice of the same step was
        # recorded (the runs interleave the three dates) is overtaken, never sent
        assert set(statuses) <= {"sent", "sending", "cancelled"}, statuses
        due = [r for r in rows if r.status != "cancelled"]
        received = Counter(m.message_id for m in smtp.wait_for(len(due), timeout=10))
        assert received == Counter({r.message_id: 1 for r in due}), (
            f"duplicates: {[k for k, n in received.items() if n > 1]}; "
            f"missing: {sorted({r.message_id for r in due} - set(received))}"
        )
    finally:
        sweeper.close()
        smtp.stop()
        store.close()
