"""Process definitions: declarative YAML parsed into frozen, checked models."""

from .catalog import (
    DEFAULT_PROCESS,
    ProcessCatalog,
    definitions_of,
    load_definitions,
    steps_by_id,
    steps_by_key,
)
from .facts import FieldSpec, StepFact, fact_fields, step_facts
from .load import load_process, parse_process, process_defs_dir, register_check
from .process import Fact, FactField, ProcessDefinition, Rung, Step

__all__ = [
    "DEFAULT_PROCESS",
    "Fact",
    "FactField",
    "FieldSpec",
    "ProcessCatalog",
    "StepFact",
    "definitions_of",
    "steps_by_id",
    "steps_by_key",
    "fact_fields",
    "step_facts",
    "load_definitions",
    "ProcessDefinition",
    "Rung",
    "Step",
    "load_process",
    "parse_process",
    "process_defs_dir",
    "register_check",
]
