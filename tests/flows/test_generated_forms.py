"""Resume forms generated from the review's own definition: a step added in YAML alone, the
UNCAC sample's process, a migrated review, and one UNCAC run on a real Prefect server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.definitions.conftest import add_version_2, copy_defs
from tests.definitions.test_a_step_added_in_yaml_alone import MECHANISM, with_country_visit
from untoc_workflow.definitions import fact_fields, load_definitions
from untoc_workflow.orchestration import (
    fact_from_form,
    open_positions,
    record_fact,
    resume_form,
    review_position,
    step_form,
)

from .conftest import client_env, serving, untoc, wait_for

TODAY = date(2026, 11, 23)
UN_CODES = ["ar", "zh", "en", "fr", "ru", "es"]
REPO = Path(__file__).resolve().parents[2]
UNCAC_SAMPLE = REPO / "untoc_workflow/sample/uncac_mechanism.yaml"
CONSULTATION = (
    "  - {on: 2021-01-10, type: preliminary_consultation_held, review: C1-G1-NGA,"
    " languages: [en]}\n"
)


def prefect_schema(form: type) -> dict[str, Any]:
    """The JSON schema Prefect saves for a suspended run's form (what its UI draws)."""
    from prefect._internal.pydantic.v2_schema import create_v2_schema
    from prefect.input.run_input import run_input_subclass_from_type

    model = run_input_subclass_from_type(form)
    return create_v2_schema(model.__name__, model_base=model)


def opened(store_url: str, document: str, tmp_path: Path) -> Any:
    from untoc_workflow.store import open_store

    path = tmp_path / "mechanism.yaml"
    path.write_text(document, encoding="utf-8")
    store = open_store(store_url)
    store.import_file(path)
    return store


# --- (a) a step added in YAML alone shows in the Prefect form -----------------------------


def test_a_country_visit_added_in_yaml_gets_its_own_form_and_its_answer_moves_the_review_on(
    store_url, tmp_path, monkeypatch
):
    defs = with_country_visit(copy_defs(tmp_path))
    monkeypatch.setenv("UNTOC_PROCESS_DEFS", str(defs))  # the store's vocabulary too
    monkeypatch.setenv("UNTOC_PROCESS_DEFS_ONLY", "1")  # v1 changed in place: it stands alone
    catalog = load_definitions(defs)
    store = opened(store_url, MECHANISM + CONSULTATION, tmp_path)
    try:
        snapshot = store.snapshot()
        at = review_position(catalog, snapshot, "C1-G1-NGA", TODAY)
        assert (at.step, at.fact) == ("country_visit", "country_visit_held")

        # the run's form opens at the country visit, and offers the other open steps
        offered = prefect_schema(resume_form(at, snapshot.parties, TODAY))
        assert offered["title"] == "Country visit"
        assert open_positions(at)[0].step == "country_visit"
        choice = offered["properties"].get("step", {"enum": ["Country visit"]})
        assert choice["enum"][0] == "Country visit"
        form = step_form(at, snapshot.parties, TODAY)  # the step's own form
        schema = prefect_schema(form)
        assert schema["title"] == "Country visit"
        props = schema["properties"]
        assert list(props) == ["on", "recorded_by", "note"]  # the fact declares no fields
        assert props["on"]["format"] == "date" and props["on"]["default"] == TODAY.isoformat()
        assert props["recorded_by"]["title"] == "Recorded by"
        assert schema["required"] == ["recorded_by"]
        assert props["recorded_by"]["minLength"] == 1  # an empty name is not who recorded it

        answer = form.model_validate({"on": "2022-03-20", "recorded_by": "M. Rossi"})
        outcome = record_fact(store, at, fact_from_form(at, answer), TODAY)
        assert outcome.recorded and outcome.refused is None, outcome
        [held] = [e for e in store.snapshot().events if e.type == "country_visit_held"]
        assert (held.review, held.on, held.note) == (
            "C1-G1-NGA",
            date(2022, 3, 20),
            "recorded by M. Rossi",
        )
        after = review_position(catalog, store.snapshot(), "C1-G1-NGA", TODAY)
        assert after.step == "observations"
        assert after.state.step("country_visit").status == "completed"
    finally:
        store.close()


def test_a_migrated_review_waits_at_the_steps_of_the_version_it_was_moved_to(
    store_url, tmp_path, monkeypatch
):
    # v1 as bundled; v2 adds the country visit (and a longer SAQ clock)
    defs = copy_defs(tmp_path)
    bundled = (defs / "country_review.yaml").read_text(encoding="utf-8")
    with_country_visit(defs)
    add_version_2(defs)
    (defs / "country_review.yaml").write_text(bundled, encoding="utf-8")
    monkeypatch.setenv("UNTOC_PROCESS_DEFS", str(defs))
    catalog = load_definitions(defs)
    store = opened(store_url, MECHANISM + CONSULTATION, tmp_path)
    try:
        before = review_position(catalog, store.snapshot(), "C1-G1-NGA", TODAY)
        assert before.definition.ref == "country_review@1" and before.step == "observations"
        migrated = {
            "format": "untoc-mechanism/1",
            "events": [
                {
                    "on": "2021-11-10",
                    "type": "process_migrated",
                    "review": "C1-G1-NGA",
                    "process": "country_review",
                    "version": 2,
                    "basis": "Conference decision",
                }
            ],
        }
        (tmp_path / "migrated.json").write_text(json.dumps(migrated), encoding="utf-8")
        store.import_file(tmp_path / "migrated.json")
        snapshot = store.snapshot()
        after = review_position(catalog, snapshot, "C1-G1-NGA", TODAY)
        assert after.definition.ref == "country_review@2"
        assert (after.step, after.fact) == ("country_visit", "country_visit_held")
        assert prefect_schema(resume_form(after, snapshot.parties, TODAY))["title"] == (
            "Country visit"
        )
    finally:
        store.close()


# --- (b) the UNCAC sample: every step a run waits at has a form from its definition --------


def sample_up_to(day: date) -> str:
    """The UNCAC sample as it stood on `day`: its events up to that date."""
    lines = UNCAC_SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    prefix = "  - {on: "
    return "".join(
        line
        for line in lines
        if not line.startswith(prefix) or line[len(prefix) : len(prefix) + 10] <= day.isoformat()
    )


def expected_keys(definition: Any, kind: str, scope: str) -> set[str]:
    """What the form asks for, read from the definition's API (not from the form code)."""
    if kind == "focal_point_nominated":  # the engine's own fact
        declared = {"party", "name", "email", "ministry", "language", "gender", "replaces"}
    else:
        declared = {f.name.replace(".", "_") for f in fact_fields(definition, kind)}
        if scope == "party":
            declared.add("party")
    return declared | {"on", "recorded_by", "note"}


def answer_from(schema: dict[str, Any], on: date) -> dict[str, Any]:
    """What a person fills in: every required input, a Party where one is asked for, the
    first working language offered; agreed dates left empty."""
    out: dict[str, Any] = {"on": on.isoformat(), "recorded_by": "M. Rossi"}
    for name, prop in schema["properties"].items():
        if name in out:
            continue
        if "enum" in prop:
            out[name] = prop["enum"][0]
        elif prop.get("type") == "array":
            out[name] = [prop["items"]["enum"][2]]
        elif name in schema.get("required", ()):
            out[name] = "fp@example.org" if prop.get("format") == "email" else "A. Person"
    return out


_AFTER_LAUNCH = ["self_assessment", "checklist_translation", "desk_review", "executive_summary"]


@pytest.mark.parametrize(
    ("day", "fin", "ken"),
    [
        # nobody has a focal point yet; Kenya's review has not started
        (date(2024, 1, 9), ["contact_persons", "launch", *_AFTER_LAUNCH], None),
        # Finland's responses await translation; Kenya's review was launched
        (date(2024, 3, 20), _AFTER_LAUNCH[1:], _AFTER_LAUNCH),
        # Finland agreed to a country visit: the optional step is open
        (date(2024, 5, 25), ["onsite_visit", "executive_summary"], _AFTER_LAUNCH),
    ],
)
def test_each_step_a_uncac_run_waits_at_has_a_form_from_the_uncac_definition(
    store_url, tmp_path, day, fin, ken
):
    catalog = load_definitions()
    store = opened(store_url, sample_up_to(day), tmp_path)
    # Kenya's review, walked after Finland's, finds Finland and Peru with focal points
    walks = {"IRM2-FIN": fin, "IRM2-KEN": ken or ["contact_persons", "launch", *_AFTER_LAUNCH]}
    assert all(walks.values())
    try:
        for review, steps in walks.items():
            visited: list[str] = []
            at = review_position(catalog, store.snapshot(), review, day)
            for _ in range(20):
                if at.complete:
                    break
                own = at.definition
                assert own.process == "uncac_country_review"
                step = own.step(at.step)
                kind = at.fact
                scope = "party" if kind == "focal_point_nominated" else own.facts[kind].scope
                snapshot = store.snapshot()
                form = step_form(at, snapshot.parties, day)  # the step's own form
                schema = prefect_schema(form)
                props = schema["properties"]
                where = f"{review} at {at.step} on {at.as_of}"
                assert schema["title"] == step.label(), where
                assert set(props) == expected_keys(own, kind, scope), where
                assert props["on"]["format"] == "date", where
                assert "recorded_by" in schema["required"], where
                awaited = list(at.step_state.waiting_for) or [
                    at.state.reviewed,
                    *at.state.reviewers,
                ]
                for name, prop in props.items():
                    if name == "party":
                        assert prop["enum"] == awaited, where
                    if name.startswith("agreed_"):
                        assert prop["format"] == "date", where
                        assert prop["title"] == own.step(name[len("agreed_") :]).label()
                    if name == "languages":
                        assert prop["items"]["enum"] == UN_CODES and prop["maxItems"] == 3

                started = at.step_state.started_on or snapshot.reviews[review].starts_on
                on = max(at.as_of + timedelta(days=1), started)
                fact = fact_from_form(at, form.model_validate(answer_from(schema, on)))
                outcome = record_fact(store, at, fact, TODAY)
                assert outcome.recorded and outcome.refused is None, (where, outcome)
                if at.step not in visited:
                    visited.append(at.step)
                after = review_position(catalog, store.snapshot(), review, day)
                moved = after.complete or after.step != at.step
                assert moved or after.step_state.waiting_for != at.step_state.waiting_for, where
                at = after
            assert at.complete, f"{review} did not complete"
            # the run waits at the UNCAC steps in order, the secretariat's ones too
            assert visited == steps, review
    finally:
        store.close()


# --- (c) one UNCAC run on a real Prefect server -----------------------------------------------


@pytest.fixture
def served_uncac(prefect_api: str, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """The UNCAC sample up to 5 March 2024 (Kenya's review awaits its launch), the
    deployment served from this store, a run started for IRM2-KEN."""
    from .test_country_review_flow import Api

    database_url = f"sqlite:///{tmp_path / 'untoc.db'}"
    env = client_env(prefect_api, tmp_path, database_url)
    (tmp_path / "sample.yaml").write_text(sample_up_to(date(2024, 3, 5)), encoding="utf-8")
    done = untoc(env, "import", str(tmp_path / "sample.yaml"))
    assert done.returncode == 0, done.stderr
    log = tmp_path / "serve.log"
    api = Api(prefect_api)
    with serving(env, log, api.http):
        started = untoc(env, "flows", "start-reviews", "--review", "IRM2-KEN")
        assert started.returncode == 0, started.stderr
        assert "started 1 run(s)" in started.stdout, started.stdout
        yield {"api": api, "db": database_url, "log": log}


@pytest.mark.prefect
@pytest.mark.slow
def test_a_uncac_run_suspends_with_its_generated_form_and_moves_on_when_resumed(served_uncac):
    api = served_uncac["api"]
    key = wait_for("IRM2-KEN suspended", lambda: api.suspended_at("IRM2-KEN"), timeout=120)
    assert key.startswith("launch--"), key
    run_id = api.run("IRM2-KEN")["id"]
    schema = api.http.get(f"/flow_runs/{run_id}/input/suspended-{key}-schema").json()
    assert schema["title"] == "Launch of the review"
    props = schema["properties"]
    # another step is open too (with no field of its own): the form offers it after its own
    offered = props.pop("step")["enum"]
    assert offered[0] == "Launch of the review" and len(offered) == 2, offered
    assert set(props) == {
        "on",
        "languages",
        "agreed_self_assessment",
        "agreed_desk_review",
        "recorded_by",
        "note",
    }
    assert props["languages"]["items"]["enum"] == UN_CODES
    assert props["agreed_self_assessment"]["title"] == "Self-assessment checklist"
    assert props["on"]["default"] == date.today().isoformat()

    # what the UI's form sends
    answer = api.resume(
        run_id,
        {
            "on": "2024-03-11",
            "languages": ["en"],
            "agreed_self_assessment": "2024-05-31",
            "recorded_by": "M. Rossi",
        },
    )
    assert answer["status"] == "ACCEPT", answer
    wait_for(
        "IRM2-KEN at the self-assessment, due on the date agreed",
        lambda: (k := api.suspended_at("IRM2-KEN")) and k.startswith("self-assessment--20240531--"),
        timeout=120,
    )
    from untoc_workflow.store import open_store

    with open_store(served_uncac["db"]) as store:
        [launched] = [
            e
            for e in store.snapshot().events
            if e.review == "IRM2-KEN" and e.type == "review_launched"
        ]
    assert launched.on == date(2024, 3, 11)
    assert list(launched.data["languages"]) == ["en"]
    assert {k: str(v) for k, v in launched.data["agreed"].items()} == {
        "self_assessment": "2024-05-31"
    }
    assert launched.note == "recorded by M. Rossi"
    state = api.run("IRM2-KEN")["state"]
    assert state["message"].startswith("Self-assessment checklist - due 31 May 2024"), state


# --- a `list` field: one input per name ----------------------------------------------------


def test_a_list_field_is_a_list_of_names_in_the_form_and_in_the_recorded_fact(
    store_url, tmp_path, monkeypatch
):
    from untoc_workflow.orchestration.forms import answer_problem

    me = REPO / "tests" / "processes"
    folders = [me / "mutual_evaluation", me / "mutual_evaluation_v2"]
    monkeypatch.setenv("UNTOC_PROCESS_DEFS", ":".join(str(f) for f in folders))
    catalog = load_definitions(folders)
    submissions = (
        "  - {on: 2024-03-01, type: technical_questionnaire_submitted, review: ME2-THA}\n"
        "  - {on: 2024-03-04, type: effectiveness_submission_received, review: ME2-THA}\n"
    )
    reviews = (me / "mutual_evaluation_v2" / "reviews.yaml").read_text(encoding="utf-8")
    store = opened(store_url, reviews + submissions, tmp_path)
    try:
        snapshot = store.snapshot()
        at = review_position(catalog, snapshot, "ME2-THA", TODAY)
        assert (at.step, at.fact) == ("onsite_visit", "onsite_visit_completed")
        form = step_form(at, snapshot.parties, TODAY)  # the step's own form
        assessors = prefect_schema(form)["properties"]["assessors"]
        assert assessors["type"] == "array" and assessors["maxItems"] == 100
        assert assessors["items"] == {"type": "string", "minLength": 1}
        assert assessors["title"] == "The assessors (names)"

        answer = {
            "on": "2024-05-17",
            "starts_on": "2024-05-13",
            "ends_on": "2024-05-17",
            "recorded_by": "M. Rossi",
        }
        assert answer_problem(form, answer | {"assessors": "A. Schmidt"}) is not None
        assert answer_problem(form, answer | {"assessors": ["A. Schmidt", ""]}) is not None
        filled = form.model_validate(answer | {"assessors": ["A. Schmidt", "K. Tan"]})
        outcome = record_fact(store, at, fact_from_form(at, filled), TODAY)
        assert outcome.recorded and outcome.refused is None, outcome
        visits = [e for e in store.snapshot().events if e.type == "onsite_visit_completed"]
        [tha] = [e for e in visits if e.review == "ME2-THA"]
        assert tha.data["assessors"] == ["A. Schmidt", "K. Tan"]
    finally:
        store.close()
