"""The JSON Schema of the mechanism file, generated from the models.

Regenerate the committed copy with `python -m untoc_workflow.mechanism_file`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Union

from pydantic import BaseModel, Field, create_model

from .models import MechanismDocument

if TYPE_CHECKING:
    from ..definitions import ProcessCatalog

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "schemas" / "mechanism-file.schema.json"
SCHEMA_ID = "https://untoc.example.org/schemas/mechanism-file.schema.json"


def document_model(definitions: ProcessCatalog | None = None) -> type[BaseModel]:
    """The whole file as one model, its events a union of the engine's facts and those the
    loaded definitions declare (by default the bundled ones: the published schema)."""
    from ..definitions import load_definitions
    from ..definitions.load import BUNDLED_DEFS
    from .facts import EventVocabulary

    vocabulary = EventVocabulary(definitions or load_definitions(BUNDLED_DEFS))
    models = tuple(vocabulary.models.values())
    union = Annotated[Union[models], Field(discriminator="type")]  # type: ignore[valid-type]  # noqa: UP007
    return create_model(
        "MechanismDocument",
        __base__=MechanismDocument,
        __doc__=MechanismDocument.__doc__,
        events=(list[union], Field(default_factory=list)),
    )


def json_schema() -> dict[str, Any]:
    schema = document_model().model_json_schema(mode="validation")
    _with_the_mechanism_shape(schema)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "UNTOC Review Mechanism file (untoc-mechanism/1)",
        **{k: v for k, v in schema.items() if k != "title"},
    }


def _with_the_mechanism_shape(schema: dict[str, Any]) -> None:
    """What the bundled mechanism.yaml declares (regional groups, the instrument every Party
    is party to, the shape of each process's reviews), written into the schema the models
    leave open, so the published schema says of a UNTOC file what `untoc import` checks."""
    from ..definitions.load import BUNDLED_DEFS
    from ..mechanism.definition import load_mechanism

    mechanism = load_mechanism(BUNDLED_DEFS / "mechanism.yaml")
    defs = schema["$defs"]
    party = defs["PartyModel"]["properties"]
    party["regional_group"] = {
        "anyOf": [
            {"enum": list(mechanism.regional_group_ids), "type": "string"},
            {"type": "null"},
        ],
        "description": "a regional group of the Mechanism (mechanism.yaml regional_groups)",
        "title": "Regional Group",
    }
    if mechanism.party_to is not None:
        party["instruments"]["required"] = [mechanism.party_to]
    review = defs["ReviewModel"]
    for key in ("cluster", "group"):
        review["properties"][key].pop("default", None)  # left out: the review has none
    default_process = review["properties"]["process"]["default"]
    rules = []
    for process, shape in mechanism.reviews.items():
        named: dict[str, Any] = {"properties": {"process": {"const": process}}}
        named["required"] = ["process"]
        when = {"anyOf": [named, {"not": {"required": ["process"]}}]}
        then: dict[str, Any] = {"properties": {}, "required": []}
        for key, span in (("cluster", shape.cluster), ("group", shape.group)):
            if span is not None:
                then["required"].append(key)
                then["properties"][key] = {"minimum": span.min} | (
                    {"maximum": span.max} if span.max is not None else {}
                )
        if shape.instruments == "declared":
            then["properties"]["instruments"] = {"items": {"enum": list(mechanism.instrument_ids)}}
        if shape.reviewers is not None:
            then["properties"]["reviewers"] = {"minItems": shape.reviewers.min}
        rules.append({"if": when if process == default_process else named, "then": then})
    if rules:
        review["allOf"] = rules


def schema_text() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


def write_schema(path: Path = SCHEMA_PATH) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(schema_text(), encoding="utf-8")
    return path
