"""The JSON Schema of the mechanism file, generated from the models.

Regenerate the committed copy with `python -m untoc_workflow.mechanism_file`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .models import MechanismDocument

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "schemas" / "mechanism-file.schema.json"
SCHEMA_ID = "https://untoc.example.org/schemas/mechanism-file.schema.json"


def json_schema() -> dict[str, Any]:
    schema = MechanismDocument.model_json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "UNTOC Review Mechanism file (untoc-mechanism/1)",
        **{k: v for k, v in schema.items() if k != "title"},
    }


def schema_text() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


def write_schema(path: Path = SCHEMA_PATH) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(schema_text(), encoding="utf-8")
    return path
