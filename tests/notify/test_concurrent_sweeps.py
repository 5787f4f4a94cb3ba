"""Two sweeps of the same day at the same moment on PostgreSQL: one records the notices,
the other says that a sweep running at the same time recorded them (not "recorded 0
(0 already recorded)")."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import date

import pytest
from sqlalchemy import text

from untoc_workflow.cli.notify_commands import summary_line
from untoc_workflow.definitions import load_process
from untoc_workflow.notify import Notifier
from untoc_workflow.outbox.rows import _OUTBOX_LOCK
from untoc_workflow.store import open_store

from .conftest import NOW, make_settings, standard_mechanism, went_live


@pytest.mark.postgres
def test_concurrent_sweeps_report_the_rows_the_other_one_recorded(pg_url, tmp_path):
    name = f"untoc_race_{uuid.uuid4().hex[:8]}"
    store = open_store(f"{pg_url}&application_name={name}")
    standard_mechanism(store, tmp_path)
    went_live(store, tmp_path, before="2023-06-30")
    notifier = Notifier(load_process(), make_settings(tmp_path))
    day = date(2023, 6, 30)
    reports: list = []
    try:
        # Hold the outbox lock so both sweeps read the outbox before either records.
        with store.engine.connect() as holder:
            holder.begin()
            holder.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_OUTBOX_LOCK})")
            sweeps = [
                threading.Thread(target=lambda: reports.append(notifier.record(store, day, NOW)))
                for _ in range(2)
            ]
            for sweep in sweeps:
                sweep.start()
            _wait_until_both_wait_for_the_lock(store, name)
            holder.commit()
        for sweep in sweeps:
            sweep.join(30)
    finally:
        store.close()
    first, second = sorted(reports, key=lambda r: -r.recorded)
    assert first.found == second.found > 0
    assert (first.recorded_elsewhere, second.recorded, second.already_recorded) == (0, 0, 0)
    # counted in messages: the other sweep recorded every one of them
    assert second.recorded_elsewhere == first.recorded > 0
    line = summary_line(day, second)
    assert (
        f"(0 of them already in the outbox); messages: 0 new ({first.recorded} recorded by a"
        " sweep running at the same time)" in line
    )


def _wait_until_both_wait_for_the_lock(store, application_name: str) -> None:
    query = text(
        "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.locktype = 'advisory' AND NOT l.granted AND a.application_name = :name"
    )
    deadline = time.monotonic() + 20
    # autocommit: in a transaction pg_stat_activity is read once and never changes
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        while time.monotonic() < deadline:
            if conn.execute(query, {"name": application_name}).scalar() == 2:
                return
            time.sleep(0.05)
    raise AssertionError("the two sweeps never queued for the outbox lock")
