"""Single-use sign-in links and sessions.

A link is `<base>/login/<token>.<signature>`: 32 random bytes, signed with the portal's
secret (a forged or altered link is refused before the database is asked), valid for
30 minutes, once. Only its SHA-256 is stored, so a copy of the database opens nothing.
Sessions are the same: a random cookie whose SHA-256 is stored, ended at sign-out.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime

from sqlalchemy import Connection, func, insert, select, update

from .config import LINKS_PER_ADDRESS, RATE_WINDOW, REQUESTS_PER_CLIENT, PortalSettings
from .tables import PortalActionRow, PortalLinkRow, PortalSessionRow

LINKS = PortalLinkRow.__table__  # type: ignore[attr-defined]
SESSIONS = PortalSessionRow.__table__  # type: ignore[attr-defined]
ACTIONS = PortalActionRow.__table__  # type: ignore[attr-defined]


def digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def _mac(secret: bytes, purpose: str, value: str) -> str:
    raw = hmac.new(secret, f"{purpose}:{value}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def signed_token(secret: bytes) -> str:
    token = secrets.token_urlsafe(32)
    return f"{token}.{_mac(secret, 'link', token)}"


def signature_holds(secret: bytes, value: str) -> bool:
    token, _, signature = value.partition(".")
    if not token or not signature or len(value) > 200:
        return False
    return hmac.compare_digest(signature, _mac(secret, "link", token))


def csrf_token(secret: bytes, basis: str) -> str:
    """The form token of a browser: bound to its session (or pre-sign-in) cookie."""
    return _mac(secret, "csrf", basis)


def csrf_holds(secret: bytes, basis: str | None, given: str | None) -> bool:
    if not basis or not given:
        return False
    return hmac.compare_digest(given, csrf_token(secret, basis))


def links_recently(conn: Connection, email: str, now: datetime) -> int:
    return int(
        conn.execute(
            select(func.count())
            .select_from(LINKS)
            .where(LINKS.c.email == email, LINKS.c.created_at > now - RATE_WINDOW)
        ).scalar_one()
    )


def requests_recently(conn: Connection, client: str, now: datetime) -> int:
    return int(
        conn.execute(
            select(func.count())
            .select_from(ACTIONS)
            .where(
                ACTIONS.c.client == client,
                ACTIONS.c.action == "sign_in_requested",
                ACTIONS.c.at > now - RATE_WINDOW,
            )
        ).scalar_one()
    )


def client_over_limit(conn: Connection, client: str, now: datetime) -> bool:
    return requests_recently(conn, client, now) >= REQUESTS_PER_CLIENT


def client_retry_after(conn: Connection, client: str, now: datetime) -> int | None:
    """None when the client may ask for a link now; else the whole seconds until the
    oldest of its requests in the window leaves it (what a 429's Retry-After says)."""
    if not client_over_limit(conn, client, now):
        return None
    recent = (
        select(ACTIONS.c.at)
        .where(
            ACTIONS.c.client == client,
            ACTIONS.c.action == "sign_in_requested",
            ACTIONS.c.at > now - RATE_WINDOW,
        )
        .order_by(ACTIONS.c.at.desc())
        .limit(REQUESTS_PER_CLIENT)
    )
    oldest = min(conn.execute(recent).scalars())
    return max(1, int((oldest + RATE_WINDOW - now).total_seconds() + 0.999))


def issue_link(conn: Connection, email: str, now: datetime, settings: PortalSettings) -> str | None:
    """A new link for `email` (already known to be someone), or None when the address had
    its share of links in the window: the person is told nothing different."""
    if links_recently(conn, email, now) >= LINKS_PER_ADDRESS:
        return None
    value = signed_token(settings.secret)
    conn.execute(
        insert(LINKS).values(
            token_hash=digest(value),
            email=email,
            created_at=now,
            expires_at=now + settings.link_lifetime,
            used_at=None,
        )
    )
    return f"{settings.base_url}/login/{value}"


def redeem_link(conn: Connection, value: str, now: datetime, secret: bytes) -> str | None:
    """The address a valid link was sent to, marking the link used; None for a forged,
    expired or used link. One UPDATE decides, so two clicks at once sign in once."""
    if not signature_holds(secret, value):
        return None
    hashed = digest(value)
    done = conn.execute(
        update(LINKS)
        .where(LINKS.c.token_hash == hashed, LINKS.c.used_at.is_(None), LINKS.c.expires_at > now)
        .values(used_at=now)
    )
    if done.rowcount != 1:
        return None
    return str(conn.execute(select(LINKS.c.email).where(LINKS.c.token_hash == hashed)).scalar_one())


def open_session(conn: Connection, email: str, now: datetime, settings: PortalSettings) -> str:
    """A new session for `email`; returns the cookie value (only its hash is stored)."""
    value = secrets.token_urlsafe(32)
    conn.execute(
        insert(SESSIONS).values(
            token_hash=digest(value),
            email=email,
            created_at=now,
            expires_at=now + settings.session_lifetime,
            ended_at=None,
        )
    )
    return value


def session_email(conn: Connection, value: str | None, now: datetime) -> str | None:
    if not value or len(value) > 100:
        return None
    found = conn.execute(
        select(SESSIONS.c.email).where(
            SESSIONS.c.token_hash == digest(value),
            SESSIONS.c.ended_at.is_(None),
            SESSIONS.c.expires_at > now,
        )
    ).scalar_one_or_none()
    return str(found) if found is not None else None


def end_session(conn: Connection, value: str | None, now: datetime) -> None:
    if value:
        conn.execute(
            update(SESSIONS)
            .where(SESSIONS.c.token_hash == digest(value), SESSIONS.c.ended_at.is_(None))
            .values(ended_at=now)
        )


def end_sessions_of(conn: Connection, email: str, now: datetime) -> None:
    """A person who is no longer anyone (focal point replaced) is signed out everywhere."""
    conn.execute(
        update(SESSIONS)
        .where(SESSIONS.c.email == email, SESSIONS.c.ended_at.is_(None))
        .values(ended_at=now)
    )
