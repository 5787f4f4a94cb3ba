"""`untoc report`, `export-csv`, `calendar` and `forecast` on a real store (SQLite and
PostgreSQL) loaded with the bundled sample."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from typer.testing import CliRunner

from untoc_workflow.cli import app
from untoc_workflow.reports import status_report
from untoc_workflow.sample import SAMPLE_FILE


@pytest.fixture()
def cli(tmp_path, monkeypatch, store_url):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("UNTOC_DATABASE_URL", store_url)
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    runner = CliRunner()

    def run(*args: str, code: int = 0):
        result = runner.invoke(app, list(args), catch_exceptions=False)
        assert result.exit_code == code, result.output + (
            result.stderr if result.stderr_bytes else ""
        )
        return result

    run("import", str(SAMPLE_FILE))
    return run


def test_report_json_is_the_report_of_the_store(cli, process, sample):
    out = json.loads(cli("report", "--as-of", "2024-04-16").stdout)
    assert out == json.loads(json.dumps(status_report(process, sample, date(2024, 4, 16))))
    assert out["reviews"]["by_stage"]["written_feedback"] == 37
    earlier = json.loads(cli("report", "--as-of", "2022-06-01", "--format", "json").stdout)
    assert earlier["as_of"] == "2022-06-01"
    assert earlier["reviews"]["by_stage"]["not_started"] == 153


def test_report_html_writes_a_folder_with_the_page_and_its_charts(cli, tmp_path):
    cli("report", "--as-of", "2024-04-16", "--format", "html", "--out", "paper", "--lang", "fr")
    folder = tmp_path / "paper"
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert '<html lang="fr">' in page and "Situation au 16 avril 2024" in page
    assert sorted(p.name for p in folder.glob("figure-*.png")) == [
        f"figure-{n}.png" for n in sorted(("I", "II", "III", "IV", "V", "VI", "VII", "P1"))
    ]  # figures I-VII and the country review's section (P1)
    assert json.loads((folder / "report.json").read_text())["as_of"] == "2024-04-16"


def test_bad_options_fail_with_a_message_and_write_nothing(cli, tmp_path):
    bad_date = cli("report", "--as-of", "2024-02-30", code=2)
    assert "not a date" in bad_date.output
    bad_lang = cli("report", "--format", "html", "--out", "x", "--lang", "de", code=1)
    assert "choose en, fr" in bad_lang.output + (bad_lang.stderr or "")
    assert not (tmp_path / "x").exists()
    cli("report", "--format", "pdf", code=2)
    unknown = cli("calendar", "--party", "XXX", "--out", "x.ics", code=1)
    assert "unknown party 'XXX'" in unknown.output + (unknown.stderr or "")
    assert not (tmp_path / "x.ics").exists()
    cli("forecast", "--extend", "feedback:3", code=1)


def test_export_csv_and_calendar(cli, tmp_path):
    rows = list(csv.DictReader(io.StringIO(cli("export-csv", "--as-of", "2024-04-16").stdout)))
    assert len(rows) == 189
    cli("export-csv", "--as-of", "2024-04-16", "--out", "reviews.csv")
    text = (tmp_path / "reviews.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("review,cluster,group,reviewed")
    cli(
        "calendar",
        "--as-of",
        "2024-04-16",
        "--party",
        "NGA",
        "--include-overdue",
        "--out",
        "nga.ics",
    )
    ics = (tmp_path / "nga.ics").read_text()
    assert "UID:C1-G2-NGA.focal_points@untoc-review-mechanism" in ics


def test_forecast_is_deterministic_and_takes_a_decision(cli, tmp_path):
    from pathlib import Path

    defs = Path(__file__).resolve().parents[2] / "untoc_workflow/process_defs"
    decision = defs / "decisions/example_threshold.yaml"
    args = (
        "forecast",
        "--as-of",
        "2024-04-16",
        "--runs",
        "50",
        "--seed",
        "4",
        "--format",
        "json",
        "--decision",
        str(decision),
        "--extend",
        "written_feedback:3",
    )
    first = json.loads(cli(*args).stdout)
    second = json.loads(cli(*args).stdout)
    assert first == second
    names = [s["name"] for s in first["scenarios"]]
    assert names == ["baseline", "extend-written_feedback", "decision"]
    cli("forecast", "--as-of", "2024-04-16", "--runs", "50", "--out", "fc")
    assert (tmp_path / "fc" / "forecast.png").stat().st_size > 1000
