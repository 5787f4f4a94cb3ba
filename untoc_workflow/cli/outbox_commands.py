"""`untoc outbox ...`: what is waiting to go out and why; releasing or rejecting messages
held for approval; trying again now, once the mail server is mended."""

from __future__ import annotations

import getpass
import json
from datetime import UTC, datetime
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from .common import (
    console,
    err_console,
    fails_cleanly,
    opened_store,
    parse_as_of,
    today,
    untoc_command,
)

outbox_app = typer.Typer(
    name="outbox",
    help="The messages in the outbox: list them, approve or reject held ones, retry now.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    app.add_typer(outbox_app, name="outbox")


def now() -> datetime:
    """The command line's clock for who-decided-when and for delivery."""
    return datetime.now(UTC)


def os_user() -> str:
    """Who runs the command, as the operating system knows them (the default for --by)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name for this uid (a bare container)
        return "secretariat"


def _clock(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC" if moment else "-"


def _plain(text: str) -> None:
    """Print text that may hold user or server words: never read as rich markup."""
    console.print(text, markup=False, highlight=False)


@outbox_app.command("list")
@fails_cleanly
def list_command(
    awaiting: Annotated[
        bool, typer.Option("--awaiting", help="Only the messages held for approval.")
    ] = False,
    format: Annotated[str, typer.Option("--format", help="table or json")] = "table",
) -> None:
    """Every message in the outbox with its state (pending, awaiting approval, sent, in doubt,
    given up, cancelled), why, and how many attempts were made."""
    from ..outbox.rows import outbox_entries

    if format not in ("table", "json"):
        raise typer.BadParameter("write table or json", param_hint="--format")
    with opened_store() as store, store.engine.connect() as conn:
        entries = outbox_entries(conn, awaiting=awaiting)
    if format == "json":
        listed = [e.as_dict() for e in entries]
        if awaiting:  # what the table shows of a held message: why, and how it begins
            with opened_store() as store, store.engine.connect() as conn:
                held = held_details(conn, [e.key for e in entries])
            for item in listed:
                item["why"], item["text_beginning"] = held.get(item["key"], (None, None))
        _plain(json.dumps(listed, ensure_ascii=False, indent=2))
        return
    if not entries:
        _plain("no message is held for approval" if awaiting else "the outbox is empty")
        return
    if awaiting:
        _held_table(entries)
        return
    table = Table(title="The outbox")
    for column in ("key", "state", "to", "review", "step", "attempts", "why"):
        table.add_column(column, overflow="fold")
    for e in entries:
        why = e.reason or ""
        if e.state in ("pending", "in doubt") and e.next_attempt_at and e.attempts:
            why = f"{why} (next attempt {_clock(e.next_attempt_at)})".strip()
        cells = [e.key, e.state, e.to, e.review or "", e.step or "", str(e.attempts), why]
        table.add_row(*(Text(c) for c in cells))
    console.print(table)


def _held_table(entries: list[Any]) -> None:
    """The messages held for approval with what a person needs to decide: to whom, the
    subject, why it is held, and the beginning of its text (`untoc outbox show KEY`: all)."""
    with opened_store() as store, store.engine.connect() as conn:
        held = held_details(conn, [e.key for e in entries])
    table = Table(
        title="Messages held for approval (`untoc outbox show KEY` prints the whole text)"
    )
    for column in ("key", "to", "subject", "why held", "text (beginning)"):
        table.add_column(column, overflow="fold")
    for e in entries:
        why, text = held.get(e.key, ("", ""))
        to = e.to + (f" (copies: {', '.join(e.cc)})" if e.cc else "")
        table.add_row(*(Text(c) for c in (e.key, to, e.subject, why, text)))
    console.print(table)


# A role's words in "why held" (the roles the definitions' ladders address).
_ROLE_WORDS = {
    "mission": "the permanent mission",
    "focal_point": "the focal point",
    "cop_presidency": "the President of the Conference",
    "secretariat": "the secretariat",
}


def held_details(conn: Any, keys: list[str]) -> dict[str, tuple[str, str]]:
    """key -> (why the message awaits approval, the beginning of its text), read from the
    message and the notices it carries (each notice keeps the approval its rung declares)."""
    from sqlalchemy import select

    from ..outbox.ledger import MessageNotice
    from ..outbox.tables import OutboxRow

    out: dict[str, tuple[str, str]] = {}
    m, n = OutboxRow.__table__.c, MessageNotice.__table__.c  # type: ignore[attr-defined]
    for i in range(0, len(keys), 500):
        chunk = keys[i : i + 500]
        notices: dict[str, list[Any]] = {}
        query = select(n.outbox_key, n.approval, n.review_id, n.step, n.rung, n.copy_only)
        for row in conn.execute(query.where(n.outbox_key.in_(chunk), n.approval.is_not(None))):
            notices.setdefault(row.outbox_key, []).append(row)
        for row in conn.execute(select(m.key, m.role, m.body_text).where(m.key.in_(chunk))):
            out[row.key] = (
                _why_held(row.role, notices.get(row.key, [])),
                _beginning(row.body_text),
            )
    return out


def _why_held(role: str, notices: list[Any]) -> str:
    to = _ROLE_WORDS.get(role.rpartition(".")[2], role)
    if not notices:
        return f"a letter to {to}: such letters wait for the secretariat's approval"
    approvers = sorted({str(x.approval) for x in notices})
    listed = "; ".join(
        f"{'a copy of ' if x.copy_only else ''}the escalation {x.rung!r} of {x.review_id}"
        f" (step {x.step})"
        for x in notices[:3]
    ) + (f"; and {len(notices) - 3} more" if len(notices) > 3 else "")
    return (
        f"it carries what the process sends only with the approval of the"
        f" {', '.join(approvers)}: {listed}"
    )


def _beginning(text: str, limit: int = 280) -> str:
    """What the message says, on one line, cut at a word: from its first numbered or
    bulleted paragraph (the notices it carries) when it has one, else after the salutation;
    links left out (the portal's address is in every message)."""
    paragraphs = [
        " ".join(line.strip() for line in p.splitlines() if "://" not in line)
        for p in text.split("\n\n")
        if p.strip()
    ]
    paragraphs = [p for p in paragraphs if p]
    listed = next(
        (i for i, p in enumerate(paragraphs) if p[:1].isdigit() or p.startswith(("* ", "- "))),
        None,
    )
    if listed is not None:
        paragraphs = paragraphs[listed:]
    elif len(paragraphs) > 1 and len(paragraphs[0]) < 60:  # "Excellency," / "Dear ...,"
        paragraphs = paragraphs[1:]
    flat = " / ".join(paragraphs)
    return flat if len(flat) <= limit else flat[:limit].rsplit(" ", 1)[0] + " ..."


@outbox_app.command("show")
@fails_cleanly
def show_command(
    key: Annotated[str, typer.Argument(help="The message's key (`untoc outbox list`).")],
) -> None:
    """One message as it will be sent: to whom, copies, subject, state, why, and its text."""
    from sqlalchemy import select

    from ..errors import InputError, Problem
    from ..outbox.rows import outbox_entries
    from ..outbox.tables import OutboxRow

    m = OutboxRow.__table__.c  # type: ignore[attr-defined]
    with opened_store() as store, store.engine.connect() as conn:
        row = conn.execute(select(m.key, m.body_text).where(m.key == key)).first()
        if row is None:
            raise InputError(
                [
                    Problem(
                        f"no message in the outbox has the key {key!r}",
                        hint="`untoc outbox list` shows the keys",
                    )
                ]
            )
        entry = next(e for e in outbox_entries(conn) if e.key == key)
        why = held_details(conn, [key])[key][0] if entry.state == "awaiting approval" else None
    _plain(f"key: {entry.key}\nstate: {entry.state}\nto: {entry.to}")
    if entry.cc:
        _plain(f"copies: {', '.join(entry.cc)}")
    _plain(f"subject: {entry.subject}")
    if why or entry.reason:
        _plain(f"why: {why or entry.reason}")
    if entry.decided_by:
        _plain(f"decided by {entry.decided_by} at {_clock(entry.decided_at)}")
    _plain("")
    _plain(row.body_text)


def _need_keys(keys: list[str] | None, every: bool, verb: str) -> list[str] | None:
    if every and keys:
        raise typer.BadParameter(f"name keys or --all, not both ({verb})")
    if not every and not keys:
        raise typer.BadParameter(f"name the messages to {verb} (their keys), or --all")
    return None if every else list(keys or [])


@outbox_app.command("approve")
@fails_cleanly
def approve_command(
    keys: Annotated[list[str] | None, typer.Argument(help="Keys of held messages.")] = None,
    every: Annotated[bool, typer.Option("--all", help="Every message held for approval.")] = False,
    by: Annotated[str | None, typer.Option("--by", help="Who approves (default: you).")] = None,
) -> None:
    """Release messages held for approval; they go out at the next sweep, or with
    `untoc outbox retry` on the day they were written."""
    from ..outbox.rows import approve
    from ..store.dialect import writing

    chosen = _need_keys(keys, every, "approve")
    with opened_store() as store:
        if chosen:
            with store.engine.connect() as conn:  # read apart: approve() owns its transaction
                _not_decided_before(conn, chosen)
        with writing(store.engine.connect()) as conn:
            approved = approve(conn, chosen, by=by or os_user(), at=now())
    _plain(
        f"approved {len(approved)} message(s); they go out at the next sweep"
        if approved
        else "no message is held for approval"
    )


def _not_decided_before(conn: Any, keys: list[str]) -> None:
    """A message approved or rejected before is said to be so, by whom and when (nothing
    changes): "it is pending" would not tell the person that a colleague approved it."""
    from sqlalchemy import select

    from ..errors import InputError, Problem
    from ..outbox.tables import AWAITING_APPROVAL, CANCELLED, OutboxRow

    m = OutboxRow.__table__.c  # type: ignore[attr-defined]
    problems = []
    query = select(m.key, m.status, m.decided_by, m.decided_at).where(m.key.in_(keys[:500]))
    for row in conn.execute(query):
        if row.status == AWAITING_APPROVAL or not row.decided_by:
            continue
        verb = "rejected" if row.status == CANCELLED else "approved"
        state = {"pending": "it waits for the next sweep", "sent": "it has been sent"}.get(
            row.status, f"it is now {row.status.replace('_', ' ')}"
        )
        problems.append(
            Problem(
                f"{row.key} was already {verb} by {row.decided_by} on"
                f" {_clock(row.decided_at)}; {state}",
            )
        )
    if problems:
        raise InputError(problems)


@outbox_app.command("reject")
@fails_cleanly
def reject_command(
    keys: Annotated[list[str], typer.Argument(help="Keys of held messages.")],
    why: Annotated[str, typer.Option("--why", help="Why they must not be sent (kept).")],
    by: Annotated[str | None, typer.Option("--by", help="Who rejects (default: you).")] = None,
) -> None:
    """Cancel messages held for approval, keeping who rejected them and why."""
    from ..outbox.rows import reject
    from ..store.dialect import writing

    with opened_store() as store:
        with store.engine.connect() as conn:  # read apart: reject() owns its transaction
            _not_decided_before(conn, list(keys))
        with writing(store.engine.connect()) as conn:
            rejected = reject(conn, keys, why=why, by=by or os_user(), at=now())
    _plain(f"rejected {len(rejected)} message(s); they will not be sent")


@outbox_app.command("retry")
@fails_cleanly
def retry_command(
    keys: Annotated[list[str] | None, typer.Argument(help="Keys of messages to retry.")] = None,
    every: Annotated[
        bool, typer.Option("--all", help="Every pending, in-doubt and given-up message.")
    ] = False,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="The day they leave (default today): a letter written on an earlier day "
            "waits for that day's sweep, which writes it again with the day's figures.",
        ),
    ] = None,
) -> None:
    """Make pending, in-doubt and failed messages due now (after the mail server is mended)
    and deliver those written on the day; a letter written on an earlier day is written
    again by that day's sweep before it leaves, so it never states another day."""
    from ..errors import InputError
    from ..outbox import transport_for
    from ..outbox.headers import valid_address
    from ..outbox.rows import backlog, drain, retry_now
    from ..settings import load_settings
    from ..store.dialect import writing

    if every and keys:
        raise typer.BadParameter("name keys or --all, not both (retry)")
    chosen = list(keys) if keys else None  # nothing named: every message still to send
    settings = load_settings()
    moment = now()
    day = parse_as_of(as_of) or today()
    if not valid_address(settings.sender):  # checked before anything changes
        raise InputError(f"the sender address {settings.sender!r} is not a plain email address")
    transport = transport_for(settings)  # a bad URL fails here, before anything changes
    try:
        with opened_store() as store:
            with writing(store.engine.connect()) as conn:
                made_due = retry_now(conn, chosen, moment)
            drained = drain(
                store.engine,
                transport,
                moment,
                sender=settings.sender,
                sender_name=settings.secretariat.name,
                reply_to=settings.secretariat.email,
                written_since=day,
            )
            with store.engine.connect() as conn:
                left = backlog(conn)
                earlier = written_before(conn, day)
    finally:
        transport.close()
    _plain(
        f"retry: {len(made_due)} due now; sent {drained.sent}, failed {drained.failed}, "
        f"in doubt {drained.in_doubt}, given up {drained.given_up}"
        + (f", recovered {drained.recovered}" if drained.recovered else "")
    )
    if not made_due and not drained.sent and not drained.failed:
        _plain(
            "nothing to retry: no message is pending, in doubt or given up"
            + (
                " (held messages wait for approval, not for a retry)"
                if left.awaiting_approval
                else ""
            )
        )
    if earlier:
        _plain(
            f"{earlier} message(s) written before {day.isoformat()} wait for the sweep of that"
            " day, which writes them again with its date and figures before they leave:"
            f" {untoc_command()} sweep --as-of {day.isoformat()}"
        )
    for line in backlog_lines(left):
        _plain(line)
    not_delivered(drained.errors)


def written_before(conn: Any, day: Any) -> int:
    """Pending or failed letters written before `day`: the day's sweep writes them again."""
    from sqlalchemy import func, select

    from ..outbox.rows import TABLE
    from ..outbox.tables import FAILED, PENDING

    c = TABLE.c
    query = select(func.count()).where(c.status.in_((PENDING, FAILED)), c.found_on < day)
    return int(conn.execute(query).scalar_one())


def backlog_lines(left: Any, *, sent_now: bool = True) -> list[str]:
    """Why what is left in the outbox has not gone out, and what to do about it."""
    lines = []
    waiting = left.pending + left.retrying
    if left.pending and not sent_now:
        lines.append(f"pending {left.pending}: recorded, not sent (--no-send)")
        waiting = left.retrying
    if waiting:
        why = f"the mail server did not accept them ({left.last_error})" if left.last_error else ""
        when = f"next attempt at {_clock(left.next_attempt_at)} (backoff)"
        lines.append(
            f"pending {waiting}: {why + '; ' if why else ''}{when}; "
            "`untoc outbox retry --all` to try now"
        )
    if left.in_doubt:
        lines.append(
            f"in doubt {left.in_doubt}: the server's answer was lost; sent again from "
            f"{_clock(left.next_attempt_at)} with the same Message-ID, so a duplicate is "
            "recognisable"
        )
    if left.sending:
        lines.append(
            f"being sent {left.sending}: claimed by another drain (if it died, the next "
            "drain sends them again once its claim lapses)"
        )
    if left.given_up:
        lines.append(
            f"given up {left.given_up}: `untoc outbox list` shows why; "
            "`untoc outbox retry KEY...` or `--all` to try again"
        )
    if left.awaiting_approval:
        lines.append(
            f"awaiting approval {left.awaiting_approval}: `untoc outbox list --awaiting`, "
            "then `untoc outbox approve` or `reject`"
        )
    return lines


def not_delivered(errors: list[str]) -> None:
    for line in errors[:10]:
        err_console.print(Text("not delivered: ", style="yellow") + Text(line))
    if len(errors) > 10:
        err_console.print(f"... and {len(errors) - 10} more", markup=False)
