"""`untoc sweep` is killed (SIGKILL) at random moments, again and again, against a server
that answers at once and one that takes 0.4 s to answer the final dot (and drops the
message if the client is gone by then); after the reruns
every due notice has reached the SMTP server at least once, and any notice received twice
carries the same Message-ID (a duplicate is possible only when the server accepted a
message whose answer the killed sweep never read)."""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from untoc_workflow.notify.sweep import N as NOTICES
from untoc_workflow.outbox.rows import TABLE
from untoc_workflow.store import open_store

from .conftest import load_mechanism, nominate, party, review
from .faulty_smtp import Faults, FaultySmtp

DRIVER = Path(__file__).with_name("crash_sweep.py")
ROOT = Path(__file__).resolve().parents[2]
GO_LIVE = "2023-06-15"  # the working day before the first date: the openings
DATES = ["2023-06-16", "2023-06-30", "2023-07-14"]  # reminder, due, overdue of the SAQ
KILLS = 50
CODES = [
    "ARG",
    "BRA",
    "CAN",
    "DNK",
    "EGY",
    "FIN",
    "GRC",
    "HUN",
    "IND",
    "JPN",
    "KEN",
    "LVA",
    "MEX",
    "NLD",
    "OMN",
    "PER",
    "POL",
    "PRT",
    "QAT",
    "ROU",
    "SEN",
    "SWE",
    "THA",
    "TUN",
    "UGA",
    "URY",
    "VNM",
    "ZAF",
    "ZMB",
    "CHL",
]


def _mechanism(store, tmp_path: Path) -> None:
    """Thirty parties, twenty reviews: sixteen in the questionnaire stage with the SAQ due
    on 2023-06-30, four whose consultation is overdue (three focal points each, then the
    mission and the secretariat at the escalation)."""
    parties = [
        party(c, f"Party {c}", ["en", "fr", "es"][i % 3 : i % 3 + 1]) for i, c in enumerate(CODES)
    ]
    reviews, events = [], []
    for c in CODES:
        events.append(nominate("2023-01-05", c, f"Focal {c}", f"fp.{c.lower()}@example.org"))
    for i in range(20):
        rid = f"C1-G1-{CODES[i]}"
        reviewers = [CODES[(i + 7) % 30], CODES[(i + 13) % 30]]
        reviews.append(review(rid, CODES[i], reviewers))
        events.append(
            {"on": "2023-01-10", "type": "experts_nominated", "party": CODES[i], "count": 1}
        )
        if i < 16:
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
    """The forking driver (crash_sweep.py): one `untoc sweep` process per run."""

    def __init__(self, db_url: str, url: str, tmp_path: Path):
        settings = tmp_path / "untoc.toml"
        settings.write_text(
            '[secretariat]\nemail = "secretariat.review@example.org"\nname = "Secretariat"\n'
            '[cop_presidency]\nemail = "cop.presidency@example.org"\n',
            encoding="utf-8",
        )
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "UNTOC_DATABASE_URL": db_url,
            "UNTOC_NOTIFY_URL": url,
            "UNTOC_SETTINGS": str(settings),
            "UNTOC_SENDER": "untoc.review@example.org",
        }
        self.proc = subprocess.Popen(
            [sys.executable, str(DRIVER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=tmp_path,
            text=True,
            env=env,
        )
        line = self.proc.stdout.readline()
        assert line.strip() == "ready", line

    def start(self, day: str, now: datetime | None = None) -> int:
        self.proc.stdin.write(f"go {day}{' ' + now.isoformat() if now else ''}\n")
        self.proc.stdin.flush()
        word, pid = self.proc.stdout.readline().split()
        assert word == "pid"
        return int(pid)

    def wait(self) -> int:
        word, status = self.proc.stdout.readline().split()
        assert word == "exit"
        return int(status)

    def complete(self, day: str, now: datetime | None = None) -> float:
        began = time.monotonic()
        self.start(day, now)
        status = self.wait()
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status
        return time.monotonic() - began

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(30)


def _expected(tmp_path: Path) -> tuple[set[str], set[tuple[str, str]]]:
    """The outbox keys and the (notice, address) pairs its messages carry, of an undisturbed
    run of go-live and the three dates, on a store of its own."""
    folder = tmp_path / "calib"
    folder.mkdir()
    db = f"sqlite:///{folder / 'calib.db'}"
    calib_store = open_store(db)
    _mechanism(calib_store, folder)
    server = FaultySmtp()
    server.start()
    sweeper = Sweeper(db, server.url, folder)
    try:
        for day in (GO_LIVE, *DATES):
            sweeper.complete(day)
        with calib_store.engine.connect() as conn:
            keys = set(conn.execute(select(TABLE.c.key)).scalars())
            notices = {
                tuple(r) for r in conn.execute(select(NOTICES.c.notice, NOTICES.c.recipient))
            }
            return keys, notices
    finally:
        sweeper.close()
        server.stop()
        calib_store.close()


@pytest.mark.slow
@pytest.mark.parametrize("dot_delay", [0.0, 0.4], ids=["prompt-server", "dot-answered-in-0.4s"])
def test_sigkill_at_random_points_then_rerun_delivers_every_notice_at_least_once(
    tmp_path, store_url, dot_delay
):
    rng = random.Random(20240416)
    expected_keys, expected_notices = _expected(tmp_path)
    assert len(expected_notices) >= 50

    store = open_store(store_url)  # a SQLite file, then a PostgreSQL schema
    _mechanism(store, tmp_path)
    # the slow server queues a message only when it answers: a sweep killed while it waits
    # leaves the server nothing, so only a retry can save that notice
    smtp = FaultySmtp(Faults(dot_delay=dot_delay, keep_if_client_gone=False))
    smtp.start()
    sweeper = Sweeper(store_url, smtp.url, tmp_path)
    try:
        sweeper.complete(GO_LIVE)  # the openings, once, before the kills
        kills = runs = 0
        # a kill at a random moment of a run: within the time the last whole run of that
        # date took, and within 2.5 s against the slow server (five or six messages), so
        # that the fifty kills fall at every stage, not mostly in the first seconds
        work = {d: 2.5 for d in DATES}
        while kills < KILLS and runs < 4 * KILLS:
            day = DATES[runs % len(DATES)]
            began = time.monotonic()
            pid = sweeper.start(day)
            runs += 1
            time.sleep(rng.uniform(0, min(work[day], 2.5)))
            with contextlib.suppress(ProcessLookupError):  # it may have finished
                os.kill(pid, signal.SIGKILL)
            status = sweeper.wait()
            if os.WIFSIGNALED(status):
                kills += 1
            else:
                assert os.WEXITSTATUS(status) == 0
                work[day] = time.monotonic() - began
        assert kills >= KILLS, f"only {kills} of {runs} runs were killed mid-way"
        # the sweeps of an hour later: every claim of a killed sweep has lapsed by then
        later = datetime.now(UTC) + timedelta(hours=1)
        for day in DATES:
            sweeper.complete(day, later)

        with store.engine.connect() as conn:
            rows = list(conn.execute(select(TABLE.c.key, TABLE.c.status, TABLE.c.message_id)))
            notices = [
                tuple(r) for r in conn.execute(select(NOTICES.c.notice, NOTICES.c.recipient))
            ]
        # Every notice found for every address is recorded once, whatever the kills; how the
        # interleaved runs grouped them into messages may differ from an undisturbed run.
        assert len(notices) == len(set(notices)) and set(notices) == expected_notices
        assert {r.key for r in rows} >= {k for k in expected_keys if k.startswith("opening/")}
        statuses = Counter(r.status for r in rows)
        # cancelled: a message rebuilt into a later one (the runs interleave the three dates),
        # or a reminder overtaken by a later notice of the same step: never sent
        assert set(statuses) <= {"sent", "cancelled", "awaiting_approval"}, statuses
        due = {r.message_id for r in rows if r.status == "sent"}
        received = Counter(m.message_id for m in smtp.wait_for(len(due), timeout=10))
        lost = due - set(received)
        duplicates = sum(n - 1 for n in received.values())
        print(
            f"\nkill loop [{store_url.split(':')[0]}, dot answered in {dot_delay} s]: "
            f"notices {len(due)} (cancelled {statuses['cancelled']}), kills {kills} of "
            f"{runs} runs, received {sum(received.values())}, duplicates {duplicates}, "
            f"lost {len(lost)}"
        )
        assert not lost, f"lost: {sorted(lost)}"
        # every message received belongs to a row: a duplicate carries the same Message-ID
        assert set(received) <= {r.message_id for r in rows}
    finally:
        sweeper.close()
        smtp.stop()
        store.close()
