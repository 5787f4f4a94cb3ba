"""The JSON Schema of `process_defs/mechanism.yaml` (the Mechanism's rules), generated from
the models and committed beside those of process definitions and mechanism files.

It says what the models say: keys, types, ranges, patterns. What needs more than one
value at a time (an id declared twice, a group or instrument named but not declared, a
process no loaded definition declares) only the loader checks.

Regenerate with: python -m untoc_workflow.mechanism.schema
"""

from __future__ import annotations

from ..definitions.schema import SCHEMAS, model_schema_text, write_schema_text
from .definition import MechanismDefinition

SCHEMA_PATH = SCHEMAS / "mechanism-definition.schema.json"


def mechanism_schema_text() -> str:
    return model_schema_text(
        MechanismDefinition, "The rules of a review mechanism (process_defs/mechanism.yaml)"
    )


if __name__ == "__main__":
    write_schema_text(SCHEMA_PATH, mechanism_schema_text())
