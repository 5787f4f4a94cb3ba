"""The monthly status summary: one email per focal point and per permanent mission, listing
each review the party takes part in (as reviewed or reviewing party), its stage and next
deadline. Keyed by month and address, so running it again in the same month adds nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from ..core import focal_points_on, mechanism_states
from ..outbox.note_numbers import DEFAULT_SERIES, SLOT, number_notes
from ..outbox.rows import insert_rows, lock_outbox, new_row, utc_naive
from ..store.dialect import writing
from ..wording.languages import choose_language
from ..wording.own_terms import own_series, process_words
from .context import digest_context, late_by, own_secretariat
from .outstanding import outstanding_lines
from .recipients import Recipient, RecipientResolver
from .templates import DIGEST_TEMPLATE

if TYPE_CHECKING:
    from ..core.state import ReviewState
    from ..settings import Settings
    from ..store.store import Store
    from .sweep import Notifier


@dataclass
class DigestReport:
    month: str
    recipients: int = 0
    recorded: int = 0


class _Note:
    """A summary to a mission as `number_notes` reads a note verbale: its key, text, HTML
    and Party (the number is written into the text and HTML, then back into the row)."""

    def __init__(self, row: dict[str, Any], series: str | None = None) -> None:
        self.row = row
        self.series = series  # its process's own series, if any (own_series)
        self.key = row["key"]
        self.text = row["body_text"]
        self.html = row["body_html"]
        self.recipient = SimpleNamespace(party=row["party"])


def digest_key(as_of: date) -> str:
    return f"digest/{as_of:%Y-%m}"


def review_lines(
    states: Mapping[str, ReviewState],
    parties: Mapping[str, Any],
    party: str,
    language: str,
    step_titles: Mapping[tuple[str, int, str], Any],
    processes: Mapping[tuple[str, int], Any] | None = None,
) -> list[dict[str, Any]]:
    """The Party's reviews in progress, as the digest lists them: every open step with its
    deadline, source and lateness counted as the notices count it, and what the Party is
    asked to do (outstanding.py, shared with the go-live opening). The fields of the most
    urgent step are repeated on the review (step, due, source...) for a one-line view."""
    lines = outstanding_lines(states, parties, party, language, step_titles, processes)
    for line in lines:
        first = line["steps"][0] if line["steps"] else None
        line.update(
            step=first["step"] if first else None,
            due=first["due"] if first else None,
            source=first["source"] if first else None,
            basis=first["basis"] if first else None,
            agreed_at=first["agreed_at"] if first else None,
            days_overdue=first["days_overdue"] if first else 0,
            late_by=first["late_by"] if first else late_by(0, language),
            waiting_for=first["waiting_for"] if first else [],
        )
    return lines


def record_digest(store: Store, notifier: Notifier, as_of: date, now: datetime) -> DigestReport:
    """Write this month's summaries to the outbox (sent by the next drain)."""
    settings = notifier.settings
    snapshot = store.snapshot(as_of)
    states = mechanism_states(notifier.definition, snapshot, as_of)
    roll = focal_points_on(snapshot.events, as_of)
    resolver = RecipientResolver(
        snapshot.parties, roll, settings.secretariat, settings.cop_presidency
    )
    from ..definitions.catalog import definitions_of, steps_by_key

    step_titles = steps_by_key(notifier.definition)
    processes = {(d.process, d.version): d for d in definitions_of(notifier.definition)}
    default = next(iter(processes.values()))
    notice = digest_key(as_of)
    report = DigestReport(month=f"{as_of:%Y-%m}")
    stamp = utc_naive(now)
    rows = []
    series_of: dict[str, str | None] = {}  # a note's key -> its process's own series
    involved = sorted({p for s in states.values() for p in (s.reviewed, *s.reviewers)})
    for party in involved:
        recipients: list[Recipient] = []
        for what in ("focal_point", "mission"):
            people, _why = resolver.party_recipients(party, what, f"{what}", False)
            recipients.extend(people)
        for r in recipients:
            language = choose_language(None, r.language, r.party_languages)
            lines = review_lines(states, snapshot.parties, party, language, step_titles, processes)
            if not lines:
                continue
            key = f"{notice}|{party}|{r.address_key}"
            # the reviews' own process names them (its tag, review, mechanism), when they
            # share one; else the default process's words
            own = {(states[x["id"]].process, states[x["id"]].process_version) for x in lines}
            process = processes.get(own.pop()) if len(own) == 1 else None
            ctx = digest_context(
                as_of=as_of,
                recipient=r,
                reviews=lines,
                language=language,
                secretariat=settings.secretariat,
                reference=key,
                process=process or default,
            )
            if process is not None:
                ctx.update(process_words(process, notifier.templates.text_env.globals["term"]))
            if r.kind == "mission":
                ctx["note_number"] = SLOT  # a note verbale: numbered when recorded
                series_of[key] = own_series(process)
            rendered = notifier.templates.render(DIGEST_TEMPLATE, language, ctx)
            rows.append(
                new_row(
                    key,
                    recipient=r,
                    rendered=rendered,
                    language=language,
                    sender=settings.sender,
                    stamp=stamp,
                    sender_name=own_secretariat(process, ctx, language),
                    where=ctx["recipient"]["where"],
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
        notes = [_Note(row, series_of.get(row["key"])) for row in rows if SLOT in row["body_text"]]
        series = getattr(settings, "note_series", None) or DEFAULT_SERIES
        number_notes(conn, notes, series, as_of, stamp)
        for note in notes:
            note.row.update(body_text=note.text, body_html=note.html)
        report.recorded = insert_rows(conn, rows)
    return report


def run_digest(
    store: Store,
    as_of: date,
    now: datetime,
    settings: Settings | None = None,
    *,
    deliver: bool = True,
) -> tuple[DigestReport, Any]:
    """The monthly summary as `untoc digest` and the Prefect flow run it: record, then drain."""
    from ..outbox import transport_for
    from ..outbox.rows import DrainReport, drain
    from .sweep import notifier_from_settings

    notifier = notifier_from_settings(settings)
    report = record_digest(store, notifier, as_of, now)
    drained = DrainReport()
    # like the sweep, nothing leaves on a non-working day: the next working day's drain
    if deliver and notifier.calendar.is_working_day(as_of):
        transport = transport_for(notifier.settings)
        try:
            drained = drain(
                store.engine,
                transport,
                now,
                sender=notifier.settings.sender,
                sender_name=notifier.settings.secretariat.name,
                reply_to=notifier.settings.secretariat.email,
                # a letter written on an earlier day waits for the sweep that writes it
                # again with this day's date and figures
                written_since=as_of,
            )
        finally:
            transport.close()
    return report, drained
