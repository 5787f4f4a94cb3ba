"""The JSON Schema of process definitions, generated from the models and committed.

Regenerate with: python -m untoc_workflow.definitions.schema
"""

from __future__ import annotations

import json
from pathlib import Path

from .process import ProcessDefinition

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "schemas" / "process-definition.schema.json"


def process_schema_text() -> str:
    schema = ProcessDefinition.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "UNTOC country-review process definition"
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


if __name__ == "__main__":
    SCHEMA_PATH.parent.mkdir(exist_ok=True)
    SCHEMA_PATH.write_text(process_schema_text(), encoding="utf-8")
    print(f"wrote {SCHEMA_PATH}")
