"""The report, CSV, calendars and forecast of a process that is not UNTOC's: the mutual
evaluation of tests/processes (neither UNTOC nor UNCAC, written in the definition format
alone) and the bundled UNCAC sample, on a real store (SQLite and PostgreSQL); every figure
from the process's own definition, and the page opened in Chromium and checked by axe-core.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from untoc_workflow.cli import app
from untoc_workflow.definitions import load_definitions
from untoc_workflow.definitions.load import BUNDLED_DEFS

from .conftest import axe_violations

ROOT = Path(__file__).resolve().parents[2]
MUTUAL = ROOT / "tests" / "processes" / "mutual_evaluation"
UNCAC = ROOT / "untoc_workflow" / "sample" / "uncac_mechanism.yaml"
AS_OF = "2024-06-03"

# (process, mechanism file, its reviews)
PROCESSES = {
    "mutual_evaluation": (MUTUAL / "mechanism.yaml", ("ME-AUT", "ME-EGY", "ME-MAR")),
    "uncac_country_review": (UNCAC, ("IRM2-FIN", "IRM2-KEN")),
}


def defs_with_mutual_evaluation(tmp_path: Path) -> Path:
    """The bundled definitions with the mutual evaluation beside them: works whether a
    folder in UNTOC_PROCESS_DEFS replaces the bundled one or adds to it."""
    defs = tmp_path / "defs"
    shutil.copytree(BUNDLED_DEFS, defs)
    shutil.copy(MUTUAL / "mutual_evaluation.yaml", defs / "mutual_evaluation.yaml")
    return defs


@pytest.fixture(params=sorted(PROCESSES))
def run(request, tmp_path, untoc_cli):
    """`untoc ...` on a store holding the reviews of one process (and none of UNTOC's)."""
    defs = defs_with_mutual_evaluation(tmp_path)
    untoc = untoc_cli(None, UNTOC_PROCESS_DEFS=str(defs))
    process = request.param
    untoc("import", str(PROCESSES[process][0]))
    untoc.process = process  # type: ignore[attr-defined]
    untoc.reviews = PROCESSES[process][1]  # type: ignore[attr-defined]
    untoc.definition = load_definitions(defs).latest(process)  # type: ignore[attr-defined]
    return untoc


def _states(run) -> dict[str, dict]:
    out = json.loads(run("status", "--as-of", AS_OF, "--format", "json").stdout)
    return {s["review"]: s for s in out}


def test_the_json_counts_each_process_by_its_own_stages_and_steps(run):
    report = json.loads(run("report", "--as-of", AS_OF).stdout)
    section = report["processes"][run.process]
    definition = run.definition
    assert section["reviews"] == len(run.reviews)
    assert tuple(section["by_stage"]) == definition.stages
    assert sum(section["by_stage"].values()) == len(run.reviews)
    assert tuple(section["steps"]) == definition.step_ids
    # a second reading: each step's counts recounted from `untoc status`
    states = _states(run)
    assert set(states) == set(run.reviews)
    for step_id, counts in section["steps"].items():
        steps = [next(x for x in s["steps"] if x["step"] == step_id) for s in states.values()]
        opened = [x for x in steps if x["status"] == "open"]
        late = [x for x in opened if x["deadline"] and x["deadline"]["due"] < AS_OF]
        assert counts == {
            "open": len(opened),
            "late": len(late),
            "late_over_1_year": counts["late_over_1_year"],
            "completed": sum(x["status"] == "completed" for x in steps),
        }, step_id
        assert counts["late_over_1_year"] <= counts["late"]
    for review, s in states.items():
        assert section["by_stage"][s["stage"]] >= 1, review
    # the figures are not all zero: the process's own steps were counted
    assert sum(c["completed"] for c in section["steps"].values()) >= len(run.reviews)
    # no UNTOC review in this store: the secretariat's figures count none
    assert "country_review" not in report["processes"]
    assert report["questionnaires"]["submitted"] == 0


def test_the_mutual_evaluation_s_late_comments_are_counted(tmp_path, monkeypatch, store_url):
    defs = defs_with_mutual_evaluation(tmp_path)
    monkeypatch.setenv("UNTOC_PROCESS_DEFS", str(defs))
    monkeypatch.setenv("UNTOC_DATABASE_URL", store_url)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(app, ["import", str(MUTUAL / "mechanism.yaml")]).exit_code == 0
    out = runner.invoke(app, ["report", "--as-of", "2024-06-03"])
    steps = json.loads(out.stdout)["processes"]["mutual_evaluation"]["steps"]
    # ME-EGY's draft report went out on 2024-01-15: its comments were due 2024-02-15
    assert steps["country_comments"] == {
        "open": 1,
        "late": 1,
        "late_over_1_year": 0,
        "completed": 0,
    }
    a_year_on = runner.invoke(app, ["report", "--as-of", "2025-03-01"])
    later = json.loads(a_year_on.stdout)["processes"]["mutual_evaluation"]["steps"]
    assert later["country_comments"]["late_over_1_year"] == 1


def test_the_html_report_has_a_section_per_process_and_opens_in_chromium(run, chromium, tmp_path):
    run("report", "--as-of", AS_OF, "--format", "html", "--out", "page")
    page = tmp_path / "page" / "index.html"
    html = page.read_text(encoding="utf-8")
    section = re.search(rf'<section id="process-{run.process}">(.*?)</section>', html, re.S)
    assert section, html[-3000:]
    title = run.definition.title["en"]
    assert f"<h2>{title}: {len(run.reviews)} reviews</h2>" in section.group(1)
    for step in run.definition.steps:  # every step by its own title
        assert f"<td>{step.label('en')}</td>" in section.group(1), step.id
    # the country review's figures III-VII would all be 0 in this store: left out
    for number in ("III", "IV", "V", "VI", "VII"):
        assert f'id="figure-{number}"' not in html
    assert 'id="figure-II"' in html  # every review by stage
    # more stages than the paper's six colours (UNTOC's and this process's): drawn
    stages = set(json.loads((tmp_path / "page" / "report.json").read_text())["reviews"]["by_stage"])
    assert len(stages) > 6
    chromium.get(page.as_uri())
    loaded = chromium.execute_script(
        "var imgs = document.images, ok = 0;"
        "for (var i = 0; i < imgs.length; i++) { if (imgs[i].complete && imgs[i].naturalWidth > 0)"
        " ok++; } return [imgs.length, ok];"
    )
    assert loaded[0] == loaded[1] and loaded[0] >= 3
    assert chromium.find_element("css selector", f"#process-{run.process} img").size["width"] > 100
    assert axe_violations(chromium) == []


def test_the_csv_has_the_columns_of_every_step_of_the_process(run):
    rows = list(csv.DictReader(io.StringIO(run("export-csv", "--as-of", AS_OF).stdout)))
    assert {r["review"] for r in rows} == set(run.reviews)
    columns = rows[0].keys()
    for step in run.definition.steps:
        assert f"{step.id}_deadline" in columns and f"{step.id}_deadline_source" in columns
        each = step.completed_by.from_ == "each_reviewer"
        done = f"{step.completed_by.event}_on" if step.completed_by.event and not each else None
        assert (done or f"{step.id}_completed_on") in columns, step.id
    states = _states(run)
    for r in rows:
        assert r["process"] == run.process
        for step in states[r["review"]]["steps"]:  # what status says, the CSV says
            due = step["deadline"]["due"] if step["deadline"] else ""
            assert r[f"{step['step']}_deadline"] == due, (r["review"], step["step"])


def test_the_calendars_are_named_after_the_process(run, tmp_path):
    out = run("calendar", "--as-of", AS_OF, "--out", "cal", "--include-overdue")
    assert "calendar file(s)" in out.stdout
    files = sorted((tmp_path / "cal").glob("*.ics"))
    assert files
    title = run.definition.title["en"]
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert f"X-WR-CALNAME:{title}: " in text.replace("\r\n ", "")
        assert "UNTOC" not in text.split("BEGIN:VEVENT")[0]


def test_forecast_takes_the_process_and_lists_each_open_review(run):
    out = run("forecast", "--as-of", AS_OF, "--process", run.process, "--runs", "40").stdout
    states = _states(run)
    final = run.definition.stages[-1]
    open_reviews = [r for r, s in states.items() if s["stage"] != final]
    assert open_reviews
    assert f"{len(open_reviews)} open review(s) of {run.process} forecast" in out
    for review in open_reviews:
        # "group N, " only where the process numbers its reviews in groups
        assert re.search(rf"^  {review} \((group \d+, )?\w+\): completes around", out, re.M), out
    as_json = json.loads(
        run("forecast", "--as-of", AS_OF, "--process", run.process, "--format", "json").stdout
    )
    assert as_json["process"] == run.process
    phases = as_json["model"]["phases"]
    assert phases and set(phases) <= set(run.definition.step_ids)
    # no process named: the country review has no review in this store, so the one process
    # that has reviews is forecast (tests/processes/silk_road_council)
    default = run("forecast", "--as-of", AS_OF, "--runs", "40").stdout
    assert f"{len(open_reviews)} open review(s) of {run.process} forecast" in default
    unknown = run("forecast", "--as-of", AS_OF, "--process", "mutual_evaluations", code=1)
    assert "no process 'mutual_evaluations' is loaded" in unknown.output + unknown.stderr
