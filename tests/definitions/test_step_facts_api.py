"""The facts a step accepts, with typed fields and titles: what forms are generated from."""

from __future__ import annotations

import json

from untoc_workflow.definitions import fact_fields, load_definitions, step_facts


def test_a_step_lists_the_facts_that_complete_it_and_agree_its_date():
    definition = load_definitions().default
    saq = step_facts(definition, "saq")
    assert [(f.fact, f.role, f.source) for f in saq] == [
        ("saq_submitted", "completes", "any"),
        ("preliminary_consultation_held", "agrees", "any"),
    ]
    experts = step_facts(definition, "experts")[0]
    assert (experts.fact, experts.scope, experts.source) == (
        "experts_nominated",
        "party",
        "reviewed",
    )
    assert [(f.name, f.type, f.optional, f.min) for f in experts.fields] == [
        ("count", "int", False, 0),
        ("women", "int", True, 0),
    ]


def test_an_agreed_field_becomes_one_optional_date_per_step_with_the_steps_title():
    definition = load_definitions().default
    fields = fact_fields(definition, "preliminary_consultation_held")
    assert [(f.name, f.type, f.optional) for f in fields] == [
        ("languages", "languages", False),
        ("agreed.saq", "date", True),
        ("agreed.written_feedback", "date", True),
        ("agreed.observations", "date", True),
    ]
    assert fields[1].title["fr"] == "Questionnaire d'auto-évaluation"


def test_a_step_completed_by_a_condition_asks_for_no_fact():
    assert step_facts(load_definitions().default, "focal_points") == []


def test_untoc_processes_describes_every_loaded_version_as_json(cli):
    out = json.loads(cli("processes", "--format", "json").stdout)
    refs = [(p["process"], p["version"]) for p in out]
    assert ("country_review", 1) in refs and ("uncac_country_review", 1) in refs
    uncac = next(p for p in out if p["process"] == "uncac_country_review")
    visit = next(s for s in uncac["steps"] if s["id"] == "onsite_visit")
    assert visit["optional"] and [f["role"] for f in visit["facts"]] == ["completes", "starts"]
