"""The JSON Schema of `process_defs/mechanism.yaml` (the Mechanism's rules), generated from
the models and committed beside those of process definitions and mechanism files.

It says what the models say: keys, types, ranges, patterns. What needs more than one
value at a time (an id declared twice, a group or instrument named but not declared, a
process no loaded definition declares) only the loader checks.

Regenerate with: python -m untoc_workflow.mechanism.schema
"""

from __future__ import annotations

import json
from pathlib import Path

from .definition import MechanismDefinition

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "schemas" / "mechanism-definition.schema.json"


def mechanism_schema_text() -> str:
    schema = MechanismDefinition.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "The rules of a review mechanism (process_defs/mechanism.yaml)"
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


if __name__ == "__main__":
    SCHEMA_PATH.parent.mkdir(exist_ok=True)
    SCHEMA_PATH.write_text(mechanism_schema_text(), encoding="utf-8")
    print(f"wrote {SCHEMA_PATH}")
