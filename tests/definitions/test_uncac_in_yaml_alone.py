"""A second mechanism in YAML alone: the UNCAC Implementation Review Mechanism's country
review runs through import, status, sweep and the report, and none of its step or fact ids
is written anywhere in the Python code."""

from __future__ import annotations

import ast
import csv
import email
import io
import json
import re
from collections.abc import Iterator
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


# -- no bundled process's vocabulary in the engine's Python ------------------------------
#
# Every step and fact id of every bundled process (country_review too), as written in a
# string of the engine's Python (comments and docstrings may explain with examples; in a
# sentence, a one-word id such as "observations" or "publication" is a word of English or
# French, so only ids of several words, like saq_submitted, count there). `sample/` and
# `migrations/` are UNTOC's own data, and so is `bench/`: the benchmarks generate UNTOC
# histories, as `sample/` does, and their facts are the sample's.
#
# A word the engine uses for a thing of its own that a bundled process also uses as an id
# is listed below with the file and why: a new place fails this test, and so does a line
# left here after its file stopped using the word. A place that names a process's step or
# fact has no line here: that knowledge belongs in the definition.
HOMONYMS: dict[str, set[str]] = {
    # the draft list of observations the engine builds from any questionnaire's written
    # feedback: the command's name (`untoc questionnaire observations`, README) ...
    "untoc_workflow/cli/questionnaire_commands.py": {"observations"},
    # ... and the field of each section holding the questions commented on
    "untoc_workflow/questionnaire/observations.py": {"observations"},
}


def _strings(tree: ast.AST) -> Iterator[str]:
    """The string constants of a module but its docstrings."""
    docs = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            first = body[0] if body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docs.add(id(first.value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            yield node.value


def test_no_step_or_fact_id_of_any_bundled_process_is_written_in_the_engines_python():
    from untoc_workflow.definitions.load import BUNDLED_DEFS

    catalog = load_definitions(BUNDLED_DEFS)
    assert {d.process for d in catalog} >= {"country_review", "uncac_country_review"}
    ids = {i for d in catalog for i in (*d.step_ids, *d.facts)}
    assert {"saq", "written_feedback_submitted", "checklist_submitted"} <= ids
    word = re.compile(r"\b(" + "|".join(sorted(ids, key=len, reverse=True)) + r")\b")
    code = [
        p
        for folder in ("untoc_workflow", "flows")
        for p in (ROOT / folder).rglob("*.py")
        if "sample" not in p.parts and "migrations" not in p.parts
    ]
    assert len(code) > 50
    found: dict[str, set[str]] = {}
    for path in code:
        names = {
            n
            for s in _strings(ast.parse(path.read_text(encoding="utf-8")))
            for n in word.findall(s)
            if "_" in n or not _is_prose(s)
        }
        if names:
            found[str(path.relative_to(ROOT))] = names
    assert found == HOMONYMS


def _is_prose(text: str) -> bool:
    """A sentence (words and spaces), not a name, key or template."""
    return bool(re.search(r"[^\W\d_]{2,}\s+[^\W\d_]{2,}", text))


def test_a_step_id_in_a_sentence_or_a_key_is_told_apart():
    assert _is_prose("Soumettre les observations écrites")
    assert _is_prose("Your answer on publication is recorded.")
    assert not _is_prose("observations")
    assert not _is_prose("C1-G1-NGA/saq/overdue/1/2024-03-01")
