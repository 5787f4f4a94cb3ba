"""Ways out of the outbox, and what can come of handing a message to one of them.

A transport has `send(message, name)` and `close()`: `smtp.SmtpMail` hands the message to
SMTP relays, `EmlFolder` writes it to a folder of `.eml` files (no relay configured: the
secretariat's own mail client, or a test, takes it from there). `send` returns when the
message was accepted, and otherwise raises one of the two outcomes below.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from .message import Outgoing


class DeliveryFailed(Exception):
    """The server (or the folder) did not accept the message; nothing complete reached it,
    so it stays in the outbox and is tried again. `permanent`: the server refused it for
    good (a 5xx answer, such as an unknown recipient): retrying cannot help."""

    def __init__(self, reason: str, *, permanent: bool = False):
        super().__init__(reason)
        self.permanent = permanent


class DeliveryInDoubt(Exception):
    """The final dot was written but the server's answer never came: the server may hold
    the message. It is sent again later under the same Message-ID."""


class EmlFolder:
    """Writes each message as `<folder>/<name>.eml`, atomically: a temporary file in the
    same folder, flushed to disk, then renamed; a rerun writes the same name again."""

    description = "outbox folder"

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.description = str(self.folder)

    def send(self, message: Outgoing, name: str) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        final = self.folder / f"{name}.eml"
        tmp = self.folder / f".{name}.{os.getpid()}.tmp"
        try:
            with open(tmp, "wb") as fh:
                fh.write(message.data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, final)
        except OSError as exc:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise DeliveryFailed(f"cannot write {final}: {exc}") from exc
        with contextlib.suppress(OSError):  # make the rename itself durable
            dir_fd = os.open(self.folder, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)

    def close(self) -> None:
        pass
