"""What every page of the portal shares: the Portal (view, files, settings, clock), the
rendering of a page in the visitor's language, cookies, and the client's address.

Below the pages: `app` builds the application from the pages, and the pages import this
module, never `app` (an import-linter contract keeps it so).
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from ..wording.words import colon, enumeration, format_number, local_party_name, local_party_of
from .config import PortalSettings
from .documents import DocumentStore
from .i18n import LANGUAGES, NATIVE_NAMES, choose_language, direction, long_date, translations
from .mechanism import MechanismView
from .own_words import own_words, review_heading

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
            # a list as the letters write one: "Ghana, Germany", "غانا، ألمانيا", "加纳、德国"
            "party_names": lambda codes: Markup(enumeration(("", ""), language)).join(
                _isolated(self._party_name(c, language)) for c in codes
            ),
            # a label's colon: ": ", French " : ", Chinese full-width "："
            "colon": colon(language),
            "number": lambda n: format_number(n, language),
            # what follows "the country review": "of Nigeria", "du Nigéria", "لنيجيريا"
            "party_of": lambda code: _isolated(
                local_party_of(code, language, self.view.party_name(code))
            ),
            # from the review's own process: the page's review, or the one named
            "step_title": lambda s, review=None: self.view.step_title(
                s, language, review or _review_of(context)
            ),
            # where an agreed deadline was agreed, as the review's own process says it, in
            # the page's brackets (Chinese full-width): " (Inception meeting held)"
            "agreed_at": lambda s: self._agreed_at(s, language, _review_of(context)),
            # the body's own words where its process declares them (own_words.py)
            "own": own_words(self.view.default_definition(), language),
            "review_heading": lambda review_id: review_heading(
                self.view.definition_of(review_id), language
            ),
            # a document kind as the review's process titles it (`document_titles`), else
            # None: the page's own words for UNTOC's kinds
            "kind_title": lambda kind: self._kind_title(kind, language, _review_of(context)),
            "step_titles": lambda steps: enumeration(
                (self.view.step_title(s.step, language, _review_of(context)) for s in steps),
                language,
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

    def _kind_title(self, kind: str, language: str, review_id: str | None) -> str | None:
        definition = self.view.definition_of(review_id) if review_id else None
        title = getattr(definition, "document_title", None)
        return title(kind, language) if title is not None else None

    def _party_name(self, code: str, language: str) -> str:
        return local_party_name(code, language, self.view.party_name(code))

    def _agreed_at(self, step: str, language: str, review_id: str | None) -> Markup | None:
        """Where the step's agreed deadline was agreed, isolated and in the brackets the
        letters put it in (Chinese full-width, unspaced); None: UNTOC's own wording."""
        where = self.view.agreed_at(step, language, review_id)
        if where is None:
            return None
        opening, closing = ("（", "）") if language == "zh" else (" (", ")")
        return Markup(opening + "<bdi>{}</bdi>" + closing).format(where)


def _review_of(context: dict[str, Any] | None) -> str | None:
    review = (context or {}).get("review")
    return getattr(review, "review", None)


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
    """The client's address: the connection's, unless the connection comes from a proxy
    listed in UNTOC_PORTAL_TRUSTED_PROXIES; then the last address of X-Forwarded-For that
    is not itself a listed proxy (what a client writes in the header is not believed)."""
    peer = request.client.host if request.client else "unknown"
    trusted = request.app.state.portal.settings.trusted_proxies
    if not trusted or not _listed(peer, trusted):
        return peer
    forwarded = [a.strip() for a in request.headers.get("x-forwarded-for", "").split(",")]
    for address in reversed(forwarded):
        if not address:
            break
        if not _listed(address, trusted):
            return address[:64] if _is_address(address) else peer
    return peer


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _listed(address: str, networks: tuple[Any, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
