"""The secretariat's desk in a real browser: headless Chromium (Debian's chromium and
chromium-driver, driven by Selenium) against the session's Prefect server and its UI.

A review waits for written feedback from its two reviewing States parties; the person opens
the runs list, reads where the review stands, opens its run, resumes it with the form (a
reviewing State party chosen from the list, the date prefilled, their name as recorder) and
the fact is in the event log with who recorded it, the run suspended again with its new
state. Then an escalation held for approval is approved from the approval run's form.
"""

from __future__ import annotations

import base64
import shutil
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest

from .conftest import AUTH_STRING, basic_auth, client_env, serving, untoc, wait_for

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"

pytestmark = [
    pytest.mark.prefect,
    pytest.mark.slow,
    pytest.mark.skipif(
        not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()),
        reason="Debian's chromium and chromium-driver are needed",
    ),
]

HERE = Path(__file__).parent
REVIEW = "C1-G3-ALB"
RECORDER = "M. Rossi (secretariat)"
APPROVER = "A. Officer"


def db_rows(database_url: str, sql: str) -> list[Any]:
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    try:
        with engine.begin() as conn:
            result = conn.execute(text(sql))
            return list(result) if result.returns_rows else []
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def desk(prefect_api: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A store with tests/flows/desk.yaml and one escalation held for approval; every
    deployment served; the review's run started."""
    home = tmp_path_factory.mktemp("desk")
    database_url = f"sqlite:///{home / 'untoc.db'}"
    env = client_env(prefect_api, home, database_url)
    assert untoc(env, "import", str(HERE / "desk.yaml")).returncode == 0
    # the sweep of 2022-06-20 is the go-live of the correspondence; one message is held for
    # the secretariat's approval
    swept = untoc(env, "sweep", "--as-of", "2022-06-20", "--no-send")
    assert swept.returncode == 0, swept.stderr
    held = db_rows(
        database_url, "SELECT key FROM outbox WHERE status = 'awaiting_approval' ORDER BY id"
    )
    if not held:  # nothing of this store needs approval that day: hold one message
        db_rows(
            database_url,
            "UPDATE outbox SET status = 'awaiting_approval', approval = 'secretariat'"
            " WHERE id = (SELECT MIN(id) FROM outbox WHERE status = 'pending')",
        )
        held = db_rows(database_url, "SELECT key FROM outbox WHERE status = 'awaiting_approval'")
    held_key = held[0][0]
    log = home / "serve.log"
    http = httpx.Client(base_url=prefect_api, timeout=30, auth=basic_auth())
    with serving(env, log, http, "escalation-approval"):
        started = untoc(env, "flows", "start-reviews", "--review", REVIEW)
        assert started.returncode == 0, started.stderr
        yield {"env": env, "db": database_url, "http": http, "held": held_key, "log": log}


@pytest.fixture(scope="module")
def browser(prefect_server: dict[str, str]) -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(arg)
    options.add_argument("--window-size=1400,1000")
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    base = prefect_server["url"].removesuffix("/api")
    driver.get(base + "/")
    # what the UI's login page stores once the person typed the auth string
    token = base64.b64encode(AUTH_STRING.encode()).decode()
    driver.execute_script("localStorage.setItem('prefect-password', arguments[0])", token)
    driver.base = base
    try:
        yield driver
    finally:
        driver.quit()


def page_text(driver: Any) -> str:
    from selenium.webdriver.common.by import By

    return str(driver.find_element(By.TAG_NAME, "body").text)


def open_page(driver: Any, path: str, wanted: str, timeout: float = 90) -> None:
    """Open `path` and reload until the page shows `wanted` (runs change under us)."""

    def shown() -> bool:
        driver.get(driver.base + path)
        end = time.monotonic() + 8
        while time.monotonic() < end:
            if wanted in page_text(driver):
                return True
            time.sleep(0.5)
        return False

    wait_for(f"{wanted!r} on {path}", shown, timeout=timeout, every=0.1)


def field(driver: Any, label: str, control: str) -> Any:
    """The control (textarea, select, input) of the form field titled `label` (the UI adds
    " (Optional)" to fields that are not required), or None while it is not drawn."""
    from selenium.webdriver.common.by import By

    found = driver.find_elements(
        By.XPATH,
        "//div[contains(@class,'schema-form-property')]"
        "[.//span[@class='schema-form-property__label' and "
        f"(normalize-space()='{label}' or normalize-space()='{label} (Optional)')]]"
        f"//{control}",
    )
    return found[0] if found else None


def click_button(driver: Any, text: str) -> None:
    from selenium.webdriver.common.by import By

    wait_for(
        f"the {text} button",
        lambda: [b for b in driver.find_elements(By.TAG_NAME, "button") if b.text.strip() == text],
        timeout=30,
    )[0].click()


def live_run(http: httpx.Client, review: str) -> dict[str, Any] | None:
    runs = http.post(
        "/flow_runs/filter", json={"flows": {"name": {"any_": ["country-review"]}}, "limit": 200}
    ).json()
    found = [r for r in runs if r["parameters"].get("review_id") == review]
    return found[0] if found else None


def suspended(http: httpx.Client, run: dict[str, Any] | None) -> str | None:
    """The run's pause key once it is Suspended with its form saved."""
    if not run or run["state"]["type"] != "PAUSED":
        return None
    key = run["state"]["state_details"]["pause_key"]
    form = http.get(f"/flow_runs/{run['id']}/input/suspended-{key}-description")
    return key if form.status_code == 200 else None


def test_the_secretariat_reads_the_desk_and_records_written_feedback_in_the_form(desk, browser):
    from selenium.webdriver.support.ui import Select

    http = desk["http"]
    first = wait_for(
        "the run suspended", lambda: suspended(http, live_run(http, REVIEW)), timeout=120
    )
    today = date.today()
    overdue = (today - date(2021, 12, 20)).days
    message = (
        f"{REVIEW}: Written feedback - due 20 December 2021 (time limit of the guidelines) - "
        f"{overdue} days overdue - waiting for Bosnia and Herzegovina and Serbia"
    )
    # the runs list says where the review stands, and the tags say role, step and lateness
    open_page(browser, "/runs", message)
    text = page_text(browser)
    assert "reviewed:ALB" in text and "step:written-feedback" in text

    from selenium.webdriver.common.by import By

    browser.find_element(By.LINK_TEXT, message).click()
    wait_for("the run page", lambda: "Resume" in page_text(browser), timeout=30)
    click_button(browser, "Resume")
    party = Select(wait_for("the form", lambda: field(browser, "Reviewing State party", "select")))
    # the reviewing States parties awaited, chosen from a list
    assert [o.text for o in party.options if o.text] == ["BIH", "SRB"]
    assert field(browser, "Date", "input").get_attribute("value") == today.isoformat()
    party.select_by_visible_text("SRB")
    field(browser, "Recorded by", "textarea").send_keys(RECORDER)
    click_button(browser, "Submit")

    def recorded() -> list[Any]:
        return db_rows(
            desk["db"],
            "SELECT party, \"on\", note FROM event WHERE type = 'written_feedback_submitted'"
            f" AND review_id = '{REVIEW}'",
        )

    [(party_code, on, note)] = wait_for("the fact in the event log", recorded, timeout=120)
    assert (party_code, str(on), note) == ("SRB", today.isoformat(), f"recorded by {RECORDER}")
    # suspended again at written feedback, now waiting for Bosnia and Herzegovina only
    second = wait_for(
        "the run suspended again",
        lambda: (k := suspended(http, live_run(http, REVIEW))) and k != first and k,
        timeout=120,
    )
    assert second.startswith("written-feedback--")
    run = live_run(http, REVIEW)
    assert run["state"]["message"].endswith("waiting for Bosnia and Herzegovina")
    open_page(browser, "/runs", f"{overdue} days overdue - waiting for Bosnia and Herzegovina")
    # the run's timeline artifact: a new version now the position changed, with the fact
    # and who recorded it
    body = {"artifacts": {"key": {"any_": ["review-c1-g3-alb"]}}, "sort": "CREATED_DESC"}
    versions = http.post("/artifacts/filter", json=body).json()
    assert len(versions) == 2, [v["created"] for v in versions]
    timeline = versions[0]["data"]
    assert f"| Written feedback received (Serbia) | {RECORDER} |" in timeline
    assert "| Self-assessment questionnaire | done | 30 June 2021 | agreed at the preliminary" in (
        timeline
    )
    # the notices: what the ledger holds for this review, and the go-live letters that
    # listed it (they carry no notice of their own in the ledger)
    assert "## Notices" in timeline
    assert "| every step outstanding | go-live letter | E. Hoxha |" in timeline
    assert "No notice recorded for this review yet." not in timeline


def test_the_secretariat_approves_a_held_escalation_from_the_approval_run(desk, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    http = desk["http"]
    deployment = http.get("/deployments/name/escalation-approval/escalation-approval").json()
    # a sweep of another test may have asked already (one approval run at a time): use it
    body = {
        "deployments": {"id": {"any_": [deployment["id"]]}},
        "flow_runs": {"state": {"type": {"any_": ["SCHEDULED", "PENDING", "RUNNING", "PAUSED"]}}},
    }
    live = http.post("/flow_runs/filter", json=body).json()
    run = (
        live[0]
        if live
        else http.post(f"/deployments/{deployment['id']}/create_flow_run", json={}).json()
    )
    wait_for(
        "the approval run suspended",
        lambda: suspended(http, http.get(f"/flow_runs/{run['id']}").json()),
        timeout=120,
    )
    state = http.get(f"/flow_runs/{run['id']}").json()["state"]
    assert state["message"] == "1 escalation awaits approval"
    open_page(browser, f"/runs/flow-run/{run['id']}", "Resume")
    click_button(browser, "Resume")
    labels = wait_for(
        "the approval form",
        lambda: [
            text
            for e in browser.find_elements(
                By.XPATH, "//span[@class='schema-form-property__label'][starts-with(., '1. ')]"
            )
            if (text := " ".join((e.get_attribute("textContent") or "").split()))
        ],
    )
    title = labels[0].removesuffix(" (Optional)")
    [(subject, body)] = db_rows(
        desk["db"], f"SELECT subject, body_text FROM outbox WHERE key = '{desk['held']}'"
    )
    assert subject in title  # the held message, by its subject and recipient
    # the letter itself, to be read before it is signed: a line of its text in the form
    line = next(
        x.strip()
        for x in body.splitlines()
        if len(x.strip()) > 30 and not set(x) & set("*_#[]<>`|")
    )
    wait_for("the letter's text in the form", lambda: line[:60] in page_text(browser), 30)
    # line for line as the letter is written: the UI's markdown would join a paragraph's
    # lines, make an indented line code and "1." a list
    [shown] = [
        e.text
        for e in browser.find_elements(By.CSS_SELECTOR, ".schema-form-property__markdown")
        if line[:60] in e.text
    ]
    written = [" ".join(x.split()) for x in body.strip().splitlines() if x.strip()]
    rendered = [" ".join(x.split()) for x in shown.splitlines() if x.strip()]
    assert rendered[: len(written)] == written, (rendered, written)
    Select(field(browser, title, "select")).select_by_visible_text("approve")
    field(browser, "Decided by", "textarea").send_keys(APPROVER)
    click_button(browser, "Submit")

    def decided() -> list[Any]:
        return db_rows(
            desk["db"],
            f"SELECT status, decided_by FROM outbox WHERE key = '{desk['held']}'"
            " AND decided_by IS NOT NULL",
        )

    try:
        [(status, by)] = wait_for("the approval in the outbox", decided, timeout=120)
    except AssertionError:
        logs = http.post("/logs/filter", json={"logs": {"flow_run_id": {"any_": [run["id"]]}}})
        state = http.get(f"/flow_runs/{run['id']}").json()["state"]
        raise AssertionError(f"{state}\n{[e['message'] for e in logs.json()]}") from None
    assert (status, by) == ("pending", APPROVER)  # released: sent at the next sweep
    wait_for(
        "the approval run completed",
        lambda: http.get(f"/flow_runs/{run['id']}").json()["state"]["type"] == "COMPLETED",
        timeout=60,
    )


def test_the_runs_list_shows_a_review_with_two_open_steps_at_its_latest(desk, browser):
    # C1-G3-MKD's run waits at its SAQ (due 30 June 2021); its experts, due 1 February
    # 2021, are later still: the list gives the experts' lateness and says two are open
    http = desk["http"]
    review = "C1-G3-MKD"
    started = untoc(desk["env"], "flows", "start-reviews", "--review", review)
    assert started.returncode == 0, started.stderr
    assert "0 review(s) already have one" in started.stdout, started.stdout
    key = wait_for("MKD suspended", lambda: suspended(http, live_run(http, review)), timeout=120)
    assert key.startswith("saq--")
    overdue = (date.today() - date(2021, 2, 1)).days
    message = (
        f"{review}: Nomination of governmental experts - due 1 February 2021 (time limit of "
        f"the guidelines) - {overdue} days overdue - waiting for North Macedonia (2 steps "
        "open; the form records Self-assessment questionnaire, waiting for North Macedonia)"
    )
    open_page(browser, "/runs", message)
    text = page_text(browser)
    assert "late:>1y" in text and "open:2" in text and "step:experts" in text


def test_late_reviews_shows_how_late_second_and_every_column_in_view_at_1280_pixels(
    prefect_api, browser, tmp_path
):
    # The morning's table of late steps, published by a run as the sweep publishes it, read
    # in the UI at 1,280 pixels: how late is the second column ("days overdue" was at pixel
    # 1,651 of 2,077), and every column is in view, the detail too (the table was 1,308
    # pixels wide with each text on one line: the reviewed State party and the deadline's
    # source were out of view)
    from prefect import flow
    from selenium.webdriver.common.by import By

    from flows._desk import publish_boards
    from untoc_workflow.definitions import load_definitions
    from untoc_workflow.settings import load_settings
    from untoc_workflow.store import open_store

    definition = load_definitions(load_settings().process_defs)

    @flow(name="desk-boards-test")
    def publish() -> dict[str, int]:  # as the sweep run does: the tables are the run's
        with open_store(f"sqlite:///{tmp_path / 'untoc.db'}") as store:
            store.import_file(HERE / "desk.yaml")
            return publish_boards(store, definition, date(2022, 6, 20))

    counts = publish()
    assert counts["late-reviews"] > 0
    browser.set_window_size(1280, 900)
    try:
        http = httpx.Client(base_url=prefect_api, timeout=30, auth=basic_auth())
        found = http.post(
            "/artifacts/latest/filter", json={"artifacts": {"key": {"any_": ["late-reviews"]}}}
        )
        [latest] = found.json()
        # the artifact's own page (the collection's latest version), as its key links to it
        open_page(browser, f"/artifacts/artifact/{latest['latest_id']}", "C1-G")

        def heads() -> dict[str, dict[str, float]]:
            found = {
                name: h.rect
                for h in browser.find_elements(By.XPATH, "//table//th")
                if (name := " ".join((h.get_attribute("textContent") or "").split()))
            }
            return found if "days overdue" in found else {}

        columns = wait_for("the table's columns", heads, timeout=30)
        width = browser.execute_script("return document.documentElement.clientWidth")
    finally:
        browser.set_window_size(1400, 1000)
    # measured: "days overdue" from x 377 to 493, "source" ending at 1,174 of 1,280 (the
    # sidebar takes 273; the step, who is awaited, the reviewed State party and the source
    # on lines of 16 characters at most)
    assert list(columns) == [
        "review",
        "days overdue",
        "step",
        "deadline",
        "awaited",
        "reviewed",
        "source",
    ], list(columns)
    overdue = columns["days overdue"]
    assert overdue["x"] + overdue["width"] < 640, columns  # in the left half of the screen
    # the whole table is in view without scrolling sideways, its last column too
    assert all(c["x"] + c["width"] <= width for c in columns.values()), (width, columns)
