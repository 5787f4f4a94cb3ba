# ruff: noqa: E501  (the YAML and the six languages' texts read best on one line each)
"""Done when: a step added to a copy of the bundled definition, with its own fact, ladder
and template, needs no Python change: status, sweep, record and the report show it."""

from __future__ import annotations

import csv
import email
import io
import json
from email.policy import default as email_policy
from pathlib import Path

COUNTRY_VISIT = """
  - id: country_visit
    title: {en: Country visit, fr: Visite de pays, es: Visita al país, ar: الزيارة القطرية, zh: 国别访问, ru: Посещение страны}
    starts: {after: written_feedback}
    duration: 3 months
    optional: true
    extendable: true
    completed_by: {event: country_visit_held}
    waiting_for: reviewed
    ladder:
      - id: due
        at: 0 days
        to: [waiting.focal_point]
        cc: [secretariat]
        template: country_visit_due

"""
FACT = """
  country_visit_held:
    scope: review
    title: {en: Country visit held}
"""
TEMPLATES = {
    "en": (
        "Country visit due on {{ deadline.due }}",
        "The country visit of the review of {{ review.reviewed }} is due by {{ deadline.due }}.",
    ),
    "fr": (
        "Visite de pays prévue au plus tard le {{ deadline.due }}",
        "La visite de pays de l'examen de {{ review.reviewed }} doit avoir lieu au plus tard le {{ deadline.due }}.",
    ),
    "es": (
        "Visita al país prevista a más tardar el {{ deadline.due }}",
        "La visita al país del examen de {{ review.reviewed }} debe realizarse a más tardar el {{ deadline.due }}.",
    ),
    "ar": (
        "الزيارة القطرية مقررة في موعد أقصاه {{ deadline.due }}",
        "ينبغي إجراء الزيارة القطرية لاستعراض {{ review.reviewed }} في موعد أقصاه {{ deadline.due }}.",
    ),
    "zh": (
        "国别访问应于 {{ deadline.due }} 前进行",
        "对 {{ review.reviewed }} 的审议的国别访问应于 {{ deadline.due }} 前进行。",
    ),
    "ru": (
        "Посещение страны до {{ deadline.due }}",
        "Посещение страны в рамках обзора {{ review.reviewed }} должно состояться не позднее {{ deadline.due }}.",
    ),
}
MECHANISM = """
format: untoc-mechanism/1
parties:
  - {code: NGA, name: Nigeria, regional_group: African, instruments: {UNTOC: 2001-06-28}, mission: {email: mission.nga@example.org}}
  - {code: GHA, name: Ghana, regional_group: African, instruments: {UNTOC: 2012-05-21}}
  - {code: DEU, name: Germany, regional_group: WEOG, instruments: {UNTOC: 2006-06-14}}
reviews:
  - id: C1-G1-NGA
    cluster: 1
    group: 1
    reviewed: NGA
    instruments: [UNTOC]
    reviewers: [{party: GHA, instruments: [UNTOC]}, {party: DEU, instruments: [UNTOC]}]
    starts_on: 2020-12-01
events:
  - {on: 2020-12-05, type: focal_point_nominated, party: NGA, person: {name: A. Bello, email: a.bello@example.org}}
  - {on: 2020-12-08, type: focal_point_nominated, party: GHA, person: {name: K. Mensah, email: k.mensah@example.org}}
  - {on: 2020-12-10, type: focal_point_nominated, party: DEU, person: {name: J. Weber, email: j.weber@example.org}}
  - {on: 2021-05-20, type: saq_submitted, review: C1-G1-NGA}
  - {on: 2021-11-02, type: written_feedback_submitted, review: C1-G1-NGA}
"""


def with_country_visit(defs: Path) -> Path:
    path = defs / "country_review.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("  - id: observations\n", COUNTRY_VISIT + "  - id: observations\n", 1)
    text = text.replace("\nstages:", FACT + "\nstages:", 1)
    path.write_text(text, encoding="utf-8")
    for language, (subject, intro) in TEMPLATES.items():
        (defs / "templates" / language / "country_visit_due.j2").write_text(
            '{% extends "_notice.j2" %}\n'
            f"{{% block subject %}}{subject}{{% endblock %}}\n"
            f"{{% block intro %}}{intro}{{% endblock %}}\n",
            encoding="utf-8",
        )
    return defs


def steps_of(cli, as_of: str) -> dict[str, dict]:
    (state,) = json.loads(cli("status", "--as-of", as_of, "--format", "json").stdout)
    return {s["step"]: s for s in state["steps"]}


def test_a_country_visit_declared_in_yaml_is_shown_chased_recorded_and_reported(
    cli, tmp_path, defs_copy, monkeypatch
):
    defs = with_country_visit(defs_copy)
    monkeypatch.setenv("UNTOC_PROCESS_DEFS", str(defs))
    (tmp_path / "mechanism.yaml").write_text(MECHANISM, encoding="utf-8")
    cli("import", str(tmp_path / "mechanism.yaml"))
    # record takes the process's facts with their declared fields
    cli("record", "experts_nominated", "--party", "NGA", "--on", "2020-12-20", "--count", "4")
    cli(
        "record",
        "preliminary_consultation_held",
        "--review",
        "C1-G1-NGA",
        "--on",
        "2021-01-10",
        "--languages",
        "en",
        "--agreed-observations",
        "2022-06-30",
    )

    # status: the step opens when the written feedback is complete, 3 months to go
    visit = steps_of(cli, "2021-12-01")["country_visit"]
    assert visit["status"] == "open"
    assert visit["deadline"] == {"due": "2022-02-02", "source": "rule"} | {
        k: v for k, v in visit["deadline"].items() if k not in ("due", "source")
    }
    assert steps_of(cli, "2021-12-01")["observations"]["deadline"]["due"] == "2022-06-30"

    # sweep: its own rung and template, on its deadline (the day before is the go-live,
    # whose opening messages list what is outstanding)
    cli("sweep", "--as-of", "2022-02-01")
    before = set((tmp_path / "outbox").rglob("*.eml"))
    out = cli("sweep", "--as-of", "2022-02-02", "--format", "json").stdout
    assert json.loads(out)["found"] >= 1
    sent = [
        email.message_from_bytes(p.read_bytes(), policy=email_policy)
        for p in set((tmp_path / "outbox").rglob("*.eml")) - before
    ]

    def text(m):
        return m.get_body(preferencelist=("plain",)).get_content()

    visits = [m for m in sent if "Country visit" in text(m) and "2 February 2022" in text(m)]
    assert visits, [text(m)[:400] for m in sent]
    assert any("a.bello@example.org" in str(m["to"]) for m in visits)

    # record: its deadline can be extended (declared extendable), a made-up step cannot be waived
    cli(
        "record",
        "deadline_extended",
        "--review",
        "C1-G1-NGA",
        "--step",
        "country_visit",
        "--due",
        "2022-04-15",
        "--basis",
        "agreed with the reviewed Party",
        "--on",
        "2022-02-10",
    )
    assert steps_of(cli, "2022-02-10")["country_visit"]["deadline"]["due"] == "2022-04-15"
    refused = cli(
        "record",
        "step_waived",
        "--review",
        "C1-G1-NGA",
        "--step",
        "no_such_step",
        "--basis",
        "x",
        "--on",
        "2022-02-10",
        code=1,
    )
    message = refused.output + (refused.stderr if refused.stderr_bytes else "")
    assert "no step 'no_such_step'" in message and "Traceback" not in message
    cli("record", "country_visit_held", "--review", "C1-G1-NGA", "--on", "2022-03-20")
    assert steps_of(cli, "2022-03-20")["country_visit"]["status"] == "completed"

    # the report: the CSV has the step's columns
    rows = list(csv.DictReader(io.StringIO(cli("export-csv", "--as-of", "2022-03-20").stdout)))
    assert rows[0]["country_visit_deadline"] == "2022-04-15"
    assert rows[0]["country_visit_deadline_source"] == "extended"
    assert rows[0]["country_visit_held_on"] == "2022-03-20"
    report = json.loads(cli("report", "--as-of", "2022-03-20", "--format", "json").stdout)
    assert report["reviews"]["by_stage"]["observations"] == 1


def test_an_optional_step_left_out_is_skipped_once_the_review_is_complete(
    cli, tmp_path, defs_copy, monkeypatch
):
    defs = with_country_visit(defs_copy)
    monkeypatch.setenv("UNTOC_PROCESS_DEFS", str(defs))
    (tmp_path / "mechanism.yaml").write_text(
        MECHANISM + "  - {on: 2022-01-20, type: observations_agreed, review: C1-G1-NGA}\n",
        encoding="utf-8",
    )
    cli("import", str(tmp_path / "mechanism.yaml"))
    steps = steps_of(cli, "2022-03-01")
    assert steps["country_visit"]["status"] == "skipped"
    assert steps["country_visit"]["waiting_for"] == []
