"""What the secretariat reads on its desk (the Prefect UI): a run's state in words, its tags.

Plain values from a review's position, no Prefect import: the flow puts the message on the
run's Suspended state and the tags on the run, so the runs list says what is late and can
be filtered by step, role and lateness.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from ..core.state import Deadline
from .own_words import declared_stage_title, numbered, process_tag, review_word, stage_words
from .position import Position

if TYPE_CHECKING:
    from ..core.state import ReviewState, StepState
    from ..definitions.catalog import Definitions

# Lateness bands, as tags: the list filters on one tag, not on a number of days.
_BANDS = ((30, "late:<1m"), (182, "late:1-6m"), (365, "late:6-12m"))
LATE_OVER_A_YEAR = "late:>1y"
ON_TIME = "late:no"


def un_date(day: date) -> str:
    """A date as the secretariat writes it in English: 11 October 2021."""
    return f"{day.day} {day:%B %Y}"


def stored_date(value: Any) -> str:
    """A date the store gives back (a date, or its ISO text in SQLite) as the desk writes
    dates: 16 April 2024."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return str(value)
    return un_date(value) if isinstance(value, date) else str(value)


def deadline_source(deadline: Deadline, own: Any = None) -> str:
    """Where a deadline comes from, in words. `own`: the review's process definition; one
    that speaks in its own words (its `roles:`) has no Conference, no preliminary
    consultation and no guidelines of UNTOC's."""
    roles = getattr(own, "roles", None) or {}
    if not roles:
        if deadline.source == "agreed":
            return "agreed at the preliminary consultation"
        if deadline.source == "extended":
            if deadline.decision:
                return f"extended by Conference decision {deadline.decision}"
            return f"extended ({deadline.basis})" if deadline.basis else "extended"
        return "time limit of the guidelines"
    if deadline.source == "agreed":
        return "agreed by the parties to the review"
    if deadline.source == "extended":
        if deadline.decision:
            body = own.role_title("body", "en") if "body" in roles else None
            return f"extended by decision {deadline.decision}" + (f" of the {body}" if body else "")
        return f"extended ({deadline.basis})" if deadline.basis else "extended"
    title = own.title.get("en") or own.process.replace("_", " ")
    return f"time limit of the {title[:1].lower() + title[1:]}"


def review_definition(definition: Definitions, state: ReviewState) -> Any:
    """The review's own (process, version) definition, from the catalog of every process."""
    from ..definitions.catalog import ProcessCatalog

    if isinstance(definition, ProcessCatalog):
        return definition.resolve(state.process, state.process_version)
    return definition


def lateness(days_overdue: int) -> str:
    """The lateness band of a step `days_overdue` days past its deadline."""
    if days_overdue <= 0:
        return ON_TIME
    for limit, band in _BANDS:
        if days_overdue <= limit:
            return band
    return LATE_OVER_A_YEAR


def party_names(codes: Sequence[str], parties: Mapping[str, Any]) -> str:
    """ "Albania", "Ghana and Germany", "Ghana, Germany and Peru"."""
    names = [getattr(parties.get(c), "name", None) or c for c in codes]
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def days_phrase(days_overdue: int) -> str:
    if days_overdue > 0:
        return f"{days_overdue} day{'s' if days_overdue != 1 else ''} overdue"
    if days_overdue == 0:
        return "due today"
    return f"due in {-days_overdue} day{'s' if days_overdue != -1 else ''}"


def open_steps(position: Position) -> list[Any]:
    """The review's open steps, the latest first (most days past its deadline; a step with
    no deadline last), definition order between equals: what the desk reports on."""
    steps = [s for s in position.state.steps if s.is_open]
    order = {s.step: i for i, s in enumerate(steps)}

    def overdue(s: Any) -> int:
        return (position.as_of - s.deadline.due).days if s.deadline else -(10**9)

    return sorted(steps, key=lambda s: (-overdue(s), order[s.step]))


def worst_step(position: Position) -> Any:
    """The open step the review is latest with, else the step its run waits at."""
    steps = open_steps(position)
    return steps[0] if steps else position.step_state


def began_late(started_on: date) -> str:
    """A step that began after its deadline had passed, said as the letters say it
    ("could begin only on 1 August 2023, after its deadline"): their English lexicon's
    words and date, not a phrasing of the desk's own."""
    from ..wording.languages import long_date

    return str(_letters_lexicon().began_late(long_date(started_on, "en")))


@functools.cache
def _letters_lexicon() -> Any:
    """The bundled letters' English lexicon (templates/en/_lexicon.j2), its macros callable."""
    import jinja2

    from ..definitions.load import BUNDLED_DEFS
    from ..wording.words import install

    folder = BUNDLED_DEFS / "templates"
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
    )
    install(env, folder)
    return env.get_template("en/_lexicon.j2").module


def _step_words(
    step: StepState, definition: Definitions, position: Position, parties: Mapping[str, Any]
) -> str:
    parts = [step_label(definition, position.state, step.step)]
    if step.deadline is not None:
        due = step.deadline.due
        source = deadline_source(step.deadline, review_definition(definition, position.state))
        parts.append(f"due {un_date(due)} ({source})")
        parts.append(days_phrase((position.as_of - due).days))
        if step.started_on is not None and step.started_on > due:
            parts.append(began_late(step.started_on))
    if step.waiting_for:
        parts.append(f"waiting for {party_names(step.waiting_for, parties)}")
    return " - ".join(parts)


def step_label(definition: Definitions, state: ReviewState, step_id: str) -> str:
    """A step's title read in the review's own (process, version): handed the catalog of
    every process, the desk asks it for the review's definition, never for a step found by
    its id in another process."""
    own = review_definition(definition, state)
    try:
        return str(own.step(step_id).label())
    except (KeyError, AttributeError, StopIteration):
        return step_id.replace("_", " ")


def state_message(
    position: Position,
    definition: Definitions,
    parties: Mapping[str, Any],
    *,
    refused: str | None = None,
) -> str:
    """The run's state in one line, e.g. "Self-assessment questionnaire - due 11 October 2021
    (agreed at the preliminary consultation) - 918 days overdue - waiting for Albania": the
    review's latest open step, however many are open, and how many are (the run's form
    records the fact of any of them); a refused fact is said first, so the person who
    entered it sees why nothing moved. A review at its last stage with a step still open
    (publication) is not called complete."""
    steps = open_steps(position)
    own = review_definition(definition, position.state)
    review = review_word(own, cap=True)  # "Country review", "Integrity review"
    if position.complete and not steps:
        # the last stage by its title, when the process gives one ("Endorsed by the Plenary")
        title = declared_stage_title(own, position.state.stage)
        return f"{review} complete" + (f" ({title})" if title else "")
    if position.complete:
        stage = stage_words(own, position.state.stage)
        head = f"{review} at its last stage ({stage}) with {_count(len(steps))} still open"
        line = f"{head}: {_step_words(steps[0], definition, position, parties)}"
    else:
        step = worst_step(position)
        assert step is not None
        line = _step_words(step, definition, position, parties)
        waited = position.step_state
        if waited is not None and position.step and waited.step != step.step:
            # the form asks for another step's fact: say which, and whom it waits for
            form = f"the form records {step_label(definition, position.state, position.step)}"
            if waited.waiting_for:
                form += f", waiting for {party_names(waited.waiting_for, parties)}"
            line += f" ({_count(len(steps))} open; {form})"
        elif len(steps) > 1:
            line += f" ({_count(len(steps))} open)"
    return f"Not recorded: {refused}. {line}" if refused else line


def _count(n: int) -> str:
    return f"{n} step{'s' if n != 1 else ''}"


def run_name(review_id: str, message: str) -> str:
    """The live run's name: the review, then its state (the runs list shows names)."""
    return f"{review_id}: {message}"


def review_of_run(name: str, parameters: Mapping[str, Any] | None = None) -> str:
    """The review a run follows: its parameter, else the name's first part."""
    if parameters and parameters.get("review_id"):
        return str(parameters["review_id"])
    return name.split(":", 1)[0].split(" (", 1)[0]


def run_tags(position: Position) -> list[str]:
    """Tags of a review's run: role, step and lateness (the list filters on them), and
    `party:` for every Party of the review (a Party's fact finds the runs it may resume)."""
    state = position.state
    tags = [
        # the review's own process (`untoc`, `csacg`), its group and cluster if it has any
        process_tag(position.definition),
        *([f"group:{state.group}"] if numbered(state.group) else []),
        *([f"cluster:{state.cluster}"] if numbered(state.cluster) else []),
        f"reviewed:{state.reviewed}",
        *(f"reviewer:{p}" for p in state.reviewers),
        *(f"party:{p}" for p in dict.fromkeys([state.reviewed, *state.reviewers])),
    ]
    steps = open_steps(position)
    if not steps and (position.complete or position.step_state is None):
        return [*tags, "step:done"]
    # one tag per open step (filtering on a step finds every review it is open in), the
    # lateness band of the latest one, and how many are open
    shown = steps or [position.step_state]
    tags.extend(f"step:{s.step.replace('_', '-')}" for s in shown)
    worst = shown[0]
    overdue = (position.as_of - worst.deadline.due).days if worst.deadline else 0
    tags.append(lateness(overdue))
    tags.append(f"open:{len(steps)}")
    return tags
