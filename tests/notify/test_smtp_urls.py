"""The URL forms of UNTOC_NOTIFY_URL, read with Apprise's public parser (outbox/smtp.py):
Apprise's defaults of port and security, the relay named by `smtp=`, the timeouts, and a
percent-encoded password sent decoded but never shown."""

from __future__ import annotations

import pytest

from untoc_workflow.errors import InputError
from untoc_workflow.outbox.smtp import SmtpMail, relay_from_url


@pytest.mark.parametrize(
    ("url", "host", "port", "mode"),
    [
        ("mailto://relay.example.org?from=a@example.org", "relay.example.org", 25, "insecure"),
        (
            "mailtos://u:p@relay.example.org?from=a@example.org",
            "relay.example.org",
            587,
            "starttls",
        ),
        ("mailtos://u:p@relay.example.org?mode=ssl", "relay.example.org", 465, "ssl"),
        (
            "mailto://relay.example.org:2525?mode=starttls&from=a@example.org",
            "relay.example.org",
            2525,
            "starttls",
        ),
        ("mailtos://u:p@example.org?smtp=smtp.example.net", "smtp.example.net", 587, "starttls"),
    ],
)
def test_a_url_names_its_relay_with_apprise_defaults(url: str, host: str, port: int, mode: str):
    relay = relay_from_url(url)
    assert relay is not None
    assert (relay.host, relay.port, relay.mode) == (host, port, mode)


def test_timeouts_verification_and_a_percent_encoded_login_are_read():
    relay = relay_from_url(
        "mailto://us%40er:p%2Fa%40ss@relay.example.org:587?cto=5&rto=30&verify=no"
    )
    assert relay is not None
    assert (relay.user, relay.password) == ("us@er", "p/a@ss")
    assert (relay.connect_timeout, relay.dot_timeout, relay.verify) == (5.0, 30.0, False)
    assert relay.smtp is None  # nothing is opened before the first message


def test_the_shown_form_hides_the_password_in_either_spelling():
    transport = SmtpMail("mailtos://user:p%2Fass@relay.example.org?from=a@example.org")
    assert "relay.example.org" in transport.description
    assert "p/ass" not in transport.description and "p%2Fass" not in transport.description
    assert "****" in transport.description


@pytest.mark.parametrize(
    "url", ["mailto://?from=a@example.org", "mailto://relay.example.org?mode=carrier-pigeon"]
)
def test_a_url_without_a_usable_relay_is_refused_unshown(url: str):
    with pytest.raises(InputError) as caught:
        SmtpMail(url)
    assert "cannot read an SMTP host" in str(caught.value)
    assert url not in str(caught.value)
