"""The desk in the review's own words, without Prefect: a run of the Coastal States group's
integrity review (tests/processes/integrity_review, its folder alone) is named, tagged,
described and asks its form in the group's words (evaluated member, assessing members, its
stages' and facts' titles, its tag), never in UNTOC's (State party, cluster, Conference,
stage or fact ids); UNTOC's own runs read in the glossary's words."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from untoc_workflow.core.model import Review
from untoc_workflow.definitions import load_definitions, load_process
from untoc_workflow.definitions.load import BUNDLED_DEFS
from untoc_workflow.orchestration import (
    resume_form,
    review_position,
    review_snapshot,
    run_tags,
    state_message,
    step_form,
)
from untoc_workflow.orchestration.runs import review_tags
from untoc_workflow.orchestration.timeline import timeline_markdown

REPO = Path(__file__).resolve().parents[2]
IR_DEFS = REPO / "tests" / "processes" / "integrity_review"
DAY = date(2025, 7, 7)
# what only UNTOC's (or the glossary's) words say, and ids where a title is given
NOT_THE_GROUPS = (
    "State party",
    "States parties",
    "country review",
    "Country review",
    "Conference",
    "guidelines",
    "preliminary consultation",
    "UNTOC",
    "untoc",
    "cluster",
    "Group 0",
    "group:",
    "_",  # an id (country_mission_held, self_reporting) where the process gives a title
)


def untrue(text: str) -> list[str]:
    return [w for w in NOT_THE_GROUPS if w in text]


@pytest.fixture
def group(store_url, monkeypatch):
    """A store of the group's members and reviews (its folder alone), its catalog."""
    from untoc_workflow.store import open_store

    monkeypatch.setenv("UNTOC_PROCESS_DEFS", str(IR_DEFS))
    monkeypatch.setenv("UNTOC_PROCESS_DEFS_ONLY", "1")
    catalog = load_definitions(str(IR_DEFS), only=True)
    store = open_store(store_url)
    store.import_file(IR_DEFS / "members.yaml")
    try:
        yield store, catalog
    finally:
        store.close()


def at(store, catalog, review, day=DAY):
    snapshot = review_snapshot(store, review)
    return review_position(catalog, snapshot, review, day), snapshot


def form_words(form: type) -> str:
    """Every title and description of a form's JSON Schema (what the Prefect UI draws)."""
    schema = form.model_json_schema()
    words = [schema.get("title", ""), schema.get("description", "")]
    for prop in schema["properties"].values():
        words += [prop.get("title", ""), prop.get("description", "")]
    return " | ".join(w for w in words if w)


def test_the_runs_name_message_and_tags_are_the_groups(group):
    store, catalog = group
    sen, snapshot = at(store, catalog, "IR-2025-SEN")
    message = state_message(sen, catalog, snapshot.parties)
    assert message == (
        "Designation of liaison officers - due 18 February 2025 (time limit of the integrity "
        "review) - 139 days overdue - waiting for Equatorial Guinea (2 steps open)"
    )
    assert not untrue(message), message
    tags = run_tags(sen)
    # its process's tag, and neither group nor cluster: the group numbers its reviews in none
    assert tags[0] == "csacg"
    assert not [t for t in tags if t.startswith(("untoc", "group:", "cluster:"))], tags
    wanted = {"reviewed:SEN", "reviewer:GHA", "reviewer:GNQ", "step:country-report", "late:1-6m"}
    assert wanted <= set(tags), tags


def test_the_tags_a_run_starts_with_are_the_groups(group):
    store, catalog = group
    review = store.snapshot().reviews["IR-2025-SEN"]
    tags = review_tags(review, catalog)
    assert tags[0] == "csacg" and not [t for t in tags if t.startswith(("group:", "cluster:"))]
    # UNTOC's runs keep their tags, group and cluster
    untoc = Review("C1-G1-ALB", 1, 1, "ALB", ("UNTOC",), (), date(2020, 1, 1))
    own = load_process(BUNDLED_DEFS / "country_review.yaml")
    assert review_tags(untoc, own)[:3] == ["untoc", "group:1", "cluster:1"]


def test_a_party_the_step_awaits_is_named_by_the_groups_role_in_its_form(tmp_path, monkeypatch):
    # the desk analysis's Party without a title of its own: "Assessing member", not the
    # glossary's "Reviewing State party"
    text = (IR_DEFS / "integrity_review.yaml").read_text(encoding="utf-8")
    untitled = text.replace(
        "party: {type: party, optional: true, title: {en: The assessing member}}",
        "party: {type: party, optional: true}",
    )
    assert untitled != text
    (tmp_path / "integrity_review.yaml").write_text(untitled, encoding="utf-8")
    # the group's Mechanism beside it (its members, regional groups and convention)
    (tmp_path / "mechanism.yaml").write_text(
        (IR_DEFS / "mechanism.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    own = load_process(tmp_path / "integrity_review.yaml")
    untoc = load_process(BUNDLED_DEFS / "country_review.yaml")
    from untoc_workflow.store import open_store

    monkeypatch.setenv("UNTOC_PROCESS_DEFS", str(tmp_path))
    monkeypatch.setenv("UNTOC_PROCESS_DEFS_ONLY", "1")
    with open_store(f"sqlite:///{tmp_path / 'untoc.db'}") as store:
        store.import_file(IR_DEFS / "members.yaml")
        # NGA's review on 2 September 2024: its country report is in, the assessors' desk
        # analyses awaited
        snapshot = store.snapshot(date(2024, 9, 2))
        position = review_position(own, snapshot, "IR-2024-NGA", date(2024, 9, 2))
        assert position.step == "desk_analysis"
        form = step_form(position, snapshot.parties, date(2024, 9, 2))
        party = form.model_json_schema()["properties"]["party"]
        assert party["title"] == "Assessing member"
        assert not untrue(form_words(form)), form_words(form)
    from untoc_workflow.orchestration.forms import party_title

    assert party_title(untoc, "each_reviewer") == "Reviewing State party"
    assert party_title(untoc, "reviewed") == "State party under review"


def test_every_form_of_the_group_asks_in_its_words(group):
    store, catalog = group
    said = {}
    for review in ("IR-2025-SEN", "IR-2025-CMR", "IR-2024-NGA"):
        position, snapshot = at(store, catalog, review)
        said[review] = form_words(resume_form(position, snapshot.parties, DAY))
    assert {r: untrue(s) for r, s in said.items()} == {r: [] for r in said}, said
    # SEN's run offers the liaison officers and the country report: the step list's heading
    assert "Designation of liaison officers" in said["IR-2025-SEN"]


def test_the_timeline_speaks_of_the_groups_roles_stages_and_facts(group):
    store, catalog = group
    nga, snapshot = at(store, catalog, "IR-2024-NGA")
    events = [e for e in snapshot.events if e.review == "IR-2024-NGA"]
    message = state_message(nga, catalog, snapshot.parties)
    markdown = timeline_markdown(nga, catalog, snapshot.parties, events, [], message)
    assert "Integrity review of Nigeria (evaluated member). " in markdown
    assert "Assessing members: Cameroon and Ghana. stage: Country mission held." in markdown
    assert "| Desk analysis shared by an assessing member (Cameroon) |" in markdown
    assert "| Country mission held |" in markdown
    # the figures are those of the day the run read the log, and it says which day
    assert f"**Now** (7 July 2025): {message}" in markdown
    assert not untrue(markdown), untrue(markdown)


def test_a_complete_review_is_said_with_the_groups_words_and_stage_title(group):
    from untoc_workflow.core.admission import CommandDate
    from untoc_workflow.store.admission import Admission
    from untoc_workflow.yamlsource import Located

    store, catalog = group
    doc = {
        "format": "untoc-mechanism/1",
        "events": [
            {"on": "2025-03-20", "type": "evaluation_report_agreed", "review": "IR-2024-NGA"},
            {
                "on": "2025-06-12",
                "type": "report_endorsed",
                "review": "IR-2024-NGA",
                "endorsed_on": "2025-06-12",
            },
            # the Plenary waived its progress updates: updates still owed after the
            # endorsement are chased, and the run would say so (tests/processes/silk_road_council)
            *(
                {
                    "on": "2025-06-13",
                    "type": "step_waived",
                    "review": "IR-2024-NGA",
                    "step": update,
                    "basis": "Plenary decision 9/2",
                }
                for update in ("progress_update_1", "progress_update_2")
            ),
        ],
    }
    store.import_document(Located(doc, "test", {}), admission=Admission(CommandDate(DAY)))
    nga, snapshot = at(store, catalog, "IR-2024-NGA")
    message = state_message(nga, catalog, snapshot.parties)
    # endorsed, and nothing more owed: the review is complete, said with its own word and
    # its last stage's title (not "Review complete (endorsed)")
    assert message == "Integrity review complete (Endorsed by the Plenary)"


def test_the_review_runs_deployment_names_every_loaded_process(monkeypatch):
    monkeypatch.setenv("UNTOC_PROCESS_DEFS", str(IR_DEFS))
    monkeypatch.delenv("UNTOC_PROCESS_DEFS_ONLY", raising=False)
    from flows.serve import review_runs_description

    said = review_runs_description()
    assert said.startswith("One long-running run per review, suspended at the step it waits")
    assert "country reviews (UNTOC)" in said and "integrity reviews (CSACG)" in said, said
    alone = review_runs_description(load_definitions(str(IR_DEFS), only=True))
    assert alone.endswith(": integrity reviews (CSACG)."), alone
    assert not untrue(alone), alone


def test_the_runs_figures_are_those_of_untoc_status_on_the_same_day(untoc_cli, store_url):
    # the run reads the log on its day: the deadline and the days late it states are the
    # ones `untoc status --as-of` gives for that day
    cli = untoc_cli(None, UNTOC_PROCESS_DEFS=str(IR_DEFS), UNTOC_PROCESS_DEFS_ONLY="1")
    cli("import", str(IR_DEFS / "members.yaml"), "--as-of", "2025-03-10")
    out = cli("status", "--as-of", DAY.isoformat(), "--format", "json").stdout
    status = {s["review"]: s for s in json.loads(out)}
    from untoc_workflow.orchestration.desk import un_date
    from untoc_workflow.store import open_store

    catalog = load_definitions(str(IR_DEFS), only=True)
    with open_store(store_url) as store:
        position, snapshot = at(store, catalog, "IR-2025-CMR")
        message = state_message(position, catalog, snapshot.parties)
    # CMR's run says its latest open step, the country report (due 1 June 2025)
    [step] = [s for s in status["IR-2025-CMR"]["steps"] if s["step"] == "country_report"]
    due = date.fromisoformat(step["deadline"]["due"])
    assert message.startswith(
        f"Country report - due {un_date(due)} (time limit of the integrity review) - "
        f"{step['days_overdue']} days overdue - "
    ), (message, step)
