"""Ways out of the outbox: SMTP relays named by Apprise URLs, or a folder of `.eml` files.

Apprise parses `UNTOC_NOTIFY_URL` (its `mailto://`/`mailtos://` grammar: host, port, user,
password, `mode=ssl|starttls|insecure`, provider templates) and drives the send through its
own `notify()`, whose `False` is a failure. The plugin is Apprise's email plugin with one
change: it sends the message we built (our Message-ID, our text and HTML parts) and splits
the DATA phase, so the outbox can record "sending" just before the final dot. Killed before
that record, the server has no complete message (it discards a broken transfer) and the row
is sent again; killed after it, the row is never sent again. Only the few microseconds
between the record and writing the dot can lose a message; a server that refuses the
message at the dot puts the row back to failed.

Several URLs are tried in order until one accepts (a fallback relay), never all at once:
sending through every relay would deliver every message several times.
"""

from __future__ import annotations

import contextlib
import os
import re
import smtplib
import socket
import ssl
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import InputError, Problem
from .message import Outgoing

PointOfNoReturn = Callable[[], None]
MAIL_SCHEMES = ("mailto", "mailtos")


class DeliveryFailed(Exception):
    """The server (or the folder) did not accept the message; it stays in the outbox."""


class DeliveryInDoubt(Exception):
    """The connection broke after the final dot was written: the server most likely has
    the message, so it is not sent again (the row stays `sending`, with this error)."""


class EmlFolder:
    """Writes each message as `<folder>/<name>.eml`, atomically: a temporary file in the
    same folder, flushed to disk, then renamed; a rerun writes the same name again."""

    description = "outbox folder"

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def send(self, message: Outgoing, name: str, point_of_no_return: PointOfNoReturn) -> None:
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


def _email_plugin_class() -> Any:
    from apprise.plugins.email import NotifyEmail
    from apprise.plugins.email.common import SecureMailMode

    class PrebuiltEmail(NotifyEmail):  # type: ignore[misc, valid-type]
        """Apprise's email plugin sending a prebuilt message over a reused connection."""

        # The outbox paces and retries itself; Apprise must neither wait nor retry.
        request_rate_per_sec = 0

        def __init__(self, **kwargs: Any):
            super().__init__(**kwargs)
            self.retry = 0
            self.optional = False  # an optional service turns a failure into success
            self._smtp: smtplib.SMTP | None = None
            self.outgoing: tuple[Outgoing, PointOfNoReturn] | None = None
            self.error: str | None = None
            self.in_doubt = False
            self.raised: BaseException | None = None

        def _connection(self) -> tuple[smtplib.SMTP, bool]:
            """The open session (reused: True), or a new one."""
            if self._smtp is not None:
                return self._smtp, True
            context = ssl.create_default_context()
            if not self.verify_certificate:
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
            if self.secure_mode == SecureMailMode.SSL:
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    self.smtp_host, self.port, timeout=self.socket_connect_timeout, context=context
                )
            else:
                smtp = smtplib.SMTP(self.smtp_host, self.port, timeout=self.socket_connect_timeout)
            # The body and the final dot go out in two writes (see send); without NODELAY,
            # Nagle's algorithm holds the dot until the server's delayed ACK (40 ms a mail).
            with contextlib.suppress(OSError, AttributeError):
                smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if self.secure_mode == SecureMailMode.STARTTLS:
                smtp.starttls(context=context)
            smtp.ehlo_or_helo_if_needed()
            if self.user and self.password:
                smtp.login(self.user, self.password)
            self._smtp = smtp
            return smtp, False

        def _mail_from(self, sender: str) -> tuple[smtplib.SMTP, int, bytes]:
            smtp, reused = self._connection()
            try:
                code, reply = smtp.mail(sender)
            except (OSError, smtplib.SMTPServerDisconnected):
                if not reused:
                    raise
                # the server closed an idle session: nothing was sent yet, open another
                self.drop()
                smtp, _ = self._connection()
                code, reply = smtp.mail(sender)
            return smtp, code, reply

        def drop(self) -> None:
            if self._smtp is not None:
                with contextlib.suppress(OSError, smtplib.SMTPException):
                    self._smtp.close()
            self._smtp = None

        def close(self) -> None:
            if self._smtp is not None:
                with contextlib.suppress(OSError, smtplib.SMTPException):
                    self._smtp.quit()
            self._smtp = None

        def send(
            self,
            body: str,
            title: str = "",
            notify_type: Any = None,
            attach: Any = None,
            **kwargs: Any,
        ) -> bool:
            self.error = None
            self.in_doubt = False
            if self.outgoing is None:
                self.error = "nothing to send"
                return False
            message, point_of_no_return = self.outgoing
            recipient = message.recipient
            data = _wire_bytes(message.data)
            try:
                smtp, code, reply = self._mail_from(message.sender)
                if code != 250:
                    smtp.rset()
                    return self._refused("MAIL FROM", code, reply)
                code, reply = smtp.rcpt(recipient)
                if code not in (250, 251):
                    smtp.rset()
                    return self._refused("RCPT TO", code, reply)
                code, reply = smtp.docmd("DATA")
                if code != 354:
                    return self._refused("DATA", code, reply)
                smtp.send(data)
                try:
                    point_of_no_return()
                except BaseException as exc:
                    # Could not record it: abandon the transfer, the server drops it.
                    self.raised = exc
                    self.drop()
                    return False
                smtp.send(b".\r\n")
                self.in_doubt = True  # from here a broken connection leaves it unknown
                code, reply = smtp.getreply()
                self.in_doubt = False
                if code != 250:
                    return self._refused("end of data", code, reply)
                return True
            except Exception as exc:  # Apprise would swallow it: keep the reason
                self.error = f"{type(exc).__name__}: {exc}".strip()
                self.drop()
                return False

        def _refused(self, stage: str, code: int, reply: bytes) -> bool:
            self.error = f"{stage} refused: {code} {reply.decode('utf-8', 'replace')}"
            return False

    return PrebuiltEmail


class AppriseMail:
    """Sends through the SMTP relays of one or more Apprise `mailto(s)://` URLs."""

    def __init__(self, urls: str):
        import apprise
        from apprise.plugins.email import NotifyEmail

        plugin_class = _email_plugin_class()
        self.relays: list[tuple[Any, Any, str]] = []
        problems = []
        for raw in (u.strip() for u in urls.split(",")):
            if not raw:
                continue
            scheme = raw.split("://", 1)[0].lower() if "://" in raw else ""
            shown = _hide_password(raw)
            if scheme not in MAIL_SCHEMES:
                problems.append(
                    Problem(
                        f"UNTOC_NOTIFY_URL: {shown!r} is not an email URL",
                        hint="reminders go to people by email: use mailto://host:port?from=... or mailtos://user:pass@host",
                    )
                )
                continue
            parsed = NotifyEmail.parse_url(raw)
            try:
                plugin = plugin_class(**parsed) if parsed else None
            except TypeError as exc:
                plugin = None
                problems.append(Problem(f"UNTOC_NOTIFY_URL: {shown!r}: {exc}"))
                continue
            if plugin is None:
                problems.append(Problem(f"UNTOC_NOTIFY_URL: Apprise cannot read {shown!r}"))
                continue
            channel = apprise.Apprise()
            channel.add(plugin)
            self.relays.append((channel, plugin, shown))
        if problems:
            raise InputError(problems)
        if not self.relays:
            raise InputError("UNTOC_NOTIFY_URL is set but names no URL")
        self.description = ", ".join(shown for _, _, shown in self.relays)

    def send(self, message: Outgoing, name: str, point_of_no_return: PointOfNoReturn) -> None:
        errors = []
        for channel, plugin, shown in self.relays:
            plugin.outgoing = (message, point_of_no_return)
            plugin.raised = None
            try:
                accepted = channel.notify(body=message.subject or "-", title=message.subject)
            finally:
                plugin.outgoing = None
            if plugin.raised is not None:
                raise plugin.raised
            if accepted is True:
                return
            if plugin.in_doubt:
                raise DeliveryInDoubt(f"{shown}: {plugin.error}")
            errors.append(f"{shown}: {plugin.error or 'not accepted'}")
        raise DeliveryFailed("; ".join(errors))

    def close(self) -> None:
        for _, plugin, _ in self.relays:
            plugin.close()


def _wire_bytes(data: bytes) -> bytes:
    """The message as SMTP carries it: CRLF line ends, leading dots doubled."""
    data = re.sub(rb"(?:\r\n|\n|\r(?!\n))", b"\r\n", data)
    data = re.sub(rb"(?m)^\.", b"..", data)
    return data if data.endswith(b"\r\n") else data + b"\r\n"


def _hide_password(url: str) -> str:
    return re.sub(r"(://[^:/@?]+):([^@/?]*)@", r"\1:***@", url)


def transport_for(settings: Any) -> EmlFolder | AppriseMail:
    """The transport the settings ask for: Apprise URLs, else the local outbox folder."""
    if settings.notify_url:
        return AppriseMail(settings.notify_url)
    return EmlFolder(settings.outbox_dir)
