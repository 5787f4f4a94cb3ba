"""The JSON Schema of process definitions, generated from the models and committed.

Regenerate with: python -m untoc_workflow.definitions.schema
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from .process import ProcessDefinition

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"
SCHEMA_PATH = SCHEMAS / "process-definition.schema.json"


def model_schema_text(model: type[BaseModel], title: str) -> str:
    """The JSON Schema (draft 2020-12) of a model of a YAML file, as committed in schemas/."""
    schema = model.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = title
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def write_schema_text(path: Path, text: str) -> None:
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path}")


def process_schema_text() -> str:
    return model_schema_text(ProcessDefinition, "UNTOC country-review process definition")


if __name__ == "__main__":
    write_schema_text(SCHEMA_PATH, process_schema_text())
