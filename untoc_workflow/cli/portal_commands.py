"""`untoc portal`: serve the Parties' portal, register experts and observers, and decide
on requests for more time."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.table import Table

from ..errors import InputError, Problem
from .common import console, fails_cleanly, opened_store, parse_as_of, today

portal_app = typer.Typer(help="The Parties' portal.", no_args_is_help=True)
people_help = "People who may sign in besides focal points (recorded at a Party's request)."
extensions_app = typer.Typer(help="Requests for more time from focal points.", no_args_is_help=True)
ROLE_HELP = {
    "expert": "A governmental expert named by a Party (sees its Party's reviews).",
    "observer": "An observer named by a reviewed Party (sees that review only, read-only).",
}


def register(app: typer.Typer) -> None:
    app.add_typer(portal_app, name="portal")
    for role in ("expert", "observer"):
        sub = typer.Typer(help=ROLE_HELP[role], no_args_is_help=True)
        sub.command("add")(_adder(role))
        sub.command("remove")(_remover(role))
        portal_app.add_typer(sub, name=role)
    portal_app.command("people")(people_command)
    portal_app.command("actions")(actions_command)
    portal_app.add_typer(extensions_app, name="extensions")


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@portal_app.command("serve")
@fails_cleanly
def serve_command(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8400,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Serve the Mechanism as on this date.")
    ] = None,
) -> None:
    """Serve the portal (on this machine only unless --host says otherwise)."""
    import uvicorn

    from ..definitions import load_definitions
    from ..portal import create_app
    from ..portal.config import load_portal_settings
    from ..settings import load_settings
    from ..store import open_store

    project = load_settings()
    settings = load_portal_settings()
    # every version of every process: each review folds with its own
    definition = load_definitions(project.definitions_folders)
    store = open_store(project.database_url)
    try:
        # refused (exit 1, the file named) when a process version changed in place
        app = create_app(store, definition, settings, project, as_of=parse_as_of(as_of))
    except BaseException:
        store.close()
        raise
    if project.portal_secret is None:
        console.print(
            "note: UNTOC_PORTAL_SECRET is not set; a key is made for this run, so sign-in"
            " links and open forms stop working when the portal stops"
        )
    if host not in ("127.0.0.1", "localhost", "::1"):
        console.print(f"note: listening on {host}: put TLS in front (UNTOC_PORTAL_URL https://...)")
    console.print(f"the portal is at http://{host}:{port}/ (links in emails: {settings.base_url})")
    try:
        # the client is the connection, not what a header claims (web.client_of decides)
        uvicorn.run(
            app,
            host=host,
            port=port,
            log_level="warning",
            server_header=False,
            proxy_headers=False,
        )
    finally:
        store.close()


def _a(role: str) -> str:
    """The role with its article: "an expert", "an observer"."""
    return ("an " if role[0] in "aeiou" else "a ") + role


def _adder(role: str):  # type: ignore[no-untyped-def]
    @fails_cleanly
    def add(
        email: Annotated[str, typer.Argument(help="The person's email address.")],
        party: Annotated[
            str,
            typer.Option(
                help="The code of the party that named the person, as in the mechanism file."
            ),
        ],
        name: Annotated[str, typer.Option(help="The person's name.")],
        by: Annotated[str, typer.Option(help="Who records it.")] = "the secretariat",
    ) -> None:
        from ..outbox.headers import valid_address
        from ..portal.identity import normal
        from ..portal.people import add_person

        if not valid_address(email.strip()):
            raise InputError([Problem(f"{email!r} is not an email address", path="EMAIL")])
        from ..portal.people import name_problem

        problem = name_problem(name)
        if problem is not None:
            raise InputError([Problem(f"{name!r}: {problem}", path="--name")])
        with opened_store() as store:
            known = store.snapshot().parties
            if party not in known:
                from ..errors import did_you_mean

                raise InputError(
                    [
                        Problem(
                            f"no Party {party!r}", path="--party", hint=did_you_mean(party, known)
                        )
                    ]
                )
            added = add_person(store.engine, normal(email), name, party, role, by=by, now=_now())
        console.print(f"{role} {email} of {party} " + ("added" if added else "was already there"))

    add.__doc__ = f"Let {_a(role)} sign in to the portal."
    return add


def _remover(role: str):  # type: ignore[no-untyped-def]
    @fails_cleanly
    def remove(
        email: Annotated[str, typer.Argument(help="The person's email address.")],
        party: Annotated[str, typer.Option(help="The Party that named the person.")],
        by: Annotated[str, typer.Option(help="Who records it.")] = "the secretariat",
    ) -> None:
        from ..portal.identity import normal
        from ..portal.people import remove_person

        with opened_store() as store:
            removed = remove_person(store.engine, normal(email), party, role, by=by, now=_now())
        if not removed:
            raise InputError([Problem(f"{email} is not {_a(role)} of {party}", path="EMAIL")])
        console.print(f"{role} {email} of {party} removed: signed out at once")

    remove.__doc__ = f"Stop {_a(role)} from signing in (the record is kept)."
    return remove


@fails_cleanly
def people_command(
    format: Annotated[str, typer.Option("--format", help="table | json")] = "table",
) -> None:
    """Experts and observers who may sign in."""
    from ..portal.people import current_people

    with opened_store() as store:
        rows = current_people(store.engine)
    if format == "json":
        typer.echo(json.dumps([dict(r._mapping) for r in rows], default=str, indent=2))
        return
    table = Table(title="Experts and observers")
    for column in ("email", "name", "party", "role", "added by", "added at"):
        table.add_column(column)
    for r in rows:
        table.add_row(r.email, r.name, r.party, r.role, r.added_by, str(r.added_at)[:16])
    console.print(table)


@extensions_app.command("list")
@fails_cleanly
def extensions_list(
    all_: Annotated[bool, typer.Option("--all", help="Decided ones too.")] = False,
    format: Annotated[str, typer.Option("--format", help="table | json")] = "table",
) -> None:
    """Requests for more time (those awaiting a decision, unless --all)."""
    from ..portal.extensions import extension_rows

    with opened_store() as store, store.engine.connect() as conn:
        rows = extension_rows(conn, open_only=not all_)
    if format == "json":
        # the contract's keys (`due`: the date granted, else the date asked; `state`) beside
        # every column of the request
        listed = [
            {
                **dict(r._mapping),
                "due": r.granted_due or r.requested_due,
                "state": r.status,
            }
            for r in rows
        ]
        typer.echo(json.dumps(listed, default=str, indent=2))
        return
    table = Table(title="Requests for more time")
    for column in ("id", "review", "step", "party", "by", "wished", "status", "reason"):
        table.add_column(column, overflow="fold")
    for r in rows:
        table.add_row(
            str(r.id),
            r.review_id,
            r.step,
            r.party,
            r.requested_by,
            r.requested_due.isoformat(),
            r.status,
            r.reason,
        )
    console.print(table)


def _decide(
    request_id: int, approve: bool, by: str, on: str | None, due: str | None, why: str | None
) -> None:
    from ..definitions import load_definitions
    from ..portal.config import load_portal_settings
    from ..portal.extensions import decide_extension
    from ..portal.mechanism import MechanismView
    from ..portal.notices import tell_requester
    from ..settings import load_settings

    day = parse_as_of(on, option="--on") or today()
    new_due = parse_as_of(due, option="--due")
    project = load_settings()
    settings = load_portal_settings()
    # every version of every process: each review folds with its own
    definition = load_definitions(project.definitions_folders)
    with opened_store() as store:
        # checked again on the day of the decision, as that day's Mechanism stands
        view = MechanismView(store, definition, settings.secretariat, lambda: day)
        decision = decide_extension(
            view, request_id, approve=approve, by=by, on=day, now=_now(), due=new_due, answer=why
        )
        tell_requester(view, project, decision, settings.base_url, why, day, _now())
    verb = "approved" if approve else "refused"
    extra = f": {decision.step} due {decision.due}" if decision.due else ""
    console.print(f"request {request_id} {verb}{extra}; {decision.told} is told by email")


@extensions_app.command("approve")
@fails_cleanly
def extensions_approve(
    request_id: Annotated[int, typer.Argument(help="The request's number (see list).")],
    by: Annotated[
        str | None,
        typer.Option(help="Who agreed (a person's name); default: your login name."),
    ] = None,
    on: Annotated[str | None, typer.Option(help="Date of the agreement; default today.")] = None,
    due: Annotated[
        str | None, typer.Option(help="New deadline; default the date asked for.")
    ] = None,
    why: Annotated[str | None, typer.Option(help="A message to the requester.")] = None,
) -> None:
    """Agree to more time: records deadline_extended ("agreed by ... on ..."); refused when
    the step is no longer open or the date no longer lengthens its deadline."""
    _decide(request_id, True, _person(by), on, due, why)


@extensions_app.command("refuse")
@fails_cleanly
def extensions_refuse(
    request_id: Annotated[int, typer.Argument(help="The request's number (see list).")],
    why: Annotated[str, typer.Option(help="Why, told to the requester.")],
    by: Annotated[
        str | None, typer.Option(help="Who decided (a person's name); default: your login name.")
    ] = None,
    on: Annotated[str | None, typer.Option(help="Date of the decision; default today.")] = None,
) -> None:
    """Refuse more time; the requester is told why."""
    _decide(request_id, False, _person(by), on, None, why)


def _person(by: str | None) -> str:
    """Who decides: the name given, else the login name of whoever runs the command (a
    decision names a person, not "the secretariat")."""
    import getpass

    name = " ".join((by or "").split())
    if name:
        return name[:200]
    try:
        return getpass.getuser()
    except Exception:  # no login name (a container without a user entry)
        raise InputError(
            [Problem("say who decides", path="--by", hint="e.g. --by 'M. Rossi'")]
        ) from None


@fails_cleanly
def actions_command(
    review: Annotated[str | None, typer.Option(help="Only actions on this review.")] = None,
    who: Annotated[str | None, typer.Option(help="Only this person's actions.")] = None,
    limit: Annotated[int, typer.Option(help="The latest this many.")] = 100,
    format: Annotated[str, typer.Option("--format", help="table | json")] = "table",
) -> None:
    """What was done in the portal: who, when, on which review, from which client."""
    from sqlalchemy import select

    from ..portal.tables import PortalActionRow

    table_ = PortalActionRow.__table__  # type: ignore[attr-defined]
    query = select(table_).order_by(table_.c.id.desc()).limit(max(1, limit))
    if review:
        query = query.where(table_.c.review_id == review)
    if who:
        query = query.where(table_.c.who == who.strip().lower())
    with opened_store() as store, store.engine.connect() as conn:
        rows = list(conn.execute(query))[::-1]
    if format == "json":
        typer.echo(json.dumps([dict(r._mapping) for r in rows], default=str, indent=2))
        return
    table = Table(title="Actions in the portal")
    for column in ("at (UTC)", "who", "action", "review", "detail", "client"):
        table.add_column(column, overflow="fold")
    for r in rows:
        table.add_row(
            str(r.at)[:19], r.who or "", r.action, r.review_id or "", r.detail or "", r.client or ""
        )
    console.print(table)
