"""What a template may use: the fields of a notice and of the monthly summary.

The builders turn core values into plain dicts of already formatted text (dates in the
language, names on one line); `NOTICE_FIELDS`/`DIGEST_FIELDS` list every field, and the
definition check rejects a template that uses anything else.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from ..outbox.headers import one_line
from ..wording.languages import direction, long_date, month_year
from ..wording.own_terms import agreed_at as agreed_title
from ..wording.own_terms import mission_place

# where letters take them
from ..wording.own_terms import own_secretariat as own_secretariat
from ..wording.own_terms import own_series as own_series
from ..wording.own_terms import process_term as process_term
from ..wording.own_terms import process_the as process_the
from ..wording.words import days as wording_days
from ..wording.words import is_state, local_party_name, term

if TYPE_CHECKING:
    from ..definitions import ProcessDefinition

# what a template may read of its recipient, in a notice as in a letter (recipient_fields)
RECIPIENT_FIELDS = frozenset(
    {
        "name",
        "email",
        "role",
        "party",
        "party_code",
        "is_copy",
        "kind",
        "where",
        "without_focal_point",
    }
)

# field -> None (a plain value or list) or the set of its attributes
NOTICE_FIELDS: dict[str, Any] = {
    "part": None,
    "language": None,
    "dir": None,
    "as_of": None,
    "reference": None,
    "recipient": RECIPIENT_FIELDS,
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
    # agreed_at: where an agreed deadline was agreed, as the review's own process names it
    # (the title of the fact its step's `agreed_at:` names); None: UNTOC's preliminary
    # consultation, or a deadline not agreed
    "deadline": frozenset({"due", "due_iso", "source", "basis", "decision", "agreed_at"}),
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
    "recipient": RECIPIENT_FIELDS,
    # list of {id, reviewed, as_, stage, step, due, source, basis, agreed_at, days_overdue,
    #          late_by, waiting_for}
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


def agreed_at(definition: Any, step_id: str, language: str) -> str | None:
    """Where an agreed deadline of the step was agreed (`own_terms.agreed_at`), as a letter
    writes it: on one line."""
    title = agreed_title(definition, step_id, language)
    return one_line(title) if title is not None else None


_TITLES = {"secretariat": "mechanism_secretariat", "cop_presidency": "president"}


def recipient_fields(recipient: Any, language: str = "en", process: Any = None) -> dict[str, Any]:
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
        # a mission written to because its Party has no focal point: never asked to
        # encourage one
        "without_focal_point": recipient.kind == "mission"
        and any(f.reason == "no_focal_point" for f in getattr(recipient, "fallback", ())),
        "gender": getattr(recipient, "gender", None),
        # where a mission sits, after its title, as its review's process writes it (None:
        # "to the United Nations (Vienna)", UNTOC's)
        "where": mission_place(process, getattr(recipient, "city", None), language)
        if recipient.kind == "mission"
        else None,
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
        "recipient": recipient_fields(recipient, language, process),
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
            "agreed_at": agreed_at(process, notice.step, language)
            if deadline.source == "agreed"
            else None,
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
        "recipient": recipient_fields(recipient, language, process),
        "reviews": list(reviews),
        "secretariat": {"name": one_line(secretariat.name), "email": secretariat.email},
        "process": process_fields(process or _SAMPLE_PROCESS, language),
    }
