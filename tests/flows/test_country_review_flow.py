"""Country reviews as long-running Prefect flow runs, against a real server on 127.0.0.1.

The country-review deployment is served by `untoc flows serve` in a background process;
runs are started with `untoc flows start-reviews`, resumed with `untoc record` and through
the REST call the Prefect UI's resume form makes.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from .conftest import basic_auth, client_env, serving, untoc, wait_for

pytestmark = [pytest.mark.prefect, pytest.mark.slow]

HERE = Path(__file__).parent


class Api:
    """The few REST calls the tests make, as the UI makes them."""

    def __init__(self, url: str):
        self.http = httpx.Client(base_url=url, timeout=30, auth=basic_auth())

    def runs(self) -> list[dict[str, Any]]:
        body = {"flows": {"name": {"any_": ["country-review"]}}, "limit": 200}
        return self.http.post("/flow_runs/filter", json=body).json()

    def run(self, review: str) -> dict[str, Any]:
        """The live run of `review`: named after it ("C1-G1-NGA" until it first suspends,
        then "C1-G1-NGA: <its state in words>")."""
        found = [
            r for r in self.runs() if r["name"] == review or r["name"].startswith(f"{review}: ")
        ]
        assert len(found) == 1, f"{len(found)} runs named after {review}"
        return found[0]

    def suspended_at(self, name: str) -> str | None:
        """The pause key of the review's run once it is Suspended with its input form saved
        (the form's description is saved last), else None."""
        run = self.run(name)
        state = run["state"]
        if state["type"] != "PAUSED" or state["name"] != "Suspended":
            return None
        key = state["state_details"]["pause_key"]
        form = self.http.get(f"/flow_runs/{run['id']}/input/suspended-{key}-description")
        return key if form.status_code == 200 else None

    def resume(self, run_id: str, run_input: dict[str, Any]) -> dict[str, Any]:
        response = self.http.post(f"/flow_runs/{run_id}/resume", json={"run_input": run_input})
        response.raise_for_status()
        return response.json()

    def logs(self, run_id: str) -> list[str]:
        return [message for _, message in self.log_entries(run_id)]

    def log_entries(self, run_id: str) -> list[tuple[int, str]]:
        body = {"logs": {"flow_run_id": {"any_": [run_id]}}, "limit": 200}
        entries = self.http.post("/logs/filter", json=body).json()
        return [(entry["level"], entry["message"]) for entry in entries]


def events_of(database_url: str, review: str, kind: str) -> list[Any]:
    from untoc_workflow.store import open_store

    with open_store(database_url) as store:
        return [e for e in store.snapshot().events if e.review == review and e.type == kind]


@pytest.fixture(scope="module")
def served(prefect_api: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A store with tests/flows/mechanism.yaml, the deployment served, runs started."""
    home = tmp_path_factory.mktemp("runner")
    database_url = f"sqlite:///{home / 'untoc.db'}"
    env = client_env(prefect_api, home, database_url)
    done = untoc(env, "import", str(HERE / "mechanism.yaml"))
    assert done.returncode == 0, done.stderr
    log = home / "serve.log"
    api = Api(prefect_api)
    with serving(env, log, api.http):
        started = untoc(env, "flows", "start-reviews")
        assert started.returncode == 0, started.stderr
        yield {"api": api, "env": env, "db": database_url, "started": started.stdout, "log": log}


def test_each_open_review_gets_one_run_named_after_it_and_suspends_at_its_step(served):
    api: Api = served["api"]
    assert "started 3 run(s)" in served["started"]
    assert "1 complete review(s) skipped" in served["started"]
    for review, step in [
        ("C1-G1-NGA", "saq"),
        ("C1-G1-GHA", "preliminary-consultation"),
        ("C1-G2-FRA", "focal-points"),
    ]:
        key = wait_for(f"{review} suspended", lambda r=review: api.suspended_at(r), timeout=90)
        assert key.startswith(f"{step}--"), key
    nga = api.run("C1-G1-NGA")
    assert {"group:1", "cluster:1", "party:NGA", "party:GHA", "party:DEU"} <= set(nga["tags"])
    assert nga["parameters"] == {"review_id": "C1-G1-NGA"}
    assert not [r for r in api.runs() if r["name"].startswith("C1-G1-DEU")]  # complete: no run
    # the runs list shows names: the live run's name says where the review stands
    # (its experts, due 29 December 2020, are later than its SAQ: the name gives the worst)
    assert nga["name"].startswith(
        "C1-G1-NGA: Nomination of governmental experts - due 29 December 2020"
    ), nga["name"]
    assert nga["name"].endswith(
        "(2 steps open; the form records Self-assessment questionnaire, waiting for Nigeria)"
    ), nga["name"]
    # starting again adds nothing: one run per review
    again = untoc(served["env"], "flows", "start-reviews")
    assert "started 0 run(s); 3 review(s) already have one" in again.stdout, again.stdout
    waiting = untoc(served["env"], "flows", "waiting")
    assert "C1-G1-NGA\tsaq\t" in waiting.stdout, waiting.stdout


def test_untoc_record_records_the_fact_and_resumes_the_run_to_the_next_step(served):
    api: Api = served["api"]
    wait_for("NGA suspended", lambda: api.suspended_at("C1-G1-NGA"), timeout=90)
    run_id = api.run("C1-G1-NGA")["id"]
    done = untoc(
        served["env"], "record", "saq_submitted", "--review", "C1-G1-NGA", "--on", "2021-05-20"
    )
    assert done.returncode == 0, done.stderr
    assert f"resumed flow run {run_id}" in done.stdout, done.stdout + done.stderr
    key = wait_for(
        "NGA at written feedback",
        lambda: (k := api.suspended_at("C1-G1-NGA")) and k.startswith("written-feedback--") and k,
        timeout=120,
    )
    assert key.endswith("--0")
    # recorded once, by the command line; the replayed run found it in the log
    assert [e.on.isoformat() for e in events_of(served["db"], "C1-G1-NGA", "saq_submitted")] == [
        "2021-05-20"
    ]


def test_a_fact_from_the_resume_form_is_recorded_and_the_run_moves_on(served):
    api: Api = served["api"]
    wait_for("GHA suspended", lambda: api.suspended_at("C1-G1-GHA"), timeout=90)
    run_id = api.run("C1-G1-GHA")["id"]
    # what the UI's form sends: the fields of the input schema, the fixed `fact` included
    answer = api.resume(
        run_id,
        {
            "on": "2021-02-01",
            "languages": ["en", "fr"],
            "agreed_saq": "2021-07-31",
            "note": "agreed by video call",
            "recorded_by": "M. Rossi",
        },
    )
    assert answer["status"] == "ACCEPT", answer
    wait_for(
        "GHA at the SAQ",
        lambda: (k := api.suspended_at("C1-G1-GHA")) and k.startswith("saq--20210731--"),
        timeout=120,
    )
    [held] = events_of(served["db"], "C1-G1-GHA", "preliminary_consultation_held")
    assert held.on.isoformat() == "2021-02-01"
    assert list(held.data["languages"]) == ["en", "fr"]
    assert held.note == "agreed by video call; recorded by M. Rossi"
    # the run now says where it stands, and its tags follow it
    run = api.run("C1-G1-GHA")
    # its experts are later than its SAQ: the message gives them, and two steps open
    assert run["state"]["message"].startswith(
        "Nomination of governmental experts - due 29 December 2020"
    ), run["state"]["message"]
    assert run["state"]["message"].endswith(
        "(2 steps open; the form records Self-assessment questionnaire, waiting for Ghana)"
    ), run["state"]["message"]
    assert {"step:saq", "late:>1y", "reviewed:GHA", "reviewer:NGA"} <= set(run["tags"])


def test_input_that_does_not_fit_the_form_is_refused_and_the_run_stays_suspended(served):
    api: Api = served["api"]
    key = wait_for("FRA suspended", lambda: api.suspended_at("C1-G2-FRA"), timeout=90)
    run_id = api.run("C1-G2-FRA")["id"]
    answer = api.resume(run_id, {"fact": "saq_submitted", "on": "2022-01-01"})
    assert answer["status"] == "REJECT", answer
    assert api.suspended_at("C1-G2-FRA") == key


def test_a_date_out_of_range_or_a_field_the_form_lacks_is_refused_at_the_api(served):
    api: Api = served["api"]
    key = wait_for("FRA suspended", lambda: api.suspended_at("C1-G2-FRA"), timeout=90)
    run_id = api.run("C1-G2-FRA")["id"]
    fits = {
        "on": "2021-11-20",
        "party": "PER",
        "name": "L. Quispe",
        "email": "l.quispe@example.org",
        "recorded_by": "M. Rossi",
    }
    bad_date = api.resume(run_id, fits | {"on": "2026-13-45"})
    assert bad_date["status"] == "REJECT", bad_date
    assert "'on'" in bad_date["details"]["reason"], bad_date
    extra = api.resume(run_id, fits | {"colour": "red"})
    assert extra["status"] == "REJECT", extra
    assert "colour" in extra["details"]["reason"], extra
    # nothing moved: the same suspension, nothing recorded
    assert api.suspended_at("C1-G2-FRA") == key
    assert not events_of(served["db"], "C1-G2-FRA", "focal_point_nominated")


def test_a_fact_for_a_party_outside_the_review_is_refused_and_the_run_suspends_again(served):
    api: Api = served["api"]
    key = wait_for("FRA suspended", lambda: api.suspended_at("C1-G2-FRA"), timeout=90)
    assert key.startswith("focal-points--") and key.endswith("--0")
    run_id = api.run("C1-G2-FRA")["id"]
    message = api.run("C1-G2-FRA")["state"]["message"]
    assert message.startswith("Nomination of focal points - due 15 November 2021"), message
    assert message.endswith("days overdue - waiting for Peru (3 steps open)"), message
    # the form lists only the Parties awaited: another Party does not fit it
    ngo = {"on": "2021-11-20", "party": "NGA", "name": "B. Okafor", "email": "b@example.org"}
    assert api.resume(run_id, ngo | {"recorded_by": "M. Rossi"})["status"] == "REJECT"
    # a fact the form takes but the review refuses (dated in the future)
    future = ngo | {"party": "PER", "on": "2099-01-01", "recorded_by": "M. Rossi"}
    assert api.resume(run_id, future)["status"] == "ACCEPT"
    again = wait_for(
        "FRA suspended again",
        lambda: (k := api.suspended_at("C1-G2-FRA")) and k != key and k,
        timeout=120,
    )
    assert again == key[: -len("0")] + "1"  # same step and log, next attempt
    state = api.run("C1-G2-FRA")["state"]
    assert state["message"].startswith("Not recorded: ")
    # in words: the fact by its title, the date in UN style
    said = "\u201cFocal point nominated\u201d dated 1 January 2099 is in the future"
    assert said in state["message"], state["message"]
    form = api.http.get(f"/flow_runs/{run_id}/input/suspended-{again}-description").json()
    assert "was not recorded" in form and said in form
    # a run that suspends finished normally: no red ERROR line for it
    finished = [lv for lv, m in api.log_entries(run_id) if m.startswith("Finished in state")]
    assert finished and set(finished) == {20}, finished
    from untoc_workflow.store import open_store

    with open_store(served["db"]) as store:
        assert not [
            e
            for e in store.snapshot().events
            if e.data.get("person", {}).get("name") == "B. Okafor"
        ]
    # Peru's focal point, recorded for the party (no review named): `untoc record` resumes
    # the party's waiting runs, and FRA moves on to the step the log says
    done = untoc(
        served["env"],
        "record",
        "focal_point_nominated",
        "--party",
        "PER",
        "--on",
        "2021-11-20",
        "--name",
        "L. Quispe",
        "--email",
        "l.quispe@example.org",
    )
    assert done.returncode == 0, done.stderr
    assert "resumed flow run" in done.stdout, done.stdout + done.stderr
    wait_for(
        "FRA at the consultation",
        lambda: (k := api.suspended_at("C1-G2-FRA")) and k.startswith("preliminary-consultation--"),
        timeout=120,
    )
    synced = untoc(served["env"], "flows", "sync")
    assert "resumed 0 run(s)" in synced.stdout, synced.stdout + synced.stderr


def test_a_fact_recorded_while_no_server_answered_is_caught_up_by_flows_sync(served):
    api: Api = served["api"]
    key = wait_for(
        "GHA at the SAQ",
        lambda: (k := api.suspended_at("C1-G1-GHA")) and k.startswith("saq--") and k,
        timeout=120,
    )
    offline = {k: v for k, v in served["env"].items() if k != "PREFECT_API_URL"}
    done = untoc(offline, "record", "saq_submitted", "--review", "C1-G1-GHA", "--on", "2021-07-20")
    assert done.returncode == 0, done.stderr
    assert "resumed flow run" not in done.stdout
    assert api.suspended_at("C1-G1-GHA") == key  # nobody told the run
    synced = untoc(served["env"], "flows", "sync")
    assert "resumed 1 run(s)" in synced.stdout, synced.stdout + synced.stderr
    wait_for(
        "GHA at written feedback",
        lambda: (k := api.suspended_at("C1-G1-GHA")) and k.startswith("written-feedback--"),
        timeout=120,
    )


def test_an_impossible_date_the_server_lets_through_is_refused_by_the_run_which_waits_again(
    served,
):
    # 30 February fits the date pattern the server checks; the run reads it, refuses it and
    # suspends again at the same step saying why, instead of failing
    api: Api = served["api"]
    key = wait_for(
        "NGA at written feedback",
        lambda: (k := api.suspended_at("C1-G1-NGA")) and k.startswith("written-feedback--") and k,
        timeout=120,
    )
    run_id = api.run("C1-G1-NGA")["id"]
    answer = api.resume(run_id, {"on": "2021-02-30", "party": "GHA", "recorded_by": "M. Rossi"})
    assert answer["status"] == "ACCEPT", answer
    again = wait_for(
        "NGA suspended again",
        lambda: (k := api.suspended_at("C1-G1-NGA")) and k != key and k,
        timeout=120,
    )
    assert again == key[: -len("0")] + "1"
    message = api.run("C1-G1-NGA")["state"]["message"]
    assert message.startswith("Not recorded: Date '2021-02-30': "), message
    assert not events_of(served["db"], "C1-G1-NGA", "written_feedback_submitted")


def test_the_form_offers_each_open_step_and_records_the_one_the_run_does_not_wait_at(served):
    # NGA's run waits at written feedback; its experts are open too (2,155 days overdue):
    # the form offers both, and the experts' fact entered there is recorded
    api: Api = served["api"]
    key = wait_for(
        "NGA at written feedback",
        lambda: (k := api.suspended_at("C1-G1-NGA")) and k.startswith("written-feedback--") and k,
        timeout=120,
    )
    run_id = api.run("C1-G1-NGA")["id"]
    schema = api.http.get(f"/flow_runs/{run_id}/input/suspended-{key}-schema").json()
    experts = "Nomination of governmental experts"
    offered = schema["properties"]["step"]
    assert offered["enum"] == ["Written feedback", experts], offered
    assert offered["default"] == "Written feedback"
    assert {"count", "party", "women"} <= set(schema["properties"])
    assert schema["required"] == ["recorded_by"]  # the chosen step's form decides the rest

    # a step that is not open is not a choice: the server refuses it, nothing moves
    closed = api.resume(
        run_id, {"step": "Publication", "on": "2021-02-01", "recorded_by": "M. Rossi"}
    )
    assert closed["status"] == "REJECT", closed
    assert api.suspended_at("C1-G1-NGA") == key
    # the experts chosen without their number: the run refuses it and waits again, saying why
    short = api.resume(
        run_id, {"step": experts, "on": "2021-02-01", "party": "NGA", "recorded_by": "M. Rossi"}
    )
    assert short["status"] == "ACCEPT", short
    again = wait_for(
        "NGA suspended again",
        lambda: (k := api.suspended_at("C1-G1-NGA")) and k != key and k,
        timeout=120,
    )
    assert again.startswith("written-feedback--") and again.endswith("--2"), again
    message = api.run("C1-G1-NGA")["state"]["message"]
    assert message.startswith(f"Not recorded: {experts}: Count: field required"), message
    assert not events_of(served["db"], "C1-G1-NGA", "experts_nominated")
    assert not events_of(served["db"], None, "experts_nominated")

    done = api.resume(
        api.run("C1-G1-NGA")["id"],
        {
            "step": experts,
            "on": "2021-02-01",
            "party": "NGA",
            "count": 2,
            "recorded_by": "M. Rossi",
        },
    )
    assert done["status"] == "ACCEPT", done
    moved = wait_for(
        "NGA suspended after the experts",
        lambda: (k := api.suspended_at("C1-G1-NGA")) and k.endswith("--0") and k,
        timeout=120,
    )
    # the run still waits for written feedback, on a log that now has the experts
    assert moved.startswith("written-feedback--") and moved.split("--")[2] != key.split("--")[2]
    [named] = events_of(served["db"], None, "experts_nominated")
    assert (named.party, named.on.isoformat(), named.data["count"]) == ("NGA", "2021-02-01", 2)
    assert named.note == "recorded by M. Rossi"
    # only written feedback is open now: the form is that step's own again
    schema = api.http.get(f"/flow_runs/{api.run('C1-G1-NGA')['id']}/input/suspended-{moved}-schema")
    assert "step" not in schema.json()["properties"]
