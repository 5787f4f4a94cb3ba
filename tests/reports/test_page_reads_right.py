"""The HTML report reads right: its tables add up, its dates and percentages are written as
UN documents write them in the page's language, the forecast says how uncertain it is, the
page passes axe-core in Chromium, and the report's code names no step or fact of a process
(the definition's `report:` says which step feeds which figure)."""

from __future__ import annotations

import re
import shutil
from datetime import date
from html import unescape
from pathlib import Path

import pytest
import yaml

from untoc_workflow.definitions import load_definitions
from untoc_workflow.definitions.load import BUNDLED_DEFS
from untoc_workflow.errors import InputError
from untoc_workflow.reports import status_report, write_status_report
from untoc_workflow.reports.html import render_page
from untoc_workflow.reports.i18n import share, un_date

from .conftest import axe_violations

ROOT = Path(__file__).resolve().parents[2]
PAPER_DATE = date(2024, 4, 16)


@pytest.fixture(scope="module")
def report(sample):
    return status_report(load_definitions(), sample, PAPER_DATE)


def _table_after(html: str, anchor: str) -> list[list[str]]:
    """The rows (cells as text) of the first table after `anchor`, body and foot."""
    table = re.search(re.escape(anchor) + r".*?<table[^>]*>(.*?)</table>", html, re.S)
    assert table, anchor
    rows = re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S)
    return [[unescape(c) for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", r, re.S)] for r in rows]


def test_the_lateness_rows_add_up_to_the_questionnaires_submitted(report):
    html, _ = render_page(report, "en")
    rows = _table_after(html, '<h3 id="lateness">')
    head, *body, total = rows
    assert head == ["Questionnaires", "Count"]  # the heading is not printed twice
    assert html.count("Lateness of the submitted questionnaires") == 1
    counts = {label: int(n) for label, n in body}
    submitted = report["questionnaires"]["submitted"]
    assert submitted == 41
    assert sum(counts.values()) == submitted  # 46 before: "over 6 months" held "over a year"
    assert total == ["Total submitted", str(submitted)]
    assert counts["More than 6 months, at most a year late"] == 5
    assert counts["More than a year late"] == 5


def test_the_figures_tables_add_up_to_the_reviews(report):
    _, figs = render_page(report, "en")
    by_number = {f.number: f for f in figs}
    totals = [
        report["reviews"]["by_group"][g]["total"] for g in sorted(report["reviews"]["by_group"])
    ]
    # II: every review of a group is at one stage
    assert [sum(r[1:]) for r in by_number["II"].rows] == totals
    # III: held and not held make the group
    assert [r[1] + r[2] for r in by_number["III"].rows] == totals
    # VII: the written feedback's delays count every review at the stage
    assert sum(r[1] for r in by_number["VII"].rows) == report["written_feedback"]["at_stage"]
    # the country review's own section: its reviews by its stages
    assert (
        sum(r[1] for r in by_number["P1"].rows) == report["processes"]["country_review"]["reviews"]
    )


def test_dates_are_written_as_un_documents_write_them():
    assert un_date("2024-04-19", "en") == "19 April 2024"
    assert un_date("2024-04-19", "fr") == "19 avril 2024"
    assert un_date("2024-06-01", "fr") == "1er juin 2024"
    assert un_date("2024-04-19", "ar") == "19 نيسان/أبريل 2024"
    assert un_date("2024-04-19", "es") == "19 de abril de 2024"


def test_percentages_are_written_as_cldr_writes_them():
    assert share(0.31, "en") == "31%"
    assert share(0.31, "fr") == "31\u00a0%"  # a no-break space before the sign
    assert share(0.31, "ar") == "31%"  # Western digits, as UN Arabic documents
    assert share(0.705, "fr") == "70\u00a0%"


def test_the_french_page_has_no_iso_date_and_french_percentages(report):
    html, _ = render_page(report, "fr")
    body = re.sub(r'src="[^"]+"', "", html.split("</style>", 1)[1])
    text = re.sub(r"<[^>]+>", " ", body)
    assert "Situation au 16 avril 2024" in text
    assert re.search(r"\d{4}-\d{2}-\d{2}", text) is None
    women = report["focal_points"]["women"] / report["focal_points"]["persons"]
    assert f"({share(women, 'fr')})" in text
    assert re.search(r"\d%", text) is None  # never "31%" in French
    # counts grouped as French groups them: 1 003 governmental experts
    assert report["experts"]["persons"] == 1003
    assert '<td class="n">1\u202f003</td>' in body


def test_the_forecast_says_how_uncertain_it_is(sample, tmp_path):
    page = write_status_report(
        load_definitions(), sample, PAPER_DATE, tmp_path, lang="en", with_forecast=True
    )
    html = unescape(page.read_text(encoding="utf-8"))
    section = re.search(r'<section id="forecast">(.*?)</section>', html, re.S)
    assert section
    text = re.sub(r"<[^>]+>", " ", section.group(1))
    # the median alone (2052) would look certain: the range and its basis are said
    assert "the median of the runs" in text or "in 8 runs of 10" in text
    assert re.search(r"not before \d+ \w+ \d{4} in 9 runs of 10|between \d+ \w+ \d{4} and", text)
    assert re.search(r"Based on \d+ completed phases of group 1's reviews so far", text)
    assert "The further the date, the less it says" in text


@pytest.mark.browser
def test_the_page_passes_axe_core_in_chromium(sample, tmp_path, chromium):
    page = write_status_report(
        load_definitions(), sample, PAPER_DATE, tmp_path, lang="fr", with_forecast=True
    )
    html = page.read_text(encoding="utf-8")
    assert html.count("<main>") == 1
    assert re.search(r"<th[^>]*>\s*</th>", html) is None  # no empty table header
    chromium.get(page.as_uri())
    assert axe_violations(chromium) == []


def test_a_report_entry_naming_another_process_s_step_is_refused(tmp_path):
    defs = tmp_path / "defs"
    shutil.copytree(BUNDLED_DEFS, defs)
    path = defs / "country_review.yaml"
    text = path.read_text(encoding="utf-8")
    bad = text.replace(
        "questionnaires: {figure: submissions, step: saq}",
        "questionnaires: {figure: submissions, step: self_assessment}",
    )
    assert bad != text
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(InputError) as refused:
        load_definitions(defs)
    message = str(refused.value)
    assert "country_review.yaml" in message
    assert "report.questionnaires: 'self_assessment' is not a step of this process" in message


def test_no_step_or_fact_id_of_a_bundled_process_is_written_in_the_report_code():
    ids: set[str] = set()
    for path in BUNDLED_DEFS.glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and "process" in data:
            ids |= {s["id"] for s in data["steps"]} | set(data.get("facts") or {})
    assert {"saq", "written_feedback", "observations_agreed", "self_assessment"} <= ids
    code = [
        *(ROOT / "untoc_workflow" / "reports").glob("*.py"),
        ROOT / "untoc_workflow" / "cli" / "report_commands.py",
    ]
    assert len(code) >= 7
    found = {
        (name, path.name)
        for path in code
        for name in ids
        if re.search(rf"\b{name}\b", path.read_text(encoding="utf-8"))
    }
    assert found == set()
