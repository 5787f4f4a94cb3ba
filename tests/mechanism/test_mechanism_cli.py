"""The secretariat's commands: untoc draw, decide, redraw, clusters, late-joiners."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent))
from mechanism_support import G1, G2, G3, mechanism, small_document, un_parties  # noqa: E402

from untoc_workflow.cli import app  # noqa: E402
from untoc_workflow.mechanism_file import document_from_core, write_document  # noqa: E402

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("UNTOC_DATABASE_URL", f"sqlite:///{tmp_path / 'untoc.db'}")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str) -> Any:
    return runner.invoke(app, list(args))


def parties_file(path: Path, parties: list[Any]) -> Path:
    doc = document_from_core(parties, [], [])
    return write_document(doc, path)


def test_draw_writes_a_mechanism_file_and_its_record_that_import_and_repeat(env: Path) -> None:
    src = parties_file(env / "parties.yaml", un_parties(mechanism()))
    starts = ",".join(d.isoformat() for d in (G1, G2, G3))
    result = run("draw", str(src), "--start", starts, "--seed", "42", "--out", "draw1.yaml")
    assert result.exit_code == 0, result.output
    assert "group 1 starts 2020-12-01: 62 reviews" in result.output
    assert "group 3 starts 2022-11-01: 64 reviews" in result.output
    doc = yaml.safe_load((env / "draw1.yaml").read_text())
    assert set(doc) == {"format", "parties", "reviews"}
    assert len(doc["reviews"]) == 189
    record = json.loads((env / "draw1.yaml.draw.json").read_text())
    assert record["seed"] == 42 and record["rules_version"] == "untoc_review_mechanism/1"
    assert len(record["lots"]) >= 2 * 189
    assert record["command"].startswith("untoc draw")

    again = run("draw", str(src), "--start", starts, "--seed", "42", "--out", "draw2.yaml")
    assert again.exit_code == 0
    assert (env / "draw1.yaml").read_text() == (env / "draw2.yaml").read_text()

    imported = run("import", "draw1.yaml")
    assert imported.exit_code == 0, imported.output
    assert "reviews: 189 added" in imported.output


def test_an_impossible_draw_exits_1_naming_the_party_and_the_rule(env: Path) -> None:
    from mechanism_support import party

    src = parties_file(
        env / "parties.yaml",
        [party("AAA", "African"), party("BBB", "African"), party("CCC", "WEOG")],
    )
    result = run("draw", str(src), "--start", "2020-12-01", "--seed", "1", "--out", "out.yaml")
    assert result.exit_code == 1
    assert "parties[CCC]" in result.output and "rule own_regional_group" in result.output
    assert not (env / "out.yaml").exists()


def test_an_output_path_through_a_file_names_that_file_not_a_temporary_one(env: Path) -> None:
    src = parties_file(env / "parties.yaml", un_parties(mechanism()))
    (env / "afile").write_text("not a folder\n", encoding="utf-8")
    starts = ",".join(d.isoformat() for d in (G1, G2, G3))
    result = run("draw", str(src), "--start", starts, "--seed", "1", "--out", "afile/x.yaml")
    assert result.exit_code == 1
    assert "afile: is a file, not a folder" in result.output, result.output
    assert ".tmp" not in result.output and "Traceback" not in result.output
    assert run("import", str(src)).exit_code == 0
    report = run("report", "--as-of", "2021-01-01", "--format", "html", "--out", "afile")
    assert report.exit_code == 1
    assert "afile: is a file; a folder is needed here" in report.output, report.output


def test_a_bad_date_is_a_usage_error(env: Path) -> None:
    result = run("draw", "x.yaml", "--start", "2020-13-01", "--seed", "1", "--out", "o.yaml")
    assert result.exit_code == 2


DECISION = """
decision: CLI-1
title: Six more months for the SAQ
adopted_on: 2021-06-15
effects:
  - {kind: extend_deadline, step: saq, by: 6 months, reviews: {cluster: 1, group: 1}}
"""


def test_decide_dry_run_then_apply_then_apply_again(env: Path) -> None:
    write_document(small_document(), env / "mech.yaml")
    assert run("import", "mech.yaml").exit_code == 0
    (env / "decision.yaml").write_text(DECISION)

    dry = run("decide", "decision.yaml", "--dry-run", "--as-of", "2021-07-01")
    assert dry.exit_code == 0, dry.output
    assert "deadlines that would move: 4" in dry.output
    assert "saq  2021-06-01 (rule) -> 2021-12-01  because extended by 6 months" in dry.output
    assert "dry run: nothing was changed" in dry.output

    status = run("status", "--as-of", "2021-07-01", "--format", "json")
    assert "2021-12-01" not in status.output

    applied = run("decide", "decision.yaml", "--as-of", "2021-07-01", "--format", "json")
    assert applied.exit_code == 0, applied.output
    body = json.loads(applied.output)
    assert body["events_recorded"] == 4 and len(body["moves"]) == 4

    again = run("decide", "decision.yaml", "--as-of", "2021-07-01")
    assert "deadlines that did move: 0" in again.output
    assert "already applied: 4 events" in again.output
    assert "recorded 0 events" in again.output


def test_clusters_and_redraw_commands(env: Path) -> None:
    write_document(small_document(), env / "mech.yaml")
    assert run("import", "mech.yaml").exit_code == 0
    out = run("clusters", "--as-of", "2021-07-01")
    assert out.exit_code == 0, out.output
    assert "cluster 1 on 2021-07-01: 0 of 4 reviews of group 1 complete (0.0 %)" in out.output
    assert "threshold 70 % (mechanism.yaml): not met (3 more to complete)" in out.output

    doc = yaml.safe_load((env / "mech.yaml").read_text())
    review = sorted(doc["reviews"], key=lambda r: r["id"])[0]
    leaving = review["reviewers"][0]["party"]
    dry = run(
        "redraw",
        review["id"],
        "--party",
        leaving,
        "--requested-by",
        review["reviewed"],
        "--on",
        "2021-02-01",
        "--seed",
        "3",
        "--dry-run",
    )
    assert dry.exit_code == 0, dry.output
    assert "redraw 1 of 4" in dry.output and "nothing was recorded" in dry.output
    bad = run(
        "redraw",
        review["id"],
        "--party",
        review["reviewed"],
        "--requested-by",
        leaving,
        "--on",
        "2021-02-01",
        "--seed",
        "3",
    )
    assert bad.exit_code == 1 and "is not a reviewer of" in bad.output


def test_start_cluster_late_joiners_and_decisions_commands(env: Path) -> None:
    write_document(small_document(), env / "mech.yaml")
    assert run("import", "mech.yaml").exit_code == 0
    refused = run("start-cluster", "--as-of", "2021-07-01", "--start", "2021-09-01", "--seed", "1")
    assert refused.exit_code == 1
    assert "cluster 4 cannot start on 2021-07-01" in refused.output
    nobody = run("late-joiners", "--cluster", "1", "--as-of", "2021-07-01", "--seed", "1")
    assert nobody.exit_code == 0 and "no late joiners to schedule" in nobody.output

    assert "no decision has been applied" in run("decisions", "--as-of", "2021-07-01").output
    (env / "decision.yaml").write_text(DECISION)
    assert run("decide", "decision.yaml", "--as-of", "2021-07-01").exit_code == 0
    listed = run("decisions", "--as-of", "2021-08-01", "--reapply")
    assert listed.exit_code == 0, listed.output
    assert "CLI-1: Six more months for the SAQ (adopted 2021-06-15" in listed.output
    assert "reapplied CLI-1: moved 0 deadlines" in listed.output
