"""Builders shared by the mechanism tests: parties, the UN member list, a small mechanism."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import text

from untoc_workflow.core.model import Party, Review
from untoc_workflow.mechanism.definition import MechanismDefinition, load_mechanism
from untoc_workflow.mechanism.parties import party_name, regional_group_of, un_member_states

ROOT = Path(__file__).resolve().parents[2]
MECHANISM = ROOT / "untoc_workflow" / "process_defs" / "mechanism.yaml"
PROCESS = ROOT / "untoc_workflow" / "process_defs" / "country_review.yaml"
LONG_AGO = date(2003, 9, 29)  # the Convention's entry into force
G1, G2, G3 = date(2020, 12, 1), date(2021, 11, 1), date(2022, 11, 1)

# UN member States not party to the Convention when the first group started (for the
# 189-party test: 193 members - 8 + 3 non-member States = 188 States, + the EU = 189).
NOT_PARTY_IN_2020 = ("BTN", "SSD", "IRN", "PNG", "SLB", "TUV", "PLW", "SOM")
NON_MEMBER_PARTIES = ("PSE", "VAT", "COK")


def mechanism() -> MechanismDefinition:
    return load_mechanism(MECHANISM)


# the Mechanism's instruments and regional groups, as mechanism.yaml declares them
INSTRUMENTS = mechanism().instrument_ids
REGIONAL_GROUPS = mechanism().regional_group_ids


def process() -> Any:
    from untoc_workflow.definitions import load_process

    return load_process(PROCESS)


def party(
    code: str,
    group: str | None,
    instruments: Iterable[str] = INSTRUMENTS,
    since: date = LONG_AGO,
    **dates: date,
) -> Party:
    found = {i: dates.get(i, since) for i in instruments}
    found.setdefault("UNTOC", since)
    return Party(code, f"Party {code}", group, found)


def un_parties(definition: MechanismDefinition, seed: int = 7) -> list[Party]:
    """189 Parties: UN member States (countrygroups) party in 2020, three non-member States
    and the EU, with protocols drawn at random (seeded) so coverage gaps occur."""
    codes = [c for c in un_member_states(definition) if c not in NOT_PARTY_IN_2020]
    codes += [*NON_MEMBER_PARTIES, "EU"]
    rng = random.Random(seed)
    out = []
    for code in sorted(codes):
        instruments = ["UNTOC"] + [i for i in INSTRUMENTS[1:] if rng.random() < 0.85]
        out.append(
            Party(
                code,
                party_name(code),
                regional_group_of(code, definition),
                {i: LONG_AGO for i in instruments},
            )
        )
    return out


def check_review(review: Review, parties: Mapping[str, Party]) -> list[str]:
    """Every rule of the draw for one review; returns what is broken (empty when all hold)."""
    broken = []
    me = parties[review.reviewed]
    who = [a.party for a in review.reviewers]
    on = review.starts_on
    if review.reviewed in who:
        broken.append("reviews itself")
    if len(set(who)) != len(who):
        broken.append("a reviewer twice")
    if len(who) < 2:
        broken.append("fewer than two reviewers")
        return broken
    if parties[who[0]].regional_group != me.regional_group:
        broken.append("first reviewer not from the own regional group")
    if parties[who[1]].regional_group in (None, me.regional_group):
        broken.append("second reviewer not from another regional group")
    held = tuple(i for i in INSTRUMENTS if me.is_party_to(i, on))
    if tuple(review.instruments) != held:
        broken.append(f"under review {review.instruments}, party to {held}")
    for a in review.reviewers:
        for i in a.instruments:
            if not parties[a.party].is_party_to(i, on):
                broken.append(f"{a.party} reviews {i} without being party to it")
            if i not in review.instruments:
                broken.append(f"{a.party} reviews {i}, which is not under review")
        if not parties[a.party].is_party_to("UNTOC", on):
            broken.append(f"{a.party} is not party to the Convention on {on}")
    covered = {i for a in review.reviewers for i in a.instruments}
    if set(review.instruments) - covered:
        broken.append(f"uncovered: {set(review.instruments) - covered}")
    primary = {i for a in review.reviewers[:2] for i in a.instruments}
    for a in review.reviewers[2:]:
        if not set(a.instruments) - primary:
            broken.append(f"further reviewer {a.party} covers nothing the two did not")
    return broken


def lots_follow_workload(lots: Iterable[Any]) -> bool:
    """Replaying the lots: each fell among the least-loaded Parties of its pool."""
    load: Counter[str] = Counter()
    for lot in lots:
        least = min(load[c] for c in lot.pool)
        if lot.drawn not in lot.lot or not set(lot.lot) <= set(lot.pool):
            return False
        if any(load[c] != least for c in lot.lot):
            return False
        load[lot.drawn] += 1
    return True


# --- store fixtures ----------------------------------------------------------------------


def person(code: str) -> dict[str, Any]:
    return {"name": f"FP {code}", "email": f"fp.{code.lower()}@example.org"}


def small_document(n_groups: int = 2, per_group: int = 4) -> dict[str, Any]:
    """A small mechanism: parties from every regional group, reviews of cluster 1, focal
    points for everyone (so steps run), drawn by lot with seed 1."""
    from untoc_workflow.mechanism.draw import draw_cluster
    from untoc_workflow.mechanism_file import document_from_core

    definition = mechanism()
    groups = ["African", "Asia-Pacific", "Eastern European", "GRULAC", "WEOG"]
    codes = [f"{chr(65 + g)}{chr(65 + i)}A" for g in range(5) for i in range(4)]
    parties = [party(c, groups[k // 4]) for k, c in enumerate(codes)]
    starts = [G1, G2][:n_groups]
    result = draw_cluster(parties, starts, definition, seed=1)
    # Keep a few reviews per group: enough to see who moves and who does not.
    reviews = [
        r
        for g in range(1, n_groups + 1)
        for r in sorted((r for r in result.reviews if r.group == g), key=lambda r: r.id)[:per_group]
    ]
    involved = {r.reviewed for r in reviews} | {a.party for r in reviews for a in r.reviewers}
    doc = document_from_core(parties, reviews, [])
    doc["events"] = [
        {"on": "2020-11-20", "type": "focal_point_nominated", "party": c, "person": person(c)}
        for c in sorted(involved)
    ]
    return doc


def insert_notice(
    store: Any,
    *,
    review: str,
    step: str,
    deadline_due: date,
    status: str,
    party: str = "AAA",
    rung: str = "due",
) -> int:
    """An outbox row as the sweep writes it (only the columns the mechanism reads matter)."""
    now = datetime.now(UTC).replace(tzinfo=None)
    notice = f"{review}/{step}/{rung}/0/{deadline_due.isoformat()}"
    recipient = f"fp.{party.lower()}@example.org"
    row = {
        "key": f"{notice}|{recipient}",
        "notice": notice,
        "kind": "notice",
        "review_id": review,
        "step": step,
        "rung": rung,
        "occurrence": 0,
        "deadline_due": deadline_due,
        "due_on": deadline_due,
        "found_on": deadline_due,
        "party": party,
        "role": "waiting.focal_point",
        "copy_only": False,
        "recipient": recipient,
        "recipient_name": "FP",
        "language": "en",
        "subject": "s",
        "body_text": "b",
        "body_html": "<p>b</p>",
        "message_id": f"<{notice}@example.org>",
        "status": status,
        "attempts": 0,
        "created_at": now,
        "updated_at": now,
        "sent_at": now if status == "sent" else None,
    }
    cols = ", ".join(f'"{k}"' for k in row)
    vals = ", ".join(f":{k}" for k in row)
    with store.engine.begin() as conn:
        conn.execute(text(f"INSERT INTO outbox ({cols}) VALUES ({vals})"), row)
        return int(
            conn.execute(
                text("SELECT id FROM outbox WHERE key = :k"), {"k": row["key"]}
            ).scalar_one()
        )


def dump(store: Any) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, sorted: to compare a store before and after."""
    from sqlalchemy import inspect

    out = {}
    with store.engine.connect() as conn:
        for table in sorted(inspect(store.engine).get_table_names()):
            rows = conn.execute(text(f'SELECT * FROM "{table}"')).all()
            out[table] = sorted(tuple(map(str, r)) for r in rows)
    return out
