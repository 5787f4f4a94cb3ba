"""The approval form: escalations held for the secretariat, each approved or rejected.

Built from the outbox rows awaiting approval. Prefect has no users, so the form asks who
decides (kept as `decided_by`, as `untoc outbox approve --by` keeps it). Each held
escalation gets a decision (approve, reject, or leave held) and a reason, required to reject.
Decisions are recorded with `outbox.approve`/`reject`, the functions the command
line calls, so the outbox cannot tell where a decision came from except by its author.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model
from sqlalchemy import text

if TYPE_CHECKING:
    from ..store.store import Store

APPROVE, REJECT, HOLD = "approve", "reject", "keep held"
_HELD = "SELECT key FROM outbox WHERE status = 'awaiting_approval'"


@dataclass
class Decisions:
    by: str
    approve: list[str] = field(default_factory=list)
    reject: dict[str, str] = field(default_factory=dict)  # key -> why
    problems: list[str] = field(default_factory=list)


def approval_key(held: Sequence[Mapping[str, Any]], attempt: int = 0) -> str:
    """The suspend key: the held rows it lists (a new row, a new form), and the attempt (a
    form answered with a rejection and no reason is asked again under the next one)."""
    digest = hashlib.sha256("|".join(sorted(r["key"] for r in held)).encode()).hexdigest()
    return f"approval--{digest[:12]}" + (f"--{attempt}" if attempt else "")


def _reason_required(count: int) -> Any:
    def extra(schema: dict[str, Any]) -> None:
        # the server checks this before it accepts a resume: a rejection without a reason
        # is refused at the door, the form still open (the run checks it again)
        schema["allOf"] = [
            {
                "if": {
                    "properties": {f"decision_{i}": {"const": REJECT}},
                    "required": [f"decision_{i}"],
                },
                "then": {
                    "properties": {f"reason_{i}": {"type": "string", "pattern": r"\S"}},
                    "required": [f"reason_{i}"],
                },
            }
            for i in range(1, count + 1)
        ]
        # each letter needs a decision, unless every one is approved at once
        schema["allOf"].append(
            {
                "if": {"properties": {"approve_all": {"const": True}}, "required": ["approve_all"]},
                "else": {"required": [f"decision_{i}" for i in range(1, count + 1)]},
            }
        )
        for prop in schema.get("properties", {}).values():
            options = prop.pop("anyOf", None)  # `str | None`: a plain input, not a switch
            if options:
                prop.update(next(o for o in options if o.get("type") != "null"))
                if prop.get("default", 0) is None:
                    del prop["default"]

    return extra


def letter_label(i: int, row: Mapping[str, Any]) -> str:
    """A held letter's heading in the form: its number, its review (a letter of no one
    review, the President's summary, has none: no empty place for it), subject and
    addressee."""
    review = f"{row['review']} - " if row.get("review") else ""
    return f"{i}. {review}{row['subject']} - to {row['to']}"


# What markdown would read as markup in a letter's text: emphasis, code, links, headings,
# rules and lists ("--" of the signature, "- "), tables, raw HTML and the backslash itself
_MARKUP = re.compile(r"([\\`*_\[\]<>#|~=+-])")
# a line that markdown would start a numbered list with ("1. ", "2) ")
_BLOCK_START = re.compile(r"^(\d+)(?=[.)]\s)")
_ADDRESS = re.compile(r"(https?://\S+)")


def as_markdown_lines(text: str) -> str:
    """A letter's plain text as the UI's markdown shows it line for line: Prefect renders a
    form field's description as markdown, which joins the lines of a paragraph, makes a line
    indented by four spaces a code block and "1." a list, and its renderer keeps neither
    kind of hard line break (two trailing spaces, a backslash). So each line is a paragraph
    of its own, its indent kept in no-break spaces and its markup characters escaped; a
    blank line of the letter is an empty paragraph (a no-break space), so its paragraphs
    stay further apart than its lines."""
    out = []
    for line in text.splitlines():
        body = line.lstrip(" ")
        if not body.strip():
            out.append("\u00a0")
            continue
        indent = "\u00a0" * (len(line) - len(body))
        # an address stays as written: the renderer links it, escapes and all
        body = "".join(
            part if i % 2 else _MARKUP.sub(r"\\\1", part)
            for i, part in enumerate(_ADDRESS.split(body.rstrip()))
        )
        out.append(indent + _BLOCK_START.sub(r"\1\\", body))
    return "\n\n".join(out)


def approval_form(held: Sequence[Mapping[str, Any]]) -> type[BaseModel]:
    """Who decides, approve-all, then one decision (required) and one reason (required to
    reject) per held letter, the letter's text under its decision."""
    fields: dict[str, Any] = {
        "decided_by": (
            str,
            Field(
                ...,
                min_length=1,
                title="Decided by",
                description="Your name: kept with each decision in the outbox.",
            ),
        ),
        "approve_all": (
            bool,
            Field(
                False,
                title="Approve every letter below",
                description="Ticked: each letter not marked reject is approved.",
            ),
        ),
    }
    for i, row in enumerate(held, 1):
        label = letter_label(i, row)
        letter = as_markdown_lines(str(row.get("text") or "").strip())
        fields[f"decision_{i}"] = (
            Literal[APPROVE, REJECT, HOLD] | None,
            Field(
                None,
                title=label,
                description=(f"{letter}\n\n" if letter else "")
                + f"Required unless every letter is approved above (outbox key {row['key']}).",
            ),
        )
        fields[f"reason_{i}"] = (
            str | None,
            Field(None, title=f"{i}. Reason (required to reject)"),
        )
    return create_model(
        "EscalationsAwaitingApproval",
        __config__=ConfigDict(extra="forbid", json_schema_extra=_reason_required(len(held))),
        **fields,
    )


def decisions(
    held: Sequence[Mapping[str, Any]], answer: BaseModel | Mapping[str, Any]
) -> Decisions:
    """What the form's answer decides, row by row (approve-all approves every row not
    rejected)."""
    data = answer.model_dump() if isinstance(answer, BaseModel) else dict(answer)
    out = Decisions(by=" ".join(str(data.get("decided_by") or "").split()))
    every = bool(data.get("approve_all"))
    for i, row in enumerate(held, 1):
        choice = data.get(f"decision_{i}")
        why = " ".join(str(data.get(f"reason_{i}") or "").split())
        if choice == REJECT:
            if why:
                out.reject[row["key"]] = why
            else:
                out.problems.append(f"{_named(i, row)}: a rejection needs a reason")
        elif choice == APPROVE or every:
            out.approve.append(row["key"])
        elif choice is None:
            out.problems.append(f"{_named(i, row)}: no decision given")
    return out


def _named(i: int, row: Mapping[str, Any]) -> str:
    review = f"{row['review']} - " if row.get("review") else ""
    return f"{i}. {review}{row['subject']}"


def record_decisions(store: Store, decided: Decisions, at: datetime) -> dict[str, list[str]]:
    """Record the decisions as `untoc outbox approve|reject` records them."""
    from ..outbox.rows import approve, reject
    from ..store.dialect import writing

    approved: list[str] = []
    rejected: list[str] = []
    if not decided.by:
        decided.problems.append("nobody named as deciding: nothing recorded")
        return {"approved": approved, "rejected": rejected}
    # each call is its own transaction, as from `untoc outbox approve|reject`
    with store.engine.connect() as conn:
        # decided meanwhile from the command line: not held any more, left as decided there
        held = set(conn.execute(text(_HELD)).scalars())
    with writing(store.engine.connect()) as conn:
        decided.approve = [k for k in decided.approve if k in held]
        decided.reject = {k: v for k, v in decided.reject.items() if k in held}
        if decided.approve:
            approved = approve(conn, decided.approve, by=decided.by, at=at)
        for key, why in decided.reject.items():
            rejected += reject(conn, [key], why=why, by=decided.by, at=at)
    return {"approved": approved, "rejected": rejected}
