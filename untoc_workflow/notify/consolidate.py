"""One message per recipient per sweep: the day's notices to one address become one email.

A notice for one address is an `Item`; the items of one address are grouped by review,
most urgent first, with a Party-level fact (a Party without a focal point) said once per
Party however many reviews it holds up, and copies for information last. The message's
subject is stable per recipient and date; its Cc header names who else is informed. A
message carrying a notice whose rung needs approval waits for it, whole.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from ..core.state import DueNotification, ReviewState
from ..languages import UN_LANGUAGES
from ..outbox.headers import one_line
from ..outbox.rows import new_row
from ..outbox.tables import AWAITING_APPROVAL, PENDING
from ..wording.collation import sort_key
from ..wording.languages import long_date
from ..wording.words import local_party_name
from .context import (
    late_by,
    notice_context,
    own_secretariat,
    own_series,
    process_fields,
    process_term,
    process_the,
    recipient_fields,
)
from .recipients import Recipient

if TYPE_CHECKING:
    from ..definitions import ProcessDefinition, Step
    from ..settings import Settings


@dataclass
class Item:
    """One notice for one address."""

    notice: DueNotification
    state: ReviewState
    recipient: Recipient
    others: list[Recipient]
    approval: str | None = None
    approved: bool = False
    party_level: bool = False  # a fact about a Party (no focal point), not about one review
    found_on: date | None = None  # the sweep that first found it (carried items: earlier)
    missed: tuple[date, ...] = ()  # working days the sweep did not run since it fell due
    holiday: bool = False  # it fell due on a non-working day and waited for the next
    ledger_id: int | None = None  # the ledger row of a notice carried from an open message
    decided: tuple[str, datetime] | None = None  # the release of the message it came from

    @property
    def address(self) -> str:
        return self.recipient.address_key

    @property
    def held(self) -> bool:
        return self.approval is not None and not self.approved

    @property
    def urgency(self) -> int:
        return self.notice.days_overdue


@dataclass
class Letter:
    """The rendered message for one address, with the items it carries."""

    key: str
    recipient: Recipient
    language: str
    items: list[Item]
    subject: str
    text: str
    html: str
    cc: list[str] = field(default_factory=list)
    held: bool = False
    review_id: str | None = None
    step: str | None = None
    approval: str | None = None  # who must approve it before it leaves (when held)
    count: int = 0  # what it lists: notices addressed to the recipient, steps, Parties
    copies: int = 0  # copies of notices addressed to others it carries for information
    reviews: list[str] = field(default_factory=list)
    # the approval of the text it replaces (written again on the day it leaves): who, when
    decided: tuple[str, datetime] | None = None
    # who signs it, when its process declares a secretariat of its own (else the configured)
    sender_name: str | None = None
    # where the mission it is addressed to sits, as the letter names it (None: Vienna's UN)
    where: str | None = None
    # the series a note verbale is numbered in, when its process has its own (else the
    # configured one; outbox/note_numbers.py)
    series: str | None = None


def note_number(recipient: Recipient) -> dict[str, str]:
    """A note verbale to a mission is numbered when it is recorded (outbox/note_numbers.py)."""
    from ..outbox.note_numbers import SLOT

    return {"note_number": SLOT} if recipient.kind == "mission" else {}


def own_party_only(recipient: Recipient, others: Sequence[Recipient]) -> list[Recipient]:
    """Who a note verbale to one Permanent Mission is copied to (and names): its own Party's
    focal points and the secretariat, never another State's."""
    if recipient.kind != "mission":
        return list(others)
    return [o for o in others if o.party in (None, recipient.party)]


def letter_key(kind: str, as_of: date, address: str, notices: Sequence[str]) -> str:
    """The same notices to the same address on the same day give the same key (a repeated
    or crashed sweep records nothing twice); a rebuilt message gets a new one."""
    digest = hashlib.sha256("\n".join(sorted(set(notices))).encode()).hexdigest()[:16]
    return f"{kind}/{as_of.isoformat()}/{address}/{digest}"


def letter_language(recipient: Recipient, states: Sequence[ReviewState]) -> str:
    """The recipient's own language wins; else a working language of its reviews that its
    Party uses; else its Party's; else the reviews' first working language; else English."""
    if recipient.language in UN_LANGUAGES:
        return str(recipient.language)
    working = [w for s in states for w in (s.languages or ()) if w in UN_LANGUAGES]
    party = [p for p in recipient.party_languages if p in UN_LANGUAGES]
    for lang in party:
        if lang in working:
            return lang
    if party:
        return party[0]
    return working[0] if working else "en"


def item_context(
    item: Item,
    *,
    parties: Mapping[str, Any],
    step_titles: Mapping[str, str],
    language: str,
    secretariat: Any,
    process: ProcessDefinition | None = None,
) -> dict[str, Any]:
    ctx = notice_context(
        notice=item.notice,
        state=item.state,
        parties=parties,
        step_titles=step_titles,
        recipient=item.recipient,
        others=own_party_only(item.recipient, item.others),
        language=language,
        secretariat=secretariat,
        process=process,
    )
    # Said only when true: the sweep did not run on those days, or the day was a holiday.
    ctx["caught_up"] = bool(item.missed) or item.holiday
    ctx["missed"] = [long_date(d, language) for d in item.missed]
    counted = item.notice.counted_from
    ctx["counted_from"] = long_date(counted, language) if counted else None
    if counted:
        # a step that could begin only after its deadline: its lateness is told as `untoc
        # status` tells it, from the deadline, beside the day it could begin
        overdue = (item.notice.as_of - item.notice.deadline.due).days
        ctx["days_overdue"], ctx["late_by"] = overdue, late_by(abs(overdue), language)
    return ctx


class LetterWriter:
    """Renders the consolidated messages of one sweep (templates, titles, contacts)."""

    def __init__(
        self,
        templates: Any,
        steps: Mapping[str, Step],
        settings: Settings,
        processes: Mapping[tuple[str, int], ProcessDefinition] | None = None,
    ):
        self.templates = templates
        self.steps = steps
        self.settings = settings
        # each review's own definition by (process, version): its title, tag and roles name
        # the review in its letters, and its steps' titles are read there
        self.processes = dict(processes or {})
        # the (process, version) each review of the sweep runs (set by the sweep): a letter
        # without notices speaks of its reviews' process
        self.runs: dict[str, tuple[str, int]] = {}

    def _name(self, parties: Mapping[str, Any], code: str, language: str = "en") -> str:
        party = parties.get(code)
        return one_line(local_party_name(code, language, party.name if party else None))

    def _process(self, item: Item) -> ProcessDefinition | None:
        state = item.state
        return self.processes.get((state.process, state.process_version))

    def _letter_definition(
        self, items: Sequence[Item], reviews: Sequence[str] = ()
    ) -> ProcessDefinition | None:
        """The process a letter speaks of: its notices' or reviews' own when they share one;
        else the one every review of the sweep runs; else the default process (the first
        loaded), whose words head a letter about several processes."""
        found = [self._process(i) for i in items]
        found += [self.processes.get(self.runs[r]) for r in reviews if r in self.runs]
        if not found:
            found = [self.processes.get(k) for k in set(self.runs.values())]
        own = {p.process: p for p in found if p is not None}
        if len(own) == 1:
            return next(iter(own.values()))
        return next(iter(self.processes.values()), None)

    def _letter_process(self, process: ProcessDefinition | None, language: str) -> dict[str, Any]:
        if process is None:
            return {"id": "", "title": "", "tag": "", "mechanism": None, "place": None}
        return process_fields(process, language)

    def _letter_term(self, process: ProcessDefinition | None) -> dict[str, Any]:
        base = self.templates.text_env.globals["term"]
        if process is None:
            return {}
        return {"term": process_term(process, base), "the_role": process_the(process, base)}

    def _rendered_item(
        self, item: Item, parties: Mapping[str, Any], language: str
    ) -> dict[str, str]:
        process = self._process(item)
        own = {s.id: s for s in process.steps} if process is not None else {}
        step = own.get(item.notice.step) or self.steps.get(item.notice.step)
        titles = dict(step.title) if step is not None else {}
        ctx = item_context(
            item,
            parties=parties,
            step_titles=titles,
            language=language,
            secretariat=self.settings.secretariat,
            process=process,
        )
        if process is not None:
            base = self.templates.text_env.globals["term"]
            ctx["term"] = process_term(process, base)
            ctx["the_role"] = process_the(process, base)
        text, html = self.templates.render_item(item.notice.template, language, ctx)
        return {"text": text, "html": html}

    def daily(
        self,
        items: Sequence[Item],
        parties: Mapping[str, Any],
        as_of: date,
        *,
        summary: Sequence[Mapping[str, Any]] = (),
        awaiting: int = 0,
        template: str = "daily",
    ) -> Letter:
        """The message of the day for the address all `items` share."""
        recipient = _principal(items)
        language = letter_language(recipient, [i.state for i in items])
        direct = [i for i in items if not i.recipient.copy]
        copies = [i for i in items if i.recipient.copy]

        facts: dict[str, list[Item]] = defaultdict(list)
        per_review: dict[str, list[Item]] = defaultdict(list)
        for item in direct:
            if item.party_level:
                for party in item.notice.waiting_for or (item.recipient.party or "",):
                    facts[party].append(item)
            else:
                per_review[item.notice.review].append(item)

        party_facts = []
        for party, group in sorted(
            facts.items(),
            key=lambda kv: sort_key(self._name(parties, kv[0], language), language, kv[0]),
        ):
            first = min(group, key=lambda i: i.notice.deadline.due)
            party_facts.append(
                {
                    "party": self._name(parties, party, language),
                    "reviews": sorted({i.notice.review for i in group}),
                    "due": long_date(first.notice.deadline.due, language),
                }
            )

        def sections(groups: Mapping[str, list[Item]]) -> list[dict[str, Any]]:
            ordered = sorted(groups.items(), key=lambda kv: (-max(i.urgency for i in kv[1]), kv[0]))
            out = []
            for review, group in ordered:
                group = sorted(group, key=lambda i: (-i.urgency, i.notice.step, i.notice.rung))
                out.append(
                    {
                        "id": review,
                        "reviewed": self._name(parties, group[0].state.reviewed, language),
                        "items": [self._rendered_item(i, parties, language) for i in group],
                    }
                )
            return out

        copy_groups: dict[str, list[Item]] = defaultdict(list)
        if template != "secretariat":  # the secretariat's copies are its summary's lines
            for item in copies:
                copy_groups[item.notice.review].append(item)
        key = letter_key(template, as_of, recipient.address_key, [i.notice.key for i in items])
        process = self._letter_definition(items)
        ctx = {
            "as_of": long_date(as_of, language),
            "reference": key,
            "recipient": recipient_fields(recipient, language, process),
            "secretariat": _secretariat(self.settings),
            "party_facts": party_facts,
            "sections": sections(per_review),
            "copies": sections(copy_groups),
            "summary": list(summary),
            "awaiting": awaiting,
            "approve": "untoc outbox approve --all",
            "process": self._letter_process(process, language),
            **self._letter_term(process),
            # the secretariat reads why it receives notices: referred for a Party it could
            # not write to, or addressed to it by the rung itself
            "referred": any(i.recipient.fallback for i in direct),
            **note_number(recipient),
        }
        rendered = self.templates.render_letter(template, language, ctx)
        cc = sorted(
            {
                o.email
                for i in direct
                for o in own_party_only(recipient, i.others)
                if o.copy and o.address_key != recipient.address_key
            }
        )
        reviews = {i.notice.review for i in items}
        steps = {i.notice.step for i in items}
        return Letter(
            key=key,
            recipient=recipient,
            language=language,
            items=list(items),
            subject=rendered.subject,
            text=rendered.text,
            html=rendered.html,
            cc=cc,
            held=any(i.held for i in items),
            approval=next((i.approval for i in items if i.held), None),
            decided=next((i.decided for i in items if i.decided), None),
            review_id=next(iter(reviews)) if len(reviews) == 1 else None,
            step=next(iter(steps)) if len(steps) == 1 else None,
            count=len(direct),  # the notices addressed to it
            copies=len(copies),  # and the copies for information it carries besides
            reviews=sorted(reviews),
            sender_name=own_secretariat(process, ctx, language),
            where=ctx["recipient"]["where"],
            series=own_series(process),
        )

    def summary_letter(
        self,
        template: str,
        recipient: Recipient,
        key: str,
        as_of: date,
        context: Mapping[str, Any],
        *,
        held: bool,
        language: str | None = None,
        count: int = 0,
        reviews: Sequence[str] = (),
    ) -> Letter:
        """A letter without notices (the opening, the President's summary)."""
        language = language or letter_language(recipient, [])
        process = self._letter_definition((), reviews)
        ctx = {
            "as_of": long_date(as_of, language),
            "month": _month(as_of, language),
            "reference": key,
            "recipient": recipient_fields(recipient, language, process),
            "secretariat": _secretariat(self.settings),
            "process": self._letter_process(process, language),
            **self._letter_term(process),
            **note_number(recipient),
            **context,
        }
        rendered = self.templates.render_letter(template, language, ctx)
        return Letter(
            key=key,
            recipient=recipient,
            language=language,
            items=[],
            subject=rendered.subject,
            text=rendered.text,
            html=rendered.html,
            held=held,
            approval="secretariat" if held else None,
            count=count,
            reviews=sorted(reviews),
            sender_name=own_secretariat(process, ctx, language),
            where=ctx["recipient"]["where"],
            series=own_series(process),
        )


def _month(day: date, language: str) -> str:
    from ..wording.languages import month_year

    return month_year(day, language)


def _secretariat(settings: Settings) -> dict[str, str]:
    return {"name": one_line(settings.secretariat.name), "email": settings.secretariat.email}


def _principal(items: Sequence[Item]) -> Recipient:
    """The recipient as addressed directly if it is anywhere (else as a copy)."""
    direct = [i.recipient for i in items if not i.recipient.copy]
    return (direct or [items[0].recipient])[0]


# -- rows ---------------------------------------------------------------------------------


def letter_row(
    letter: Letter, *, kind: str, as_of: date, sender: str, stamp: datetime
) -> dict[str, Any]:
    """The outbox row of one consolidated message."""
    from .templates import Rendered

    row = new_row(
        letter.key,
        recipient=letter.recipient,
        rendered=Rendered(letter.subject, letter.text, letter.html),
        language=letter.language,
        sender=sender,
        stamp=stamp,
        sender_name=letter.sender_name,
        where=letter.where,
        notice=f"{kind}/{as_of.isoformat()}",
        kind=kind,
        review_id=letter.review_id,
        step=letter.step,
        rung=None,
        occurrence=None,
        deadline_due=None,
        due_on=as_of,
        found_on=as_of,
        party=letter.recipient.party,
        role=letter.recipient.kind,
        copy_only=False,
    )
    row["cc"] = ", ".join(letter.cc) or None
    row["decided_by"] = row["decided_at"] = None
    if letter.held:
        row["status"] = AWAITING_APPROVAL
        row["approval"] = letter.approval or "secretariat"
    else:
        row["status"] = PENDING
        # written again after its release: who released it, and when, stay on the row
        row["approval"] = "secretariat" if letter.decided else None
        row["decided_by"], row["decided_at"] = letter.decided or (None, None)
    return row


def notice_row(item: Item, outbox_key: str) -> dict[str, Any]:
    """The ledger row of one notice carried by a message."""
    n = item.notice
    return {
        "notice": n.key,
        "recipient": item.address,
        "outbox_key": outbox_key,
        "review_id": n.review,
        "step": n.step,
        "rung": n.rung,
        "occurrence": n.occurrence,
        "deadline_due": n.deadline.due,
        "due_on": n.due_on,
        "found_on": item.found_on or n.as_of,
        "party": item.recipient.party,
        "role": item.recipient.role,
        "copy_only": item.recipient.copy,
        "approval": item.approval,
        "approved": item.approved,
        "cancel_reason": None,
    }
