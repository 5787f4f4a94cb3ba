"""The help of the commands holds for any process: a review of another body's process is
not numbered C1-G1-..., its decisions are not the Conference's, its example party is not
UNTOC's. The help names what to give (the id as in the mechanism file), not UNTOC's ids."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from untoc_workflow.cli import app

# (command, words UNTOC's help used to give it that another process's reviews belie)
COMMANDS = [
    (["record"], "The review's id, as in the mechanism file."),
    (["redraw"], "The review's id, as in the mechanism file."),
    (["decide"], "A decision file (YAML)."),
    (["calendar"], "as in the mechanism file"),
    (["migrate"], "as `untoc processes` lists them"),
]
UNTOC_ONLY = (
    "C1-G1",
    "e.g. NGA",
    "Conference decision",
    "e.g. country_review",
    "per country review",
)


@pytest.mark.parametrize(
    ("command", "said"), COMMANDS, ids=lambda c: " ".join(c) if isinstance(c, list) else None
)
def test_a_commands_help_speaks_no_process_words(command, said):
    result = CliRunner().invoke(app, [*command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.replace("│", " ").split())
    assert said in text, text
    assert not [w for w in UNTOC_ONLY if w in text], text


def test_the_flows_group_says_one_run_per_review():
    result = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "200"})
    text = " ".join(result.output.replace("│", " ").split())
    assert "one run per review" in text, text
