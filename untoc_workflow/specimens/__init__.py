"""Specimen letters: sample values that take every branch a letter's template may take, and
the definition check that renders every rung's template with them in the six languages.

Above `notify` (which never imports this package): the letters themselves are written by
`notify` from the record; what is here is written from nothing, to check a process's
templates when its definition is loaded and to show its letters (tests, screenshots)."""

from .check import check_definition_templates, check_template, clear_check_cache
from .contexts import (
    LETTERS,
    SAMPLE_AGREED_AT,
    SampleStep,
    agreed_elsewhere,
    bundled_sample_steps,
    sample_digest_contexts,
    sample_letter_contexts,
    sample_notice_contexts,
    sample_steps,
)

__all__ = [
    "LETTERS",
    "SAMPLE_AGREED_AT",
    "SampleStep",
    "agreed_elsewhere",
    "bundled_sample_steps",
    "check_definition_templates",
    "check_template",
    "clear_check_cache",
    "sample_digest_contexts",
    "sample_letter_contexts",
    "sample_notice_contexts",
    "sample_steps",
]
