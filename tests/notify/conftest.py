"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what arrives, and small mechanisms
written as mechanism files and imported into a real store."""

from __future__ import annotations

import contextlib
import email
import email.policy
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import yaml

from untoc_workflow.settings import Contact, Settings

BUNDLED_DEFS = Path(__file__).resolve().parents[2] / "untoc_workflow" / "process_defs"
SENDER = "untoc.review@example.org"
SECRETARIAT = Contact("secretariat.review@example.org", "Secretariat of the Review Mechanism", "en")
PRESIDENCY = Contact("cop.presidency@example.org", "Presidency of the Conference", "fr")
NOW = datetime(2024, 4, 16, 6, 0, tzinfo=UTC)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.data, policy=email.policy.default)  # type: ignore[return-value]

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])


class _Handler:
    def __init__(self, box: list[Received], lock: threading.Lock):
        self.box = box
        self.lock = lock

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.box.append(
                Received(
                    envelope.mail_from,
                    list(envelope.rcpt_tos),
                    bytes(envelope.original_content or envelope.content),
                )
            )
        return "250 Message accepted for delivery"

    async def handle_exception(self, error: Exception) -> str:
        # A client that vanished (a killed sweep): no traceback from the server thread
        # (see MtaLikeSMTP._handle_client for why that matters).
        return "421 Closing the session"


def _mta_like_smtp_class() -> Any:
    import asyncio

    from aiosmtpd.smtp import SMTP

    class MtaLikeSMTP(SMTP):  # type: ignore[misc]
        """aiosmtpd that, like Postfix or Exim, delivers a message whose final dot has
        arrived even when the client vanishes before reading the reply. Stock aiosmtpd
        cancels the session the moment it sees the connection close, dropping a complete
        message still in its buffer; a real MTA has taken responsibility at the dot."""

        async def _handle_client(self) -> None:
            # A session ended by a vanished client is normal here. Left unhandled, asyncio
            # prints its traceback from the server thread, and Python 3.11 computes the
            # caret lines of a traceback with ast.parse, whose state is not thread-safe:
            # a parse in the main thread at that moment fails with SystemError.
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await super()._handle_client()

        def _cancel_later(self) -> None:
            task = self._handler_coroutine
            if task is not None:
                asyncio.get_running_loop().call_later(0.5, task.cancel)

        def eof_received(self) -> bool:
            asyncio.StreamReaderProtocol.eof_received(self)  # the buffer stays readable
            self._cancel_later()
            return False  # close our side: connection_lost follows

        def connection_lost(self, error: Exception | None) -> None:
            if self._timeout_handle is not None:
                self._timeout_handle.cancel()
            asyncio.StreamReaderProtocol.connection_lost(self, error)
            self._cancel_later()

    return MtaLikeSMTP


class SmtpServer:
    """aiosmtpd on a free local port; `stop()` and `start()` simulate an outage."""

    def __init__(self) -> None:
        self.port = free_port()
        self.received: list[Received] = []
        self._lock = threading.Lock()
        self._controller: Any = None
        self.smtp_options: dict[str, Any] = {}  # aiosmtpd's SMTP options (e.g. AUTH)

    @property
    def url(self) -> str:
        return f"mailto://127.0.0.1:{self.port}?from={SENDER}&mode=insecure"

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        smtp_class = _mta_like_smtp_class()

        class _Controller(Controller):  # type: ignore[misc]
            def factory(self) -> Any:
                return smtp_class(self.handler, **self.SMTP_kwargs)

        self._controller = _Controller(
            self.handler(), hostname="127.0.0.1", port=self.port, **self.smtp_options
        )
        self._controller.start()

    def handler(self) -> Any:
        """What the server does with each session (faulty_smtp.py injects faults here)."""
        return _Handler(self.received, self._lock)

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def messages(self) -> list[Received]:
        with self._lock:
            return list(self.received)

    def wait_for(self, count: int, timeout: float = 5.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = self.messages()
            if len(got) >= count:
                return got
            time.sleep(0.01)
        return self.messages()


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def make_settings(
    tmp_path: Path, notify_url: str | None = None, process_defs: Path = BUNDLED_DEFS
) -> Settings:
    return Settings(
        database_url="",
        notify_url=notify_url,
        process_defs=process_defs,
        outbox_dir=tmp_path / "outbox",
        secretariat=SECRETARIAT,
        cop_presidency=PRESIDENCY,
        sender=SENDER,
    )


def party(
    code: str, name: str, languages: list[str] | None = None, mission: bool = True
) -> dict[str, Any]:
    return {
        "code": code,
        "name": name,
        "regional_group": "WEOG",
        "instruments": {"UNTOC": "2001-01-01", "TIP": "2001-01-01"},
        "mission": {"email": f"mission.{code.lower()}@example.org", "city": "Vienna"}
        if mission
        else None,
        "languages": languages or ["en"],
    }


def review(
    rid: str, reviewed: str, reviewers: list[str], starts_on: str = "2023-01-02"
) -> dict[str, Any]:
    return {
        "id": rid,
        "cluster": 1,
        "group": 1,
        "reviewed": reviewed,
        "instruments": ["UNTOC"],
        "reviewers": [{"party": p, "instruments": ["UNTOC"]} for p in reviewers],
        "starts_on": starts_on,
    }


def nominate(
    on: str,
    party_code: str,
    name: str,
    email_address: str,
    language: str | None = None,
    replaces: str | None = None,
) -> dict[str, Any]:
    person: dict[str, Any] = {"name": name, "email": email_address}
    if language:
        person["language"] = language
    event: dict[str, Any] = {
        "on": on,
        "type": "focal_point_nominated",
        "party": party_code,
        "person": person,
    }
    if replaces:
        event["replaces"] = replaces
    return event


def load_mechanism(
    store: Any,
    tmp_path: Path,
    parties: list[dict],
    reviews: list[dict],
    events: list[dict],
    name: str = "mechanism.yaml",
) -> Path:
    doc = {"format": "untoc-mechanism/1", "parties": parties, "reviews": reviews, "events": events}
    path = tmp_path / name
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    store.import_file(path)
    return path


def add_events(store: Any, tmp_path: Path, events: list[dict], name: str) -> None:
    doc = {"format": "untoc-mechanism/1", "events": events}
    path = tmp_path / name
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    store.import_file(path)


def standard_mechanism(store: Any, tmp_path: Path) -> None:
    """Three reviews started 2023-01-02 with every focal point named in January; a French
    review (working language fr) and an English one in the questionnaire stage, and one whose
    consultation was never held."""
    parties = [
        party("FRA", "France", ["fr"]),
        party("NGA", "Nigeria", ["en"]),
        party("DEU", "Germany", ["en", "fr"]),
        party("GHA", "Ghana", ["en"]),
        party("NOR", "Norway", ["en"], mission=False),
    ]
    reviews = [
        review("C1-G1-FRA", "FRA", ["NGA", "DEU"]),
        review("C1-G1-NGA", "NGA", ["GHA", "DEU"]),
        review("C1-G1-GHA", "GHA", ["FRA", "NOR"]),
    ]
    events = [
        nominate("2023-01-05", "FRA", "C. Martin", "c.martin@example.org", "fr"),
        nominate("2023-01-05", "NGA", "A. Bello", "a.bello@example.org", "en"),
        nominate("2023-01-06", "DEU", "J. Weber", "j.weber@example.org"),
        nominate("2023-01-06", "GHA", "K. Mensah", "k.mensah@example.org"),
        nominate("2023-01-06", "NOR", "I. Berg", "i.berg@example.org"),
        {"on": "2023-01-10", "type": "experts_nominated", "party": "FRA", "count": 2},
        {"on": "2023-01-10", "type": "experts_nominated", "party": "NGA", "count": 2},
        {"on": "2023-01-10", "type": "experts_nominated", "party": "GHA", "count": 2},
        {
            "on": "2023-01-20",
            "type": "preliminary_consultation_held",
            "review": "C1-G1-FRA",
            "languages": ["fr"],
            "agreed": {"saq": "2023-06-30"},
        },
        {
            "on": "2023-01-20",
            "type": "preliminary_consultation_held",
            "review": "C1-G1-NGA",
            "languages": ["en"],
            "agreed": {"saq": "2023-06-30"},
        },
    ]
    load_mechanism(store, tmp_path, parties, reviews, events)


def went_live(store: Any, tmp_path: Path, before: str) -> None:
    """The store's correspondence went live on the working day before `before` and its
    opening messages were sent (as .eml files in tmp_path/opening), so a test's sweeps
    show ordinary days: only what falls due after go-live."""
    from datetime import date, timedelta

    from untoc_workflow.definitions import load_process
    from untoc_workflow.notify import Notifier, sweep
    from untoc_workflow.outbox import EmlFolder

    notifier = Notifier(load_process(), make_settings(tmp_path))
    day = date.fromisoformat(before) - timedelta(days=1)
    while not notifier.calendar.is_working_day(day):
        day -= timedelta(days=1)
    transport = EmlFolder(tmp_path / "opening")
    try:
        report = sweep(store, notifier, transport, day, NOW, go_live=day)
    finally:
        transport.close()
    assert report.opening and report.sent == report.recorded
