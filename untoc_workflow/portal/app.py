"""The portal's web application: FastAPI with Jinja2 pages, no JavaScript needed.

Secure by default: strict security headers on every answer (a CSP without any script),
no stack trace ever reaches a browser (it goes to the server's log), request bodies larger
than the upload limit are refused before they are read, and an anonymous request carries
no more than a sign-in form.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import jinja2
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.staticfiles import StaticFiles

from .audit import log_action
from .config import PortalSettings
from .documents import DocumentStore
from .mechanism import MechanismView
from .signin import session_email
from .web import (
    FORM_OVERHEAD,
    HERE,
    SECURITY_HEADERS,
    SESSION_COOKIE,
    Portal,
    client_of,
    log,
    loggable,
    utc_now,
)

if TYPE_CHECKING:
    from ..definitions.catalog import Definitions
    from ..store.store import Store

# The largest body a visitor who is not signed in may send: a sign-in or sign-out form.
ANONYMOUS_BODY = 16 * 1024


def _signed_in_as(portal: Portal, request: Request) -> str | None:
    """The address of the session the request carries, if it is a live one."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    with portal.view.store.engine.connect() as conn:
        return session_email(conn, cookie, portal.now())


def _denied(request: Request, status: int) -> bool:
    """A refusal worth keeping: anything forbidden or too large, and a page not found
    where a review, a document or a request lives (someone trying another's)."""
    if status in (403, 413):
        return True
    path = request.url.path
    return status == 404 and path.startswith(("/reviews/", "/extensions", "/published/"))


def _audit_denied(portal: Portal, request: Request, status: int) -> None:
    try:
        who = _signed_in_as(portal, request)
        with portal.view.store.engine.begin() as conn:
            log_action(
                conn,
                "request_denied",
                at=portal.now(),
                who=who,
                detail=f"{request.method} {loggable(request.url.path)}: {status}",
                client=client_of(request),
            )
    except Exception:  # the refusal stands; a log that cannot be written is the server's
        log.exception("a refused request could not be logged")


def create_app(
    store: Store,
    definition: Definitions,
    settings: PortalSettings,
    project: Any,
    *,
    as_of: date | None = None,
    now: Callable[[], datetime] | None = None,
) -> FastAPI:
    """The portal over `store`. `as_of` fixes the date (as every command's --as-of);
    otherwise the portal reads the clock, as the command line does without --as-of."""
    clock = now or utc_now

    def today() -> date:
        return as_of or clock().date()

    pages = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    portal = Portal(
        view=MechanismView(store, definition, settings.secretariat, today),
        files=DocumentStore(settings.documents_dir, settings.max_upload),
        settings=settings,
        project=project,
        now=clock,
        today=today,
        pages=pages,
    )
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    app.state.portal = portal
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.middleware("http")
    async def guard(request: Request, call_next: Any) -> Response:
        length = request.headers.get("content-length")
        too_big = length is not None and (
            not length.isdigit() or int(length) > settings.max_upload + FORM_OVERHEAD
        )
        # Only a signed-in person sends more than a sign-in form: a large anonymous body is
        # refused on its Content-Length, before a byte of it is read.
        if not too_big and length is not None and int(length) > ANONYMOUS_BODY:
            too_big = await run_in_threadpool(_signed_in_as, portal, request) is None
        if too_big:
            response: Response = portal.render(
                request, "error.html", {"code": 413, "reason": "too_large"}, status=413
            )
        elif request.method == "POST" and length is None:
            response = portal.render(request, "error.html", {"code": 411}, status=411)
        else:
            try:
                response = await call_next(request)
            except Exception:  # logged for the secretariat; the browser gets a plain page
                log.exception("portal error on %s %s", request.method, loggable(request.url.path))
                response = portal.render(request, "error.html", {"code": 500}, status=500)
        if _denied(request, response.status_code):
            await run_in_threadpool(_audit_denied, portal, request, response.status_code)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if settings.base_url.startswith("https://"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if not request.url.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.exception_handler(RequestValidationError)
    async def bad_address(request: Request, exc: RequestValidationError) -> Response:
        # a malformed path (a document number that is not a number): no such page
        return portal.render(request, "error.html", {"code": 404}, status=404)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return portal.render(
            request, "error.html", {"code": exc.status_code}, status=exc.status_code
        )

    from . import pages_auth, pages_reviews, pages_secretariat

    app.include_router(pages_auth.router)
    app.include_router(pages_reviews.router)
    app.include_router(pages_secretariat.router)
    from . import pages_questionnaire

    app.include_router(pages_questionnaire.router)
    pages.globals["questionnaire_link"] = pages_questionnaire.link_for(portal)
    return app
