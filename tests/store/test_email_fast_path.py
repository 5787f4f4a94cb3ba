"""The plain-address fast path of the import accepts only what `email-validator` accepts
(it skips the validator for the hundred thousand ordinary addresses of a large mechanism)."""

from __future__ import annotations

import pytest
from email_validator import SPECIAL_USE_DOMAIN_NAMES, EmailNotValidError, validate_email
from hypothesis import given, settings
from hypothesis import strategies as st

from untoc_workflow.mechanism_file.email import _SPECIAL_USE, checked_email, is_plain


def accepted(value: str) -> bool:
    try:
        validate_email(value, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        return False
    return True


TRICKY = [
    "fp.abc.0@example.org",
    "mission.kaz@un.int",
    "a@b.co",
    "first.last+tag@sub-domain.example.org",
    "x@localhost",
    "x@foo.test",
    "x@foo.local",
    "x@foo.onion",
    "x@in-addr.arpa",
    "x@foo.invalid",
    "x@-foo.org",
    "x@foo-.org",
    "x@foo..org",
    "x.@foo.org",
    ".x@foo.org",
    "x..y@foo.org",
    "x@foo.o",
    "x@foo.123",
    "x@" + "a" * 64 + ".org",
    "x@" + "a" * 63 + ".org",
    "a" * 65 + "@foo.org",
    "a" * 64 + "@foo.org",
    "x@foo.org\n",
    "x y@foo.org",
    "x@foo.org.",
    "x@xn--bcher-kva.example",
    "0@00--0.XX",  # "--" in a label's third and fourth places: Punycode's alone
    "x@ab--cd.example.org",
    "x@a--b.example.org",
]


def test_the_special_use_domains_are_the_validators() -> None:
    assert set(_SPECIAL_USE) == set(SPECIAL_USE_DOMAIN_NAMES)


@pytest.mark.parametrize("value", TRICKY)
def test_the_fast_path_never_accepts_what_the_validator_refuses(value: str) -> None:
    assert not is_plain(value) or accepted(value), value
    if accepted(value):
        assert checked_email(value) == value
    else:
        with pytest.raises(ValueError, match="is not an email address"):
            checked_email(value)


def test_the_fast_path_takes_the_usual_addresses() -> None:
    assert is_plain("fp.abc.0@example.org")
    assert is_plain("mission.kaz@un.int")
    assert not is_plain("x@foo.test")


_label = st.text(alphabet="abcXYZ019-._+", min_size=1, max_size=70)


@settings(max_examples=400, deadline=None)
@given(local=_label, domain=st.lists(_label, min_size=1, max_size=4))
def test_generated_addresses_agree_with_the_validator(local: str, domain: list[str]) -> None:
    value = f"{local}@{'.'.join(domain)}"
    assert not is_plain(value) or accepted(value), value
