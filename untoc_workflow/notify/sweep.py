"""The deadline sweep: the core's due notifications on a date become consolidated messages
in the outbox (once), messages that no longer apply are cancelled, and the outbox is drained.

    found      notifications the core says are due on the date (catch-ups included)
    recorded   new messages: at most one per address per sweep
    held       of those, messages waiting for the secretariat's approval
    cancelled  open messages that no longer apply, or rebuilt into today's message

The correspondence starts at its go-live (the first sweep that records anything, or
`--go-live`): that day each recipient gets one opening message listing what is outstanding
in its reviews, and nothing due earlier is ever caught up. No sweep records or sends on a
non-working day of the declared calendar: what fell due then goes on the next working day,
and a catch-up says truly whether the day was a holiday or the sweep did not run.
    recorded_elsewhere  messages found here that a sweep running at the same time recorded
              first
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select

from ..core import focal_points_on, mechanism_states
from ..core.ladder import ladder_base
from ..core.rules import WAITING_RULES
from ..core.state import DueNotification, ReviewState
from ..definitions.catalog import definitions_of, steps_by_id, steps_by_key
from ..errors import InputError
from ..outbox.consolidated import MESSAGE_KIND, OPEN
from ..outbox.consolidated import cancel_open as _cancel_open
from ..outbox.consolidated import carried_by as _carried_by
from ..outbox.consolidated import count_status as _count
from ..outbox.consolidated import ids_with as _ids_with
from ..outbox.consolidated import known as _known
from ..outbox.consolidated import open_messages as _open_messages
from ..outbox.consolidated import write_ledger as _write_ledger
from ..outbox.entries import Backlog, backlog
from ..outbox.golive import (
    go_live_row,
    mark_opened,
    record_sweep_day,
    set_go_live,
    swept_days,
)
from ..outbox.headers import one_line
from ..outbox.ledger import MessageNotice
from ..outbox.note_numbers import DEFAULT_SERIES, check_series, number_notes
from ..outbox.record_of_notes import notes_sent
from ..outbox.rows import C, DrainReport, drain, insert_new_rows, lock_outbox, utc_naive
from ..outbox.tables import (
    AWAITING_APPROVAL,
    CANCELLED,
    FAILED,
    IN_DOUBT,
    PENDING,
    SENDING,
    SENT,
)
from ..store.dialect import writing
from ..wording.languages import long_date
from ..wording.words import local_party_name
from ..working_calendar import WorkingCalendar, load_calendar
from .consolidate import Item, Letter, LetterWriter, letter_row, notice_row
from .outstanding import outstanding_lines
from .presidency import late_parties, presidency_held
from .recipients import Fallback, Recipient, RecipientResolver
from .release import RELEASED, rewritten_key, rewritten_reason, written_earlier
from .templates import Templates, templates_dir

if TYPE_CHECKING:
    from ..core.focal_points import FocalPointRoll
    from ..definitions import ProcessCatalog, ProcessDefinition
    from ..settings import Settings
    from ..store.store import Store

N = MessageNotice.__table__  # type: ignore[attr-defined]
PRESIDENCY_KIND = "presidency"
OPENING_KIND = "opening"
LETTER_KINDS = (MESSAGE_KIND, OPENING_KIND, PRESIDENCY_KIND)
APPROVE_HINT = "untoc outbox approve --all"


@dataclass
class SweepReport:
    as_of: date
    found: int = 0
    recorded: int = 0
    already_recorded: int = 0
    recorded_elsewhere: int = 0
    cancelled: int = 0
    held: int = 0
    recipients: int = 0
    go_live: date | None = None
    opening: bool = False
    non_working: str | None = None  # why nothing was done: "weekend", a holiday's name
    before_go_live: bool = False
    withheld: list[str] = field(default_factory=list)  # "review: party" never addressed
    sent: int = 0
    failed: int = 0
    in_doubt: int = 0
    given_up: int = 0
    recovered: int = 0
    retried: int = 0
    pending: int = 0
    awaiting_approval: int = 0
    backlog: Backlog | None = None
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "go_live": self.go_live.isoformat() if self.go_live else None,
            "opening": self.opening,
            "non_working": self.non_working,
            "found": self.found,
            "recorded": self.recorded,
            "recipients": self.recipients,
            "held": self.held,
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
            "awaiting_approval": self.awaiting_approval,
            "outbox": self.backlog.as_dict() if self.backlog else None,
        }


@dataclass
class _Plan:
    """What one sweep will write, decided before the write transaction opens."""

    letters: list[tuple[Letter, str]] = field(default_factory=list)  # (letter, kind)
    cancel: dict[int, str] = field(default_factory=dict)  # outbox id -> reason
    dropped: dict[int, str] = field(default_factory=dict)  # ledger id -> why it no longer applies
    keys: dict[int, str] = field(default_factory=dict)  # outbox id -> key, of those cancelled
    secretariat_items: list[Item] = field(default_factory=list)  # fallbacks and its copies
    unreachable: list[str] = field(default_factory=list)  # Parties with no address at all


class Notifier:
    """Everything the sweep needs besides the store: definition, templates, calendar,
    contacts."""

    def __init__(
        self,
        definition: ProcessCatalog | ProcessDefinition,
        settings: Settings,
        templates: Templates | None = None,
        calendar: WorkingCalendar | None = None,
    ):
        self.definition = definition
        self.settings = settings
        self.templates = templates or Templates(
            templates_dir(settings.process_defs), settings.portal_url
        )
        self.calendar = calendar or load_calendar(settings.process_defs)
        # a notice holds a bare step id: found by id among the loaded processes' steps
        self._steps = steps_by_id(definition)
        self._rungs = {(s.id, r.id): r for s in self._steps.values() for r in s.ladder}
        # Steps whose notices are facts about a Party (it has no focal point), not a review.
        self._party_level = {
            s.id for s in self._steps.values() if WAITING_RULES[s.waiting_for.rule].about_parties
        }
        self.letters = LetterWriter(
            self.templates,
            self._steps,
            settings,
            {(d.process, d.version): d for d in definitions_of(definition)},
        )
        check_series(getattr(settings, "note_series", None) or DEFAULT_SERIES)

    def later_rungs(self, step: str, rung: str) -> tuple[Any, ...]:
        ladder = self._steps[step].ladder
        ids = [r.id for r in ladder]
        return tuple(ladder[ids.index(rung) + 1 :]) if rung in ids else ()

    # -- the sweep ------------------------------------------------------------------------

    def record(
        self,
        store: Store,
        as_of: date,
        now: datetime,
        *,
        go_live: date | None = None,
        progress: Callable[[int, int | None], None] | None = None,
    ) -> SweepReport:
        """Write the messages due on `as_of` to the outbox and cancel those that no longer
        apply, in one transaction. Nothing is sent here."""
        report = SweepReport(as_of=as_of)
        stamp = utc_naive(now)
        with store.engine.connect() as conn:
            start = go_live_row(conn)
        recorded_live = start.go_live if start is not None else None
        if go_live is not None and recorded_live not in (None, go_live):
            raise InputError(
                f"the correspondence of this store went live on {recorded_live.isoformat()};"
                f" it cannot go live again on {go_live.isoformat()} (go-live is recorded once)"
            )
        live = recorded_live or go_live or as_of
        report.go_live = live
        self.calendar.is_working_day(as_of)  # a date outside the calendar is an error
        if as_of < live or not self.calendar.is_working_day(as_of):
            report.before_go_live = as_of < live
            report.non_working = self.calendar.why_not_working(as_of)
            if go_live is not None and recorded_live is None:
                with writing(store.engine.connect()) as conn, conn.begin():
                    set_go_live(conn, go_live, by="--go-live", at=stamp)
            return report

        snapshot = store.snapshot(as_of)
        states = mechanism_states(self.definition, snapshot, as_of)
        if progress is not None:  # (reviews folded, reviews): the rest is letters
            progress(len(states), len(states))
        self.letters.runs = {s.review: (s.process, s.process_version) for s in states.values()}
        roll = focal_points_on(snapshot.events, as_of)
        resolver = RecipientResolver(
            snapshot.parties, roll, self.settings.secretariat, self.settings.cop_presidency
        )
        opened_on: date | None = start.opened_on if start is not None else None
        opened = opened_on is not None
        with store.engine.connect() as conn:
            if opened_on is not None:
                plan = self._daily(
                    conn, states, snapshot.parties, resolver, roll, as_of, opened_on, report
                )
            else:
                plan = self._opening(states, snapshot.parties, resolver, as_of, live)
                report.opening = True
            self._presidency(conn, plan, states, snapshot.parties, as_of)
            self._secretariat(conn, plan, snapshot.parties, as_of)

        if not opened and not plan.letters and go_live is None:
            report.opening = False  # nothing to open with: go-live is the first that records
            return report

        with writing(store.engine.connect()) as conn, conn.begin():
            lock_outbox(conn)
            if recorded_live is None:
                set_go_live(conn, live, by="--go-live" if go_live else "first sweep", at=stamp)
            if not opened:
                mark_opened(conn, as_of)
            again = {letter.key for letter, _ in plan.letters}
            plan.cancel = {i: r for i, r in plan.cancel.items() if plan.keys.get(i) not in again}
            report.cancelled = _cancel_open(conn, plan.cancel, stamp)
            series = getattr(self.settings, "note_series", None) or DEFAULT_SERIES
            number_notes(conn, [letter for letter, _ in plan.letters], series, as_of, stamp)
            rows = [
                letter_row(
                    letter,
                    kind=kind,
                    as_of=as_of,
                    sender=self.settings.sender,
                    stamp=stamp,
                )
                for letter, kind in plan.letters
            ]
            inserted = insert_new_rows(conn, rows)
            report.recorded = len(inserted)
            # messages another sweep wrote between our read and our lock: say so, not "0 new"
            report.recorded_elsewhere = len({r["key"] for r in rows} - inserted)
            moved = [
                (item.ledger_id, letter.key, item.approved)
                for letter, _kind in plan.letters
                for item in letter.items
                if item.ledger_id is not None
            ]
            fresh = [
                notice_row(item, letter.key)
                for letter, _kind in plan.letters
                for item in letter.items
                if item.ledger_id is None
            ]
            _write_ledger(conn, moved, fresh, plan.dropped)
            record_sweep_day(conn, as_of, stamp)
            report.awaiting_approval = _count(conn, AWAITING_APPROVAL)
        report.held = sum(1 for letter, _ in plan.letters if letter.held)
        report.recipients = len({letter.recipient.address_key for letter, _ in plan.letters})
        return report

    # -- an ordinary day ------------------------------------------------------------------

    def _daily(
        self,
        conn: Connection,
        states: Mapping[str, ReviewState],
        parties: Mapping[str, Any],
        resolver: RecipientResolver,
        roll: FocalPointRoll,
        as_of: date,
        opened_on: date,
        report: SweepReport,
    ) -> _Plan:
        plan = _Plan()
        live = opened_on
        # The opening covered everything up to its day: ordinary notices start the day after.
        notices = [(n, s) for s in states.values() for n in s.notifications if n.due_on > live]
        report.found = len(notices)
        known = _known(conn, [n.key for n, _ in notices])
        earliest = min((n.due_on for n, _ in notices), default=as_of)
        swept = swept_days(conn, earliest, as_of)
        by_address: dict[str, list[Item]] = defaultdict(list)

        def missed(due_on: date, found_on: date) -> tuple[date, ...]:
            if due_on >= found_on:
                return ()
            days = self.calendar.working_days(due_on, found_on - timedelta(days=1))
            return tuple(d for d in days if d not in swept and d >= live)

        counted: set[str] = set()
        rebuilt_for: dict[int, str] = {}  # open message id -> its address, when rebuilt
        for notice, state in notices:
            for item in self._items(notice, state, resolver, report, as_of):
                if (notice.key, item.address) in known:
                    counted.add(notice.key)
                    continue
                item.missed = missed(notice.due_on, as_of)
                item.holiday = self._holiday(notice.due_on, as_of)
                by_address[item.address].append(item)
        report.already_recorded = len(counted)

        # Open messages: rebuilt into today's when their address has news or one of their
        # notices no longer applies; left alone otherwise.
        for message, children in _open_messages(conn):
            address = message.recipient.lower()
            carried: list[Item] = []
            reasons: list[str] = []
            for child in children:
                why = self._why_obsolete(child, states, parties, roll)
                if why is not None:
                    plan.dropped[child.id] = why
                    reasons.append(f"{child.notice}: {why}")
                    by_addr = self._readdressed(child, states, resolver, known, as_of)
                    for item in by_addr:
                        by_address[item.address].append(item)
                    continue
                again = self._carried(child, message, states, resolver, as_of)
                if again is None:
                    plan.dropped[child.id] = "its recipient can no longer be addressed"
                    reasons.append(f"{child.notice}: recipient no longer addressed")
                    continue
                again.missed = missed(child.due_on, child.found_on)
                again.holiday = self._holiday(child.due_on, child.found_on)
                carried.append(again)
            if message.status == CANCELLED:
                reasons.append(message.cancel_reason)  # marked by a decision: rebuild
            elif not reasons and written_earlier(message, as_of):
                reasons.append(rewritten_reason(message))
            if not reasons and address not in by_address:
                continue
            plan.keys[message.id] = message.key
            rebuilt_for[message.id] = address
            if carried or by_address.get(address):
                by_address[address].extend(carried)
                plan.cancel[message.id] = f"rebuilt into the message of {as_of.isoformat()}" + (
                    f" ({'; '.join(reasons)})" if reasons else ""
                )
            else:
                plan.cancel[message.id] = "no longer applies: " + "; ".join(reasons)

        for address, items in list(by_address.items()):
            by_address[address] = _latest_only(items, plan)
            if not by_address[address]:
                del by_address[address]

        emptied = _copies_beside_their_notes(conn, by_address, plan)
        for message_id, address in rebuilt_for.items():
            if address in emptied and plan.cancel[message_id].startswith("rebuilt into"):
                plan.cancel[message_id] = f"no longer applies: {emptied[address]}"
        secretariat = self.settings.secretariat.email.lower()
        for address, items in by_address.items():
            if address == secretariat:
                continue  # written last, with the summary of the day
            plan.letters.append((self.letters.daily(items, parties, as_of), MESSAGE_KIND))
        plan.secretariat_items = by_address.get(secretariat, [])
        return plan

    def _holiday(self, due_on: date, found_on: date) -> bool:
        return due_on < found_on and not self.calendar.is_working_day(due_on)

    def _items(
        self,
        notice: DueNotification,
        state: ReviewState,
        resolver: RecipientResolver,
        report: SweepReport | None,
        as_of: date,
    ) -> list[Item]:
        rung = self._rungs.get((notice.step, notice.rung))
        resolution = resolver.resolve(
            to=notice.to,
            cc=notice.cc,
            reviewed=state.reviewed,
            reviewers=state.reviewers,
            waiting_for=notice.waiting_for,
            later_rungs=self.later_rungs(notice.step, notice.rung),
        )
        if report is not None:
            report.withheld.extend(f"{notice.review}: {p}" for p in resolution.withheld)
        out = []
        for r in resolution.recipients:
            if r.kind == "cop_presidency":
                continue  # the President reads the periodic summary, never a review's notice
            others = [o for o in resolution.recipients if o.address_key != r.address_key]
            out.append(
                Item(
                    notice=notice,
                    state=state,
                    recipient=r,
                    others=others,
                    approval=getattr(rung, "approval", None),
                    party_level=notice.step in self._party_level,
                    found_on=as_of,
                )
            )
        return out

    def _notice_again(self, child: Any, state: ReviewState, as_of: date) -> DueNotification | None:
        """A carried notice as of today: same key, rung and due day; today's lateness."""
        rung = self._rungs.get((child.step, child.rung))
        step = state.step(child.step)
        if rung is None or step.deadline is None or step.started_on is None:
            return None
        base = ladder_base(step.deadline, step.started_on)
        # A letter is true on the day it is written, which is the day it leaves (release.py):
        # a notice carried from an earlier message is told with today's figures.
        found = as_of
        return DueNotification(
            key=child.notice,
            review=child.review_id,
            step=child.step,
            rung=child.rung,
            occurrence=child.occurrence or 0,
            due_on=child.due_on,
            as_of=found,
            deadline=step.deadline,
            days_overdue=(found - base).days,
            to=tuple(rung.to),
            cc=tuple(rung.cc),
            template=rung.template,
            waiting_for=step.waiting_for,
            counted_from=base if base != step.deadline.due else None,
        )

    def _carried(
        self,
        child: Any,
        message: Any,
        states: Mapping[str, ReviewState],
        resolver: RecipientResolver,
        as_of: date,
    ) -> Item | None:
        state = states[child.review_id]
        notice = self._notice_again(child, state, as_of)
        if notice is None:
            return None
        for item in self._items(notice, state, resolver, None, as_of):
            if item.address == child.recipient and item.recipient.copy == child.copy_only:
                item.found_on = child.found_on
                item.ledger_id = child.id
                # approved once: the secretariat is not asked again for the same notice
                item.approved = bool(child.approved) or (
                    message.status == PENDING and message.decided_by is not None
                )
                if message.status in RELEASED and message.decided_by is not None:
                    item.decided = (message.decided_by, message.decided_at)
                return item
        return None

    def _readdressed(
        self,
        child: Any,
        states: Mapping[str, ReviewState],
        resolver: RecipientResolver,
        known: set[tuple[str, str]],
        as_of: date,
    ) -> list[Item]:
        """The notice for the replaced focal point's or mission's successor (only that
        Party's new contacts: the others have theirs)."""
        state = states.get(child.review_id)
        if state is None or child.party is None:
            return []
        try:
            step = state.step(child.step)
        except KeyError:
            return []
        if (
            step.status != "open"
            or step.deadline is None
            or step.deadline.due != child.deadline_due
        ):
            return []
        notice = self._notice_again(child, state, as_of)
        if notice is None:
            return []
        out = []
        for item in self._items(notice, state, resolver, None, as_of):
            if (
                item.recipient.party == child.party
                and item.address != child.recipient
                and (notice.key, item.address) not in known
            ):
                item.found_on = child.found_on
                out.append(item)
        return out

    def _why_obsolete(
        self,
        child: Any,
        states: Mapping[str, ReviewState],
        parties: Mapping[str, Any],
        roll: FocalPointRoll,
    ) -> str | None:
        """Why a carried notice no longer applies, or None."""
        state = states.get(child.review_id)
        if state is None:
            return "the review is not in the store on the sweep date"
        try:
            step = state.step(child.step)
        except KeyError:
            return f"the process has no step {child.step!r} any more"
        if step.status != "open":
            when = f" on {step.completed_on.isoformat()}" if step.completed_on else ""
            return f"step {child.step} {step.status}{when}"
        if step.deadline is None or step.deadline.due != child.deadline_due:
            moved = (
                f"{step.deadline.due.isoformat()} ({step.deadline.source})"
                if step.deadline
                else "none"
            )
            return f"deadline moved from {child.deadline_due} to {moved}"
        if child.party is not None and child.party not in {state.reviewed, *state.reviewers}:
            return f"{child.party} is no longer a party to the review"
        if (
            child.role.startswith("waiting.")
            and child.party is not None
            and child.party not in step.waiting_for
        ):
            return f"the step no longer waits for {child.party}"
        if child.party is not None and child.role.endswith("focal_point"):
            current = {p.email.lower() for p in roll.persons(child.party)}
            if child.recipient not in current:
                return f"{child.recipient} is no longer a focal point of {child.party}"
        if child.party is not None and child.role.endswith("mission"):
            party = parties.get(child.party)
            mission = party.mission.email.lower() if party and party.mission else None
            if mission != child.recipient:
                return f"{child.recipient} is no longer the mission of {child.party}"
        return None

    # -- go-live ----------------------------------------------------------------------------

    def _opening(
        self,
        states: Mapping[str, ReviewState],
        parties: Mapping[str, Any],
        resolver: RecipientResolver,
        as_of: date,
        live: date,
    ) -> _Plan:
        """One message per recipient listing what is outstanding in its reviews. A Party
        without a focal point is written to through its mission (once)."""
        plan = _Plan()
        titles = steps_by_key(self.definition)
        processes = {(d.process, d.version): d for d in definitions_of(self.definition)}
        involved = sorted(
            {
                p
                for s in states.values()
                if s.stage != "completed"
                for p in (s.reviewed, *s.reviewers)
            }
        )
        per_address: dict[str, tuple[Recipient, list[str]]] = {}
        unreachable: list[str] = []
        for party in involved:
            people, _why = resolver.party_recipients(party, "focal_point", "focal_point", False)
            if not people:
                people, _ = resolver.party_recipients(party, "mission", "mission", False)
                people = [
                    _with_fallback(r, Fallback(party, "no_focal_point", "focal_point"))
                    for r in people
                ]
            if not people:
                unreachable.append(party)
                continue
            for r in people:
                entry = per_address.setdefault(r.address_key, (r, []))
                entry[1].append(party)
        for _address, (recipient, codes) in sorted(per_address.items()):
            language = _language_of(recipient)
            lines = []
            facts = []
            for party in codes:
                party_lines = outstanding_lines(states, parties, party, language, titles, processes)
                lines.extend(party_lines)
                if recipient.fallback:  # the mission writes for a Party with no focal point
                    blocked = [s for s in states.values() if party in s.parties_without_focal_point]
                    due = self._focal_points_due(blocked)
                    facts.append(
                        {
                            "party": _party_name(parties, party, language),
                            "reviews": sorted(s.review for s in blocked),
                            "due": long_date(due, language) if due else "",
                        }
                    )
            if not lines and not facts:
                continue
            key = f"{OPENING_KIND}/{live.isoformat()}/{recipient.address_key}"
            letter = self.letters.summary_letter(
                "opening",
                recipient,
                key,
                as_of,
                {"go_live": long_date(live, language), "lines": lines, "party_facts": facts},
                held=False,
                language=language,
                # what it lists: each outstanding step of each review (a review is no notice)
                count=sum(len(line["steps"]) for line in lines),
                reviews=[line["id"] for line in lines],
            )
            plan.letters.append((letter, OPENING_KIND))
        plan.unreachable = unreachable
        return plan

    def _focal_points_due(self, states: Sequence[ReviewState]) -> date | None:
        """The earliest deadline of the Party-level steps (focal points) of these reviews."""
        dues = [
            step.deadline.due
            for s in states
            for step in s.steps
            if step.step in self._party_level and step.deadline is not None
        ]
        return min(dues, default=None)

    # -- the President of the Conference ---------------------------------------------------

    def _presidency(
        self,
        conn: Connection,
        plan: _Plan,
        states: Mapping[str, ReviewState],
        parties: Mapping[str, Any],
        as_of: date,
    ) -> None:
        """The President's summary of the Parties that are late, once a month (on the first
        working day, or the first sweep after it). A summary still awaiting approval when
        the next is written is superseded."""
        key = f"{PRESIDENCY_KIND}/{as_of:%Y-%m}"
        written = list(
            conn.execute(
                select(C.id, C.key, C.status, C.found_on, C.decided_by, C.decided_at).where(
                    C.kind == PRESIDENCY_KIND, C.key.like(f"{key}%")
                )
            )
        )
        released = [r for r in written if written_earlier(r, as_of)]
        if written and not released:
            return
        contact = self.settings.cop_presidency
        language = getattr(contact, "language", None) or "en"
        late = late_parties(self._steps, states, parties, language, self._notes(conn, plan, as_of))
        for row in released:  # the month's summary, approved, leaves with today's figures
            plan.cancel[row.id] = rewritten_reason(row)
            key = rewritten_key(row.key, as_of)
        if not late:
            return
        recipient = Recipient(
            email=contact.email,
            name=one_line(contact.name),
            role="cop_presidency",
            kind="cop_presidency",
            language=language,
        )
        letter = self.letters.summary_letter(
            "presidency",
            recipient,
            key,
            as_of,
            {"late": late},
            held=presidency_held(self.definition) and not released,
            language=language,
        )
        if released:
            letter.decided = (released[0].decided_by, released[0].decided_at)
            letter.approval = None
        for row in conn.execute(
            select(C.id, C.key).where(C.kind == PRESIDENCY_KIND, C.status.in_(OPEN))
        ):
            plan.cancel.setdefault(row.id, f"superseded by the summary of {as_of:%Y-%m}")
        plan.letters.append((letter, PRESIDENCY_KIND))

    @staticmethod
    def _notes(conn: Connection, plan: _Plan, as_of: date) -> dict[str, date]:
        """The day of the last note verbale to each Party's mission: those the outbox shows
        sent, and those this sweep sends (a note on a step the President's summary lists
        often leaves with it: the summary must not say that none was sent)."""
        notes = notes_sent(conn)
        for letter, _kind in plan.letters:
            r = letter.recipient
            if r.kind == "mission" and not r.copy and not letter.held and r.party:
                notes[r.party] = as_of
        return notes

    # -- the secretariat's daily summary -----------------------------------------------------

    def _secretariat(
        self, conn: Connection, plan: _Plan, parties: Mapping[str, Any], as_of: date
    ) -> None:
        items = plan.secretariat_items
        if not plan.letters and not items and not plan.unreachable:
            return
        summary = [
            {
                "to": letter.recipient.email,
                "party": _party_name(parties, letter.recipient.party)
                if letter.recipient.party
                else None,
                "notices": letter.count,
                # a copy for information it also carries (a note to another's mission)
                "copies": letter.copies,
                "reviews": letter.reviews,
                "held": letter.held,
            }
            for letter, _kind in plan.letters
        ]
        summary.extend(
            {
                "to": "—",
                "party": _party_name(parties, code),
                "notices": 0,
                "copies": 0,
                "reviews": [],
                "held": False,
            }
            for code in plan.unreachable  # no focal point, no mission: the secretariat acts
        )
        awaiting = (
            _count(conn, AWAITING_APPROVAL)
            - len(_ids_with(conn, plan.cancel, AWAITING_APPROVAL))
            + sum(1 for letter, _ in plan.letters if letter.held)
        )
        contact = self.settings.secretariat
        recipient = Recipient(
            email=contact.email,
            name=one_line(contact.name),
            role="secretariat",
            kind="secretariat",
            language=getattr(contact, "language", None),
        )
        if items:
            letter = self.letters.daily(
                items, parties, as_of, summary=summary, awaiting=awaiting, template="secretariat"
            )
        else:
            key = f"secretariat/{as_of.isoformat()}/{recipient.address_key}"
            letter = self.letters.summary_letter(
                "secretariat",
                recipient,
                key,
                as_of,
                {
                    "summary": summary,
                    "awaiting": awaiting,
                    "approve": APPROVE_HINT,
                    "sections": [],
                    "copies": [],
                    "party_facts": [],
                },
                held=False,
            )
        letter.held = False  # the secretariat's own summary never waits for itself
        plan.letters.append((letter, MESSAGE_KIND))


# -- helpers --------------------------------------------------------------------------------


def _copies_beside_their_notes(
    conn: Connection, by_address: dict[str, list[Item]], plan: _Plan
) -> dict[str, str]:
    """A focal point's copy of a note verbale says the note was sent to its mission that
    day, so it leaves only beside the note: while the note waits for approval the copy
    waits too (held again, even if it was approved alone), and the copy of a note that will
    not leave (rejected, cancelled, given up) is dropped with the reason."""
    today: dict[tuple[str, str], Item] = {
        (i.notice.key, address): i
        for address, items in by_address.items()
        for i in items
        if i.recipient.kind == "mission" and not i.recipient.copy
    }
    wanted = [
        (i.notice.key, o.address_key)
        for items in by_address.values()
        for i in items
        if i.recipient.copy
        for o in i.others
        if _its_mission(i, o)
    ]
    emptied: dict[str, str] = {}  # address left with nothing to say -> why
    if not wanted:
        return emptied
    recorded = _carried_by(conn, [p for p in wanted if p not in today])
    for address, items in list(by_address.items()):
        kept: list[Item] = []
        for item in items:
            notes = [
                (item.notice.key, o.address_key)
                for o in item.others
                if item.recipient.copy and _its_mission(item, o)
            ]
            fates = [_note_fate(today.get(pair), recorded.get(pair)) for pair in notes]
            if not notes or "leaves" in fates:
                kept.append(item)
            elif "held" in fates:
                item.approved = False
                item.approval = item.approval or "secretariat"
                kept.append(item)
            else:
                why = "the note verbale it copies was not sent to the mission"
                if item.ledger_id is not None:
                    plan.dropped[item.ledger_id] = why
        if kept:
            by_address[address] = kept
        else:
            del by_address[address]
            emptied[address] = "the note verbale it copies was not sent to the mission"
    return emptied


def _its_mission(item: Item, other: Recipient) -> bool:
    """The note verbale a copy tells of: the one to its own Party's mission (a note is
    bilateral; another State's note is not the copy's to tell)."""
    return other.kind == "mission" and not other.copy and other.party == item.recipient.party


def _note_fate(planned: Item | None, status: str | None) -> str:
    """'leaves' (with today's delivery, or already delivered), 'held' (awaiting approval)
    or 'not sent' (rejected, cancelled, never recorded)."""
    if planned is not None:
        return "held" if planned.held else "leaves"
    if status == AWAITING_APPROVAL:
        return "held"
    if status in (PENDING, FAILED, SENDING, SENT, IN_DOUBT):
        return "leaves"
    return "not sent"


def _latest_only(items: list[Item], plan: _Plan) -> list[Item]:
    """Of the notices to one address about one step and deadline, the latest rung only: a
    reminder still undelivered when the overdue notice is written is dropped."""
    # a notice found again while it is still carried (a repeated sweep) counts once
    unique: dict[str, Item] = {}
    for item in items:
        if item.notice.key not in unique or item.ledger_id is not None:
            unique[item.notice.key] = item
    items = list(unique.values())
    latest: dict[tuple[str, str, date], Item] = {}
    for item in items:
        n = item.notice
        k = (n.review, n.step, n.deadline.due)
        if k not in latest or n.due_on > latest[k].notice.due_on:
            latest[k] = item
    kept = []
    for item in items:
        n = item.notice
        winner = latest[(n.review, n.step, n.deadline.due)]
        if winner is item or winner.notice.due_on == n.due_on:
            kept.append(item)
        elif item.ledger_id is not None:
            later = winner.notice
            plan.dropped[item.ledger_id] = (
                f"superseded by the {later.rung} notice of {later.due_on.isoformat()}"
            )
    return kept


def _party_name(parties: Mapping[str, Any], code: str | None, language: str = "en") -> str:
    if not code:
        return ""
    party = parties.get(code)
    return one_line(local_party_name(code, language, party.name if party else None))


def _language_of(recipient: Recipient) -> str:
    from .consolidate import letter_language

    return letter_language(recipient, [])


def _with_fallback(r: Recipient, note: Fallback) -> Recipient:
    from dataclasses import replace

    return replace(r, fallback=(note,))


def sweep(
    store: Store,
    notifier: Notifier,
    transport: Any,
    as_of: date,
    now: datetime,
    *,
    deliver: bool = True,
    go_live: date | None = None,
    progress: Callable[[int, int | None], None] | None = None,
) -> SweepReport:
    """Record what is due on `as_of`, then deliver everything pending (timestamps: `now`).
    On a non-working day nothing is recorded and nothing leaves. `progress` hears
    (reviews folded, reviews)."""
    report = notifier.record(store, as_of, now, go_live=go_live, progress=progress)
    if deliver and report.non_working is None and not report.before_go_live:
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
    report.awaiting_approval = report.backlog.awaiting_approval
    return report


def notifier_from_settings(settings: Settings | None = None) -> Notifier:
    """The definition and templates the settings name (the bundled ones by default)."""
    from ..definitions import load_definitions
    from ..settings import load_settings

    settings = settings or load_settings()
    definition = load_definitions(settings.definitions_folders)
    return Notifier(definition, settings)


def run_sweep(
    store: Store,
    as_of: date,
    now: datetime,
    settings: Settings | None = None,
    *,
    deliver: bool = True,
    go_live: date | None = None,
    progress: Callable[[int, int | None], None] | None = None,
) -> SweepReport:
    """The sweep as `untoc sweep`, `untoc demo` and the Prefect flow run it."""
    from ..outbox import transport_for

    notifier = notifier_from_settings(settings)
    reapply_standing_decisions(store, notifier, as_of)
    transport = transport_for(notifier.settings)
    try:
        return sweep(
            store,
            notifier,
            transport,
            as_of,
            now,
            deliver=deliver,
            go_live=go_live,
            progress=progress,
        )
    finally:
        transport.close()


def reapply_standing_decisions(store: Store, notifier: Notifier, as_of: date) -> None:
    """Let standing Conference decisions (a changed duration) reach the steps that started
    since they were applied, before the sweep reads any deadline. Nothing recorded changes;
    with no decision in the store this is one query."""
    from ..definitions.catalog import definitions_of
    from ..definitions.load import defs_file, is_mechanism_rules
    from ..mechanism import records
    from ..mechanism.definition import load_mechanism
    from ..mechanism.service import reapply_decisions
    from ..outbox.decisions import StoreNoticeOutbox

    if not records.applied_decisions(store):
        return
    # the processes it may name are the notifier's (its settings'), not the environment's
    mechanism = load_mechanism(
        defs_file("mechanism.yaml", notifier.settings.process_defs, is_mechanism_rules),
        processes=tuple(dict.fromkeys(d.process for d in definitions_of(notifier.definition))),
    )
    reapply_decisions(
        store, notifier.definition, mechanism, as_of=as_of, outbox=StoreNoticeOutbox(store)
    )
