"""SMTP relays named by `mailto://`/`mailtos://` URLs, spoken to with `smtplib`.

The URL form is Apprise's (`UNTOC_NOTIFY_URL`, the same URL the other Apprise channels
take): host, port, user, password, `mode=ssl|starttls|insecure`, `smtp=` (a relay other
than the host), `verify=no`, `cto` (seconds to connect and for each command) and `rto`
(seconds to await the answer to the final dot). Apprise's public `NotifyEmail.parse_url`
reads it; the defaults are Apprise's: `mailto://` is plain SMTP on port 25, `mailtos://`
is STARTTLS on port 587, `mode=ssl` is SMTP over TLS on port 465. Sending is ours, because
SMTP cannot promise exactly-once and three outcomes must be told apart:

    accepted      the server answered 250 to the final dot
    failed        nothing complete reached the server (refused, unreachable, broken
                  before the dot): sending again cannot make a duplicate
    in doubt      the dot was written but no answer came (connection dropped, timeout):
                  the server may hold the message, so it is sent again later under the
                  same Message-ID (the outbox row keeps it), and a duplicate is recognisable

The answer to the dot is awaited for DOT_REPLY_TIMEOUT (RFC 5321 gives the server up to ten
minutes to queue a message; a busy relay often takes more than the 15 s of the other
commands), or the URL's own `rto` when it names one.

A password never leaves this module: relays are shown in Apprise's privacy form of their
URL (`url(privacy=True)`), errors name a relay by number and host only, and a URL that
cannot be read is never shown at all.

Several URLs are tried in order until one accepts (a fallback relay), never all at once:
sending through every relay would deliver every message several times.
"""

from __future__ import annotations

import contextlib
import re
import smtplib
import socket
import ssl
from dataclasses import dataclass, field
from urllib.parse import quote, unquote

from ..errors import InputError, Problem
from .delivery import DeliveryFailed, DeliveryInDoubt
from .message import Outgoing

MAIL_SCHEMES = ("mailto", "mailtos")
SSL, STARTTLS, INSECURE = "ssl", "starttls", "insecure"
DEFAULT_PORTS = {SSL: 465, STARTTLS: 587, INSECURE: 25}
CONNECT_TIMEOUT = 15.0
DOT_REPLY_TIMEOUT = 120.0
_URL_HINT = "use mailto://host:port?from=... or mailtos://user:pass@host?from=..."


@dataclass
class Relay:
    """One SMTP relay and its open session (reused from one message to the next)."""

    host: str
    port: int
    mode: str  # SSL | STARTTLS | INSECURE
    user: str | None
    password: str | None = field(repr=False)
    verify: bool
    shown: str  # the URL as it may be printed: no password
    connect_timeout: float = CONNECT_TIMEOUT
    dot_timeout: float = DOT_REPLY_TIMEOUT
    smtp: smtplib.SMTP | None = field(default=None, repr=False)

    def _connection(self) -> tuple[smtplib.SMTP, bool]:
        """The open session (reused: True), or a new one."""
        if self.smtp is not None:
            return self.smtp, True
        context = ssl.create_default_context()
        if not self.verify:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        if self.mode == SSL:
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.connect_timeout, context=context
            )
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.connect_timeout)
        # The body and the final dot go out in two writes (see send); without NODELAY,
        # Nagle's algorithm holds the dot until the server's delayed ACK (40 ms a mail).
        with contextlib.suppress(OSError, AttributeError):
            if smtp.sock is not None:
                smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self.mode == STARTTLS:
            smtp.starttls(context=context)
        smtp.ehlo_or_helo_if_needed()
        if self.user and self.password:
            smtp.login(self.user, self.password)
        self.smtp = smtp
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
        if self.smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self.smtp.close()
        self.smtp = None

    def close(self) -> None:
        if self.smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self.smtp.quit()
        self.smtp = None

    def send(self, message: Outgoing) -> None:
        """Returns when the relay accepted the message; raises DeliveryFailed (permanent
        for a 5xx answer) or DeliveryInDoubt. Errors are not yet scrubbed of the password."""
        data = _wire_bytes(message.data)
        in_doubt = False
        try:
            smtp, code, reply = self._mail_from(message.sender)
            if code != 250:
                smtp.rset()
                self._refused("MAIL FROM", code, reply)
            code, reply = smtp.rcpt(message.recipient)
            if code not in (250, 251):
                smtp.rset()
                self._refused("RCPT TO", code, reply)
            code, reply = smtp.docmd("DATA")
            if code != 354:
                self._refused("DATA", code, reply)
            smtp.send(data)
            smtp.send(b".\r\n")
            in_doubt = True  # from here a broken connection leaves it unknown
            if smtp.sock is not None:
                smtp.sock.settimeout(self.dot_timeout)
            code, reply = smtp.getreply()
            if smtp.sock is not None:
                smtp.sock.settimeout(self.connect_timeout)
            in_doubt = False
            if code != 250:
                self._refused("end of data", code, reply)
        except (DeliveryFailed, DeliveryInDoubt):
            raise
        except Exception as exc:  # any other failure: keep the reason, drop the session
            error = f"{type(exc).__name__}: {exc}".strip()
            self.drop()
            if in_doubt:
                raise DeliveryInDoubt(f"no answer to the final dot ({error})") from exc
            raise DeliveryFailed(error) from exc

    def _refused(self, stage: str, code: int, reply: bytes) -> None:
        if code == -1:  # a reply smtplib could not read: nothing to go by
            self.drop()
            error = f"{stage}: the connection closed before the server answered"
            if stage == "end of data":
                raise DeliveryInDoubt(error)
            raise DeliveryFailed(error)
        # 5xx is the server's final word (RFC 5321 4.2.1); 4xx asks to try again later
        raise DeliveryFailed(
            f"{stage} refused: {code} {reply.decode('utf-8', 'replace')}",
            permanent=500 <= code < 600,
        )


def relay_from_url(raw: str) -> Relay | None:
    """The relay a `mailto(s)://` URL names, read by Apprise's public URL parser; None when
    it names no host."""
    from apprise.plugins.email import NotifyEmail

    # Apprise's email plugin is not annotated (here and below)
    parsed = NotifyEmail.parse_url(raw)  # type: ignore[no-untyped-call]
    if not parsed or not parsed.get("host"):
        return None
    query = parsed.get("qsd") or {}
    mode = str(query.get("mode") or (STARTTLS if parsed.get("secure") else INSECURE)).lower()
    if mode not in DEFAULT_PORTS:
        return None
    try:
        shown = str(NotifyEmail(**parsed).url(privacy=True)).split("/?", 1)[0]  # type: ignore[no-untyped-call]
        return Relay(
            host=str(query.get("smtp") or parsed["host"]),
            port=int(parsed.get("port") or DEFAULT_PORTS[mode]),
            mode=mode,
            user=unquote(parsed["user"]) if parsed.get("user") else None,
            password=unquote(parsed["password"]) if parsed.get("password") else None,
            verify=bool(parsed.get("verify", True)),
            shown=shown,
            connect_timeout=float(query.get("cto") or CONNECT_TIMEOUT),
            dot_timeout=float(query.get("rto") or DOT_REPLY_TIMEOUT),
        )
    except (TypeError, ValueError):
        return None


class SmtpMail:
    """Sends through the SMTP relays of one or more `mailto(s)://` URLs, in order."""

    def __init__(self, urls: str):
        self.relays: list[Relay] = []
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
            relay = relay_from_url(raw)
            if relay is None:
                problems.append(
                    Problem(
                        f"{which}: Apprise cannot read an SMTP host in it (it is not shown: "
                        "it may hold a password)",
                        hint="a '/', '?', '@' or '#' in a user name or password must be "
                        f"written %2F, %3F, %40, %23; {_URL_HINT}",
                    )
                )
                continue
            self.relays.append(relay)
        if problems:
            raise InputError(problems)
        if not self.relays:
            raise InputError("UNTOC_NOTIFY_URL is set but names no URL")
        self.description = ", ".join(relay.shown for relay in self.relays)

    def send(self, message: Outgoing, name: str) -> None:
        errors: list[str] = []
        permanent = True
        for number, relay in enumerate(self.relays, start=1):
            where = _relay_name(number, relay)
            try:
                relay.send(message)
                return
            except DeliveryInDoubt as exc:
                # the message may be with this relay: trying the next one would duplicate it
                raise DeliveryInDoubt(f"{where}: {_scrub(str(exc), relay)}") from None
            except DeliveryFailed as exc:
                permanent = permanent and exc.permanent
                errors.append(f"{where}: {_scrub(str(exc) or 'not accepted', relay)}")
        raise DeliveryFailed("; ".join(errors), permanent=permanent)

    def close(self) -> None:
        for relay in self.relays:
            relay.close()


def _relay_name(number: int, relay: Relay) -> str:
    # no URL here: this text is stored (outbox.last_error) and printed
    return f"relay {number} ({relay.host}:{relay.port})"


def _scrub(text: str, relay: Relay) -> str:
    """Never let a password through in an error, whatever a server or library echoes."""
    password = relay.password or ""
    for secret in sorted({password, quote(password, safe=""), unquote(password)}, key=len)[::-1]:
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
        return SmtpMail(notify_url).description
    except InputError:
        return "UNTOC_NOTIFY_URL (not shown: it cannot be read)"
