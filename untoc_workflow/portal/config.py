"""The portal's settings, read with the project's (untoc_workflow/settings.py: the
environment over untoc.toml over the defaults), and checked for what the portal needs.

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
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

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


def base_url(env: Mapping[str, str] | None = None) -> str:
    """UNTOC_PORTAL_URL (or `portal_url` in untoc.toml), without a trailing slash."""
    from ..settings import load_settings

    return load_settings(env).portal_url


def load_portal_settings(
    env: Mapping[str, str] | None = None, cwd: Path | None = None
) -> PortalSettings:
    """The portal's settings from the project's (settings.py checks every value: a bad one
    is an InputError naming its variable)."""
    from ..settings import load_settings

    cwd = cwd or Path.cwd()
    project = load_settings(env, cwd)
    parts = urlsplit(project.portal_url)
    plain_local = parts.scheme == "http" and parts.hostname in _LOOPBACK
    secure = project.portal_secure_cookies
    listed = project.portal_secretariat
    if listed:
        secretariat = frozenset(a.strip().lower() for a in listed.split(",") if a.strip())
    else:
        secretariat = frozenset({project.secretariat.email.lower()})
    secret = project.portal_secret.get_secret_value() if project.portal_secret else None
    return PortalSettings(
        base_url=project.portal_url,
        secret=secret.encode() if secret else secrets.token_bytes(32),
        secretariat=secretariat,
        documents_dir=project.documents_dir or cwd / "untoc-documents",
        max_upload=int(project.portal_max_upload_mb * 1024 * 1024),
        secure_cookies=not plain_local if secure is None else secure,
        trusted_proxies=project.portal_trusted_proxies,
    )
