"""The portal's web application: FastAPI with Jinja2 pages, no JavaScript needed.

Secure by default: strict security headers on every answer (a CSP without any script),
no stack trace ever reaches a browser (it goes to the server's log), request bodies larger
than the upload limit are refused before they are read.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import jinja2
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.staticfiles import StaticFiles

from ..notify.wording import comma, local_party_name, local_party_of
from .config import PortalSettings
from .documents import DocumentStore
from .i18n import LANGUAGES, NATIVE_NAMES, choose_language, direction, long_date, translations
from .mechanism import MechanismView

log = logging.getLogger("untoc.portal")
HERE = Path(__file__).resolve().parent
SESSION_COOKIE = "untoc_session"
PRE_COOKIE = "untoc_pre"  # a browser not signed in: what its login form's CSRF token binds to
LANG_COOKIE = "untoc_lang"
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",  # a sign-in link must never leak in a Referer
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
FORM_OVERHEAD = 64 * 1024  # multipart boundaries and the small fields beside the file


@dataclass
class Portal:
    """Everything a request needs: the view of the Mechanism, the files, the settings."""

    view: MechanismView
    files: DocumentStore
    settings: PortalSettings
    project: Any  # untoc_workflow.settings.Settings
    now: Callable[[], datetime]  # naive UTC
    today: Callable[[], date]
    pages: jinja2.Environment

    def render(
        self,
        request: Request,
        template: str,
        context: dict[str, Any] | None = None,
        *,
        status: int = 200,
        who: Any = None,
        csrf: str | None = None,
    ) -> HTMLResponse:
        language = page_language(request, who)
        gettext = translations(language).gettext
        values = {
            "_": gettext,
            "lang": language,
            "dir": direction(language),
            "languages": [(code, NATIVE_NAMES[code]) for code in LANGUAGES],
            "path": request.url.path,
            "who": who,
            "csrf": csrf,
            "long_date": lambda d: long_date(d, language),
            # Party names as the UN writes them in the page's language (the mechanism
            # file's name for a Party the UN list lacks); <bdi> keeps a name whole
            "party_name": lambda code: _isolated(self._party_name(code, language)),
            "party_names": lambda codes: Markup(comma(language)).join(
                _isolated(self._party_name(c, language)) for c in codes
            ),
            # what follows "the country review": "of Nigeria", "du Nigéria", "لنيجيريا"
            "party_of": lambda code: _isolated(
                local_party_of(code, language, self.view.party_name(code))
            ),
            "step_title": lambda s: self.view.step_title(s, language),
            "step_titles": lambda steps: ", ".join(
                self.view.step_title(s.step, language) for s in steps
            ),
        }
        values.update(context or {})
        with self.view.pinned():
            body = self.pages.get_template(template).render(values)
        response = HTMLResponse(body, status_code=status)
        asked = request.query_params.get("lang")
        if asked in LANGUAGES:
            set_cookie(self.settings, response, LANG_COOKIE, asked, max_age=365 * 86400)
        return response

    def _party_name(self, code: str, language: str) -> str:
        return local_party_name(code, language, self.view.party_name(code))


def _isolated(text: str) -> Markup:
    """A name from another script, isolated so the page's direction does not reorder it."""
    return Markup("<bdi>{}</bdi>").format(text)


def page_language(request: Request, who: Any) -> str:
    return choose_language(
        request.query_params.get("lang"),
        request.cookies.get(LANG_COOKIE),
        getattr(who, "language", None),
        request.headers.get("accept-language"),
    )


def set_cookie(
    settings: PortalSettings,
    response: Response,
    name: str,
    value: str,
    *,
    max_age: int | None = None,
    same_site: str = "lax",
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        secure=settings.secure_cookies,
        httponly=True,
        samesite=same_site,  # type: ignore[arg-type]
    )


def loggable(path: str) -> str:
    """A request path fit for the server log: a sign-in link's token is a password for as
    long as it lives, so it never reaches the log."""
    if path.startswith("/login/"):
        return "/login/<token>"
    return path


def client_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def create_app(
    store: Any,
    definition: Any,
    settings: PortalSettings,
    project: Any,
    *,
    as_of: date | None = None,
    now: Callable[[], datetime] | None = None,
) -> FastAPI:
    """The portal over `store`. `as_of` fixes the date (as every command's --as-of);
    otherwise the portal reads the clock, as the command line does without --as-of."""
    clock = now or _utc_now

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
