"""Signing in with a single-use emailed link, and signing out."""

from __future__ import annotations

import logging
import secrets

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from .audit import log_action
from .identity import normal
from .mail import send_now, sign_in_letter
from .own_words import own_words
from .signin import (
    client_retry_after,
    csrf_token,
    end_session,
    issue_link,
    open_session,
    redeem_link,
)
from .visitors import csrf_ok, portal_of, visitor
from .web import PRE_COOKIE, SESSION_COOKIE, client_of, set_cookie

log = logging.getLogger("untoc.portal")
router = APIRouter()
MAX_ADDRESS = 320


@router.get("/")
def home() -> Response:
    return RedirectResponse("/reviews", status_code=303)


@router.get("/login")
def login_form(request: Request) -> Response:
    current = visitor(request)
    if current.signed_in:
        return RedirectResponse("/reviews", status_code=303)
    return _login_page(request)


def _login_page(request: Request, template: str = "login.html", status: int = 200) -> Response:
    """The form, with a fresh pre-sign-in cookie when the browser has none."""
    portal = portal_of(request)
    pre = request.cookies.get(PRE_COOKIE) or secrets.token_urlsafe(32)
    response = portal.render(
        request, template, csrf=csrf_token(portal.settings.secret, pre), status=status
    )
    if request.cookies.get(PRE_COOKIE) != pre:
        set_cookie(portal.settings, response, PRE_COOKIE, pre, same_site="strict")
    return response


@router.post("/login")
async def login_request(request: Request, background: BackgroundTasks) -> Response:
    portal = portal_of(request)
    form = await request.form(max_files=0, max_fields=5)
    current = visitor(request)
    if not csrf_ok(request, current, form.get("csrf")):
        return portal.render(request, "error.html", {"code": 403, "reason": "csrf"}, status=403)
    raw = form.get("email")
    address = normal(raw if isinstance(raw, str) else "")[:MAX_ADDRESS]
    client = client_of(request)

    def decide() -> int | None:
        """None when the client may ask; else the seconds until it may ask again."""
        now = portal.now()
        with portal.view.store.engine.begin() as conn:
            wait = client_retry_after(conn, client, now)
            if wait is not None:
                log_action(conn, "sign_in_refused_rate", at=now, who=address, client=client)
                return wait
            log_action(conn, "sign_in_requested", at=now, who=address, client=client)
        return None

    wait = await run_in_threadpool(decide)
    if wait is not None:
        refused = portal.render(request, "error.html", {"code": 429}, status=429)
        refused.headers["Retry-After"] = str(wait)
        return refused
    # Who the address is, and its link, are found after the answer: a known address and an
    # unknown one do the same work before the page goes out, so its timing says nothing.
    background.add_task(_link_if_known, request, address)
    return _login_page(request, "login_sent.html")


def _link_if_known(request: Request, address: str) -> None:
    portal = portal_of(request)
    who = portal.view.identify(address) if "@" in address else None
    if who is None:
        return
    with portal.view.store.engine.begin() as conn:
        link = issue_link(conn, who.email, portal.now(), portal.settings)
    if link is not None:
        _send_link(request, who.email, who.name, link)


def _send_link(request: Request, email: str, name: str, link: str) -> None:
    portal = portal_of(request)
    who = portal.view.identify(email)
    language = (who.language if who else None) or "en"
    key = secrets.token_hex(16)  # each link its own message; the link itself is not logged
    try:
        own = own_words(portal.view.default_definition(), language)
        letter = sign_in_letter(name, link, language, own)
        send_now(portal.project, email, name, letter, key, portal.now(), language, own.secretariat)
    except Exception as exc:
        log.warning("the sign-in link for a person could not be sent: %s", type(exc).__name__)


@router.get("/login/{token}")
def follow_link(request: Request, token: str) -> Response:
    portal = portal_of(request)
    now = portal.now()
    client = client_of(request)
    with portal.view.store.engine.begin() as conn:
        email = redeem_link(conn, token, now, portal.settings.secret)
        who = portal.view.identify(email) if email else None
        if email is None or who is None:
            log_action(conn, "sign_in_link_refused", at=now, who=email, client=client)
            refused = True
        else:
            cookie = open_session(conn, who.email, now, portal.settings)
            log_action(conn, "signed_in", at=now, who=who.email, client=client)
            refused = False
    if refused:
        return _login_page(request, "link_invalid.html", status=400)
    response = RedirectResponse("/reviews", status_code=303)
    set_cookie(
        portal.settings,
        response,
        SESSION_COOKIE,
        cookie,
        max_age=int(portal.settings.session_lifetime.total_seconds()),
    )
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    portal = portal_of(request)
    form = await request.form(max_files=0, max_fields=5)
    current = visitor(request)
    if current.session is None:
        return RedirectResponse("/login", status_code=303)
    if not csrf_ok(request, current, form.get("csrf")):
        return portal.render(request, "error.html", {"code": 403, "reason": "csrf"}, status=403)
    now = portal.now()
    with portal.view.store.engine.begin() as conn:
        end_session(conn, current.session, now)
        log_action(
            conn,
            "signed_out",
            at=now,
            who=current.who.email if current.who else None,
            client=client_of(request),
        )
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
