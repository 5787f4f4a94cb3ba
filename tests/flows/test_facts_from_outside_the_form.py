"""Facts recorded outside a run's form reach the waiting runs, against a real server on
127.0.0.1: `untoc import` resumes the runs whose step the imported facts complete; a
Party's focal point moves every run of the Party waiting for it, whether it was imported,
recorded with `untoc record` or entered in another run's form; `untoc record --recorded-by`
keeps who recorded the fact, shown in the event log and in the run's timeline artifact.

The runs are served by `untoc flows serve` in a background process, with their own store
and review ids (tests/flows/catch_up.yaml), as in test_country_review_flow.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from untoc_workflow.orchestration import split_recorder

from .conftest import client_env, serving, untoc, wait_for
from .test_country_review_flow import Api, events_of

pytestmark = [pytest.mark.prefect, pytest.mark.slow]

HERE = Path(__file__).parent
STEP_TIMEOUT = 150  # a resumed run is a new process on a loaded 2-core machine


def waits_only_for_panama(message: str) -> bool:
    """The message (its latest open step, or the form's step) waits for Panama alone."""
    return re.search(r"waiting for Panama(\)| \(|$)", message) is not None


def at_step(api: Api, review: str, step: str) -> str | None:
    key = api.suspended_at(review)
    return key if key and key.startswith(f"{step}--") else None


@pytest.fixture(scope="module")
def served(prefect_api: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A store with tests/flows/catch_up.yaml, the deployment served, the six runs
    suspended at their steps."""
    home = tmp_path_factory.mktemp("catch-up")
    database_url = f"sqlite:///{home / 'untoc.db'}"
    env = client_env(prefect_api, home, database_url)
    done = untoc(env, "import", str(HERE / "catch_up.yaml"))
    assert done.returncode == 0, done.stderr
    log = home / "serve.log"
    api = Api(prefect_api)
    with serving(env, log, api.http):
        started = untoc(env, "flows", "start-reviews")
        assert started.returncode == 0, started.stderr
        assert "started 6 run(s)" in started.stdout, started.stdout
        for review, step in [
            ("C1-G7-ESP", "preliminary-consultation"),
            *((r, "focal-points") for r in ("C1-G7-CHL", "C1-G7-KEN", "C1-G7-PAN")),
            *((r, "focal-points") for r in ("C1-G7-MEX", "C1-G7-ITA")),
        ]:
            wait_for(f"{review} at {step}", lambda r=review, s=step: at_step(api, r, s), 240)
        yield {"api": api, "env": env, "db": database_url, "home": home, "log": log}


def write(home: Path, name: str, events: str) -> Path:
    path = home / name
    path.write_text(f"format: untoc-mechanism/1\nevents:\n{events}", encoding="utf-8")
    return path


def test_an_import_completing_a_waiting_runs_step_moves_it_to_the_next_step(served):
    api: Api = served["api"]
    run_id = api.run("C1-G7-ESP")["id"]
    path = write(
        served["home"],
        "consultation.yaml",
        "  - {on: 2024-02-20, type: preliminary_consultation_held, review: C1-G7-ESP,"
        " languages: [es, en], agreed: {saq: 2024-06-28}}\n",
    )
    done = untoc(served["env"], "import", str(path))
    assert done.returncode == 0, done.stderr
    assert "events: 1 added" in done.stdout
    assert "resumed 1 waiting run(s) of the 1 review(s) the new facts bear on" in done.stdout, (
        done.stdout + done.stderr
    )
    key = wait_for("ESP at the SAQ", lambda: at_step(api, "C1-G7-ESP", "saq"), STEP_TIMEOUT)
    assert key.startswith("saq--20240628--")  # the date agreed in the imported fact
    assert api.run("C1-G7-ESP")["id"] == run_id  # the same run moved on
    # the run found the fact in the log: still recorded once
    assert len(events_of(served["db"], "C1-G7-ESP", "preliminary_consultation_held")) == 1
    # importing the file again adds nothing and asks nothing of the server
    again = untoc(served["env"], "import", str(path))
    assert "events: 0 added" in again.stdout and "resumed" not in again.stdout
    assert at_step(api, "C1-G7-CHL", "focal-points")  # a review it does not bear on


def suspended_again(api: Api, review: str, step: str, before: str | None) -> str | None:
    key = at_step(api, review, step)
    return key if key and key != before else None


def timeline(api: Api, review: str) -> str:
    key = "review-" + review.lower()
    found = api.http.post(
        "/artifacts/latest/filter", json={"artifacts": {"key": {"any_": [key]}}}
    ).json()
    [artifact] = found
    return str(artifact["data"])


def test_a_focal_point_imported_for_a_party_resumes_every_run_of_the_party_waiting_for_it(
    served,
):
    api: Api = served["api"]
    italy = at_step(api, "C1-G7-ITA", "focal-points")
    path = write(
        served["home"],
        "mexico.yaml",
        "  - {on: 2024-02-01, type: focal_point_nominated, party: MEX,"
        " person: {name: R. Lopez, email: r.lopez@example.org}}\n",
    )
    done = untoc(served["env"], "import", str(path))
    assert done.returncode == 0, done.stderr
    # Mexico's two reviews; the others, which Mexico has no part in, are not asked
    assert "resumed 2 waiting run(s) of the 2 review(s) the new facts bear on" in done.stdout, (
        done.stdout + done.stderr
    )
    wait_for(
        "MEX at the consultation",
        lambda: at_step(api, "C1-G7-MEX", "preliminary-consultation"),
        STEP_TIMEOUT,
    )
    # Italy's review still waits for Panama: its run suspends again at the same step, its
    # message no longer waiting for Mexico
    wait_for(
        "ITA suspended again",
        lambda: suspended_again(api, "C1-G7-ITA", "focal-points", italy),
        STEP_TIMEOUT,
    )
    message = api.run("C1-G7-ITA")["state"]["message"]
    assert waits_only_for_panama(message), message


def test_a_focal_point_recorded_with_untoc_record_resumes_every_run_of_the_party(served):
    api: Api = served["api"]
    panama = at_step(api, "C1-G7-PAN", "focal-points")
    runs = {r: api.run(r)["id"] for r in ("C1-G7-CHL", "C1-G7-KEN", "C1-G7-PAN")}
    done = untoc(
        served["env"],
        "record",
        "focal_point_nominated",
        *("--party", "KEN", "--on", "2024-02-02", "--name", "W. Otieno"),
        *("--email", "w.otieno@example.org", "--recorded-by", "A. Clerk"),
    )
    assert done.returncode == 0, done.stderr
    said = sorted(line for line in done.stdout.splitlines() if line.startswith("resumed"))
    assert said == sorted(f"resumed flow run {i}" for i in runs.values()), done.stdout
    for review in ("C1-G7-CHL", "C1-G7-KEN"):
        wait_for(
            f"{review} at the consultation",
            lambda r=review: at_step(api, r, "preliminary-consultation"),
            STEP_TIMEOUT,
        )
    wait_for(
        "PAN suspended again",
        lambda: suspended_again(api, "C1-G7-PAN", "focal-points", panama),
        STEP_TIMEOUT,
    )
    assert waits_only_for_panama(api.run("C1-G7-PAN")["state"]["message"])
    # every review of Kenya shows who recorded its focal point
    assert "| 2 February 2024 | Focal point nominated (Kenya) | A. Clerk |" in timeline(
        api, "C1-G7-CHL"
    )


def test_a_focal_point_entered_in_one_runs_form_moves_the_partys_other_runs(served):
    api: Api = served["api"]
    wait_for(
        "PAN waiting for Panama only",
        lambda: (
            waits_only_for_panama(api.run("C1-G7-PAN")["state"]["message"])
            and api.suspended_at("C1-G7-PAN")
        ),
        STEP_TIMEOUT,
    )
    wait_for(
        "ITA waiting for Panama only",
        lambda: (
            waits_only_for_panama(api.run("C1-G7-ITA")["state"]["message"])
            and api.suspended_at("C1-G7-ITA")
        ),
        STEP_TIMEOUT,
    )
    answer = api.resume(
        api.run("C1-G7-PAN")["id"],
        {
            "party": "PAN",
            "name": "E. Arias",
            "email": "e.arias@example.org",
            "on": "2024-02-03",
            "recorded_by": "M. Rossi",
        },
    )
    assert answer["status"] == "ACCEPT", answer
    for review in ("C1-G7-PAN", "C1-G7-ITA"):
        wait_for(
            f"{review} at the consultation",
            lambda r=review: at_step(api, r, "preliminary-consultation"),
            STEP_TIMEOUT,
        )
    assert "| 3 February 2024 | Focal point nominated (Panama) | M. Rossi |" in timeline(
        api, "C1-G7-ITA"
    )
    # nothing is left for `untoc flows sync` to catch up in this store
    synced = untoc(served["env"], "flows", "sync")
    assert "resumed 0 run(s)" in synced.stdout, synced.stdout + synced.stderr


def test_a_fact_recorded_with_recorded_by_shows_who_in_the_event_log_and_the_timeline(served):
    api: Api = served["api"]
    wait_for("ESP at the SAQ", lambda: at_step(api, "C1-G7-ESP", "saq"), STEP_TIMEOUT)
    done = untoc(
        served["env"],
        "record",
        "saq_submitted",
        *("--review", "C1-G7-ESP", "--on", "2024-06-20", "--recorded-by", "A. Clerk"),
    )
    assert done.returncode == 0, done.stderr
    assert "resumed flow run" in done.stdout, done.stdout + done.stderr
    # the event log
    [saq] = events_of(served["db"], "C1-G7-ESP", "saq_submitted")
    assert split_recorder(saq.note) == (None, "A. Clerk")
    exported = served["home"] / "export.yaml"
    assert untoc(served["env"], "export", str(exported)).returncode == 0
    assert "recorded by A. Clerk" in exported.read_text(encoding="utf-8")
    # the run's timeline, published when it suspends at the next step
    wait_for(
        "ESP at written feedback",
        lambda: at_step(api, "C1-G7-ESP", "written-feedback"),
        STEP_TIMEOUT,
    )
    shown = timeline(api, "C1-G7-ESP")
    # the fact by its title in the process, not its id (saq_submitted)
    row = "| 20 June 2024 | Answers to the self-assessment questionnaire received | A. Clerk |"
    assert row in shown, shown
