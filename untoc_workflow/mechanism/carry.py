"""Applied Conference decisions and recorded draws in the mechanism file (its optional
top-level `decisions` and `draws` sections), so a store moved by export and import keeps the
rules a decision changed (the threshold in force) and every draw's seed and lots. Rows
already in the store are kept as they are; a decision recorded under the same reference with
other content is refused, as `untoc decide` refuses it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import text

from ..errors import InputError, Problem
from .decisions import Decision

DECISIONS = "decisions"
DRAWS = "draws"
# every column but recorded_at, which says when this store wrote the row (set on restore)
_DECISION_KEYS = ("ref", "digest", "title", "adopted_on", "applied_as_of", "body")
_DRAW_KEYS = ("id", "kind", "cluster", "seed", "rules_version", "made_on", "record")
_DRAW_KINDS = ("cluster", "late_joiner", "redraw")


@dataclass(frozen=True)
class Carried:
    """The two sections of a file, checked; empty when the file has neither."""

    decisions: list[dict[str, Any]] = field(default_factory=list)
    draws: list[dict[str, Any]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.decisions or self.draws)


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def sections_of(engine: Any) -> dict[str, list[dict[str, Any]]]:
    """Every recorded decision and draw as plain data (dates ISO, body and record as
    mappings), in the order they were recorded."""
    with engine.connect() as conn:
        decisions = conn.execute(
            text(
                f"SELECT {', '.join(_DECISION_KEYS)} FROM mechanism_decision"
                " ORDER BY recorded_at, ref"
            )
        ).all()
        draws = conn.execute(
            text(f"SELECT {', '.join(_DRAW_KEYS)} FROM mechanism_draw ORDER BY recorded_at, id")
        ).all()
    out_decisions = []
    for ref, digest, title, adopted_on, applied_as_of, body in decisions:
        out_decisions.append(
            {
                "ref": ref,
                "digest": digest,
                "title": title,
                "adopted_on": _day(adopted_on).isoformat(),
                "applied_as_of": _day(applied_as_of).isoformat(),
                "body": json.loads(body),
            }
        )
    out_draws = []
    for id_, kind, cluster, seed, rules_version, made_on, record in draws:
        out_draws.append(
            {
                "id": id_,
                "kind": kind,
                "cluster": cluster,
                "seed": seed,
                "rules_version": rules_version,
                "made_on": _day(made_on).isoformat(),
                "record": json.loads(record),
            }
        )
    return {DECISIONS: out_decisions, DRAWS: out_draws}


def add_to(document: dict[str, Any], engine: Any) -> dict[str, Any]:
    """The export with the sections that have anything to carry."""
    for name, rows in sections_of(engine).items():
        if rows:
            document[name] = rows
    return document


def read_sections(path: Path, opened: Any = None) -> Carried:
    """The file's two sections, checked (every problem located as `decisions[i].key` or
    `draws[i].key`); nothing is written here. `opened`: the JSON file's stream when the
    caller has scanned it already."""
    from ..mechanism_file.source import JsonStream
    from ..yamlsource import load_file

    if path.suffix.lower() == ".json":
        head = (opened if opened is not None else JsonStream.open(path)).head
    else:
        located = load_file(path, aliases=False)
        head = located.data if isinstance(located.data, dict) else {}
    problems: list[Problem] = []
    decisions = _checked(head, DECISIONS, _DECISION_KEYS, _decision_problems, path, problems)
    draws = _checked(head, DRAWS, _DRAW_KEYS, _draw_problems, path, problems)
    if problems:
        raise InputError(problems, title=f"{path}: the decisions or draws section has errors")
    return Carried(decisions, draws)


def _checked(
    head: dict[str, Any],
    section: str,
    keys: tuple[str, ...],
    row_problems: Any,
    path: Path,
    problems: list[Problem],
) -> list[dict[str, Any]]:
    rows = head.get(section) or []
    if not isinstance(rows, list):
        problems.append(Problem("must be a list", path=section, file=str(path)))
        return []
    checked = []
    seen: set[Any] = set()
    for i, row in enumerate(rows):
        where = f"{section}[{i}]"
        if not isinstance(row, dict):
            problems.append(Problem("must be a mapping", path=where, file=str(path)))
            continue
        found = [
            Problem("is required", path=f"{where}.{k}", file=str(path))
            for k in keys
            if k not in row
        ]
        found += [
            Problem(
                f"unknown key (allowed: {', '.join(keys)})", path=f"{where}.{k}", file=str(path)
            )
            for k in sorted(set(row) - set(keys))
        ]
        if not found:
            values = dict(row)
            for key, message in row_problems(values):
                found.append(Problem(message, path=f"{where}.{key}", file=str(path)))
            name = keys[0]
            if not found and values[name] in seen:
                found.append(
                    Problem(
                        f"{values[name]!r} is listed twice", path=f"{where}.{name}", file=str(path)
                    )
                )
            seen.add(values[name])
            if not found:
                checked.append(values)
        problems.extend(found)
    return checked


def _as_day(values: dict[str, Any], key: str) -> str | None:
    """Turn values[key] into a date; the problem when it is not an ISO date."""
    value = values[key]
    if isinstance(value, date) and not isinstance(value, datetime):
        return None
    try:
        values[key] = date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        values[key] = None
    return None if values[key] is not None else f"{value!r} is not a date; write YYYY-MM-DD"


def _text(values: dict[str, Any], key: str) -> str | None:
    return None if isinstance(values[key], str) and values[key] else "must be a non-empty text"


def _decision_problems(values: dict[str, Any]) -> list[tuple[str, str]]:
    found = []
    for key in ("ref", "digest", "title"):
        if (message := _text(values, key)) is not None:
            found.append((key, message))
    for key in ("adopted_on", "applied_as_of"):
        if (message := _as_day(values, key)) is not None:
            found.append((key, message))
    if not isinstance(values["body"], dict):
        return [*found, ("body", "must be a mapping: the decision as applied")]
    try:
        decision = Decision.model_validate(values["body"])
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return [*found, ("body", f"is not a decision ({where}: {first['msg']})")]
    if decision.ref != values["ref"]:
        found.append(("ref", f"is not the body's decision {decision.ref!r}"))
    if decision.digest() != values["digest"]:
        found.append(
            ("digest", f"does not match the body (its fingerprint is {decision.digest()})")
        )
    if values["adopted_on"] is not None and decision.adopted_on != values["adopted_on"]:
        found.append(("adopted_on", f"is not the body's adoption date {decision.adopted_on}"))
    return found


def _draw_problems(values: dict[str, Any]) -> list[tuple[str, str]]:
    found = []
    for key in ("id", "rules_version"):
        if (message := _text(values, key)) is not None:
            found.append((key, message))
    if values["kind"] not in _DRAW_KINDS:
        found.append(("kind", f"must be one of {', '.join(_DRAW_KINDS)}"))
    for key in ("cluster", "seed"):
        if type(values[key]) is not int:
            found.append((key, "must be a whole number"))
    if (message := _as_day(values, "made_on")) is not None:
        found.append(("made_on", message))
    if not isinstance(values["record"], dict):
        found.append(("record", "must be a mapping: the draw's groups, lots and requests"))
    return found


def check_against(engine: Any, carried: Carried, path: Path) -> None:
    """Refuse, before anything is written, a decision the store holds under the same
    reference with other content (a decision is never edited once applied)."""
    if not carried.decisions:
        return
    with engine.connect() as conn:
        stored = dict(conn.execute(text("SELECT ref, digest FROM mechanism_decision")).all())
    problems = [
        Problem(
            f"decision {row['ref']} was applied in this store with different content",
            path=f"{DECISIONS}[{i}].digest",
            file=str(path),
            hint="a decision is never edited once applied: write the change as a new "
            "decision with its own reference",
        )
        for i, row in enumerate(carried.decisions)
        if stored.get(row["ref"], row["digest"]) != row["digest"]
    ]
    if problems:
        raise InputError(problems, title=f"{path}: the decisions section clashes with the store")


def restore(engine: Any, carried: Carried) -> tuple[int, int]:
    """Write the rows the store does not hold yet (after the rest of the file was imported),
    in one transaction; (decisions added, draws added)."""
    if not carried:
        return 0, 0
    # naive UTC, as records.py writes it; one microsecond apart, so the file's order is kept
    start = datetime.now(UTC).replace(tzinfo=None)
    with engine.begin() as conn:
        refs = set(conn.execute(text("SELECT ref FROM mechanism_decision")).scalars())
        ids = set(conn.execute(text("SELECT id FROM mechanism_draw")).scalars())
        new_decisions = [r for r in carried.decisions if r["ref"] not in refs]
        new_draws = [r for r in carried.draws if r["id"] not in ids]
        for i, row in enumerate(new_decisions):
            conn.execute(
                text(
                    "INSERT INTO mechanism_decision (ref, digest, title, adopted_on,"
                    " applied_as_of, body, recorded_at) VALUES (:ref, :digest, :title,"
                    " :adopted_on, :applied_as_of, :body, :recorded_at)"
                ),
                {
                    **row,
                    "body": json.dumps(row["body"]),
                    "recorded_at": start + timedelta(microseconds=i),
                },
            )
        for i, row in enumerate(new_draws):
            conn.execute(
                text(
                    "INSERT INTO mechanism_draw (id, kind, cluster, seed, rules_version,"
                    " made_on, record, recorded_at) VALUES (:id, :kind, :cluster, :seed,"
                    " :rules_version, :made_on, :record, :recorded_at)"
                ),
                {
                    **row,
                    "record": json.dumps(row["record"], ensure_ascii=False),
                    "recorded_at": start + timedelta(microseconds=i),
                },
            )
    return len(new_decisions), len(new_draws)
