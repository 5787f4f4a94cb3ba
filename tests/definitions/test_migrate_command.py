"""`untoc migrate`: the dry run lists every deadline that moves and changes nothing; the
migration is a dated event, and states before its date are those of the old version."""

from __future__ import annotations

import json
from pathlib import Path

MECHANISM = Path(__file__).resolve().parents[1] / "cli" / "mechanism.yaml"


def status(cli, as_of: str) -> dict[str, dict]:
    out = cli("status", "--as-of", as_of, "--format", "json").stdout
    return {s["review"]: s for s in json.loads(out)}


def saq_due(state: dict) -> str | None:
    step = next(s for s in state["steps"] if s["step"] == "saq")
    return step["deadline"]["due"] if step["deadline"] else None


def test_dry_run_lists_the_moves_then_the_migration_applies_from_its_date(
    cli, defs_with_v2, monkeypatch
):
    monkeypatch.setenv("UNTOC_PROCESS_DEFS", str(defs_with_v2))
    cli("import", str(MECHANISM))
    before = status(cli, "2021-02-01")
    gha_due = saq_due(before["C1-G1-GHA"])
    assert gha_due == "2021-06-01"  # the v1 clock: 6 months after 2020-12-01

    dry = json.loads(
        cli(
            "migrate",
            "--to",
            "country_review@2",
            "--on",
            "2021-02-01",
            "--reviews",
            "C1-G1-GHA",
            "--dry-run",
            "--format",
            "json",
        ).stdout
    )
    (plan,) = dry["reviews"]
    assert plan["from"] == "country_review@1"
    assert {
        "step": "saq",
        "before": {"due": "2021-06-01", "source": "rule"},
        "after": {"due": "2021-09-01", "source": "rule"},
    } in plan["moved"]
    assert status(cli, "2021-02-01") == before  # the dry run changed nothing

    text = cli(
        "migrate", "--to", "country_review@2", "--on", "2021-02-01", "--reviews", "C1-G1-GHA"
    ).stdout
    assert "C1-G1-GHA  saq  2021-06-01 (rule) -> 2021-09-01 (rule)" in text
    assert "recorded 1 events" in text
    assert saq_due(status(cli, "2021-01-31")["C1-G1-GHA"]) == "2021-06-01"
    after = status(cli, "2021-02-01")["C1-G1-GHA"]
    assert (saq_due(after), after["process_version"]) == ("2021-09-01", 2)
    # the other reviews were not named: they keep v1
    assert status(cli, "2021-02-01")["C1-G1-NGA"]["process_version"] == 1
    again = cli(
        "migrate", "--to", "country_review@2", "--on", "2021-03-01", "--reviews", "C1-G1-GHA"
    ).stdout
    assert "0 reviews" in again


def test_migrating_to_a_version_not_loaded_is_refused_and_names_the_loaded(cli):
    cli("import", str(MECHANISM))
    result = cli("migrate", "--to", "country_review@7", "--on", "2021-02-01", code=1)
    output = result.output + (result.stderr if result.stderr_bytes else "")
    assert "country_review@7" in output and "country_review@1" in output
    assert "Traceback" not in output
