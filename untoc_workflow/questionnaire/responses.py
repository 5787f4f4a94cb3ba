"""Answers and written feedback kept in the store: drafts saved and found again, submitted
once (then read-only), and the reviewed Party's consent to publish its answers."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update

from .tables import ANSWERS, QuestionnaireResponseRow

RESPONSES = QuestionnaireResponseRow.__table__  # type: ignore[attr-defined]
SUBMITTED = "submitted"
DRAFT = "draft"


class ReadOnly(Exception):
    """The answers were submitted: nobody changes them any more."""


@dataclass(frozen=True)
class Response:
    review_id: str
    step: str
    kind: str
    party: str
    form_id: str
    form_version: str
    answers: dict[str, Any]
    status: str
    saved_by: str
    saved_at: datetime
    submitted_by: str | None
    submitted_at: datetime | None
    sha256: str | None
    event_id: str | None
    consent: bool | None
    consent_by: str | None
    consent_at: datetime | None

    @property
    def submitted(self) -> bool:
        return self.status == SUBMITTED


def _response(row: Any) -> Response:
    values = dict(row._mapping)
    values.pop("id", None)
    values["answers"] = json.loads(values["answers"])
    return Response(**values)


def _where(review_id: str, step: str, kind: str, party: str) -> Any:
    return (
        (RESPONSES.c.review_id == review_id)
        & (RESPONSES.c.step == step)
        & (RESPONSES.c.kind == kind)
        & (RESPONSES.c.party == party)
    )


def find(conn: Any, review_id: str, step: str, kind: str, party: str) -> Response | None:
    row = conn.execute(select(RESPONSES).where(_where(review_id, step, kind, party))).first()
    return _response(row) if row is not None else None


def of_review(conn: Any, review_id: str) -> list[Response]:
    rows = conn.execute(
        select(RESPONSES).where(RESPONSES.c.review_id == review_id).order_by(RESPONSES.c.id)
    )
    return [_response(r) for r in rows]


def submitted_answers(conn: Any, step: str, review_ids: list[str] | None = None) -> list[Response]:
    """The reviewed Parties' submitted answers at `step` (of the given reviews)."""
    query = select(RESPONSES).where(
        RESPONSES.c.step == step, RESPONSES.c.kind == ANSWERS, RESPONSES.c.status == SUBMITTED
    )
    rows = [_response(r) for r in conn.execute(query.order_by(RESPONSES.c.review_id))]
    if review_ids is None:
        return rows
    wanted = set(review_ids)
    return [r for r in rows if r.review_id in wanted]


def every_response(conn: Any) -> list[Response]:
    return [_response(r) for r in conn.execute(select(RESPONSES).order_by(RESPONSES.c.id))]


def _dump(answers: dict[str, Any]) -> str:
    return json.dumps(answers, sort_keys=True, ensure_ascii=False)


def save(
    conn: Any,
    review_id: str,
    step: str,
    kind: str,
    party: str,
    form: tuple[str, str],
    answers: dict[str, Any],
    *,
    who: str,
    now: datetime,
    submitted: tuple[str, str | None] | None = None,
) -> None:
    """Keep a draft, or (`submitted` = (sha256, event id)) the final answers. ReadOnly when
    they were already submitted: the row is never written again."""
    found = conn.execute(
        select(RESPONSES.c.id, RESPONSES.c.status)
        .where(_where(review_id, step, kind, party))
        .with_for_update()
    ).first()
    if found is not None and found.status == SUBMITTED:
        raise ReadOnly(review_id)
    values: dict[str, Any] = {
        "form_id": form[0],
        "form_version": form[1],
        "answers": _dump(answers),
        "status": DRAFT,
        "saved_by": who,
        "saved_at": now,
    }
    if submitted is not None:
        values.update(
            status=SUBMITTED,
            submitted_by=who,
            submitted_at=now,
            sha256=submitted[0],
            event_id=submitted[1],
        )
    if found is None:
        conn.execute(
            insert(RESPONSES).values(
                review_id=review_id, step=step, kind=kind, party=party, **values
            )
        )
    else:
        conn.execute(update(RESPONSES).where(RESPONSES.c.id == found.id).values(**values))


def set_consent(
    conn: Any, review_id: str, step: str, party: str, consent: bool, *, who: str, now: datetime
) -> bool:
    """The reviewed Party's consent to publish its submitted answers; False when none are."""
    done = conn.execute(
        update(RESPONSES)
        .where(_where(review_id, step, ANSWERS, party), RESPONSES.c.status == SUBMITTED)
        .values(consent=consent, consent_by=who, consent_at=now)
    )
    return bool(done.rowcount == 1)


def restore(conn: Any, rows: list[dict[str, Any]]) -> int:
    """Responses carried by a mechanism file (export/import): rows already present (same
    review, step, kind and Party) are kept as they are. Returns how many were added."""
    added = 0
    for row in rows:
        key = (row["review_id"], row["step"], row["kind"], row["party"])
        if find(conn, *key) is not None:
            continue
        values = dict(row)
        values["answers"] = _dump(values["answers"])
        conn.execute(insert(RESPONSES).values(**values))
        added += 1
    return added
