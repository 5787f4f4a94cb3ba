"""Email addresses of focal points and missions, checked with the maintained
`email-validator` package (syntax only: no DNS look-up, which would make an import depend on
the network and on the day it runs).

A refused address never reaches the outbox: an address with a line break in it would
otherwise become a header of its own in every notice sent to it. A local part outside ASCII
is refused too (`allow_smtputf8=False`): mail servers without SMTPUTF8, and the outbox's
own recipient check, cannot carry it, so such a focal point would never be written to.
"""

from __future__ import annotations

import re
from functools import lru_cache

# The plain addresses a mechanism holds by the hundred thousand (letters, digits, one of
# . _ + - between them; a dotted domain of letter-and-digit labels and a letter TLD) are
# valid to `email-validator` too, unless their domain is a special-use one: those skip
# its costly general path. tests/store/test_email_fast_path.py holds the two to agreement.
_PLAIN = re.compile(
    r"(?=.{6,254}\Z)(?=[^@]{1,64}@)"
    r"[A-Za-z0-9]+(?:[._+-][A-Za-z0-9]+)*"
    # no label with "--" in its third and fourth places: IDNA keeps those for Punycode
    # ("xn--"), and the validator refuses any other (0@00--0.org)
    r"@(?:(?![A-Za-z0-9]{2}--)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}\Z"
)
_SPECIAL_USE = ("arpa", "invalid", "local", "localhost", "onion", "test")


def is_plain(value: str) -> bool:
    """`value` is a plain address that `email-validator` accepts without asking it."""
    if _PLAIN.match(value) is None:
        return False
    # a plain domain has a dot: it is special-use when its last label is one of those
    return value.rpartition(".")[2].lower() not in _SPECIAL_USE_LABELS


_SPECIAL_USE_LABELS = frozenset(_SPECIAL_USE)


def checked_email(value: str) -> str:
    """`value` unchanged when it is an email address; ValueError saying why when not."""
    if is_plain(value):
        return value
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
