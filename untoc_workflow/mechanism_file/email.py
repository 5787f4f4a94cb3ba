"""Email addresses of focal points and missions, checked with the maintained
`email-validator` package (syntax only: no DNS look-up, which would make an import depend on
the network and on the day it runs).

A refused address never reaches the outbox: an address with a line break in it would
otherwise become a header of its own in every notice sent to it. A local part outside ASCII
is refused too (`allow_smtputf8=False`): mail servers without SMTPUTF8, and the outbox's
own recipient check, cannot carry it, so such a focal point would never be written to.
"""

from __future__ import annotations

from functools import lru_cache


def checked_email(value: str) -> str:
    """`value` unchanged when it is an email address; ValueError saying why when not."""
    why = _why_not(value)
    if why is not None:
        raise ValueError(f"{value!r} is not an email address: {why}")
    return value


# A large mechanism names the same addresses many times over (missions, re-nominations).
@lru_cache(maxsize=65_536)
def _why_not(value: str) -> str | None:
    # imported on first use: it brings DNS machinery every command would otherwise load
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(value, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as exc:
        return str(exc)
    return None
