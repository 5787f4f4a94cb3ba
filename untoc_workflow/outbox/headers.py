"""What may be written into a message header: one line of text, and a plain address.

The outbox checks every header it writes with these, whoever wrote the letter, so a name or
address on record can never start a new header or fake a paragraph.
"""

from __future__ import annotations

import re

# A plain ASCII address: no spaces, controls, quotes, brackets or commas; one @; a dotted
# domain. Anything else cannot be written safely into a header, so it is not used.
_ADDRESS = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)


def valid_address(address: str | None) -> bool:
    return bool(address) and len(address) <= 254 and _ADDRESS.match(address) is not None  # type: ignore[arg-type]


def one_line(text: object) -> str:
    """Names and headers stay on one line: CR, LF and other control characters become
    spaces, so no value can start a new header or fake a paragraph."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in str(text)).split())
