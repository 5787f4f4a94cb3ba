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

from .common import console, err_console, fails_cleanly, opened_store

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
    from ..notify.outbox import outbox_entries

    if format not in ("table", "json"):
        raise typer.BadParameter("write table or json", param_hint="--format")
    with opened_store() as store, store.engine.connect() as conn:
        entries = outbox_entries(conn, awaiting=awaiting)
    if format == "json":
        _plain(json.dumps([e.as_dict() for e in entries], ensure_ascii=False, indent=2))
        return
    if not entries:
        _plain("no message is held for approval" if awaiting else "the outbox is empty")
        return
    table = Table(title="Messages held for approval" if awaiting else "The outbox")
    for column in ("key", "state", "to", "review", "step", "attempts", "why"):
        table.add_column(column, overflow="fold")
    for e in entries:
        why = e.reason or ""
        if e.state in ("pending", "in doubt") and e.next_attempt_at and e.attempts:
            why = f"{why} (next attempt {_clock(e.next_attempt_at)})".strip()
        cells = [e.key, e.state, e.to, e.review or "", e.step or "", str(e.attempts), why]
        table.add_row(*(Text(c) for c in cells))
    console.print(table)


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
    """Release messages held for approval; they go out at the next sweep (or drain)."""
    from ..notify.outbox import approve
    from ..store.dialect import writing

    chosen = _need_keys(keys, every, "approve")
    with opened_store() as store, writing(store.engine.connect()) as conn:
        approved = approve(conn, chosen, by=by or os_user(), at=now())
    _plain(
        f"approved {len(approved)} message(s); they go out at the next sweep"
        if approved
        else "no message is held for approval"
    )


@outbox_app.command("reject")
@fails_cleanly
def reject_command(
    keys: Annotated[list[str], typer.Argument(help="Keys of held messages.")],
    why: Annotated[str, typer.Option("--why", help="Why they must not be sent (kept).")],
    by: Annotated[str | None, typer.Option("--by", help="Who rejects (default: you).")] = None,
) -> None:
    """Cancel messages held for approval, keeping who rejected them and why."""
    from ..notify.outbox import reject
    from ..store.dialect import writing

    with opened_store() as store, writing(store.engine.connect()) as conn:
        rejected = reject(conn, keys, why=why, by=by or os_user(), at=now())
    _plain(f"rejected {len(rejected)} message(s); they will not be sent")


@outbox_app.command("retry")
@fails_cleanly
def retry_command(
    keys: Annotated[list[str] | None, typer.Argument(help="Keys of messages to retry.")] = None,
    every: Annotated[
        bool, typer.Option("--all", help="Every pending, in-doubt and given-up message.")
    ] = False,
) -> None:
    """Make pending, in-doubt and failed messages due now (after the mail server is mended)
    and deliver them: the named ones, or all of them."""
    from ..errors import InputError
    from ..notify.delivery import transport_for
    from ..notify.outbox import backlog, drain, retry_now
    from ..notify.recipients import valid_address
    from ..settings import load_settings
    from ..store.dialect import writing

    if every and keys:
        raise typer.BadParameter("name keys or --all, not both (retry)")
    chosen = list(keys) if keys else None  # nothing named: every message still to send
    settings = load_settings()
    moment = now()
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
            )
            with store.engine.connect() as conn:
                left = backlog(conn)
    finally:
        transport.close()
    _plain(
        f"retry: {len(made_due)} due now; sent {drained.sent}, failed {drained.failed}, "
        f"in doubt {drained.in_doubt}, given up {drained.given_up}"
        + (f", recovered {drained.recovered}" if drained.recovered else "")
    )
    for line in backlog_lines(left):
        _plain(line)
    not_delivered(drained.errors)


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
