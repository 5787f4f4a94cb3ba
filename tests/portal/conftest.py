"""A portal over a real store (SQLite), a real SMTP server on 127.0.0.1 receiving its
emails, and helpers to sign in through the link that arrived.

The Mechanism: three reviews started 2023-01-02 (NGA reviewed by GHA and DEU; FRA by NGA
and DEU; GHA by FRA and NOR), every focal point named, the NGA and FRA consultations held
with the SAQ agreed for 2023-06-30; an expert and an observer registered for NGA. The
portal serves it as on 2023-03-01 (the SAQ of NGA is awaited).
"""

from __future__ import annotations

import email
import email.policy
import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from untoc_workflow.settings import Contact, Settings

from ..conftest import copy_sqlite

AS_OF = date(2023, 3, 1)
START = datetime(2023, 3, 1, 9, 0)
SECRETARIAT = "secretariat.review@example.org"
SENDER = "untoc.review@example.org"
PEOPLE = {
    "fp_nga": "a.bello@example.org",
    "fp_gha": "k.mensah@example.org",
    "fp_deu": "j.weber@example.org",
    "fp_fra": "c.martin@example.org",
    "fp_nor": "i.berg@example.org",
    "expert_nga": "e.okafor@example.org",
    "observer_nga": "o.adeyemi@example.org",
    "observer_fra": "o.durand@example.org",
    "secretariat": SECRETARIAT,
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Mailbox:
    """aiosmtpd on a free port of 127.0.0.1, keeping every message."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.port = free_port()
        self.messages: list[email.message.EmailMessage] = []
        self._lock = threading.Lock()
        box = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
                with box._lock:
                    box.messages.append(msg)  # type: ignore[arg-type]
                return "250 Message accepted for delivery"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"mailto://127.0.0.1:{self.port}?from={SENDER}&mode=insecure"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        with self._lock:
            return [m for m in self.messages if address in str(m["To"])]

    def wait_for(self, address: str, count: int = 1, timeout: float = 10) -> list[Any]:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            found = self.to(address)
            if len(found) >= count:
                return found
            time.sleep(0.02)
        return self.to(address)


def text_of(message: Any) -> str:
    part = message.get_body(preferencelist=("plain",))
    return str(part.get_content())


def link_in(message: Any) -> str:
    found = re.search(r"https?://\S+/login/\S+", text_of(message))
    assert found, text_of(message)
    return found.group(0)


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    box = Mailbox()
    box.controller.start()
    try:
        yield box
    finally:
        box.controller.stop()


def _party(code: str, name: str, language: str = "en") -> dict[str, Any]:
    return {
        "code": code,
        "name": name,
        "regional_group": "WEOG",
        "instruments": {"UNTOC": "2001-01-01"},
        "mission": {"email": f"mission.{code.lower()}@example.org", "city": "Vienna"},
        "languages": [language],
    }


def _review(rid: str, reviewed: str, reviewers: list[str]) -> dict[str, Any]:
    return {
        "id": rid,
        "cluster": 1,
        "group": 1,
        "reviewed": reviewed,
        "instruments": ["UNTOC"],
        "reviewers": [{"party": p, "instruments": ["UNTOC"]} for p in reviewers],
        "starts_on": "2023-01-02",
    }


def _nominate(party: str, name: str, address: str, language: str = "en") -> dict[str, Any]:
    return {
        "on": "2023-01-05",
        "type": "focal_point_nominated",
        "party": party,
        "person": {"name": name, "email": address, "language": language},
    }


def write_mechanism(path: Path) -> Path:
    doc = {
        "format": "untoc-mechanism/1",
        "parties": [
            _party("NGA", "Nigeria"),
            _party("GHA", "Ghana"),
            _party("DEU", "Germany"),
            _party("FRA", "France", "fr"),
            _party("NOR", "Norway"),
        ],
        "reviews": [
            _review("C1-G1-NGA", "NGA", ["GHA", "DEU"]),
            _review("C1-G1-FRA", "FRA", ["NGA", "DEU"]),
            _review("C1-G1-GHA", "GHA", ["FRA", "NOR"]),
        ],
        "events": [
            _nominate("NGA", "A. Bello", PEOPLE["fp_nga"]),
            _nominate("GHA", "K. Mensah", PEOPLE["fp_gha"]),
            _nominate("DEU", "J. Weber", PEOPLE["fp_deu"]),
            _nominate("FRA", "C. Martin", PEOPLE["fp_fra"], "fr"),
            _nominate("NOR", "I. Berg", PEOPLE["fp_nor"]),
            *(
                {
                    "on": "2023-01-20",
                    "type": "preliminary_consultation_held",
                    "review": rid,
                    "languages": ["en"],
                    "agreed": {"saq": "2023-06-30"},
                }
                for rid in ("C1-G1-NGA", "C1-G1-FRA")
            ),
        ],
    }
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


@dataclass
class Clock:
    moment: datetime = START

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, delta: timedelta) -> None:
        self.moment += delta


@dataclass
class PortalRig:
    store: Any
    app: Any
    mailbox: Mailbox
    clock: Clock
    documents: Path
    settings: Any
    project: Any
    clients: list[Any] = field(default_factory=list)

    def client(self) -> Any:
        from fastapi.testclient import TestClient

        c = TestClient(self.app, base_url="http://127.0.0.1", follow_redirects=False)
        self.clients.append(c)
        return c

    def sign_in(self, address: str, client: Any = None) -> Any:
        """A browser signed in as `address` through the link that arrived by email."""
        c = client or self.client()
        before = len(self.mailbox.to(address))
        login = c.get("/login")
        token = csrf_of(login.text)
        answer = c.post("/login", data={"email": address, "csrf": token})
        assert answer.status_code == 200, answer.text
        messages = self.mailbox.wait_for(address, before + 1)
        assert len(messages) == before + 1, f"no sign-in link reached {address}"
        link = link_in(messages[-1])
        followed = c.get(link.replace(self.settings.base_url, ""))
        assert followed.status_code == 303, followed.text
        return c


class Served:
    """uvicorn serving the app on a free port of 127.0.0.1, in a thread."""

    def __init__(self, app, port):
        import uvicorn

        self.server = uvicorn.Server(
            uvicorn.Config(
                app, host="127.0.0.1", port=port, log_level="warning", proxy_headers=False
            )
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self):
        self.thread.start()
        end = time.monotonic() + 20
        while not self.server.started and time.monotonic() < end:
            time.sleep(0.05)
        assert self.server.started
        return self

    def __exit__(self, *exc):
        self.server.should_exit = True
        self.thread.join(10)


def portal_env(tmp_path: Path, mailbox: Mailbox, url: str) -> dict[str, str]:
    """The environment of `untoc` commands over `url`, the conftest's Mechanism imported."""
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "UNTOC_DATABASE_URL": url,
        "UNTOC_SETTINGS": str(tmp_path / "none.toml"),
        "UNTOC_DOCUMENTS_DIR": str(tmp_path / "documents"),
        "UNTOC_OUTBOX_DIR": str(tmp_path / "outbox"),
        "UNTOC_NOTIFY_URL": mailbox.url,
        "UNTOC_SENDER": SENDER,
        "UNTOC_PORTAL_SECRET": "k" * 40,
    }
    mechanism = write_mechanism(tmp_path / "mechanism.yaml")
    imported = subprocess.run(
        [sys.executable, "-m", "untoc_workflow", "import", str(mechanism)],
        env=env,
        capture_output=True,
        text=True,
    )
    assert imported.returncode == 0, imported.stdout + imported.stderr
    return env


def serve_portal(env: dict[str, str], port: int) -> Any:
    """`untoc portal serve` as a process on 127.0.0.1:port, answering."""
    import subprocess
    import sys

    import httpx

    untoc = [sys.executable, "-m", "untoc_workflow"]
    server = subprocess.Popen(
        [*untoc, "portal", "serve", "--port", str(port), "--as-of", "2023-03-01"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    end = time.monotonic() + 60
    while time.monotonic() < end and server.poll() is None:
        try:
            httpx.get(f"http://127.0.0.1:{port}/login", timeout=2)
            return server
        except httpx.TransportError:
            time.sleep(0.2)
    server.kill()
    raise AssertionError(server.stderr.read() if server.stderr else "the portal did not start")


def signed_in_over_http(base: str, mailbox: Mailbox, address: str) -> Any:
    """An httpx client signed in to a served portal as `address`."""
    import httpx

    browser = httpx.Client(base_url=base, timeout=30)
    token = csrf_of(browser.get("/login").text)
    before = len(mailbox.to(address))
    assert browser.post("/login", data={"email": address, "csrf": token}).status_code == 200
    link = link_in(mailbox.wait_for(address, before + 1)[-1])
    assert browser.get(link.replace("http://127.0.0.1:8400", "")).status_code == 303
    return browser


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, page
    return found.group(1)


def make_rig(
    tmp_path: Path,
    mailbox: Mailbox,
    url: str | None = None,
    base_url: str = "http://127.0.0.1:8400",
    *,
    mechanism: Path | None = None,
    process_defs: Path | None = None,
    as_of: date = AS_OF,
) -> PortalRig:
    """The portal over the conftest's Mechanism, or over `mechanism` (then no expert or
    observer is registered) with every process of `process_defs` (a catalog)."""
    from untoc_workflow.definitions import load_process
    from untoc_workflow.definitions.load import BUNDLED_DEFS
    from untoc_workflow.portal import create_app
    from untoc_workflow.portal.config import PortalSettings
    from untoc_workflow.portal.people import add_person
    from untoc_workflow.store import open_store

    store = open_store(url or f"sqlite:///{tmp_path / 'untoc.db'}")
    store.import_file(mechanism or write_mechanism(tmp_path / "mechanism.yaml"))
    clock = Clock(datetime.combine(as_of, START.time()))
    for key, party, role, name in (
        ("expert_nga", "NGA", "expert", "E. Okafor"),
        ("observer_nga", "NGA", "observer", "O. Adeyemi"),
        ("observer_fra", "FRA", "observer", "O. Durand"),
    ):
        if mechanism is None:
            add_person(store.engine, PEOPLE[key], name, party, role, by="test", now=clock())
    settings = PortalSettings(
        base_url=base_url,
        secret=b"s" * 32,
        secretariat=frozenset({SECRETARIAT}),
        documents_dir=tmp_path / "documents",
        max_upload=256 * 1024,
        secure_cookies=False,
    )
    project = Settings(
        database_url="",
        notify_url=mailbox.url,
        process_defs=BUNDLED_DEFS,
        outbox_dir=tmp_path / "outbox",
        secretariat=Contact(SECRETARIAT, "Secretariat of the Review Mechanism"),
        cop_presidency=Contact("cop.presidency@example.org", "Presidency of the Conference"),
        sender=SENDER,
    )
    if process_defs is None:
        definition = load_process(BUNDLED_DEFS / "country_review.yaml")
    else:
        from untoc_workflow.definitions import load_definitions

        definition = load_definitions(process_defs)
    app = create_app(store, definition, settings, project, as_of=as_of, now=clock)
    return PortalRig(store, app, mailbox, clock, tmp_path / "documents", settings, project)


def kept(made: PortalRig) -> Iterator[PortalRig]:
    """A rig for one test (a fixture yields from this), its clients and store closed after."""
    try:
        yield made
    finally:
        for c in made.clients:
            c.close()
        made.store.close()


@pytest.fixture
def rig(tmp_path: Path, mailbox: Mailbox, migrated_sqlite: Path) -> Iterator[PortalRig]:
    # the store starts migrated, as the session's empty store (tests/conftest.py)
    copy_sqlite(migrated_sqlite, tmp_path / "untoc.db")
    yield from kept(make_rig(tmp_path, mailbox))


@pytest.fixture
def any_rig(
    tmp_path: Path, mailbox: Mailbox, store_url: str, migrated_sqlite: Path
) -> Iterator[PortalRig]:
    """The rig on SQLite, then on PostgreSQL (the `store_url` of the tests' conftest)."""
    if store_url.startswith("sqlite:///"):
        copy_sqlite(migrated_sqlite, Path(store_url.removeprefix("sqlite:///")))
    yield from kept(make_rig(tmp_path, mailbox, url=store_url))


# Smallest files of each accepted format, built here (no binary fixture in the repository).
def pdf_bytes(text: str = "SAQ answers") -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n% "
        + text.encode()
        + b"\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def docx_bytes() -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()
