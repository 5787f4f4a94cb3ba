"""The desk of another body's review, in a real browser: headless Chromium against the
session's Prefect server and its UI, the runs of the Coastal States group's integrity review
(tests/processes/integrity_review, its folder alone) served from its own store.

The person reads the run of Senegal's review: its page tagged with the group's tag and no
group or cluster (the group numbers its reviews in none), its timeline artifact in the
group's words (evaluated member, assessing members, its stage's title), and its form offering
the open steps by their titles; nothing of UNTOC's words anywhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest

from .conftest import basic_auth, client_env, serving, untoc, wait_for
from .test_desk_browser import (  # the browser and the ways the desk's test reads the UI
    CHROMEDRIVER,
    CHROMIUM,
    browser,  # noqa: F401 (a fixture)
    click_button,
    field,
    live_run,
    open_page,
    page_text,
    suspended,
)

pytestmark = [
    pytest.mark.prefect,
    pytest.mark.slow,
    pytest.mark.skipif(
        not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()),
        reason="Debian's chromium and chromium-driver are needed",
    ),
]

REPO = Path(__file__).resolve().parents[2]
IR_DEFS = Path(__file__).parents[1] / "processes" / "integrity_review"
REVIEW = "IR-2025-SEN"
# what UNTOC's words (and its numbering) would say on the group's pages
UNTOC_WORDS = ("State party", "States parties", "country review", "Conference", "guidelines")


@pytest.fixture(scope="module")
def group_desk(
    prefect_api: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    """The group's store (its members and reviews, imported as of 10 March 2025), every
    deployment served from it, the run of Senegal's review started."""
    home = tmp_path_factory.mktemp("group-desk")
    env = client_env(
        prefect_api,
        home,
        f"sqlite:///{home / 'untoc.db'}",
        UNTOC_PROCESS_DEFS=str(IR_DEFS),
        UNTOC_PROCESS_DEFS_ONLY="1",
    )
    done = untoc(env, "import", str(IR_DEFS / "members.yaml"), "--as-of", "2025-03-10")
    assert done.returncode == 0, done.stderr
    log = home / "serve.log"
    http = httpx.Client(base_url=prefect_api, timeout=30, auth=basic_auth())
    with serving(env, log, http, "escalation-approval"):
        started = untoc(env, "flows", "start-reviews", "--review", REVIEW)
        assert started.returncode == 0, started.stderr
        yield {"http": http, "log": log}


def test_a_groups_run_carries_no_tag_of_untocs_from_the_deployment_that_starts_it(group_desk):
    """Prefect adds the tags of a deployment to every run it starts: the review runs'
    deployment, which serves every process, has none of its own (served, and as
    prefect.yaml deploys it to a work pool), so the group's run is never tagged `untoc`,
    not even before its first suspension writes its own tags."""
    import yaml

    http = group_desk["http"]
    served = http.get("/deployments/name/country-review/country-review").json()
    assert served["tags"] == [], served["tags"]
    declared = yaml.safe_load((REPO / "prefect.yaml").read_text(encoding="utf-8"))
    [review_runs] = [d for d in declared["deployments"] if d["name"] == "country-review"]
    assert not review_runs.get("tags"), review_runs
    run = wait_for("the group's run", lambda: live_run(http, REVIEW))
    assert "csacg" in run["tags"] and "untoc" not in run["tags"], run["tags"]


def test_the_groups_run_its_timeline_and_its_form_speak_the_groups_words(group_desk, browser):  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    http = group_desk["http"]
    wait_for("the run suspended", lambda: suspended(http, live_run(http, REVIEW)), timeout=180)
    run = live_run(http, REVIEW)
    assert run is not None
    overdue = (date.today() - date(2025, 2, 18)).days
    message = (
        f"{REVIEW}: Designation of liaison officers - due 18 February 2025 (time limit of the "
        f"integrity review) - {overdue} days overdue - waiting for Equatorial Guinea "
        "(2 steps open)"
    )
    # the run's page: its name, and its tags, the group's own and no group or cluster
    open_page(browser, f"/runs/flow-run/{run['id']}", message)
    text = page_text(browser)
    assert "csacg" in text, text
    assert not [w for w in ("group:", "cluster:", "untoc") if w in text], text
    # the timeline artifact, in the group's words and at the day of its figures
    found = http.post(
        "/artifacts/latest/filter",
        json={"artifacts": {"key": {"any_": ["review-ir-2025-sen"]}}},
    ).json()
    [latest] = found
    open_page(browser, f"/artifacts/artifact/{latest['latest_id']}", "Assessing members")
    text = page_text(browser)
    assert (
        "Integrity review of Senegal (evaluated member). Assessing members: Ghana and "
        "Equatorial Guinea. stage: Not yet begun."
    ) in text, text
    assert "Timeline of integrity review IR-2025-SEN" in text
    assert f"({date.today().day} {date.today():%B %Y}): Designation of liaison officers" in text
    assert not [w for w in (*UNTOC_WORDS, "Group 0", "pending.") if w in text], text
    # the form: the two open steps by their titles, nothing of UNTOC's words
    open_page(browser, f"/runs/flow-run/{run['id']}", "Resume")
    click_button(browser, "Resume")
    step = Select(wait_for("the form", lambda: field(browser, "Step", "select")))
    assert [o.text for o in step.options if o.text] == [
        "Designation of liaison officers",
        "Country report",
    ]
    modal = " ".join(
        e.text for e in browser.find_elements(By.XPATH, "//*[contains(@class,'p-modal')]")
    )
    assert "Designation of liaison officers" in modal, modal
    assert not [w for w in UNTOC_WORDS if w in modal], modal
