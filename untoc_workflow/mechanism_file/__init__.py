"""The mechanism file (`untoc-mechanism/1`): parse and check it, convert it to the core's
values and back, write it as JSON or YAML, and publish its JSON Schema."""

from __future__ import annotations

from pathlib import Path

from ..yamlsource import load_file
from .convert import data_from_json, data_to_json, event_to_dict
from .export import document_from_core, write_document
from .models import FORMAT, MechanismDocument
from .parse import Known, MechanismReader, ParsedMechanism, parse_document
from .schema import SCHEMA_PATH, json_schema, write_schema


def load_mechanism_file(path: str | Path) -> ParsedMechanism:
    """Read and check a mechanism file on its own (no store); raise InputError on problems."""
    return parse_document(load_file(path, aliases=False))


__all__ = [
    "FORMAT",
    "SCHEMA_PATH",
    "Known",
    "MechanismDocument",
    "MechanismReader",
    "ParsedMechanism",
    "data_from_json",
    "data_to_json",
    "document_from_core",
    "event_to_dict",
    "json_schema",
    "load_mechanism_file",
    "parse_document",
    "write_document",
    "write_schema",
]
