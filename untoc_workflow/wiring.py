"""Where the layers meet: what the edges (the command line, the flows, the tests) switch on
before they load a definition.

The definition loader knows nothing of notify (the import rules of DESIGN.md); notify's own
check, that every rung's template exists in the six languages and uses only the fields a
notice has, is handed to it here, so a bad template fails the definition, not the send.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from .definitions import register_check
from .errors import Problem

if TYPE_CHECKING:
    from .definitions import ProcessDefinition
    from .yamlsource import Located

_wired = False


def _templates_exist(definition: ProcessDefinition, located: Located) -> Iterable[Problem]:
    # the letters' check is heavy to import; only a definition being parsed needs it
    from .specimens.check import check_definition_templates

    return check_definition_templates(definition, located)


def _questionnaires_exist(definition: ProcessDefinition, located: Located) -> Iterable[Problem]:
    from .questionnaire.attached import check_definition

    return check_definition(definition, located)


def wire() -> None:
    """Hand notify's template check to the definition loader (once per process)."""
    global _wired
    if not _wired:
        register_check(_templates_exist)
        register_check(_questionnaires_exist)
        _wired = True
