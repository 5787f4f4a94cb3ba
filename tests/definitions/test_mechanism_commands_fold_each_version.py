"""The mechanism's commands (`untoc clusters`, `untoc decide`...) fold each review with its
own process version: the UNCAC reviews with the UNCAC process beside the UNTOC country
reviews, and a migrated review with the version it was moved to, from the migration's date.

A decision reaches the reviews whose own process has the step it names; the others it
selects by cluster or group are listed as skipped, and one it names by id is refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNTOC = ROOT / "tests" / "cli" / "mechanism.yaml"  # C1-G1-GHA and C1-G1-NGA, cluster 1
UNCAC = ROOT / "untoc_workflow" / "sample" / "uncac_mechanism.yaml"  # IRM2-FIN, IRM2-KEN


@pytest.fixture
def both(cli, tmp_path, defs_with_v2, monkeypatch):
    """The two country-review mechanisms in one store, with country_review@2 loaded; the
    UNCAC review of Finland agrees its executive summary on 2024-07-01 (complete)."""
    monkeypatch.setenv("UNTOC_PROCESS_DEFS", str(defs_with_v2))
    uncac = tmp_path / "uncac.yaml"
    uncac.write_text(
        UNCAC.read_text(encoding="utf-8")
        + "  - {on: 2024-07-01, type: executive_summary_agreed, review: IRM2-FIN}\n",
        encoding="utf-8",
    )
    cli("import", str(UNTOC))
    cli("import", str(uncac))
    return cli


def decide(cli, tmp_path, text: str, as_of: str, code: int = 0):
    path = tmp_path / "decision.yaml"
    path.write_text(text, encoding="utf-8")
    args = ["decide", str(path), "--dry-run", "--as-of", as_of]
    if code == 0:
        return json.loads(cli(*args, "--format", "json", code=code).stdout)
    return cli(*args, code=code)


def test_clusters_count_only_the_reviews_of_the_process_the_rule_belongs_to(both):
    # the 70 % rule is the UNTOC Mechanism's (mechanism.yaml: next_cluster.process): the
    # UNCAC reviews numbered "cluster 2" are another mechanism's, complete or not
    out = both("clusters", "--as-of", "2024-07-15").stdout
    assert "cluster 1 on 2024-07-15: 0 of 2 reviews of group 1 complete (0.0 %)" in out
    assert "cluster 2" not in out


def test_a_decision_moves_uncac_steps_and_skips_the_reviews_whose_process_lacks_the_step(
    both, tmp_path
):
    plan = decide(
        both,
        tmp_path,
        """
decision: MIX-1
title: More time for the questionnaires of both mechanisms
adopted_on: 2024-03-20
effects:
  - {kind: extend_deadline, step: saq, by: 6 months, reviews: {group: 1}}
  - {kind: extend_deadline, step: self_assessment, by: 1 month, reviews: {cluster: 2}}
""",
        "2024-03-25",
    )
    moves = {(m["review"], m["step"]): m for m in plan["moves"]}
    # the UNCAC review of Kenya, started 2024-02-05: its checklist is due two months later
    kenya = moves[("IRM2-KEN", "self_assessment")]
    assert (kenya["old"], kenya["old_source"], kenya["new"]) == ("2024-04-05", "rule", "2024-05-05")
    # Finland sent its checklist on 2024-03-12: nothing of its review moves
    assert not any(review == "IRM2-FIN" for review, _ in moves)
    assert {step for review, step in moves if review.startswith("C1-")} <= {"saq"}
    assert plan["skipped"] == [
        "effects[0] (extend_deadline): 2 reviews running uncac_country_review@1, "
        "not concerned: it has no step 'saq'"
    ]

    text = both(
        "decide", str(tmp_path / "decision.yaml"), "--dry-run", "--as-of", "2024-03-25"
    ).stdout
    assert "IRM2-KEN  self_assessment  2024-04-05 (rule) -> 2024-05-05" in text
    assert "skipped: effects[0] (extend_deadline): 2 reviews running uncac_country_review@1" in (
        text
    )


def test_a_decision_naming_a_review_whose_process_lacks_the_step_is_refused_where_it_says_so(
    both, tmp_path
):
    result = decide(
        both,
        tmp_path,
        """decision: MIX-2
title: More time for one SAQ
adopted_on: 2024-03-20
effects:
  - kind: extend_deadline
    step: saq
    by: 1 month
    reviews: {ids: [C1-G1-GHA, IRM2-FIN]}
""",
        "2024-03-25",
        code=1,
    )
    output = result.output
    assert "nothing was applied" in output
    assert (
        "decision.yaml:8: effects[0].reviews.ids[1]: review IRM2-FIN runs "
        "uncac_country_review@1, which has no such step: 'saq'"
    ) in output
    assert "C1-G1-GHA" not in output.split("nothing was applied", 1)[1]
    assert "Traceback" not in output


def test_a_migrated_review_folds_with_its_new_version_from_the_migration_date(both, tmp_path):
    both("migrate", "--to", "country_review@2", "--on", "2021-02-01", "--reviews", "C1-G1-GHA")
    decision = """
decision: SAQ-{n}
title: One more month for the SAQ of Ghana
adopted_on: {day}
effects:
  - {{kind: extend_deadline, step: saq, by: 1 month, reviews: {{ids: [C1-G1-GHA]}}}}
"""
    # before the migration: the v1 clock (6 months after 2020-12-01)
    before = decide(both, tmp_path, decision.format(n=1, day="2021-01-20"), "2021-01-20")
    (move,) = before["moves"]
    assert (move["step"], move["old"], move["new"]) == ("saq", "2021-06-01", "2021-07-01")
    # after it: country_review@2's 9-month clock
    after = decide(both, tmp_path, decision.format(n=2, day="2021-03-01"), "2021-03-01")
    (move,) = after["moves"]
    assert (move["step"], move["old"], move["new"]) == ("saq", "2021-09-01", "2021-10-01")
    assert after["skipped"] == []
