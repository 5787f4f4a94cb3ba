"""A real SMTP server on 127.0.0.1 (aiosmtpd) that misbehaves on purpose, the ways mail
servers and networks do: it drops the connection after the final dot (having kept the
message, or not), never answers the dot, answers it slowly, refuses one recipient for good
(5xx) or for now (4xx, then accepts)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from .conftest import Received, SmtpServer

# What the server does with one message at its final dot.
ACCEPT = "accept"
DROP_LOST = "drop, message lost"  # the connection breaks before the server has queued it
DROP_KEPT = "drop, message kept"  # queued, then the connection breaks before the reply
SILENT = "never answer"  # neither keeps it nor answers; the client must give up waiting


@dataclass
class Faults:
    at_dot: list[str] = field(default_factory=list)  # one per message, in order; then accept
    delays: list[float] = field(default_factory=list)  # seconds before answering, per message
    dot_delay: float = 0.0  # ... and for every message after those
    # A client gone while the server was taking its time: an MTA that queues at the dot
    # delivers anyway (True); one that queues only when it answers drops it (False).
    keep_if_client_gone: bool = True
    refuse: dict[str, str] = field(default_factory=dict)  # address -> permanent 5xx reply
    busy: dict[str, int] = field(default_factory=dict)  # address -> times to answer 4xx


class _FaultyHandler:
    def __init__(self, server: FaultySmtp):
        self.server = server

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        faults = self.server.faults
        if address in faults.refuse:
            return faults.refuse[address]
        if faults.busy.get(address, 0) > 0:
            faults.busy[address] -= 1
            return "451 4.3.2 Mailbox temporarily unavailable, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        faults = self.server.faults
        fault = faults.at_dot.pop(0) if faults.at_dot else ACCEPT
        self.server.dots += 1
        delay = faults.delays.pop(0) if faults.delays else faults.dot_delay
        if delay:
            await asyncio.sleep(delay)
        transport = server.transport
        gone = transport is None or transport.is_closing()
        if fault in (ACCEPT, DROP_KEPT) and (faults.keep_if_client_gone or not gone):
            self.server.keep(envelope)
        if fault in (DROP_LOST, DROP_KEPT):
            server.transport.abort()
        if fault == SILENT:
            await asyncio.sleep(3600)  # until the client goes and the session is cancelled
        return "250 Message accepted for delivery"

    async def handle_exception(self, error: Exception) -> str:
        return "421 Closing the session"


class FaultySmtp(SmtpServer):
    """SmtpServer with `faults` (change them between drains to mend the server)."""

    def __init__(self, faults: Faults | None = None) -> None:
        super().__init__()
        self.faults = faults or Faults()
        self.dots = 0  # final dots the server saw, kept or not

    def handler(self) -> Any:
        return _FaultyHandler(self)

    def keep(self, envelope: Any) -> None:
        with self._lock:
            self.received.append(
                Received(
                    envelope.mail_from,
                    list(envelope.rcpt_tos),
                    bytes(envelope.original_content or envelope.content),
                )
            )
