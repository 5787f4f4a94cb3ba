"""A Conference decision naming a review the store does not hold is refused, located in
the decision file, exit 1, and nothing of it is applied (neither its other effects nor
the decision itself)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from untoc_workflow.cli import app

MECHANISM = Path(__file__).parents[1] / "cli" / "mechanism.yaml"

DECISION = """\
decision: TEST-2024/9
title: Extension for two named reviews
adopted_on: 2021-03-01
effects:
  - kind: extend_deadline
    step: saq
    by: 3 months
    reviews: {ids: [C1-G1-NGA]}
  - kind: extend_deadline
    step: saq
    by: 3 months
    reviews:
      ids: [C1-G1-GHA, C1-G1-NGR]
"""


@pytest.fixture()
def untoc(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("UNTOC_DATABASE_URL", f"sqlite:///{tmp_path / 'untoc.db'}")
    runner = CliRunner()

    def run(*args: str, code: int = 0):
        result = runner.invoke(app, list(args), catch_exceptions=False)
        out = result.stdout + (result.stderr if result.stderr_bytes else "")
        assert result.exit_code == code, out
        return result

    run("import", str(MECHANISM))
    return run


def _status(untoc) -> str:
    return untoc("status", "--as-of", "2021-06-01", "--format", "json").stdout


@pytest.mark.parametrize("dry_run", [False, True])
def test_an_unknown_review_id_is_located_and_nothing_is_applied(untoc, tmp_path, dry_run):
    (tmp_path / "d.yaml").write_text(DECISION, encoding="utf-8")
    before = _status(untoc)
    args = ["decide", "d.yaml", "--as-of", "2021-03-01"] + (["--dry-run"] if dry_run else [])
    result = untoc(*args, code=1)
    assert "d.yaml: nothing was applied" in result.stderr
    assert (
        "d.yaml:13: effects[1].reviews.ids[1]: unknown review 'C1-G1-NGR'"
        " (did you mean 'C1-G1-NGA'?)" in result.stderr
    )
    assert _status(untoc) == before
    assert "no decision has been applied" in untoc("decisions", "--as-of", "2021-03-01").stdout


def test_the_same_decision_with_known_reviews_applies(untoc, tmp_path):
    (tmp_path / "d.yaml").write_text(DECISION.replace("C1-G1-NGR", "C1-G1-NGA"), encoding="utf-8")
    result = untoc("decide", "d.yaml", "--as-of", "2021-03-01", "--format", "json")
    moved = {m["review"] for m in json.loads(result.stdout)["moves"]}
    assert moved == {"C1-G1-NGA", "C1-G1-GHA"}
