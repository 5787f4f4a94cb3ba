"""What the mechanism asks of the notification outbox, as a port.

A Conference decision or a redraw can make notices not yet sent wrong (a deadline moved, a
step waived, a reviewer left). The mechanism plans those cancellations; it does not own the
outbox, so the caller hands it one (the CLI and the sweep pass notify's, which owns the
table). This keeps the layers one-way: notify may call the mechanism, never the reverse.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from .decide import Cancellation, PendingNotice


class NoticeOutbox(Protocol):
    def pending_notices(self, reviews: Iterable[str] | None = None) -> list[PendingNotice]:
        """Notices recorded and not yet sent, for these reviews (None: every review)."""
        ...

    def cancel(self, cancellations: Sequence[Cancellation]) -> int:
        """Cancel these notices with their reasons; return how many were still unsent."""
        ...
