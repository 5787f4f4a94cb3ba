"""Answers, written feedback and consents in the mechanism file (its optional top-level
`questionnaires` section), so a store exported from SQLite and imported into PostgreSQL (or
the other way) keeps them. Rows already in the store are kept as they are."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from ..errors import InputError, Problem
from . import responses

SECTION = "questionnaires"
_REQUIRED = (
    "review_id",
    "step",
    "kind",
    "party",
    "form_id",
    "form_version",
    "answers",
    "status",
    "saved_by",
    "saved_at",
)
_TIMES = ("saved_at", "submitted_at", "consent_at")
_KEYS = frozenset(
    {
        *_REQUIRED,
        "submitted_by",
        "submitted_at",
        "sha256",
        "event_id",
        "consent",
        "consent_by",
        "consent_at",
    }
)


def section_of(engine: Any) -> list[dict[str, Any]]:
    """Every kept response as plain data (timestamps ISO), in the order they were made."""
    with engine.connect() as conn:
        kept = responses.every_response(conn)
    out = []
    for r in kept:
        row = {k: getattr(r, k) for k in sorted(_KEYS)}
        for k in _TIMES:
            row[k] = row[k].isoformat() if row[k] is not None else None
        out.append({k: v for k, v in row.items() if v is not None})
    return out


def add_to(document: dict[str, Any], engine: Any) -> dict[str, Any]:
    """The export with the section, when there is anything to carry."""
    rows = section_of(engine)
    if rows:
        document[SECTION] = rows
    return document


def read_section(path: Path, opened: Any = None) -> list[dict[str, Any]]:
    """The file's section, checked (every problem located as `questionnaires[i].key`);
    nothing is written here. `opened`: the JSON file's stream when the caller has scanned
    it already (the import goes on to read its events from the same scan)."""
    from ..mechanism_file.source import JsonStream
    from ..yamlsource import load_file

    if path.suffix.lower() == ".json":
        head = (opened if opened is not None else JsonStream.open(path)).head
    else:
        located = load_file(path, aliases=False)
        head = located.data if isinstance(located.data, dict) else {}
    rows = head.get(SECTION) or []
    problems: list[Problem] = []
    if not isinstance(rows, list):
        raise InputError([Problem("must be a list", path=SECTION, file=str(path))])
    checked = []
    for i, row in enumerate(rows):
        where = f"{SECTION}[{i}]"
        if not isinstance(row, dict):
            problems.append(Problem("must be a mapping", path=where, file=str(path)))
            continue
        missing = [k for k in _REQUIRED if k not in row]
        unknown = sorted(set(row) - _KEYS)
        for k in missing:
            problems.append(Problem("is required", path=f"{where}.{k}", file=str(path)))
        for k in unknown:
            problems.append(
                Problem(
                    f"unknown key (allowed: {', '.join(sorted(_KEYS))})",
                    path=f"{where}.{k}",
                    file=str(path),
                )
            )
        if not isinstance(row.get("answers"), dict):
            problems.append(
                Problem(
                    "must be a mapping of question to answer",
                    path=f"{where}.answers",
                    file=str(path),
                )
            )
        values = dict(row)
        for k in _TIMES:
            if values.get(k) is not None:
                try:
                    values[k] = datetime.fromisoformat(str(values[k]))
                except ValueError:
                    problems.append(
                        Problem(
                            "not a date and time (ISO 8601)", path=f"{where}.{k}", file=str(path)
                        )
                    )
        checked.append(values)
    if problems:
        raise InputError(problems, title=f"{path}: the questionnaires section has errors")
    return checked


def restore(engine: Any, rows: list[dict[str, Any]]) -> int:
    """Write the section's rows (after the rest of the file was imported)."""
    if not rows:
        return 0
    with engine.begin() as conn:
        return responses.restore(conn, rows)
