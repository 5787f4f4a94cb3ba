"""Who is asking: the session cookie, checked against the event log on every request."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from .audit import log_action
from .identity import Identity
from .signin import csrf_holds, csrf_token, end_sessions_of, session_email
from .web import PRE_COOKIE, SESSION_COOKIE, Portal, client_of


@dataclass(frozen=True)
class Visitor:
    who: Identity | None
    session: str | None  # the session cookie, when signed in
    csrf: str | None  # the token this browser's forms carry

    @property
    def signed_in(self) -> bool:
        return self.who is not None


def portal_of(request: Request) -> Portal:
    return request.app.state.portal  # type: ignore[no-any-return]


def visitor(request: Request) -> Visitor:
    """The signed-in person, or an anonymous visitor. A session whose address is nobody
    today (a focal point replaced or withdrawn, an observer removed) ends at once."""
    portal = portal_of(request)
    secret = portal.settings.secret
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        now = portal.now()
        with portal.view.store.engine.begin() as conn:
            email = session_email(conn, cookie, now)
        if email is not None:
            who = portal.view.identify(email)
            if who is not None:
                return Visitor(who, cookie, csrf_token(secret, cookie))
            with portal.view.store.engine.begin() as conn:
                end_sessions_of(conn, email, now)
                log_action(
                    conn,
                    "session_ended_no_longer_entitled",
                    at=now,
                    who=email,
                    client=client_of(request),
                )
    pre = request.cookies.get(PRE_COOKIE)
    return Visitor(None, None, csrf_token(secret, pre) if pre else None)


def csrf_ok(request: Request, current: Visitor, given: object) -> bool:
    """The form's token matches this browser's session (or pre-sign-in) cookie."""
    basis = current.session if current.signed_in else request.cookies.get(PRE_COOKIE)
    return csrf_holds(
        portal_of(request).settings.secret, basis, given if isinstance(given, str) else None
    )


@dataclass(frozen=True)
class SignedForm:
    """A form posted by a signed-in person, its CSRF token checked."""

    portal: Portal
    form: FormData
    current: Visitor


async def signed_form(
    request: Request, *, max_files: int = 0, max_fields: int = 6
) -> SignedForm | Response:
    """The posted form of a signed-in person with a valid token, or the answer to give
    instead: the sign-in page for a visitor, 403 for a missing or wrong token."""
    portal = portal_of(request)
    form = await request.form(max_files=max_files, max_fields=max_fields)
    current = visitor(request)
    if not current.signed_in:
        return RedirectResponse("/login", status_code=303)
    if not csrf_ok(request, current, form.get("csrf")):
        return portal.render(request, "error.html", {"code": 403, "reason": "csrf"}, status=403)
    return SignedForm(portal, form, current)
