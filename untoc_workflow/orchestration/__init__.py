"""Orchestration of country reviews with Prefect: each review one long-running flow run.

Importing this package does not import Prefect; the functions that talk to a Prefect API do,
and only when one is configured (PREFECT_API_URL).
"""

from .desk import lateness, review_of_run, run_name, run_tags, state_message
from .facts import FACTS, Fact, fact_from_event, fact_model, split_recorder, with_recorder
from .forms import chosen_fact, fact_from_form, open_positions, resume_form, step_form
from .position import (
    Position,
    review_position,
    step_fact,
    step_from_key,
    suspend_key,
    waited_facts,
)
from .reading import review_snapshot
from .record import Outcome, check_languages, record_fact, refusal
from .runs import (
    DEPLOYMENT,
    FLOW_NAME,
    StartResult,
    WaitingRun,
    api_configured,
    astart_review_runs,
    awaiting_runs,
    resume_waiting_run,
    resume_waiting_runs,
    review_tags,
    start_review_runs,
    sync_waiting_runs,
    waiting_runs,
)

__all__ = [
    "DEPLOYMENT",
    "FACTS",
    "FLOW_NAME",
    "Fact",
    "Outcome",
    "Position",
    "StartResult",
    "WaitingRun",
    "api_configured",
    "astart_review_runs",
    "awaiting_runs",
    "check_languages",
    "fact_from_event",
    "fact_from_form",
    "fact_model",
    "lateness",
    "record_fact",
    "refusal",
    "resume_waiting_run",
    "resume_form",
    "step_form",
    "chosen_fact",
    "open_positions",
    "resume_waiting_runs",
    "review_of_run",
    "review_position",
    "review_snapshot",
    "review_tags",
    "run_name",
    "run_tags",
    "split_recorder",
    "state_message",
    "start_review_runs",
    "step_fact",
    "step_from_key",
    "suspend_key",
    "sync_waiting_runs",
    "waited_facts",
    "waiting_runs",
    "with_recorder",
]
