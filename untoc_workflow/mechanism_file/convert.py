"""Between the file's models, the core values and plain JSON-able dicts.

The `data` of a core Event keeps the conventions the core reads (see `event_data`); dates
inside it are `datetime.date` objects (`due`, and the values of `agreed`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import Any

from ..core.model import NOT_NUMBERED, Event, Mission, Party, Review, ReviewerAssignment
from . import models as m

# --- file models -> core ----------------------------------------------------------------


def party_from_model(p: m.PartyModel) -> Party:
    return Party(
        code=p.code,
        name=p.name,
        regional_group=p.regional_group,
        instruments=dict(p.instruments),
        mission=Mission(p.mission.email, p.mission.city) if p.mission else None,
        languages=tuple(p.languages),
    )


def review_from_model(r: m.ReviewModel) -> Review:
    return Review(
        id=r.id,
        cluster=NOT_NUMBERED if r.cluster is None else r.cluster,
        group=NOT_NUMBERED if r.group is None else r.group,
        reviewed=r.reviewed,
        instruments=tuple(r.instruments),
        reviewers=tuple(ReviewerAssignment(a.party, tuple(a.instruments)) for a in r.reviewers),
        starts_on=r.starts_on,
        process_version=r.process_version,
        process=r.process,
    )


def event_from_model(e: Any, seq: int = 0, vocabulary: Any = None) -> Event:
    """One validated file event -> core Event (`seq` = its position in the file)."""
    t = e.type
    fields = e.__dict__  # not getattr: a missing attribute costs pydantic a slow path
    review = fields.get("review")
    party = fields.get("party")
    data: dict[str, Any] | None = vocabulary.data_of(t, e) if vocabulary is not None else None
    if data is not None:
        pass  # a fact a process declares: its fields, as facts.py lays them out
    elif t == "focal_point_nominated":
        p = e.person
        data = {
            "person": {
                "name": p.name,
                "email": p.email,
                "gender": p.gender,
                "ministry": p.ministry,
                "language": p.language,
            },
            "replaces": e.replaces,
        }
    elif t == "focal_point_withdrawn":
        data = {"email": e.email}
    elif t == "deadline_extended":
        data = {"step": e.step, "due": e.due, "basis": e.basis}
        if e.decision is not None:
            data["decision"] = e.decision
    elif t == "reviewer_replaced":
        data = {"by": e.by, "requested_by": e.requested_by}
    elif t == "step_waived":
        data = {"step": e.step, "basis": e.basis}
        if e.decision is not None:
            data["decision"] = e.decision
    elif t == "process_migrated":
        data = {"process": e.process, "version": e.version, "steps": dict(e.steps)}
        data["basis"] = e.basis
    else:  # without the definitions: the fields as given
        data = {
            k: v
            for k, v in fields.items()
            if k not in ("on", "type", "review", "party", "id", "note")
        }
    return Event(
        on=e.on, type=t, seq=seq, review=review, party=party, data=data, id=e.id, note=e.note
    )


# --- core -> file dicts (export) ----------------------------------------------------------


def party_to_dict(p: Party) -> dict[str, Any]:
    out: dict[str, Any] = {
        "code": p.code,
        "name": p.name,
        "regional_group": p.regional_group,
        "instruments": {k: v.isoformat() for k, v in p.instruments.items()},
    }
    if p.mission is not None:
        out["mission"] = {"email": p.mission.email, "city": p.mission.city}
    if p.languages:
        out["languages"] = list(p.languages)
    return out


def review_to_dict(r: Review) -> dict[str, Any]:
    out: dict[str, Any] = {"id": r.id}
    # a review its process does not number is written without cluster or group
    if r.cluster != NOT_NUMBERED:
        out["cluster"] = r.cluster
    if r.group != NOT_NUMBERED:
        out["group"] = r.group
    out |= {
        "reviewed": r.reviewed,
        "instruments": list(r.instruments),
        "reviewers": [{"party": a.party, "instruments": list(a.instruments)} for a in r.reviewers],
        "starts_on": r.starts_on.isoformat(),
    }
    if r.process != "country_review":
        out["process"] = r.process
    if r.process_version != 1:
        out["process_version"] = r.process_version
    return out


def event_to_dict(e: Event) -> dict[str, Any]:
    """A core Event as it is written in a mechanism file."""
    out: dict[str, Any] = {"on": e.on.isoformat(), "type": e.type}
    if e.id is not None:
        out["id"] = e.id
    if e.review is not None:
        out["review"] = e.review
    if e.party is not None:
        out["party"] = e.party
    d = e.data
    t = e.type
    if t == "focal_point_nominated":
        out["person"] = {k: v for k, v in d["person"].items() if v is not None}
        if d.get("replaces") is not None:
            out["replaces"] = d["replaces"]
    elif t == "focal_point_withdrawn":
        out["email"] = d["email"]
    elif t in ("deadline_extended", "step_waived"):
        out["step"] = d["step"]
        if t == "deadline_extended":
            out["due"] = _iso(d["due"])
        out["basis"] = d["basis"]
        if d.get("decision") is not None:
            out["decision"] = d["decision"]
    elif t == "reviewer_replaced":
        out["by"] = d["by"]
        out["requested_by"] = d["requested_by"]
    else:
        # a process migration, or a fact a process declares: its fields as recorded; an
        # absent optional field and an empty agreement are left out, as they were given
        for key, value in d.items():
            if value is None or (isinstance(value, dict) and not value and key != "steps"):
                continue
            if isinstance(value, dict):
                out[key] = {k: _iso(v) if isinstance(v, date) else v for k, v in value.items()}
            elif isinstance(value, date):
                out[key] = value.isoformat()
            else:
                out[key] = list(value) if isinstance(value, tuple) else value
    if e.note is not None:
        out["note"] = e.note
    return out


def _iso(v: Any) -> str:
    return v.isoformat() if isinstance(v, date) else str(v)


# --- data <-> JSON text (the store's `data` column) ------------------------------------


_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), default=_iso, ensure_ascii=False)


def data_to_json(data: Mapping[str, Any]) -> str:
    """Canonical JSON of an event's data: sorted keys, dates as ISO strings."""
    if not data:
        return "{}"
    return _ENCODER.encode(data)


def data_from_json(text: str) -> dict[str, Any]:
    """Inverse of data_to_json: `due` and the values of `agreed` become dates again."""
    return data_with_dates(json.loads(text))


def data_with_dates(data: dict[str, Any]) -> dict[str, Any]:
    """Decoded data (ISO strings) with `due` and the values of `agreed` as dates, in place."""
    due = data.get("due")
    if due is not None:
        data["due"] = date.fromisoformat(due)
    agreed = data.get("agreed")
    if agreed:
        data["agreed"] = {k: date.fromisoformat(v) for k, v in agreed.items()}
    return data
