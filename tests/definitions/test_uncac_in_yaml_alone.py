"""A second mechanism in YAML alone: the UNCAC Implementation Review Mechanism's country
review runs through import, status, sweep and the report, and none of its step or fact ids
is written anywhere in the Python code."""

from __future__ import annotations

import csv
import email
import io
import json
import re
from email.policy import default as email_policy
from pathlib import Path

from untoc_workflow.definitions import load_definitions

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "untoc_workflow" / "sample" / "uncac_mechanism.yaml"


def test_no_step_or_fact_id_of_the_uncac_process_appears_in_the_python_code():
    uncac = load_definitions().get("uncac_country_review", 1)
    assert uncac is not None
    ids = {*uncac.step_ids, *uncac.facts}
    code = [
        p for folder in ("untoc_workflow", "flows", "bench") for p in (ROOT / folder).rglob("*.py")
    ]
    assert len(code) > 50
    found = {
        (name, str(path.relative_to(ROOT)))
        for path in code
        for name in ids
        if re.search(rf"\b{name}\b", path.read_text(encoding="utf-8"))
    }
    assert found == set()


def test_the_uncac_sample_runs_through_import_status_sweep_and_report(cli, tmp_path):
    cli("import", str(SAMPLE))
    states = {
        s["review"]: s
        for s in json.loads(cli("status", "--as-of", "2024-06-03", "--format", "json").stdout)
    }
    fin, ken = states["IRM2-FIN"], states["IRM2-KEN"]
    assert (fin["process"], fin["process_version"]) == ("uncac_country_review", 1)
    assert fin["stage"] == "drafting"
    steps = {s["step"]: s for s in fin["steps"]}
    assert steps["onsite_visit"]["status"] == "open"  # the State agreed: its clock runs
    assert steps["onsite_visit"]["deadline"]["due"] == "2024-08-20"
    # the self-assessment checklist was agreed for 2024-03-15 and came on 2024-03-12
    assert steps["self_assessment"]["deadline"]["source"] == "agreed"
    assert ken["stage"] == "self_assessment"
    assert ken["next_deadline"]["step"] == "self_assessment"

    # the secretariat's own translation step chases the secretariat (the day before is the
    # go-live of the correspondence)
    cli("sweep", "--as-of", "2024-04-04")
    before = set((tmp_path / "outbox").rglob("*.eml"))
    out = json.loads(cli("sweep", "--as-of", "2024-04-05", "--format", "json").stdout)
    assert out["found"] >= 1
    sent = [
        email.message_from_bytes(p.read_bytes(), policy=email_policy)
        for p in set((tmp_path / "outbox").rglob("*.eml")) - before
    ]
    bodies = [m.get_body(preferencelist=("plain",)).get_content() for m in sent]
    to_secretariat = [
        b for m, b in zip(sent, bodies, strict=True) if "untoc.review@example.org" in str(m["to"])
    ]
    assert any("Translation of the responses" in b for b in to_secretariat), bodies

    report = json.loads(cli("report", "--as-of", "2024-06-03", "--format", "json").stdout)
    assert report["reviews"]["total"] == 2
    assert report["reviews"]["by_stage"]["drafting"] == 1
    assert report["reviews"]["by_stage"]["self_assessment"] == 1
    rows = {
        r["review"]: r
        for r in csv.DictReader(io.StringIO(cli("export-csv", "--as-of", "2024-06-03").stdout))
    }
    assert rows["IRM2-FIN"]["desk_review_submitted_by"] == "PER VNM"
    assert rows["IRM2-FIN"]["onsite_visit_deadline"] == "2024-08-20"

    # a review records the facts its own process declares, and no other's
    refused = cli("record", "saq_submitted", "--review", "IRM2-KEN", "--on", "2024-06-03", code=1)
    message = refused.output + (refused.stderr if refused.stderr_bytes else "")
    assert "IRM2-KEN runs uncac_country_review@1, which does not declare the fact" in message
    cli("record", "checklist_submitted", "--review", "IRM2-KEN", "--on", "2024-06-03")
    states = json.loads(cli("status", "--as-of", "2024-06-03", "--format", "json").stdout)
    assert next(s for s in states if s["review"] == "IRM2-KEN")["stage"] == "desk_review"
