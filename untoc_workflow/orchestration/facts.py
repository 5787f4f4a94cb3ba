"""The typed facts a waiting country-review run accepts: one input form per human step.

Plain pydantic models (no Prefect import), so the command line can build them cheaply;
the flow hands them to `suspend_flow_run(wait_for_input=...)`, and the Prefect UI shows
each as the resume form. `fact` is fixed per model: a fact of another kind does not fit the
form and Prefect refuses it against the saved schema.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..core.model import UN_LANGUAGES


class Fact(BaseModel):
    """Common fields: the date of the fact and an optional note."""

    model_config = ConfigDict(extra="forbid")

    on: date = Field(description="Date of the fact (YYYY-MM-DD).")
    note: str | None = Field(None, description="Optional note kept with the fact.")
    recorded_by: str | None = Field(None, description="Who recorded the fact.")

    def event(self, review_id: str) -> dict[str, Any]:
        """The fact as a mechanism-file event (the same shape `untoc record` writes)."""
        out: dict[str, Any] = {"on": self.on.isoformat(), "type": self.fact, "review": review_id}  # type: ignore[attr-defined]
        out.update(self._fields())
        note = with_recorder(self.note, self.recorded_by)
        if note:
            out["note"] = note
        return out

    def _fields(self) -> dict[str, Any]:
        return {}


# Who recorded a fact is kept in its note: the mechanism file's events have no field for
# it, and the note travels with the fact through export and import unchanged.
_RECORDED_BY = re.compile(r"(?:^|; )recorded by (?P<who>[^;]+)$")


def with_recorder(note: str | None, who: str | None) -> str | None:
    """The note kept with a fact: the note, then "recorded by WHO"."""
    who = " ".join((who or "").split())
    if not who:
        return note or None
    return f"{note}; recorded by {who}" if note else f"recorded by {who}"


def split_recorder(note: str | None) -> tuple[str | None, str | None]:
    """(note, who recorded it) from a note `with_recorder` wrote."""
    if not note:
        return None, None
    found = _RECORDED_BY.search(note)
    if found is None:
        return note, None
    return note[: found.start()] or None, found["who"]


class FocalPointNominated(Fact):
    """A focal point named by one of the review's parties."""

    fact: Literal["focal_point_nominated"] = "focal_point_nominated"
    party: str = Field(description="Party code, e.g. NGA.")
    name: str = Field(description="The focal point's name.")
    email: str = Field(description="The focal point's email.")
    gender: Literal["female", "male", "other"] | None = None
    ministry: str | None = None
    language: str | None = Field(None, description="UN language code: ar zh en fr ru es.")
    replaces: str | None = Field(None, description="Email of the focal point replaced, if any.")

    def event(self, review_id: str) -> dict[str, Any]:
        # A focal point belongs to the party, not to one review.
        out = super().event(review_id)
        del out["review"]
        return out

    def _fields(self) -> dict[str, Any]:
        person = {
            "name": self.name,
            "email": self.email,
            "gender": self.gender,
            "ministry": self.ministry,
            "language": self.language,
        }
        out: dict[str, Any] = {
            "party": self.party,
            "person": {k: v for k, v in person.items() if v is not None},
        }
        if self.replaces:
            out["replaces"] = self.replaces
        return out


class ConsultationHeld(Fact):
    """The preliminary consultation: working languages and the agreed schedule."""

    fact: Literal["preliminary_consultation_held"] = "preliminary_consultation_held"
    languages: list[str] = Field(
        default_factory=list,
        description="Working languages agreed (0-3 of ar zh en fr ru es; empty: no agreement).",
    )
    agreed_saq: date | None = Field(None, description="SAQ date agreed.")
    agreed_written_feedback: date | None = Field(None, description="Written feedback date agreed.")
    agreed_observations: date | None = Field(None, description="Observations date agreed.")

    def _fields(self) -> dict[str, Any]:
        agreed = {
            "saq": self.agreed_saq,
            "written_feedback": self.agreed_written_feedback,
            "observations": self.agreed_observations,
        }
        out: dict[str, Any] = {"languages": list(self.languages)}
        if any(agreed.values()):
            out["agreed"] = {k: v.isoformat() for k, v in agreed.items() if v}
        return out


class SaqSubmitted(Fact):
    """The reviewed party's answers to the self-assessment questionnaire were received."""

    fact: Literal["saq_submitted"] = "saq_submitted"


class WrittenFeedbackSubmitted(Fact):
    """Written feedback received: from one reviewer (`party`), or joint (no party)."""

    fact: Literal["written_feedback_submitted"] = "written_feedback_submitted"
    party: str | None = Field(None, description="The reviewer who sent it; empty: joint feedback.")

    def _fields(self) -> dict[str, Any]:
        return {"party": self.party} if self.party else {}


class ObservationsAgreed(Fact):
    """The list of observations and its summary are agreed: the review is complete."""

    fact: Literal["observations_agreed"] = "observations_agreed"


class SummaryPublished(Fact):
    """The summary was published on the country profile page."""

    fact: Literal["summary_published"] = "summary_published"


FACTS: dict[str, type[Fact]] = {
    m.model_fields["fact"].default: m
    for m in (
        FocalPointNominated,
        ConsultationHeld,
        SaqSubmitted,
        WrittenFeedbackSubmitted,
        ObservationsAgreed,
        SummaryPublished,
    )
}


def fact_model(event_type: str) -> type[Fact]:
    """The input form for facts of `event_type` (KeyError for types no step waits on)."""
    return FACTS[event_type]


def fact_from_event(event: Mapping[str, Any]) -> Fact:
    """A mechanism-file event (as `untoc record` builds it) as the matching typed fact."""
    kind = str(event["type"])
    model = fact_model(kind)
    note, who = split_recorder(event.get("note"))
    data: dict[str, Any] = {"on": event["on"], "note": note, "recorded_by": who}
    if kind == "focal_point_nominated":
        person = dict(event.get("person") or {})
        data |= {
            "party": event.get("party"),
            "replaces": event.get("replaces"),
            **{k: person.get(k) for k in ("name", "email", "gender", "ministry", "language")},
        }
    elif kind == "preliminary_consultation_held":
        agreed = dict(event.get("agreed") or {})
        data |= {
            "languages": list(event.get("languages") or []),
            **{f"agreed_{k}": v for k, v in agreed.items()},
        }
    elif kind == "written_feedback_submitted":
        data["party"] = event.get("party")
    return model.model_validate({k: v for k, v in data.items() if v is not None})


def check_languages(languages: list[str]) -> str | None:
    """Why the working languages are not acceptable, or None."""
    bad = [x for x in languages if x not in UN_LANGUAGES]
    if bad:
        return f"{', '.join(bad)} not UN language codes (use {' '.join(UN_LANGUAGES)})"
    if len(languages) > 3:
        return "at most three working languages"
    return None
