"""Process definitions: declarative YAML parsed into frozen, checked models."""

from .catalog import DEFAULT_PROCESS, ProcessCatalog, load_definitions
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
