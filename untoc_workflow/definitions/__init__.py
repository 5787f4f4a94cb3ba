"""Process definitions: declarative YAML parsed into frozen, checked models."""

from .load import load_process, parse_process, process_defs_dir, register_check
from .process import ProcessDefinition, Rung, Step

__all__ = [
    "ProcessDefinition",
    "Rung",
    "Step",
    "load_process",
    "parse_process",
    "process_defs_dir",
    "register_check",
]
