"""The desk's tables as Prefect artifacts, through the API: the sweep of the bundled sample
on 2024-04-16 publishes `late-reviews`, `due-soon` and `awaiting-approval` with the rows
`untoc status` and the outbox say, and its run is named after its date."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from .conftest import REPO, basic_auth, client_env, untoc

pytestmark = [pytest.mark.prefect, pytest.mark.slow]

SAMPLE = REPO / "untoc_workflow" / "sample" / "mechanism.json"
DAY = date(2024, 4, 16)


def latest_table(http: httpx.Client, key: str) -> list[dict[str, Any]]:
    found = http.post("/artifacts/latest/filter", json={"artifacts": {"key": {"any_": [key]}}})
    [artifact] = found.json()
    assert artifact["type"] == "table"
    data = artifact["data"]
    return json.loads(data) if isinstance(data, str) else data


@pytest.fixture(scope="module")
def swept(prefect_api: str, tmp_path_factory: pytest.TempPathFactory, monkeypatch_module):
    home = tmp_path_factory.mktemp("artifacts")
    database_url = f"sqlite:///{home / 'untoc.db'}"
    env = client_env(prefect_api, home, database_url)
    assert untoc(env, "import", str(SAMPLE)).returncode == 0
    # the day before, recorded but not sent: the go-live of the correspondence, which holds
    # the President's summary (and any letter to a permanent mission) for approval
    assert untoc(env, "sweep", "--as-of", "2024-04-15", "--no-send").returncode == 0
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.begin() as conn:
        held = conn.execute(
            text("SELECT key, review_id FROM outbox WHERE status = 'awaiting_approval'")
        ).all()
    assert held, "the go-live sweep holds the President's summary for approval"
    engine.dispose()
    status = untoc(env, "status", "--as-of", DAY.isoformat(), "--format", "json")
    assert status.returncode == 0, status.stderr
    for name in ("UNTOC_DATABASE_URL", "UNTOC_OUTBOX_DIR"):
        monkeypatch_module.setenv(name, env[name])
    from flows import _store
    from flows.sweep import sweep

    for cached in (_store.settings, _store.store, _store.definition):
        cached.cache_clear()
    try:
        # other tests' runs share the server: this store's sweep leaves them alone
        state = sweep(as_of=DAY, sync_runs=False, return_state=True)
    finally:
        for cached in (_store.settings, _store.store, _store.definition):
            cached.cache_clear()
    http = httpx.Client(base_url=prefect_api, timeout=30, auth=basic_auth())
    return {
        "http": http,
        "state": state,
        "status": json.loads(status.stdout),
        "held": held,
        "database_url": database_url,
        "run": http.get(f"/flow_runs/{state.state_details.flow_run_id}").json(),
    }


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


def test_the_sweep_run_is_named_after_its_date_and_completes(swept):
    assert swept["state"].is_completed(), swept["state"]
    assert swept["run"]["name"] == "sweep of 2024-04-16"


def test_late_reviews_lists_every_overdue_step_as_untoc_status_does(swept):
    rows = latest_table(swept["http"], "late-reviews")
    expected = sorted(
        (r["review"], s["days_overdue"])
        for r in swept["status"]
        for s in r["steps"]
        if s["status"] == "open" and s["days_overdue"] > 0
    )
    assert sorted((r["review"], r["days overdue"]) for r in rows) == expected
    assert len(rows) > 100  # the sample is late in many places on that day
    assert {  # the long texts on lines of 16 characters, for the desk's screen
        "review": "C1-G1-ALB",
        "reviewed": "Albania",
        "step": "Self-assessment\nquestionnaire",
        "deadline": "11 October 2021",
        "source": "agreed at the\npreliminary\nconsultation",
        "days overdue": 918,
        "awaited": "Albania",
    } in rows


def test_due_soon_lists_the_deadlines_of_the_next_thirty_days(swept):
    rows = latest_table(swept["http"], "due-soon")
    until = DAY + timedelta(days=30)
    expected = sorted(
        (r["review"], (date.fromisoformat(s["deadline"]["due"]) - DAY).days)
        for r in swept["status"]
        for s in r["steps"]
        if s["status"] == "open"
        and s["deadline"]
        and DAY <= date.fromisoformat(s["deadline"]["due"]) <= until
    )
    assert expected, "the sample has deadlines in the month after 2024-04-16"
    assert sorted((r["review"], r["days left"]) for r in rows) == expected


def test_awaiting_approval_lists_the_escalation_held(swept):
    rows = latest_table(swept["http"], "awaiting-approval")
    from sqlalchemy import create_engine, text

    engine = create_engine(swept["database_url"])
    with engine.connect() as conn:  # every message held after the day's sweep
        held = conn.execute(
            text("SELECT key, review_id FROM outbox WHERE status = 'awaiting_approval'")
        ).all()
    engine.dispose()
    assert set(swept["held"]) <= set(held)
    assert sorted((r["key"], r["review"]) for r in rows) == sorted(
        (key, review or "") for key, review in held
    )
    assert any("President" in r["to"] + r["subject"] for r in rows), rows


def test_a_scheduled_sweep_over_an_old_store_sends_nothing_and_says_why(
    prefect_api, tmp_path, monkeypatch
):
    """The served schedule sweeps as of today: over the sample (16 April 2024) that would
    send hundreds of notices by surprise. A run without a date over a store whose newest
    fact is months old sends nothing."""
    home = tmp_path
    env = client_env(prefect_api, home, f"sqlite:///{home / 'untoc.db'}")
    assert untoc(env, "import", str(SAMPLE)).returncode == 0
    for name in ("UNTOC_DATABASE_URL", "UNTOC_OUTBOX_DIR"):
        monkeypatch.setenv(name, env[name])
    from flows import _store
    from flows.sweep import sweep

    for cached in (_store.settings, _store.store, _store.definition):
        cached.cache_clear()
    try:
        result = sweep(sync_runs=False)
    finally:
        for cached in (_store.settings, _store.store, _store.definition):
            cached.cache_clear()
    assert "nothing sent: the newest fact in the store is dated 2024-04" in result["skipped"]
    assert not list((home / "outbox").glob("*.eml"))
    from sqlalchemy import create_engine, text

    engine = create_engine(env["UNTOC_DATABASE_URL"])
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM outbox")).scalar() == 0
    engine.dispose()
