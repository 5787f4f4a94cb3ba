"""Rendered when sent: a letter states the day it leaves and that day's figures.

A message written on one day and still in the outbox on a later working day (held for
approval and released since, or not delivered yet) is written again by that day's sweep,
with that day's date and figures, and the earlier text is cancelled with the reason. A
message still held is left as it is, so the keys the secretariat approves stay the same; it
is written again on the day after its release, before it leaves. An approval carries over
to the text written again: the secretariat is not asked twice for the same notice.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ..outbox.tables import FAILED, PENDING

# Released and not yet handed to a server: may be written again before it leaves.
RELEASED = (PENDING, FAILED)


def written_earlier(message: Any, as_of: date) -> bool:
    """A released message (pending, or failed and retried) written before `as_of`."""
    found_on = getattr(message, "found_on", None)
    return message.status in RELEASED and found_on is not None and found_on < as_of


def rewritten_reason(message: Any) -> str:
    return f"written on {message.found_on.isoformat()}; written again on the day it leaves"


def rewritten_key(key: str, as_of: date) -> str:
    """The key of a monthly letter written again on `as_of` (the month's key stays its
    prefix, so the month is still known to have its letter)."""
    return f"{key.split('@', 1)[0]}@{as_of.isoformat()}"
