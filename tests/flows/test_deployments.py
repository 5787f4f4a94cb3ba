"""prefect.yaml against the session's server: deploy, cron schedules, a process worker.

The server runs in the scaled-out configuration (PostgreSQL, API auth string), so these
tests also prove that configuration and the pins (a cron deployment really gets runs:
with SQLAlchemy 2.1 the scheduler fails and none appear).
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from .conftest import (
    REPO,
    VENV_BIN,
    basic_auth,
    client_env,
    deploy_to_process_pool,
    stop,
    untoc,
    wait_for,
)

pytestmark = [pytest.mark.prefect, pytest.mark.slow]

VIENNA = ZoneInfo("Europe/Vienna")


@pytest.fixture(scope="module")
def deployed(
    prefect_api: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    home = tmp_path_factory.mktemp("deployer")
    database_url = f"sqlite:///{home / 'untoc.db'}"
    env = client_env(prefect_api, home, database_url)
    deploy_to_process_pool(env)
    http = httpx.Client(base_url=prefect_api, timeout=30, auth=basic_auth())
    yield {"env": env, "http": http, "home": home, "db": database_url}


def deployment(http: httpx.Client, name: str) -> dict[str, Any]:
    response = http.get(f"/deployments/name/{name}")
    response.raise_for_status()
    return response.json()


def scheduled_runs(http: httpx.Client, deployment_id: str) -> list[dict[str, Any]]:
    body = {
        "deployments": {"id": {"any_": [deployment_id]}},
        "flow_runs": {"state": {"type": {"any_": ["SCHEDULED"]}}},
        "limit": 50,
    }
    return http.post("/flow_runs/filter", json=body).json()


def test_the_server_runs_on_postgresql_and_refuses_requests_without_the_auth_string(
    prefect_server,
):
    from tests.conftest import _pg_ready

    if _pg_ready() is None:  # PostgreSQL is usable here: the server must be on it
        assert prefect_server["database"] == "postgresql"
    no_auth = httpx.get(f"{prefect_server['url']}/flow_runs/filter", timeout=10)
    assert no_auth.status_code == 401
    ok = httpx.post(f"{prefect_server['url']}/flow_runs/filter", json={}, auth=basic_auth())
    assert ok.status_code == 200


def test_the_sweep_is_scheduled_daily_at_six_in_vienna_one_at_a_time(deployed):
    http = deployed["http"]
    sweep = deployment(http, "daily-sweep/daily-sweep")
    [schedule] = sweep["schedules"]
    assert schedule["schedule"]["cron"] == "0 6 * * *"
    assert schedule["schedule"]["timezone"] == "Europe/Vienna"
    assert sweep["global_concurrency_limit"]["limit"] == 1
    assert sweep["concurrency_options"]["collision_strategy"] == "CANCEL_NEW"
    assert sweep["work_pool_name"] == "untoc-process"
    # the scheduler service (every 2 s on the test server) creates the coming runs
    runs = wait_for("scheduled sweeps", lambda: scheduled_runs(http, sweep["id"]), 90, every=0.5)
    starts = sorted(
        datetime.fromisoformat(r["expected_start_time"]).astimezone(VIENNA) for r in runs
    )
    assert {(s.hour, s.minute) for s in starts} == {(6, 0)}
    assert len({s.date() for s in starts}) == len(starts)  # one a day


def test_the_digest_is_scheduled_on_the_first_of_each_month(deployed):
    http = deployed["http"]
    digest = deployment(http, "monthly-digest/monthly-digest")
    runs = wait_for("scheduled digests", lambda: scheduled_runs(http, digest["id"]), 90, every=0.5)
    assert runs
    for r in runs:
        start = datetime.fromisoformat(r["expected_start_time"]).astimezone(VIENNA)
        assert (start.day, start.hour, start.minute) == (1, 6, 0)


def test_the_country_review_deployment_has_no_schedule_and_takes_only_the_review_id(deployed):
    review = deployment(deployed["http"], "country-review/country-review")
    assert review["schedules"] == []
    assert list(review["parameter_openapi_schema"]["properties"]) == ["review_id"]
    # bounded over all workers; a run beyond the limit waits its turn, none is dropped
    assert review["global_concurrency_limit"]["limit"] == 8
    assert review["concurrency_options"]["collision_strategy"] == "ENQUEUE"


def test_a_process_worker_runs_the_sweep_deployment_and_writes_the_notices(deployed):
    env, http, home = deployed["env"], deployed["http"], deployed["home"]
    sample = REPO / "untoc_workflow" / "sample" / "mechanism.json"
    assert untoc(env, "import", str(sample)).returncode == 0
    log = home / "worker.log"
    worker = subprocess.Popen(
        [str(VENV_BIN / "untoc"), "flows", "worker", "--pool", "untoc-process"],
        env=env,
        cwd=home,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        sweep = deployment(http, "daily-sweep/daily-sweep")
        run = http.post(
            f"/deployments/{sweep['id']}/create_flow_run",
            json={"parameters": {"as_of": "2024-04-16", "sync_runs": False}},
        ).json()

        def finished() -> dict[str, Any] | None:
            state = http.get(f"/flow_runs/{run['id']}").json()["state"]
            return state if state["type"] in ("COMPLETED", "FAILED", "CRASHED") else None

        state = wait_for("the sweep run", finished, timeout=150, every=0.5)
        assert state["type"] == "COMPLETED", log.read_text()[-3000:]
    finally:
        stop(worker)
    emails = list((home / "outbox").glob("*.eml"))
    assert emails, "the sweep of the sample on 2024-04-16 sends notices"
    from untoc_workflow.store import open_store

    with open_store(deployed["db"]) as store, store.engine.connect() as conn:
        from sqlalchemy import text

        sent = conn.execute(text("SELECT count(*) FROM outbox WHERE status = 'sent'")).scalar()
    assert sent == len(emails)


def test_the_smtp_url_can_come_from_a_prefect_secret_block(prefect_api, monkeypatch):
    from prefect.blocks.system import Secret

    from flows import _store

    url = "mailtos://relay:s3cret-pass@smtp.example.org?from=untoc.review@example.org"
    Secret(value=url).save("untoc-notify-url", overwrite=True)
    monkeypatch.delenv("UNTOC_NOTIFY_URL", raising=False)
    monkeypatch.setenv("UNTOC_NOTIFY_URL_BLOCK", "untoc-notify-url")
    _store.settings.cache_clear()
    try:
        assert _store.settings().notify_url == url
        # the environment wins over the block
        monkeypatch.setenv("UNTOC_NOTIFY_URL", "mailto://127.0.0.1:2525?from=a@example.org")
        _store.settings.cache_clear()
        assert _store.settings().notify_url.startswith("mailto://127.0.0.1:2525")
    finally:
        _store.settings.cache_clear()
    # the block's value is stored as a secret: the API does not show it
    block = Secret.load("untoc-notify-url")
    assert "s3cret-pass" not in repr(block)


def test_watch_sweep_creates_the_automation_that_emails_the_secretariat(deployed, monkeypatch):
    env, http = deployed["env"], deployed["http"]
    done = untoc(env, "flows", "watch-sweep")
    assert done.returncode == 0, done.stdout + done.stderr
    again = untoc(env, "flows", "watch-sweep")  # replaced, not doubled
    assert again.returncode == 0, again.stderr
    found = http.post("/automations/filter", json={}).json()
    [automation] = [a for a in found if a["name"] == "untoc: the daily sweep did not complete"]
    trigger = automation["trigger"]
    sweep = deployment(http, "daily-sweep/daily-sweep")
    alert = deployment(http, "sweep-missed-alert/sweep-missed-alert")
    assert trigger["posture"] == "Proactive" and trigger["within"] == 26 * 3600
    assert trigger["expect"] == ["prefect.flow-run.Completed"]
    assert trigger["match_related"] == {"prefect.resource.id": f"prefect.deployment.{sweep['id']}"}
    [action] = automation["actions"]
    assert (action["type"], action["deployment_id"]) == ("run-deployment", alert["id"])
    # what that deployment does: an email to the secretariat, as a .eml without a relay
    from flows import _store
    from flows.alert import sweep_missed_alert

    outbox = deployed["home"] / "alert-outbox"
    monkeypatch.setenv("UNTOC_OUTBOX_DIR", str(outbox))
    monkeypatch.delenv("UNTOC_NOTIFY_URL", raising=False)
    _store.settings.cache_clear()
    try:
        assert sweep_missed_alert() == _store.settings().secretariat.email
    finally:
        _store.settings.cache_clear()
    [eml] = outbox.glob("sweep-missed-*.eml")
    text = eml.read_text()
    assert "The daily deadline sweep did not complete" in text
    assert "untoc sweep --as-of" in text
    # a worker gone silent: a run whose heartbeats stop without a final state is marked
    # crashed and the secretariat emailed; a pool with no worker left is said too
    [silent] = [a for a in found if a["name"] == "untoc: a worker has gone silent"]
    trigger = silent["trigger"]
    assert trigger["posture"] == "Proactive" and trigger["after"] == ["prefect.flow-run.heartbeat"]
    assert "prefect.flow-run.Suspended" in trigger["expect"]
    assert trigger["for_each"] == ["prefect.resource.id"]
    crash, tell = silent["actions"]
    assert crash["type"] == "change-flow-run-state" and crash["state"] == "CRASHED"
    assert (tell["deployment_id"], tell["parameters"]) == (alert["id"], {"about": "worker"})
    [pool] = [a for a in found if a["name"].endswith("(no worker left in a pool)")]
    assert pool["trigger"]["expect"] == ["prefect.work-pool.not-ready"]
    _store.settings.cache_clear()
    try:
        sweep_missed_alert(about="worker")
    finally:
        _store.settings.cache_clear()
    [eml] = outbox.glob("worker-silent-*.eml")
    assert "A worker of the Review Mechanism stopped answering" in eml.read_text()


def test_runs_move_to_the_work_pool_and_back_with_restart_reviews(deployed, tmp_path):
    """Served runs keep the runner's queue: `untoc flows restart-reviews` replaces them with
    runs of the deployment as it now stands (here: in the work pool, after `prefect deploy`);
    a worker runs them, and back with `untoc flows serve`."""
    http = deployed["http"]
    database_url = f"sqlite:///{tmp_path / 'untoc.db'}"
    env = client_env(deployed["env"]["PREFECT_API_URL"], tmp_path, database_url)
    assert untoc(env, "import", str(REPO / "tests/flows/mechanism.yaml")).returncode == 0

    def live(review: str) -> dict[str, Any] | None:
        body = {"flows": {"name": {"any_": ["country-review"]}}, "limit": 200}
        runs = [
            r
            for r in http.post("/flow_runs/filter", json=body).json()
            if r["parameters"].get("review_id") == review
            and r["state"]["type"] in ("SCHEDULED", "PENDING", "RUNNING", "PAUSED")
        ]
        return runs[0] if len(runs) == 1 else None

    def suspended(review: str) -> dict[str, Any] | None:
        run = live(review)
        return run if run and run["state"]["type"] == "PAUSED" else None

    moved = untoc(env, "flows", "restart-reviews", "--review", "C1-G1-NGA")
    assert moved.returncode == 0, moved.stdout + moved.stderr
    assert "started 1 run(s)" in moved.stdout, moved.stdout
    run = live("C1-G1-NGA")
    assert run["work_pool_name"] == "untoc-process"  # the deployment as it now stands
    log = tmp_path / "worker.log"
    worker = subprocess.Popen(
        [str(VENV_BIN / "untoc"), "flows", "worker", "--pool", "untoc-process"],
        env=env,
        cwd=tmp_path,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_for("NGA suspended by the worker", lambda: suspended("C1-G1-NGA"), timeout=150)
        done = untoc(env, "record", "saq_submitted", "--review", "C1-G1-NGA", "--on", "2021-05-20")
        assert "resumed flow run" in done.stdout, done.stdout + done.stderr
        wait_for(
            "NGA at written feedback",
            lambda: (
                (r := suspended("C1-G1-NGA"))
                and r["state"]["state_details"]["pause_key"].startswith("written-feedback--")
            ),
            timeout=150,
        )
    finally:
        stop(worker)
    # and back: the deployed deployments deleted (a runner cannot load a flow from their
    # pull steps), served again, the runs replaced once more
    for name in ("country-review", "daily-sweep", "monthly-digest", "escalation-approval"):
        http.delete(f"/deployments/{deployment(http, f'{name}/{name}')['id']}")
    http.delete(f"/deployments/{deployment(http, 'sweep-missed-alert/sweep-missed-alert')['id']}")
    runner = subprocess.Popen(
        [str(VENV_BIN / "untoc"), "flows", "serve", "--no-schedules"],
        env=env,
        stdout=(tmp_path / "serve.log").open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        # a runner polls for the runs of its deployments, whatever their work queue
        wait_for(
            "the deployments served",
            lambda: "being served" in (tmp_path / "serve.log").read_text(errors="replace"),
            timeout=90,
        )
        back = untoc(env, "flows", "restart-reviews", "--review", "C1-G1-NGA")
        assert "cancelled 1 run(s); started 1 run(s)" in back.stdout, back.stdout + back.stderr
        try:
            run = wait_for("NGA suspended by the runner", lambda: suspended("C1-G1-NGA"), 150)
        except AssertionError:
            body = {"flows": {"name": {"any_": ["country-review"]}}, "limit": 200}
            runs = [
                (r["name"], r["state"]["type"], r["state"]["message"], r["deployment_id"])
                for r in http.post("/flow_runs/filter", json=body).json()
                if r["parameters"].get("review_id") == "C1-G1-NGA"
            ]
            raise AssertionError(
                f"{runs}\n{(tmp_path / 'serve.log').read_text()[-6000:]}"
            ) from None
        assert run["state"]["state_details"]["pause_key"].startswith("written-feedback--")
    finally:
        stop(runner)
