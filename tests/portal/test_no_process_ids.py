"""The portal's Python names no step or fact of a bundled process: which documents a
review takes, who gives them and which fact they bring come from its definition."""

from __future__ import annotations

import ast
from pathlib import Path

from untoc_workflow.definitions import load_definitions
from untoc_workflow.definitions.load import BUNDLED_DEFS

PORTAL = Path(__file__).resolve().parents[2] / "untoc_workflow" / "portal"


def test_no_step_or_fact_id_of_a_bundled_process_is_written_in_the_portal():
    catalog = load_definitions(BUNDLED_DEFS)
    ids = set()
    for definition in catalog.definitions.values():
        ids.update(s.id for s in definition.steps)
        ids.update(definition.facts)
        for step in definition.steps:
            ids.update(step.documents)
    assert {"saq", "observations_agreed", "checklist", "executive_summary_agreed"} <= ids
    found = []
    files = sorted(PORTAL.glob("*.py"))
    assert len(files) > 10
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in ids:
                found.append(f"{path.name}:{node.lineno}: {node.value!r}")
    assert found == []
