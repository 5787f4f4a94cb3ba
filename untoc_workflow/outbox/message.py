"""An outbox row as a real RFC 5322 email: multipart/alternative (text, HTML), a stable
Message-ID derived from the row's key, and headers that cannot be injected into.

Built with the email package's compat32 classes (seven times faster than EmailMessage's
header registry); safety comes from `one_line` (no CR, LF or control character reaches a
header), `formataddr` (quotes and RFC 2047-encodes display names) and addresses checked
before a row is written (recipients.valid_address).
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.generator import BytesGenerator
from email.header import Header
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr
from typing import Any

from .headers import one_line, valid_address

# CRLF line ends; bodies are base64 (utf-8), so the message is 7-bit clean for any relay.
# No From-mangling: compat32 would write a text line starting "From " as ">From ", which
# the recipient then reads (an opening letter's "From 16 April 2024 ...").
_WIRE = policy.compat32.clone(linesep="\r\n", mangle_from_=False)


@dataclass(frozen=True)
class Outgoing:
    """One email ready for the wire: envelope sender and recipient, and its bytes."""

    sender: str
    recipient: str
    data: bytes
    subject: str


def message_id(key: str, sender: str) -> str:
    """The same outbox key always gives the same Message-ID, so a duplicate shows."""
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]
    domain = sender.rsplit("@", 1)[-1] if "@" in sender else "untoc.invalid"
    return f"<untoc.{digest}@{domain}>"


def thread_id(recipient: str, sender: str) -> str:
    """The thread of one recipient's correspondence: every message to an address answers
    the same root, so a mail client shows one conversation per recipient."""
    digest = hashlib.sha256(recipient.lower().encode("utf-8")).hexdigest()[:32]
    domain = sender.rsplit("@", 1)[-1] if "@" in sender else "untoc.invalid"
    return f"<untoc.thread.{digest}@{domain}>"


def list_id(sender: str, name: str | None = None) -> Header | str:
    """RFC 2919: lets recipients file and filter the Mechanism's mail. `name`: the
    secretariat a letter's process declares, so a body other than UNTOC's is not
    described as UNTOC's list (its list-id, between the brackets, stays ASCII)."""
    domain = sender.rsplit("@", 1)[-1] if "@" in sender else "untoc.invalid"
    label = f"<review-mechanism.{domain}>"
    phrase = one_line(name) if name else "UNTOC Review Mechanism"
    if phrase.isascii():
        return f"{phrase} {label}"
    value = Header(phrase, "utf-8")
    value.append(" " + label, "us-ascii")
    return value


def _header(value: str) -> Header | str:
    value = one_line(value)
    return value if value.isascii() else Header(value, "utf-8")


def _sender_title(name: str, language: str | None) -> str:
    # A French or Arabic letter is not sent by an English name: the secretariat's title in
    # the letter's language, as the letter is signed (the configured name stays English's)
    if language and language != "en":
        from ..wording.words import WordingError, term

        try:
            return term("mechanism_secretariat", language, cap=True)
        except WordingError:  # a language the glossary lacks: the configured name
            return name
    return name


def _address(name: str, address: str) -> str:
    return formataddr((one_line(name), address), charset="utf-8")


def build_message(
    row: Any, *, sender: str, sender_name: str, reply_to: str | None, now: datetime
) -> Outgoing:
    """The email for one outbox row (`row` has the OutboxRow fields)."""
    # a boundary from the key, so writing the same row twice gives the same bytes
    boundary = "=_untoc_" + row.message_id.strip("<>").split("@", 1)[0]
    body = MIMEMultipart("alternative", boundary=boundary)
    body.attach(MIMEText(row.body_text, "plain", "utf-8"))
    body.attach(MIMEText(row.body_html, "html", "utf-8"))
    msg: MIMEMultipart = body
    if getattr(row, "role", None) == "mission":
        # a note verbale travels with its PDF, the form in which missions file it
        from .note_pdf import file_name, note_pdf

        msg = MIMEMultipart("mixed", boundary=boundary + "_note")
        msg.attach(body)
        pdf = MIMEApplication(note_pdf(row.body_html), "pdf")
        pdf.add_header(
            "Content-Disposition", "attachment", filename=file_name(_note_reference(row), row.key)
        )
        msg.attach(pdf)
    own = getattr(row, "sender_name", None)  # the secretariat the letter's process declares
    msg["From"] = _address(
        own or _sender_title(sender_name, getattr(row, "language", None)), sender
    )
    msg["To"] = _address(row.recipient_name, row.recipient)
    cc = [a.strip() for a in (getattr(row, "cc", None) or "").split(",") if a.strip()]
    cc = [a for a in cc if valid_address(a) and a.lower() != row.recipient.lower()]
    if cc:
        # Those informed; each receives the notice in its own message of the day.
        msg["Cc"] = ", ".join(cc)
    if reply_to and reply_to != sender:
        msg["Reply-To"] = reply_to
    # A non-ASCII value goes in as an email.header.Header, which the message's compat32
    # policy encodes; the stubs type a MIME message's header values as str only.
    msg["Subject"] = _header(row.subject)  # type: ignore[assignment]
    msg["Date"] = format_datetime(now.replace(tzinfo=UTC) if now.tzinfo is None else now)
    msg["Message-ID"] = row.message_id
    thread = thread_id(row.recipient, sender)
    msg["In-Reply-To"] = thread
    msg["References"] = thread
    msg["List-Id"] = list_id(sender, own)  # type: ignore[assignment]
    msg["Content-Language"] = row.language
    # RFC 3834: automatic mail; asks auto-responders (out of office) not to answer.
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Auto-Response-Suppress"] = "All"
    msg["X-UNTOC-Notice"] = _header(row.notice)  # type: ignore[assignment]
    # the outbox's own reference: in the headers, never in the text a Party reads
    msg["X-UNTOC-Reference"] = _header(row.key)  # type: ignore[assignment]
    if row.review_id:
        msg["X-UNTOC-Review"] = _header(row.review_id)  # type: ignore[assignment]
    buffer = io.BytesIO()
    BytesGenerator(buffer, mangle_from_=False, policy=_WIRE).flatten(msg)
    return Outgoing(
        sender=sender,
        recipient=row.recipient,
        data=buffer.getvalue(),
        subject=one_line(row.subject),
    )


def _note_reference(row: Any) -> str | None:
    """A note's number: the first line of its text (letters/_letter.j2 puts it there)."""
    first = (row.body_text or "").split("\n", 1)[0].strip()
    return first if first and "/" in first and " " not in first else None
