"""The deadline sweep: the core's due notifications on a date become outbox rows (once),
rows that no longer apply are cancelled, and the outbox is drained.

    found     notifications the core says are due on the date (catch-ups included)
    recorded  new outbox rows (one per recipient); 0 on a second run the same day
    cancelled pending rows that no longer apply (step done, deadline moved, party no
              longer awaited or in the review, focal point or mission replaced)
    recorded_elsewhere  notifications found here whose rows a sweep running at the same
              time recorded first
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from ..core import focal_points_on, mechanism_states
from ..core.state import DueNotification, ReviewState
from ..store.dialect import writing
from .context import notice_context
from .languages import choose_language
from .outbox import (
    Backlog,
    DrainReport,
    backlog,
    cancel_rows,
    drain,
    insert_new_rows,
    lock_outbox,
    new_row,
    open_rows,
    recorded_notices,
    utc_naive,
)
from .recipients import Recipient, RecipientResolver
from .templates import Templates, templates_dir


@dataclass
class SweepReport:
    as_of: date
    found: int = 0
    recorded: int = 0
    already_recorded: int = 0
    recorded_elsewhere: int = 0
    cancelled: int = 0
    withheld: list[str] = field(default_factory=list)  # "review: party" never addressed
    sent: int = 0
    failed: int = 0
    in_doubt: int = 0
    given_up: int = 0
    recovered: int = 0
    retried: int = 0
    pending: int = 0
    backlog: Backlog | None = None
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "found": self.found,
            "recorded": self.recorded,
            "already_recorded": self.already_recorded,
            "cancelled": self.cancelled,
            "sent": self.sent,
            "failed": self.failed,
            "in_doubt": self.in_doubt,
            "given_up": self.given_up,
            "recovered": self.recovered,
            "retried": self.retried,
            "recorded_elsewhere": self.recorded_elsewhere,
            "pending": self.pending,
            "outbox": self.backlog.as_dict() if self.backlog else None,
        }


class Notifier:
    """Everything the sweep needs besides the store: definition, templates, contacts."""

    def __init__(self, definition: Any, settings: Any, templates: Templates | None = None):
        self.definition = definition
        self.settings = settings
        self.templates = templates or Templates(templates_dir(settings.process_defs))
        self._steps = {s.id: s for s in definition.steps}

    # -- rows for one notice ------------------------------------------------------------

    def later_rungs(self, step: str, rung: str) -> tuple[Any, ...]:
        ladder = self._steps[step].ladder
        ids = [r.id for r in ladder]
        return tuple(ladder[ids.index(rung) + 1 :]) if rung in ids else ()

    def rows_for(
        self,
        notice: DueNotification,
        state: ReviewState,
        parties: Mapping[str, Any],
        recipients: Sequence[Recipient],
        now: datetime,
    ) -> list[dict[str, Any]]:
        step_titles = dict(self._steps[notice.step].title) if notice.step in self._steps else {}
        stamp = utc_naive(now)
        rows = []
        for r in recipients:
            language = choose_language(state.languages, r.language, r.party_languages)
            others = [o for o in recipients if o.address_key != r.address_key]
            ctx = notice_context(
                notice=notice,
                state=state,
                parties=parties,
                step_titles=step_titles,
                recipient=r,
                others=others,
                language=language,
                secretariat=self.settings.secretariat,
            )
            rendered = self.templates.render(notice.template, language, ctx)
            key = f"{notice.key}|{r.address_key}"
            rows.append(
                new_row(
                    key,
                    recipient=r,
                    rendered=rendered,
                    language=language,
                    sender=self.settings.sender,
                    stamp=stamp,
                    notice=notice.key,
                    kind="notice",
                    review_id=notice.review,
                    step=notice.step,
                    rung=notice.rung,
                    occurrence=notice.occurrence,
                    deadline_due=notice.deadline.due,
                    due_on=notice.due_on,
                    found_on=notice.as_of,
                    party=r.party,
                    role=r.role,
                    copy_only=r.copy,
                )
            )
        return rows

    # -- the sweep ------------------------------------------------------------------------

    def record(self, store: Any, as_of: date, now: datetime) -> SweepReport:
        """Write the notifications due on `as_of` to the outbox and cancel those that no
        longer apply, in one transaction. Nothing is sent here."""
        report = SweepReport(as_of=as_of)
        snapshot = store.snapshot(as_of)
        states = mechanism_states(self.definition, snapshot, as_of)
        roll = focal_points_on(snapshot.events, as_of)
        resolver = RecipientResolver(
            snapshot.parties, roll, self.settings.secretariat, self.settings.cop_presidency
        )
        notices = [(n, s) for s in states.values() for n in s.notifications]
        report.found = len(notices)
        with store.engine.connect() as conn:
            known = recorded_notices(conn, [n.key for n, _ in notices])
            open_notice_rows = open_rows(conn)
        report.already_recorded = sum(1 for n, _ in notices if n.key in known)

        new_rows: list[dict[str, Any]] = []
        for notice, state in notices:
            if notice.key in known:
                continue
            resolution = resolver.resolve(
                to=notice.to,
                cc=notice.cc,
                reviewed=state.reviewed,
                reviewers=state.reviewers,
                waiting_for=notice.waiting_for,
                later_rungs=self.later_rungs(notice.step, notice.rung),
            )
            report.withheld.extend(f"{notice.review}: {p}" for p in resolution.withheld)
            new_rows.extend(
                self.rows_for(notice, state, snapshot.parties, resolution.recipients, now)
            )

        cancel, replacements = self._obsolete(
            open_notice_rows, states, snapshot.parties, resolver, roll, now
        )
        new_rows.extend(replacements)
        for row_id, reason in _superseded(open_notice_rows, new_rows, store).items():
            cancel.setdefault(row_id, reason)

        with writing(store.engine.connect()) as conn, conn.begin():
            lock_outbox(conn)
            inserted = insert_new_rows(conn, new_rows)
            report.recorded = len(inserted)
            # rows another sweep wrote between our read and our lock: say so, not "0 new"
            report.recorded_elsewhere = len(
                {r["notice"] for r in new_rows if r["key"] not in inserted} - known
            )
            report.cancelled = cancel_rows(conn, cancel, now)
        return report

    def _obsolete(
        self,
        rows: Sequence[Any],
        states: Mapping[str, ReviewState],
        parties: Mapping[str, Any],
        resolver: RecipientResolver,
        roll: Any,
        now: datetime,
    ) -> tuple[dict[int, str], list[dict[str, Any]]]:
        """Open rows that no longer apply, with the reason; and rows re-addressing a notice
        whose focal point or mission was replaced."""
        cancel: dict[int, str] = {}
        readdress: dict[int, tuple[Any, ReviewState, Any]] = {}
        for row in rows:
            state = states.get(row.review_id)
            if state is None:
                cancel[row.id] = "the review is not in the store on the sweep date"
                continue
            try:
                step = state.step(row.step)
            except KeyError:
                cancel[row.id] = f"the process has no step {row.step!r} any more"
                continue
            if step.status != "open":
                when = f" on {step.completed_on.isoformat()}" if step.completed_on else ""
                cancel[row.id] = f"step {row.step} {step.status}{when}"
                continue
            if step.deadline is None or step.deadline.due != row.deadline_due:
                moved = (
                    f"{step.deadline.due.isoformat()} ({step.deadline.source})"
                    if step.deadline
                    else "none"
                )
                cancel[row.id] = f"deadline moved from {row.deadline_due} to {moved}"
                continue
            if row.party is not None and row.party not in {state.reviewed, *state.reviewers}:
                cancel[row.id] = f"{row.party} is no longer a party to the review"
                continue
            if (
                row.role.startswith("waiting.")
                and row.party is not None
                and row.party not in step.waiting_for
            ):
                cancel[row.id] = f"the step no longer waits for {row.party}"
                continue
            if row.party is not None and row.role.endswith("focal_point"):
                current = {p.email.lower() for p in roll.persons(row.party)}
                if row.recipient.lower() not in current:
                    cancel[row.id] = f"{row.recipient} is no longer a focal point of {row.party}"
                    readdress[row.id] = (row, state, step)
                continue
            if row.party is not None and row.role.endswith("mission"):
                party = parties.get(row.party)
                mission = party.mission.email.lower() if party and party.mission else None
                if mission != row.recipient.lower():
                    cancel[row.id] = f"{row.recipient} is no longer the mission of {row.party}"
                    readdress[row.id] = (row, state, step)
        replacements: list[dict[str, Any]] = []
        for row, state, step in readdress.values():
            rung = next((r for r in self._steps[row.step].ladder if r.id == row.rung), None)
            if rung is None:
                continue
            notice = DueNotification(
                key=row.notice,
                review=row.review_id,
                step=row.step,
                rung=row.rung,
                occurrence=row.occurrence or 0,
                due_on=row.due_on,
                as_of=row.found_on,
                deadline=step.deadline,
                days_overdue=(row.found_on - step.deadline.due).days,
                to=tuple(rung.to),
                cc=tuple(rung.cc),
                template=rung.template,
                waiting_for=step.waiting_for,
            )
            roles = (row.role,)
            resolution = resolver.resolve(
                to=() if row.copy_only else roles,
                cc=roles if row.copy_only else (),
                reviewed=state.reviewed,
                reviewers=state.reviewers,
                waiting_for=(row.party,) if row.role.startswith("waiting.") else (),
                later_rungs=self.later_rungs(row.step, row.rung),
            )
            # only the replaced party's new contacts: the others have their own rows
            fresh = [r for r in resolution.recipients if r.party in (row.party, None)]
            replacements.extend(self.rows_for(notice, state, parties, fresh, now))
        return cancel, replacements


def _superseded(
    open_rows: Sequence[Any], new_rows: Sequence[dict[str, Any]], store: Any
) -> dict[int, str]:
    """Open rows that a later notice of the same step and deadline, to the same person, has
    overtaken: a reminder still undelivered when the overdue notice goes out is dropped."""
    if not open_rows:
        return {}
    latest: dict[tuple[Any, ...], tuple[Any, str]] = {}

    def note(review: Any, step: Any, due: Any, recipient: str, due_on: Any, rung: Any) -> None:
        k = (review, step, due, recipient.lower())
        if k not in latest or due_on > latest[k][0]:
            latest[k] = (due_on, rung)

    for r in new_rows:
        if r["kind"] == "notice":
            note(
                r["review_id"], r["step"], r["deadline_due"], r["recipient"], r["due_on"], r["rung"]
            )
    from .outbox import C

    reviews = sorted({r.review_id for r in open_rows})
    with store.engine.connect() as conn:
        for i in range(0, len(reviews), 500):
            query = select(
                C.review_id, C.step, C.deadline_due, C.recipient, C.due_on, C.rung
            ).where(
                C.kind == "notice", C.review_id.in_(reviews[i : i + 500]), C.status != "cancelled"
            )
            for row in conn.execute(query):
                note(row.review_id, row.step, row.deadline_due, row.recipient, row.due_on, row.rung)
    out: dict[int, str] = {}
    for row in open_rows:
        later = latest.get((row.review_id, row.step, row.deadline_due, row.recipient.lower()))
        if later is not None and later[0] > row.due_on:
            out[row.id] = f"superseded by the {later[1]} notice of {later[0].isoformat()}"
    return out


def sweep(
    store: Any,
    notifier: Notifier,
    transport: Any,
    as_of: date,
    now: datetime,
    *,
    deliver: bool = True,
) -> SweepReport:
    """Record what is due on `as_of`, then deliver everything pending (timestamps: `now`)."""
    report = notifier.record(store, as_of, now)
    if deliver:
        drained: DrainReport = drain(
            store.engine,
            transport,
            now,
            sender=notifier.settings.sender,
            sender_name=notifier.settings.secretariat.name,
            reply_to=notifier.settings.secretariat.email,
        )
        report.sent, report.failed, report.in_doubt = drained.sent, drained.failed, drained.in_doubt
        report.given_up, report.recovered = drained.given_up, drained.recovered
        report.retried = drained.retried
        report.errors = drained.errors
    with store.engine.connect() as conn:
        report.backlog = backlog(conn)
    report.pending = report.backlog.pending + report.backlog.retrying
    return report


def notifier_from_settings(settings: Any | None = None) -> Notifier:
    """The definition and templates the settings name (the bundled ones by default)."""
    from ..definitions import load_process
    from ..settings import load_settings

    settings = settings or load_settings()
    definition = load_process(settings.process_defs / "country_review.yaml")
    return Notifier(definition, settings)


def run_sweep(
    store: Any, as_of: date, now: datetime, settings: Any | None = None, *, deliver: bool = True
) -> SweepReport:
    """The sweep as `untoc sweep`, `untoc demo` and the Prefect flow run it."""
    from .delivery import transport_for

    notifier = notifier_from_settings(settings)
    reapply_standing_decisions(store, notifier, as_of)
    transport = transport_for(notifier.settings)
    try:
        return sweep(store, notifier, transport, as_of, now, deliver=deliver)
    finally:
        transport.close()


def reapply_standing_decisions(store: Any, notifier: Notifier, as_of: date) -> None:
    """Let standing Conference decisions (a changed duration) reach the steps that started
    since they were applied, before the sweep reads any deadline. Nothing recorded changes;
    with no decision in the store this is one query."""
    from ..mechanism import records
    from ..mechanism.definition import load_mechanism
    from ..mechanism.service import reapply_decisions

    if not records.applied_decisions(store):
        return
    mechanism = load_mechanism(notifier.settings.process_defs / "mechanism.yaml")
    reapply_decisions(store, notifier.definition, mechanism, as_of=as_of)
