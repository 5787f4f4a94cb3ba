"""Two sweeps at the same moment on PostgreSQL (two workers) send every notification once.

Each sweep runs in its own process, as on two worker machines, through the function the
daily-sweep flow runs, against one store on PostgreSQL and one real SMTP server that is
slow enough (5 ms a message, plus a connection each) for the two drains to overlap.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from .conftest import REPO, free_port

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

SENDER = "untoc.review@example.org"
SAMPLE = REPO / "untoc_workflow" / "sample" / "mechanism.json"

# Imports and opens the store first, then waits for the go file, so both start together.
WORKER = """
import json, sys, time
from datetime import date
from pathlib import Path
from flows import _store
from flows.sweep import sweep_and_deliver
_store.store()
Path(sys.argv[2]).touch()
go = Path(sys.argv[1])
while not go.exists():
    time.sleep(0.01)
print(json.dumps(sweep_and_deliver(date(2024, 4, 16))))
"""


class SlowSmtp:
    def __init__(self) -> None:
        self.port = free_port()
        self.message_ids: list[str] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        await asyncio.sleep(0.005)
        import email

        message = email.message_from_bytes(envelope.original_content or envelope.content)
        with self.lock:
            self.message_ids.append(str(message["Message-ID"]))
        return "250 Message accepted for delivery"


def test_two_sweeps_at_once_on_postgresql_send_every_notification_once(pg_url, tmp_path: Path):
    from aiosmtpd.controller import Controller
    from sqlalchemy import text

    from untoc_workflow.store import open_store

    with open_store(pg_url) as store:
        store.import_file(SAMPLE)
    smtp = SlowSmtp()
    controller = Controller(smtp, hostname="127.0.0.1", port=smtp.port)
    controller.start()
    go = tmp_path / "go"
    env = {
        "PATH": str(Path(sys.executable).parent),
        "UNTOC_DATABASE_URL": pg_url,
        "UNTOC_NOTIFY_URL": f"mailto://127.0.0.1:{smtp.port}?from={SENDER}&mode=insecure",
        "UNTOC_OUTBOX_DIR": str(tmp_path / "outbox"),
        "PYTHONPATH": str(REPO),
        "HOME": str(tmp_path),
    }
    try:
        workers = [
            subprocess.Popen(
                [sys.executable, "-c", WORKER, str(go), str(tmp_path / f"ready-{i}")],
                env=env,
                cwd=tmp_path,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for i in range(2)
        ]
        end = time.monotonic() + 120
        while not all((tmp_path / f"ready-{i}").exists() for i in range(2)):
            assert time.monotonic() < end and all(w.poll() is None for w in workers)
            time.sleep(0.05)
        go.touch()  # both have imported and opened the store: start them together
        outputs = [w.communicate(timeout=240) for w in workers]
    finally:
        controller.stop()
    for worker, (_out, err) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, err[-3000:]
    counts = [json.loads(out.strip().splitlines()[-1]) for out, _ in outputs]

    with open_store(pg_url) as store, store.engine.connect() as conn:
        rows = dict(conn.execute(text("SELECT status, count(*) FROM outbox GROUP BY status")).all())
    sent = rows.get("sent", 0)
    assert sent > 50, rows  # the sample has many notices due on 2024-04-16
    # nothing left pending or failed; the President's summary waits for approval (go-live)
    assert rows.keys() <= {"sent", "cancelled", "awaiting_approval"}, rows
    # every row sent exactly once: one message each, no Message-ID twice
    assert len(smtp.message_ids) == sent
    assert not [m for m, n in Counter(smtp.message_ids).items() if n > 1]
    assert sum(c["sent"] for c in counts) == sent
    # recorded once between them, and both really drained at the same time
    assert sum(c["recorded"] for c in counts) == (
        sent + rows.get("cancelled", 0) + rows.get("awaiting_approval", 0)
    )
    assert all(c["sent"] > 0 for c in counts), counts
