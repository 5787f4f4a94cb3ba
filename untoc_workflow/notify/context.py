"""What a template may use: the fields of a notice and of the monthly summary.

The builders turn core values into plain dicts of already formatted text (dates in the
language, names on one line); `NOTICE_FIELDS`/`DIGEST_FIELDS` list every field, and the
definition check rejects a template that uses anything else.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from ..outbox.headers import one_line
from ..wording.languages import direction, long_date, month_year

# where letters take them
from ..wording.own_terms import own_secretariat as own_secretariat
from ..wording.own_terms import process_term as process_term
from ..wording.words import days as wording_days
from ..wording.words import is_state, local_party_name, term

if TYPE_CHECKING:
    from ..definitions import ProcessDefinition

# field -> None (a plain value or list) or the set of its attributes
NOTICE_FIELDS: dict[str, Any] = {
    "part": None,
    "language": None,
    "dir": None,
    "as_of": None,
    "reference": None,
    "recipient": frozenset({"name", "email", "role", "party", "party_code", "is_copy", "kind"}),
    # reviewed_is_state / reviewers_are_states: whether to say "State party" (the European
    # Union is a Party, not a State)
    "review": frozenset(
        {
            "id",
            "cluster",
            "group",
            "reviewed",
            "reviewed_code",
            "reviewed_is_state",
            "reviewers",
            "reviewers_are_states",
            "stage",
        }
    ),
    "step": frozenset({"id", "title", "title_en"}),
    "deadline": frozenset({"due", "due_iso", "source", "basis", "decision"}),
    "days_overdue": None,
    "late_by": None,
    "occurrence": None,
    "rung": None,
    "caught_up": None,
    "missed": None,  # working days the sweep did not run (formatted); empty: a holiday
    "counted_from": None,  # the step's start when it began after its deadline, or None
    "due_on": None,
    "waiting_for": None,
    # the Parties the step waits for (else the reviewed Party): list of {name, code, is_state}
    "concerned": None,
    "fallback": None,  # list of {party, party_code, reason, instead_of}
    "others": None,  # list of {name, role, party, copy}
    "secretariat": frozenset({"name", "email"}),
    # the review's own process: its title in the language, the subject's tag, and the
    # name of its mechanism when the process declares one (roles: mechanism), and the place
    # its letters are written in when not Vienna (roles: place)
    "process": frozenset({"id", "title", "tag", "mechanism", "place"}),
}

DIGEST_FIELDS: dict[str, Any] = {
    "part": None,
    "language": None,
    "dir": None,
    "as_of": None,
    "month": None,
    "reference": None,
    "recipient": frozenset({"name", "email", "role", "party", "party_code", "is_copy", "kind"}),
    # list of {id, reviewed, as_, stage, step, due, source, basis, days_overdue, late_by,
    #          waiting_for}
    "reviews": None,
    "secretariat": frozenset({"name", "email"}),
    "process": frozenset({"id", "title", "tag", "mechanism", "place"}),  # as in a notice
}


def late_by(days: int, language: str) -> str:
    """'1,163 days' written for the language, with its plural rules and grouping. Arabic
    letters always write the count after a preposition (بمقدار، بعد): the dual is in the
    genitive, يومين, never يومان."""
    text = wording_days(days, language)
    return text.replace("يومان", "يومين") if language == "ar" else text


def process_fields(definition: ProcessDefinition, language: str) -> dict[str, Any]:
    """The review's process as its letters name it, in `language` (else English)."""
    titles = dict(getattr(definition, "title", None) or {})
    title = titles.get(language) or titles.get("en") or str(definition.process)
    roles = getattr(definition, "role_title", None)
    mechanism = roles("mechanism", language) if roles else None
    if mechanism is None and getattr(definition, "roles", None):
        # A process that names its own roles speaks of itself, not in the glossary's words
        # (UNTOC's): the footer of its automatic letters names the process by its title.
        mechanism = title
    place = roles("place", language) if roles else None
    return {
        "id": definition.process,
        "title": one_line(title),
        "tag": one_line(getattr(definition, "tag", None) or title),
        "mechanism": one_line(mechanism) if mechanism else None,
        "place": one_line(place) if place else None,
    }


_TITLES = {"secretariat": "mechanism_secretariat", "cop_presidency": "president"}


def recipient_fields(recipient: Any, language: str = "en") -> dict[str, Any]:
    # Party names in the message's language, never the store's English (wording.py)
    code = getattr(recipient, "party", None)
    party = (
        one_line(local_party_name(code, language, recipient.party_name))
        if recipient.party_name
        else None
    )
    name = one_line(recipient.name)
    if recipient.kind == "mission" and party:
        name = party
    elif recipient.kind in _TITLES:  # the secretariat, the President: by title, in language
        name = term(_TITLES[recipient.kind], language, cap=True)
    return {
        "name": name,
        "email": recipient.email,
        "role": recipient.role,
        "party": party,
        "party_code": code,
        "is_copy": recipient.copy,
        "kind": recipient.kind,
        "gender": getattr(recipient, "gender", None),
    }


def notice_context(
    *,
    notice: Any,  # core DueNotification
    state: Any,  # core ReviewState
    parties: Mapping[str, Any],
    step_titles: Mapping[str, str],
    recipient: Any,  # recipients.Recipient
    others: Sequence[Any],
    language: str,
    secretariat: Any,
    process: ProcessDefinition | None = None,  # the review's own
) -> dict[str, Any]:
    deadline = notice.deadline

    def name(code: str) -> str:
        party = parties.get(code)
        return one_line(local_party_name(code, language, party.name if party else None))

    return {
        "dir": direction(language),
        "as_of": long_date(notice.as_of, language),
        "reference": notice.key,
        "recipient": recipient_fields(recipient, language),
        "review": {
            "id": state.review,
            "cluster": state.cluster,
            "group": state.group,
            "reviewed": name(state.reviewed),
            "reviewed_code": state.reviewed,
            "reviewed_is_state": is_state(state.reviewed),
            "reviewers": [name(p) for p in state.reviewers],
            "reviewers_are_states": all(is_state(p) for p in state.reviewers),
            "stage": state.stage,
        },
        "step": {
            "id": notice.step,
            "title": step_titles.get(language, ""),
            "title_en": step_titles.get("en") or notice.step,
        },
        "deadline": {
            "due": long_date(deadline.due, language),
            "due_iso": deadline.due.isoformat(),
            "source": deadline.source,
            "basis": deadline.basis,
            "decision": deadline.decision,
        },
        "days_overdue": notice.days_overdue,
        "late_by": late_by(notice.days_overdue, language),
        "occurrence": notice.occurrence + 1,
        "rung": notice.rung,
        "caught_up": notice.caught_up,
        "missed": [],
        "counted_from": (
            long_date(notice.counted_from, language)
            if getattr(notice, "counted_from", None)
            else None
        ),
        "due_on": long_date(notice.due_on, language),
        "waiting_for": [name(p) for p in notice.waiting_for],
        "concerned": [
            {"name": name(p), "code": p, "is_state": is_state(p)}
            for p in (notice.waiting_for or (state.reviewed,))
        ],
        "fallback": [
            {
                "party": name(f.party),
                "party_code": f.party,
                "reason": f.reason,
                "instead_of": f.instead_of,
            }
            for f in recipient.fallback
        ],
        "others": [
            {
                "name": fields["name"],
                "role": o.role,
                "party": fields["party"],
                "is_copy": o.copy,
            }
            for o in others
            for fields in (recipient_fields(o, language),)
        ],
        "secretariat": {"name": one_line(secretariat.name), "email": secretariat.email},
        "process": process_fields(process or _SAMPLE_PROCESS, language),
    }


# what a template check renders with (a sample process, its tag as the bundled one's)
def _sample_process() -> Any:
    from types import SimpleNamespace as NS

    return NS(process="sample", title={"en": "Country review"}, tag="UNTOC", roles={})


_SAMPLE_PROCESS = _sample_process()


def digest_context(
    *,
    as_of: date,
    recipient: Any,
    reviews: Sequence[Mapping[str, Any]],
    language: str,
    secretariat: Any,
    reference: str,
    process: ProcessDefinition | None = None,  # the reviews' own
) -> dict[str, Any]:
    return {
        "dir": direction(language),
        "as_of": long_date(as_of, language),
        "month": month_year(as_of, language),
        "reference": reference,
        "recipient": recipient_fields(recipient, language),
        "reviews": list(reviews),
        "secretariat": {"name": one_line(secretariat.name), "email": secretariat.email},
        "process": process_fields(process or _SAMPLE_PROCESS, language),
    }


# -- sample values for the definition check: every branch a template may take ------------


@dataclass(frozen=True)
class SampleStep:
    """A step the samples ask for: its id, its English title (the samples leave the title in
    the letter's language empty, as for a step that has none) and the review's stage while
    it is open."""

    id: str
    title_en: str
    stage: str

    def fields(self) -> dict[str, str]:
        return {"id": self.id, "title": "", "title_en": self.title_en}


def sample_steps(definition: Any, every: bool = False) -> tuple[SampleStep, ...]:
    """The steps of `definition` the samples ask for: those whose deadline may be extended
    (the letters' usual subject), else those with a ladder, else all (`every`: all); each
    with the stage the review has reached when it opens (the last one an earlier step
    moved it to)."""
    stage = definition.stages[0]
    at: dict[str, str] = {}
    for step in definition.steps:
        at[step.id] = stage
        stage = step.stage_on_completion or stage
    chosen = (
        list(definition.steps)
        if every
        else [s for s in definition.steps if s.extendable]
        or [s for s in definition.steps if s.ladder]
        or list(definition.steps)
    )
    return tuple(
        SampleStep(s.id, s.title.get("en") or next(iter(s.title.values())), at[s.id])
        for s in chosen
    )


@functools.lru_cache(maxsize=1)
def bundled_sample_steps() -> tuple[SampleStep, ...]:
    """Without a definition, the samples ask for the bundled default process's steps."""
    from ..definitions import load_definitions
    from ..definitions.load import BUNDLED_DEFS

    return sample_steps(load_definitions(BUNDLED_DEFS).default)


class _SampleRecipient:
    def __init__(self, copy: bool, kind: str, fallback: tuple[Any, ...] = (), party: str = "NGA"):
        self.name = "A. Bello"
        self.email = "a.bello@example.org"
        self.role = "waiting.focal_point"
        self.party = party
        self.party_name = local_party_name(party, "en")
        self.copy = copy
        self.kind = kind
        self.fallback = fallback


def sample_notice_contexts(
    language: str = "en",
    reviewed: str = "NGA",
    reviewers: tuple[str, ...] = ("GHA", "DEU"),
    waiting: tuple[str, ...] | None = None,
    step: SampleStep | None = None,
) -> list[dict[str, Any]]:
    """One context per branch; a review of `reviewed` by `reviewers`, `step` (by default
    the first the bundled default process's samples ask for) waiting for `waiting` (the
    reviewed Party by default)."""
    from types import SimpleNamespace as NS

    waiting = (reviewed,) if waiting is None else waiting
    step = step or bundled_sample_steps()[0]

    out = []
    for variant in range(4):
        late = variant % 2 == 0
        source = ("extended", "agreed", "rule", "extended")[variant]
        kind = ("focal_point", "mission", "secretariat", "cop_presidency")[variant]
        deadline = NS(
            due=date(2024, 3, 1),
            source=source,
            basis="Conference decision 12/2" if source == "extended" else None,
            decision="12/2" if variant == 0 else None,
        )
        notice = NS(
            key=f"C1-G1-{reviewed}/{step.id}/overdue/1/2024-03-01",
            as_of=date(2024, 4, 16),
            step=step.id,
            rung="overdue",
            occurrence=variant,
            deadline=deadline,
            days_overdue=46 if late else (-14 if variant == 1 else 0),
            caught_up=variant in (0, 3),
            due_on=date(2024, 4, 1),
            waiting_for=waiting if variant != 2 else (),
            counted_from=date(2024, 3, 15) if variant == 1 else None,
        )
        state = NS(
            review=f"C1-G1-{reviewed}",
            cluster=1,
            group=1,
            reviewed=reviewed,
            reviewers=reviewers if variant != 3 else (),
            stage=step.stage,
        )
        parties = {c: NS(name=local_party_name(c, "en")) for c in (reviewed, *reviewers)}
        concerned = waiting[0] if waiting else reviewed
        fallback = (
            NS(party=concerned, reason=r, instead_of="waiting.focal_point")
            for r in ("no_focal_point", "no_mission", "bad_address")
        )
        recipient = _SampleRecipient(
            copy=variant == 1,
            kind=kind,
            fallback=tuple(fallback) if variant in (0, 3) else (),
            party=concerned,
        )
        other = _SampleRecipient(copy=True, kind="mission")
        ctx = notice_context(
            notice=notice,
            state=state,
            parties=parties,
            step_titles={"en": step.title_en} if variant else {},
            recipient=recipient,
            others=[other] if variant != 2 else [],
            language=language,
            secretariat=NS(name="Secretariat", email="untoc.review@example.org"),
        )
        if variant == 3:
            ctx["missed"] = ["12 April 2024", "15 April 2024"]
        out.append(ctx)
    return out


def sample_digest_contexts(
    language: str = "en", steps: Sequence[SampleStep] = ()
) -> list[dict[str, Any]]:
    """The monthly summaries of a focal point and of a mission, their reviews at the first
    two of `steps` (by default those of the bundled default process's samples)."""
    from types import SimpleNamespace as NS

    first, second = ((list(steps) or list(bundled_sample_steps())) * 2)[:2]

    rows: list[dict[str, Any]] = [
        {
            "id": "C1-G1-NGA",
            "reviewed": local_party_name("NGA", language),
            "as_": "reviewed",
            "is_state": True,
            "stage": first.stage,
            "step": first.fields(),
            "due": long_date(date(2024, 3, 1), language),
            "source": "extended",
            "basis": "Conference decision 12/2",
            "days_overdue": 46,
            "late_by": late_by(46, language),
            "waiting_for": [local_party_name("NGA", language)],
        },
        {
            "id": "C1-G1-GHA",
            "reviewed": local_party_name("GHA", language),
            "as_": "reviewer",
            "is_state": True,
            "stage": "not_started",
            "step": None,
            "due": None,
            "source": None,
            "basis": None,
            "days_overdue": 0,
            "late_by": late_by(0, language),
            "waiting_for": [],
        },
        {
            "id": "C1-G2-DEU",
            "reviewed": local_party_name("DEU", language),
            "as_": "reviewer",
            "is_state": True,
            "stage": second.stage,
            "step": second.fields(),
            "due": long_date(date(2024, 6, 1), language),
            "source": "rule",
            "basis": None,
            "days_overdue": -46,
            "late_by": late_by(46, language),
            "waiting_for": [local_party_name(c, language) for c in ("DEU", "GHA")],
        },
    ]
    for row in rows:
        row["steps"] = (
            [
                {
                    "step": row["step"],
                    "due": row["due"],
                    "source": row["source"],
                    "basis": row["basis"],
                    "days_overdue": row["days_overdue"],
                    "late_by": row["late_by"],
                    "waiting_for": row["waiting_for"],
                    "counted_from": "1 March 2024" if row["days_overdue"] < 0 else None,
                    "asked": row["id"] == "C1-G1-NGA",
                }
            ]
            if row["step"]
            else []
        )
    out = []
    for kind, reviews in (("focal_point", rows), ("mission", rows[:1])):
        out.append(
            digest_context(
                as_of=date(2024, 4, 16),
                recipient=_SampleRecipient(copy=False, kind=kind),
                reviews=reviews,
                language=language,
                secretariat=NS(name="Secretariat", email="untoc.review@example.org"),
                reference="digest/2024-04/a.bello@example.org",
            )
        )
    return out
