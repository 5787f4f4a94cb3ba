"""The portal's settings, from the environment (they add to the project's settings).

UNTOC_PORTAL_URL            the base of every link in emails (http://127.0.0.1:8400)
UNTOC_PORTAL_SECRET         signs links and CSRF tokens (default: a new key per process,
                            so links die when the portal restarts)
UNTOC_PORTAL_SECRETARIAT    addresses that sign in as the secretariat, comma-separated
                            (default: the settings' secretariat address)
UNTOC_DOCUMENTS_DIR         the document store, a folder (./untoc-documents)
UNTOC_PORTAL_MAX_UPLOAD_MB  the largest file accepted (20)
UNTOC_PORTAL_SECURE_COOKIES 1 (default), or 0; plain http on 127.0.0.1/localhost: 0
UNTOC_PORTAL_TRUSTED_PROXIES addresses or networks of reverse proxies whose X-Forwarded-For
                            names the client, comma-separated (default: none, so the
                            connection's own address is the client)
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import InputError, Problem

DEFAULT_URL = "http://127.0.0.1:8400"
LINK_LIFETIME = timedelta(minutes=30)
SESSION_LIFETIME = timedelta(hours=8)
# At most this many links per address, and sign-in requests per client, in the window.
LINKS_PER_ADDRESS = 3
REQUESTS_PER_CLIENT = 10
RATE_WINDOW = timedelta(minutes=15)
_LOOPBACK = ("127.0.0.1", "localhost", "::1")
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class PortalSettings:
    base_url: str = DEFAULT_URL
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)
    secretariat: frozenset[str] = frozenset()
    documents_dir: Path = Path("untoc-documents")
    max_upload: int = 20 * 1024 * 1024
    secure_cookies: bool = True
    link_lifetime: timedelta = LINK_LIFETIME
    session_lifetime: timedelta = SESSION_LIFETIME
    trusted_proxies: tuple[IPNetwork, ...] = ()


def base_url(env: dict[str, str] | None = None) -> str:
    env = dict(os.environ if env is None else env)
    return (env.get("UNTOC_PORTAL_URL") or DEFAULT_URL).rstrip("/")


def load_portal_settings(
    env: dict[str, str] | None = None, cwd: Path | None = None
) -> PortalSettings:
    """Read the portal's settings; a bad value is an InputError naming the variable."""
    from ..settings import load_settings

    env = dict(os.environ if env is None else env)
    cwd = cwd or Path.cwd()
    url = base_url(env)
    parts = urlsplit(url)
    problems = []
    if parts.scheme not in ("http", "https") or not parts.hostname:
        problems.append(
            Problem(
                f"UNTOC_PORTAL_URL: {url!r} is not an http(s) address",
                hint="e.g. https://review.example.org",
            )
        )
    raw_secret = env.get("UNTOC_PORTAL_SECRET")
    if raw_secret is not None and len(raw_secret) < 32:
        problems.append(
            Problem("UNTOC_PORTAL_SECRET is too short", hint="use at least 32 random characters")
        )
    max_mb = env.get("UNTOC_PORTAL_MAX_UPLOAD_MB", "20")
    try:
        max_upload = int(float(max_mb) * 1024 * 1024)
        if max_upload <= 0:
            raise ValueError
    except ValueError:
        problems.append(Problem(f"UNTOC_PORTAL_MAX_UPLOAD_MB: {max_mb!r} is not a size in MB"))
        max_upload = 0
    plain_local = parts.scheme == "http" and parts.hostname in _LOOPBACK
    secure_raw = env.get("UNTOC_PORTAL_SECURE_COOKIES")
    secure = not plain_local if secure_raw is None else secure_raw not in ("0", "false", "no")
    proxies: list[IPNetwork] = []
    for item in (env.get("UNTOC_PORTAL_TRUSTED_PROXIES") or "").split(","):
        if item.strip():
            try:
                proxies.append(ipaddress.ip_network(item.strip(), strict=False))
            except ValueError:
                problems.append(
                    Problem(
                        f"UNTOC_PORTAL_TRUSTED_PROXIES: {item.strip()!r} is not an address",
                        hint="e.g. 10.0.0.5,10.1.0.0/16",
                    )
                )
    if problems:
        raise InputError(problems)
    listed = env.get("UNTOC_PORTAL_SECRETARIAT")
    if listed:
        secretariat = frozenset(a.strip().lower() for a in listed.split(",") if a.strip())
    else:
        secretariat = frozenset({load_settings(env, cwd).secretariat.email.lower()})
    return PortalSettings(
        base_url=url,
        secret=raw_secret.encode() if raw_secret else secrets.token_bytes(32),
        secretariat=secretariat,
        documents_dir=Path(env.get("UNTOC_DOCUMENTS_DIR") or cwd / "untoc-documents"),
        max_upload=max_upload,
        secure_cookies=secure,
        trusted_proxies=tuple(proxies),
    )
