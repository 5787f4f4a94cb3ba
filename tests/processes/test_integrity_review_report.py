"""The status report of a body that is not UNTOC (tests/processes/integrity_review, its
folder alone): headed with its own mechanism's name, its reviews called as it calls them,
and nothing of a 70 % rule or of groups its Mechanism does not have."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

HERE = Path(__file__).parent / "integrity_review"


def page_text(folder: Path) -> str:
    page = (folder / "index.html").read_text(encoding="utf-8")
    page = re.sub(r"<style.*?</style>", "", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


@pytest.mark.parametrize(
    ("lang", "mechanism", "reviews", "under_way"),
    [
        (
            "en",
            "Integrity Review Mechanism of the Coastal States Anti-Corruption Group",
            "Integrity reviews 3",
            ": under way",
        ),
        (
            "fr",
            "Mécanisme d'examen d'intégrité du Groupe des États côtiers contre la corruption",
            "Examens d'intégrité 3",
            " : en cours",
        ),
    ],
)
def test_the_page_is_the_groups_own(ir_cli, tmp_path, lang, mechanism, reviews, under_way):
    cli = ir_cli
    out = tmp_path / "page"
    cli("report", "--as-of", "2025-07-07", "--format", "html", "--lang", lang, "--out", str(out))
    text = page_text(out)
    assert text.startswith(f"{mechanism} - ")
    assert f"<h1>{html.escape(mechanism, quote=False)}</h1>" in (out / "index.html").read_text(
        encoding="utf-8"
    ).replace("&#x27;", "'")
    assert reviews in text
    # the rows that count reviews say its word, never UNTOC's "Reviews under way"
    word = reviews.rsplit(" ", 1)[0]
    assert f"{word}{under_way}" in text
    assert not [w for w in ("Reviews under way", "Examens en cours") if w in text]
    # the group has no clusters, no groups and no 70 % rule: its page says nothing of them
    assert not [w for w in ("UNTOC", "70", "Group 0", "Groupe 0", "Figure II") if w in text]
    assert sorted(p.name for p in out.glob("*.png")) == ["figure-P1.png"]


def test_the_forecast_of_a_body_without_clusters_promises_no_70_percent_date(untoc_cli, tmp_path):
    cli = untoc_cli(None, UNTOC_PROCESS_DEFS=str(HERE), UNTOC_PROCESS_DEFS_ONLY="1")
    cli("import", str(HERE / "members.yaml"), "--as-of", "2025-03-10")
    out = cli(
        "forecast", "--as-of", "2025-07-07", "--process", "integrity_review", "--runs", "50"
    ).stdout
    lines = out.splitlines()
    assert lines[0] == "3 open review(s) of integrity_review forecast:"
    assert lines[1].startswith("  IR-2024-NGA (mission_phase): completes around ")
    assert "70%" not in out and "group" not in out and "cluster" not in out


def test_the_groups_stages_are_named_by_their_titles_in_the_pages_language(untoc_cli, tmp_path):
    cli = untoc_cli(None, UNTOC_PROCESS_DEFS=str(HERE), UNTOC_PROCESS_DEFS_ONLY="1")
    cli("import", str(HERE / "members.yaml"), "--as-of", "2025-03-10")
    out = tmp_path / "page"
    cli("report", "--as-of", "2025-07-07", "--format", "html", "--lang", "fr", "--out", str(out))
    text = page_text(out)
    for title in ("Pas encore commencé", "Rapport national reçu", "Entériné par la Plénière"):
        assert title in text
    assert not [w for w in ("Pending", "Self reporting", "Mission phase") if w in text]


def test_a_members_calendar_says_what_it_is_in_each_review_as_the_group_does(untoc_cli, tmp_path):
    cli = untoc_cli(None, UNTOC_PROCESS_DEFS=str(HERE), UNTOC_PROCESS_DEFS_ONLY="1")
    cli("import", str(HERE / "members.yaml"), "--as-of", "2025-03-10")
    ics = tmp_path / "sen.ics"
    cli("calendar", "--as-of", "2025-03-10", "--party", "SEN", "--out", str(ics))
    text = " ".join(ics.read_text(encoding="utf-8").replace("\n ", "").split())
    assert "Senegal is the evaluated member." in text
    assert "Senegal is the assessing member." in text
    assert "Party" not in text
    # its reviews as it calls them, made by its own secretariat, never UNODC's
    assert "DESCRIPTION:Integrity review IR-" in text and "Review IR-" not in text
    assert "PRODID:-//Secretariat of the Coastal States Anti-Corruption Group//" in text
    assert "UNODC" not in text


def test_status_json_and_csv_leave_cluster_and_group_empty_for_a_body_without_them(ir_cli):
    """The group numbers its reviews in no cluster or group: the JSON says null and the CSV
    leaves the cells empty, as the status table does, never "cluster 0, group 0"."""
    import csv
    import io
    import json

    states = json.loads(ir_cli("status", "--as-of", "2025-03-10", "--format", "json").stdout)
    assert len(states) == 3
    assert {(s["cluster"], s["group"]) for s in states} == {(None, None)}
    text = ir_cli("export-csv", "--as-of", "2025-03-10").stdout
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 3
    assert {(r["cluster"], r["group"]) for r in rows} == {("", "")}


def test_the_json_of_a_body_without_the_rule_claims_no_threshold(ir_cli, untoc_cli):
    """The report's and the forecast's JSON of a Mechanism that declares no rule for the
    next cluster say no threshold and no verdict (null), never the paper's 70 %."""
    import json

    report = json.loads(ir_cli("report", "--as-of", "2025-07-07", "--format", "json").stdout)
    progress = report["cluster_progress"]
    assert (progress["threshold"], progress["next_cluster_may_start"]) == (None, None)
    cli = untoc_cli(None, UNTOC_PROCESS_DEFS=str(HERE), UNTOC_PROCESS_DEFS_ONLY="1")
    cli("import", str(HERE / "members.yaml"), "--as-of", "2025-03-10")
    forecast = json.loads(
        cli(
            "forecast",
            "--as-of",
            "2025-07-07",
            "--process",
            "integrity_review",
            "--runs",
            "50",
            "--format",
            "json",
        ).stdout
    )
    assert forecast["scenarios"]
    assert {(s["threshold"], s["needed"], s["threshold_date"]) for s in forecast["scenarios"]} == {
        (None, None, None)
    }
    assert forecast["reviews"]
