"""The monthly status summary: one email per focal point and per permanent mission, listing
each review the party takes part in (as reviewed or reviewing party), its stage and next
deadline. Keyed by month and address, so running it again in the same month adds nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ..core import focal_points_on, mechanism_states
from ..store.dialect import writing
from .context import digest_context, late_by, one_line
from .languages import choose_language, long_date
from .outbox import insert_rows, lock_outbox, new_row, utc_naive
from .recipients import Recipient, RecipientResolver
from .templates import DIGEST_TEMPLATE
from .wording import local_party_name


@dataclass
class DigestReport:
    month: str
    recipients: int = 0
    recorded: int = 0


def digest_key(as_of: date) -> str:
    return f"digest/{as_of:%Y-%m}"


def review_lines(
    states: Mapping[str, Any],
    parties: Mapping[str, Any],
    party: str,
    language: str,
    step_titles: Mapping[str, Mapping[str, str]],
) -> list[dict[str, Any]]:
    """The party's reviews in progress, as the digest template lists them."""

    def name(code: str) -> str:
        p = parties.get(code)
        return one_line(local_party_name(code, language, p.name if p is not None else None))

    lines = []
    for state in sorted(states.values(), key=lambda s: s.review):
        if state.stage == "completed":
            continue
        if party == state.reviewed:
            as_ = "reviewed"
        elif party in state.reviewers:
            as_ = "reviewer"
        else:
            continue  # another party's review: never shown
        nxt = state.next_deadline
        line: dict[str, Any] = {
            "id": state.review,
            "reviewed": name(state.reviewed),
            "as_": as_,
            "stage": state.stage,
            "step": None,
            "due": None,
            "source": None,
            "basis": None,
            "days_overdue": 0,
            "late_by": late_by(0, language),
            "waiting_for": [],
        }
        if nxt is not None and nxt.deadline is not None:
            titles = step_titles.get(nxt.step, {})
            days = (state.as_of - nxt.deadline.due).days
            line.update(
                step={
                    "id": nxt.step,
                    "title": titles.get(language, ""),
                    "title_en": titles.get("en", nxt.step),
                },
                due=long_date(nxt.deadline.due, language),
                source=nxt.deadline.source,
                basis=nxt.deadline.basis,
                days_overdue=days,
                late_by=late_by(days, language),
                waiting_for=[name(p) for p in nxt.waiting_for],
            )
        lines.append(line)
    return lines


def record_digest(store: Any, notifier: Any, as_of: date, now: datetime) -> DigestReport:
    """Write this month's summaries to the outbox (sent by the next drain)."""
    settings = notifier.settings
    snapshot = store.snapshot(as_of)
    states = mechanism_states(notifier.definition, snapshot, as_of)
    roll = focal_points_on(snapshot.events, as_of)
    resolver = RecipientResolver(
        snapshot.parties, roll, settings.secretariat, settings.cop_presidency
    )
    step_titles = {s.id: dict(s.title) for s in notifier.definition.steps}
    notice = digest_key(as_of)
    report = DigestReport(month=f"{as_of:%Y-%m}")
    stamp = utc_naive(now)
    rows = []
    involved = sorted({p for s in states.values() for p in (s.reviewed, *s.reviewers)})
    for party in involved:
        recipients: list[Recipient] = []
        for what in ("focal_point", "mission"):
            people, _why = resolver.party_recipients(party, what, f"{what}", False)
            recipients.extend(people)
        for r in recipients:
            language = choose_language(None, r.language, r.party_languages)
            lines = review_lines(states, snapshot.parties, party, language, step_titles)
            if not lines:
                continue
            key = f"{notice}|{party}|{r.address_key}"
            ctx = digest_context(
                as_of=as_of,
                recipient=r,
                reviews=lines,
                language=language,
                secretariat=settings.secretariat,
                reference=key,
            )
            rendered = notifier.templates.render(DIGEST_TEMPLATE, language, ctx)
            rows.append(
                new_row(
                    key,
                    recipient=r,
                    rendered=rendered,
                    language=language,
                    sender=settings.sender,
                    stamp=stamp,
                    notice=notice,
                    kind="digest",
                    review_id=None,
                    step=None,
                    rung=None,
                    occurrence=None,
                    deadline_due=None,
                    due_on=as_of,
                    found_on=as_of,
                    party=party,
                    role=r.kind,
                    copy_only=False,
                )
            )
    report.recipients = len(rows)
    with writing(store.engine.connect()) as conn, conn.begin():
        lock_outbox(conn)
        report.recorded = insert_rows(conn, rows)
    return report


def run_digest(
    store: Any, as_of: date, now: datetime, settings: Any | None = None, *, deliver: bool = True
) -> tuple[DigestReport, Any]:
    """The monthly summary as `untoc digest` and the Prefect flow run it: record, then drain."""
    from .delivery import transport_for
    from .outbox import DrainReport, drain
    from .sweep import notifier_from_settings

    notifier = notifier_from_settings(settings)
    report = record_digest(store, notifier, as_of, now)
    drained = DrainReport()
    if deliver:
        transport = transport_for(notifier.settings)
        try:
            drained = drain(
                store.engine,
                transport,
                now,
                sender=notifier.settings.sender,
                sender_name=notifier.settings.secretariat.name,
                reply_to=notifier.settings.secretariat.email,
            )
        finally:
            transport.close()
    return report, drained
