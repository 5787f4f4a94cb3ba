"""An outbox row as a real RFC 5322 email: multipart/alternative (text, HTML), a stable
Message-ID derived from the row's key, and headers that cannot be injected into."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from typing import Any

from .context import one_line

# 7-bit transfer encodings, so any relay accepts the message (no 8BITMIME needed).
POLICY = SMTP.clone(cte_type="7bit", max_line_length=78)


def message_id(key: str, sender: str) -> str:
    """The same outbox key always gives the same Message-ID, so a duplicate shows."""
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]
    domain = sender.rsplit("@", 1)[-1] if "@" in sender else "untoc.invalid"
    return f"<untoc.{digest}@{domain}>"


def build_message(
    row: Any, *, sender: str, sender_name: str, reply_to: str | None, now: datetime
) -> EmailMessage:
    """The email for one outbox row (`row` has the OutboxRow fields)."""
    msg = EmailMessage(policy=POLICY)
    msg["From"] = Address(display_name=one_line(sender_name), addr_spec=sender)
    msg["To"] = Address(display_name=one_line(row.recipient_name), addr_spec=row.recipient)
    if reply_to and reply_to != sender:
        msg["Reply-To"] = Address(addr_spec=reply_to)
    msg["Subject"] = one_line(row.subject)
    msg["Date"] = format_datetime(_aware(now))
    msg["Message-ID"] = row.message_id
    # RFC 3834: automatic mail; asks auto-responders (out of office) not to answer.
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Auto-Response-Suppress"] = "All"
    msg["X-UNTOC-Notice"] = one_line(row.notice)
    if row.review_id:
        msg["X-UNTOC-Review"] = one_line(row.review_id)
    msg.set_content(row.body_text, subtype="plain", charset="utf-8")
    msg.add_alternative(row.body_html, subtype="html", charset="utf-8")
    # after the parts: set_content clears every Content-* header set before it
    msg["Content-Language"] = row.language
    # a boundary from the key, so writing the same row twice gives the same bytes
    msg.set_boundary("=_untoc_" + row.message_id.strip("<>").split("@", 1)[0])
    return msg


def _aware(now: datetime) -> datetime:
    return now.replace(tzinfo=UTC) if now.tzinfo is None else now
