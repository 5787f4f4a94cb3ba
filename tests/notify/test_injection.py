"""Names and notes written by people may hold newlines, markup or header injection; the
emails that reach a real SMTP server stay safe."""

from __future__ import annotations

from datetime import date

from untoc_workflow.definitions import load_process
from untoc_workflow.notify import Notifier, sweep
from untoc_workflow.outbox import SmtpMail

from .conftest import NOW, load_mechanism, make_settings, nominate, party, review, went_live

EVIL_NAME = "Evil Person\r\nBcc: attacker@evil.example\r\nX-Injected: yes"
SCRIPT_NAME = "<script>alert('x')</script> Ruritania"
EVIL_BASIS = "agreed\r\nBcc: attacker@evil.example\r\n\r\n<script>alert(1)</script>"


def test_header_injection_and_markup_in_names_and_notes_produce_a_safe_email(store, tmp_path, smtp):
    parties = [
        party("NGA", "Nigeria <script>alert(2)</script>\r\nBcc: attacker@evil.example"),
        party("RUR", SCRIPT_NAME),
        party("DEU", "Germany\nBcc: attacker@evil.example"),
    ]
    events = [
        nominate("2023-01-05", "NGA", EVIL_NAME, "a.bello@example.org"),
        nominate("2023-01-05", "RUR", "R. Person", "r.person@example.org"),
        nominate("2023-01-05", "DEU", "J. Weber", "j.weber@example.org"),
        {"on": "2023-01-10", "type": "experts_nominated", "party": "NGA", "count": 1},
        {
            "on": "2023-01-20",
            "type": "preliminary_consultation_held",
            "review": "C1-G1-NGA",
            "languages": ["en"],
            "agreed": {"saq": "2023-05-31"},
        },
        {
            "on": "2023-05-01",
            "type": "deadline_extended",
            "review": "C1-G1-NGA",
            "step": "saq",
            "due": "2023-06-30",
            "basis": EVIL_BASIS,
            "note": "note\r\nBcc: attacker@evil.example",
        },
    ]
    load_mechanism(store, tmp_path, parties, [review("C1-G1-NGA", "NGA", ["RUR", "DEU"])], events)
    went_live(store, tmp_path, before="2023-06-30")
    transport = SmtpMail(smtp.url)
    report = sweep(
        store,
        Notifier(load_process(), make_settings(tmp_path, smtp.url)),
        transport,
        date(2023, 6, 30),
        NOW,
    )
    transport.close()
    assert report.sent == 2  # the focal point's message and the secretariat's summary
    [got] = [m for m in smtp.wait_for(2) if m.rcpt_tos != ["secretariat.review@example.org"]]
    # the envelope has the focal point only; the injected Bcc reached nobody
    assert got.rcpt_tos == ["a.bello@example.org"]
    raw = got.data.decode("ascii")  # 7-bit clean: every header and part is encoded
    headers = raw.split("\r\n\r\n", 1)[0]
    assert "\nBcc:" not in headers and "\nX-Injected" not in headers
    msg = got.message
    assert msg["Bcc"] is None and msg["X-Injected"] is None
    to = msg["To"]
    assert to.addresses[0].addr_spec == "a.bello@example.org"
    assert to.addresses[0].display_name == "Evil Person Bcc: attacker@evil.example X-Injected: yes"
    assert "\n" not in str(msg["Subject"])
    html = msg.get_body(("html",)).get_content()
    text = msg.get_body(("plain",)).get_content()
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # a Party known to wording.py is named from the maintained list, never from the store:
    # the name injected into the store reaches neither part
    assert "alert(2)" not in html and "alert(2)" not in text and "Nigeria" in text
    assert str(msg["Subject"]) == (
        "[UNTOC] Country reviews of the Review Mechanism: notices of 30 June 2023"
    )
    # the basis keeps its words (it is the body, not a header), escaped in HTML
    assert "alert(1)" in text and "Bcc: attacker@evil.example" in text
