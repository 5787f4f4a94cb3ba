"""Ways out of the outbox: SMTP relays named by Apprise URLs, or a folder of `.eml` files.

Apprise parses `UNTOC_NOTIFY_URL` (its `mailto://`/`mailtos://` grammar: host, port, user,
password, `mode=ssl|starttls|insecure`, provider templates) and drives the send through its
own `notify()`, whose `False` is a failure. The plugin is Apprise's email plugin with one
change: it sends the message we built (our Message-ID, our text and HTML parts) and tells
three outcomes apart, because SMTP cannot promise exactly-once:

    accepted      the server answered 250 to the final dot
    failed        nothing complete reached the server (refused, unreachable, broken
                  before the dot): sending again cannot make a duplicate
    in doubt      the dot was written but no answer came (connection dropped, timeout):
                  the server may hold the message, so it is sent again later under the
                  same Message-ID, and a duplicate is recognisable

The answer to the dot is awaited for DOT_REPLY_TIMEOUT (RFC 5321 gives the server up to ten
minutes to queue a message; a busy relay often takes more than the 15 s of the other
commands), or the URL's own `rto` when it names one.

A password never leaves this module: relays are shown with Apprise's own privacy form of
their URL (`url(privacy=True)`), errors name a relay by number and host only, and a URL
Apprise cannot read is never shown at all.

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
from pathlib import Path
from typing import Any

from ..errors import InputError, Problem
from .message import Outgoing

MAIL_SCHEMES = ("mailto", "mailtos")
DOT_REPLY_TIMEOUT = 120.0
_URL_HINT = "use mailto://host:port?from=... or mailtos://user:pass@host?from=..."


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
            self.dot_timeout = float(kwargs["rto"]) if kwargs.get("rto") else DOT_REPLY_TIMEOUT
            self._smtp: smtplib.SMTP | None = None
            self.outgoing: Outgoing | None = None
            self.error: str | None = None
            self.in_doubt = False
            self.permanent = False

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
            self.permanent = False
            if self.outgoing is None:
                self.error = "nothing to send"
                return False
            message = self.outgoing
            data = _wire_bytes(message.data)
            try:
                smtp, code, reply = self._mail_from(message.sender)
                if code != 250:
                    smtp.rset()
                    return self._refused("MAIL FROM", code, reply)
                code, reply = smtp.rcpt(message.recipient)
                if code not in (250, 251):
                    smtp.rset()
                    return self._refused("RCPT TO", code, reply)
                code, reply = smtp.docmd("DATA")
                if code != 354:
                    return self._refused("DATA", code, reply)
                smtp.send(data)
                smtp.send(b".\r\n")
                self.in_doubt = True  # from here a broken connection leaves it unknown
                if smtp.sock is not None:
                    smtp.sock.settimeout(self.dot_timeout)
                code, reply = smtp.getreply()
                if smtp.sock is not None:
                    smtp.sock.settimeout(self.socket_connect_timeout)
                self.in_doubt = False
                if code != 250:
                    return self._refused("end of data", code, reply)
                return True
            except Exception as exc:  # Apprise would swallow it: keep the reason
                self.error = f"{type(exc).__name__}: {exc}".strip()
                if self.in_doubt:
                    self.error = f"no answer to the final dot ({self.error})"
                self.drop()
                return False

        def _refused(self, stage: str, code: int, reply: bytes) -> bool:
            if code == -1:  # a reply smtplib could not read: nothing to go by
                self.error = f"{stage}: the connection closed before the server answered"
                self.in_doubt = stage == "end of data"
                self.drop()
                return False
            self.error = f"{stage} refused: {code} {reply.decode('utf-8', 'replace')}"
            # 5xx is the server's final word (RFC 5321 4.2.1); 4xx asks to try again later
            self.permanent = 500 <= code < 600
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
        entries = [u.strip() for u in urls.split(",") if u.strip()]
        for number, raw in enumerate(entries, start=1):
            which = f"UNTOC_NOTIFY_URL, URL {number} of {len(entries)}"
            scheme = raw.split("://", 1)[0].lower() if "://" in raw else ""
            if scheme not in MAIL_SCHEMES:
                problems.append(
                    Problem(
                        f"{which} is not an email URL (it is not shown: it may hold a password)",
                        hint=f"reminders go to people by email: {_URL_HINT}",
                    )
                )
                continue
            plugin = None
            parsed = NotifyEmail.parse_url(raw)
            if parsed and parsed.get("host"):
                with contextlib.suppress(TypeError):
                    plugin = plugin_class(**parsed)
            if plugin is None or not plugin.smtp_host:
                problems.append(
                    Problem(
                        f"{which}: Apprise cannot read an SMTP host in it (it is not shown: "
                        "it may hold a password)",
                        hint="a '/', '?', '@' or '#' in a user name or password must be "
                        f"written %2F, %3F, %40, %23; {_URL_HINT}",
                    )
                )
                continue
            channel = apprise.Apprise()
            channel.add(plugin)
            self.relays.append((channel, plugin, shown_url(plugin)))
        if problems:
            raise InputError(problems)
        if not self.relays:
            raise InputError("UNTOC_NOTIFY_URL is set but names no URL")
        self.description = ", ".join(shown for _, _, shown in self.relays)

    def send(self, message: Outgoing, name: str) -> None:
        errors: list[str] = []
        permanent = True
        for number, (channel, plugin, _) in enumerate(self.relays, start=1):
            plugin.outgoing = message
            try:
                accepted = channel.notify(body=message.subject or "-", title=message.subject)
            finally:
                plugin.outgoing = None
            if accepted is True:
                return
            error = _scrub(plugin.error or "not accepted", plugin)
            relay = _relay_name(number, plugin)
            if plugin.in_doubt:
                # the message may be with this relay: trying the next one would duplicate it
                raise DeliveryInDoubt(f"{relay}: {error}")
            permanent = permanent and plugin.permanent
            errors.append(f"{relay}: {error}")
        raise DeliveryFailed("; ".join(errors), permanent=permanent)

    def close(self) -> None:
        for _, plugin, _ in self.relays:
            plugin.close()


def shown_url(plugin: Any) -> str:
    """The relay's URL as Apprise prints it in privacy mode (password as ****), without
    Apprise's own tuning parameters."""
    return str(plugin.url(privacy=True)).split("/?", 1)[0]


def _relay_name(number: int, plugin: Any) -> str:
    # no URL here: this text is stored (outbox.last_error) and printed
    return f"relay {number} ({plugin.smtp_host}:{plugin.port})"


def _scrub(text: str, plugin: Any) -> str:
    """Never let a password through in an error, whatever a server or library echoes."""
    from urllib.parse import unquote

    password = str(plugin.password or "")
    for secret in {password, unquote(password)}:
        if secret:
            text = text.replace(secret, "****")
    return text


def _wire_bytes(data: bytes) -> bytes:
    """The message as SMTP carries it: CRLF line ends, leading dots doubled."""
    data = re.sub(rb"(?:\r\n|\n|\r(?!\n))", b"\r\n", data)
    data = re.sub(rb"(?m)^\.", b"..", data)
    return data if data.endswith(b"\r\n") else data + b"\r\n"


def describe_notify_url(notify_url: str) -> str:
    """The relays of a notify URL as they may be shown (Apprise's privacy form); a URL that
    cannot be read is never shown."""
    try:
        return AppriseMail(notify_url).description
    except InputError:
        return "UNTOC_NOTIFY_URL (not shown: it cannot be read)"


def transport_for(settings: Any) -> EmlFolder | AppriseMail:
    """The transport the settings ask for: Apprise URLs, else the local outbox folder."""
    if settings.notify_url:
        return AppriseMail(settings.notify_url)
    return EmlFolder(settings.outbox_dir)
