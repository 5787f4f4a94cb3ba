"""The secretariat's command line (`untoc`). Each area registers its own commands."""

from __future__ import annotations

import importlib
import sys

import typer

from ..wiring import wire
from .helptext import reflow_help

# The command line is an edge: it puts the layers together before any definition is read.
wire()

app = typer.Typer(
    name="untoc",
    help="Run the UNTOC Review Mechanism: reviews, deadlines, reminders, decisions, reports.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# One module per area; each has `register(app)`. A module not written yet is skipped.
_COMMAND_MODULES = (
    "untoc_workflow.cli.core_commands",
    "untoc_workflow.cli.notify_commands",
    "untoc_workflow.cli.mechanism_commands",
    "untoc_workflow.cli.report_commands",
    "untoc_workflow.cli.flow_commands",
    "untoc_workflow.cli.outbox_commands",
    "untoc_workflow.cli.process_commands",
    "untoc_workflow.cli.portal_commands",
    "untoc_workflow.cli.projection_commands",
    "untoc_workflow.cli.questionnaire_commands",
)

for _name in _COMMAND_MODULES:
    try:
        _module = importlib.import_module(_name)
    except ModuleNotFoundError as exc:
        if exc.name != _name:
            raise
        continue
    _module.register(app)

# Docstrings are written to be read as source; the help shows them as paragraphs.
reflow_help(app)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # a failure outside any command (each has fails_cleanly too)
        import os

        if os.environ.get("UNTOC_DEBUG"):
            raise
        from .common import error, explain

        error(explain(exc))
        sys.exit(1)
