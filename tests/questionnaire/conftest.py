"""Workbooks built in the test with openpyxl (no binary fixture in the repository)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

EN, FR = "label::English (en)", "label::Français (fr)"
SURVEY = [
    ["type", "name", EN, FR, "required", "relevant", "constraint"],
    ["begin_group", "art5", "Article 5", "Article 5", "", "", ""],
    ["select_one yn", "q1", "Is it an offence?", "Est-ce une infraction ?", "yes", "", ""],
    ["integer", "cases", "How many cases?", "Combien d'affaires ?", "", "${q1} = 'yes'", ". >= 0"],
    ["end_group", "art5", "", "", "", "", ""],
]
CHOICES = [["list_name", "name", EN, FR], ["yn", "yes", "Yes", "Oui"], ["yn", "no", "No", "Non"]]


def write_form(
    path: Path,
    survey: list[list[Any]] = SURVEY,
    choices: list[list[Any]] | None = CHOICES,
    settings: list[list[Any]] | None = None,
) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "survey"
    for row in survey:
        sheet.append(row)
    if choices is not None:
        c = book.create_sheet("choices")
        for row in choices:
            c.append(row)
    s = book.create_sheet("settings")
    for row in settings or [["form_title", "form_id"], ["A test", "test_form"]]:
        s.append(row)
    book.save(path)
    return path


@pytest.fixture
def cli(untoc_cli_sqlite):
    """`untoc ...` in a fresh folder with its own SQLite store; returns the result."""
    return untoc_cli_sqlite(None)
