"""More time: a focal point asks with a reason, the secretariat approves or refuses (in the
portal or with `untoc portal extensions`), an approval records `deadline_extended` with its
basis, and the requester is told by email."""

from __future__ import annotations

from datetime import date, datetime

from typer.testing import CliRunner

from untoc_workflow.cli import app as cli
from untoc_workflow.portal.extensions import extension_rows

from .conftest import PEOPLE, SECRETARIAT, csrf_of, text_of


def _ask(browser, review="C1-G1-NGA", step="saq", due="2023-09-29", reason="Ministries consulted"):
    token = csrf_of(browser.get(f"/reviews/{review}").text)
    return browser.post(
        f"/reviews/{review}/extensions",
        data={"step": step, "due": due, "reason": reason, "csrf": token},
    )


def _saq_deadline(rig, review="C1-G1-NGA"):
    return rig.app.state.portal.view.state(review).step("saq").deadline


def test_an_approved_request_moves_the_deadline_with_its_basis_and_tells_the_requester(rig):
    focal_point = rig.sign_in(PEOPLE["fp_nga"])
    assert _ask(focal_point).status_code == 303
    assert "awaiting the secretariat" in focal_point.get("/reviews/C1-G1-NGA").text
    secretariat = rig.sign_in(SECRETARIAT)
    listing = secretariat.get("/extensions").text
    assert "Ministries consulted" in listing
    action = "/extensions/" + listing.split('action="/extensions/')[1].split('"')[0]
    answer = secretariat.post(
        action, data={"decision": "approve", "due": "", "answer": "", "csrf": csrf_of(listing)}
    )
    assert answer.status_code == 303
    deadline = _saq_deadline(rig)
    assert (deadline.due, deadline.source) == (date(2023, 9, 29), "extended")
    assert deadline.basis.startswith(f"agreed by {SECRETARIAT} for the secretariat on 2023-03-01")
    extended = [e for e in rig.store.snapshot().events if e.type == "deadline_extended"]
    assert len(extended) == 1 and extended[0].data["step"] == "saq"
    told = rig.mailbox.wait_for(PEOPLE["fp_nga"], 2)[-1]
    assert str(told["Subject"]) == "Your request for more time: C1-G1-NGA"
    assert "The new deadline is 29 September 2023." in " ".join(text_of(told).split())
    page = focal_point.get("/reviews/C1-G1-NGA").text
    assert "approved: new deadline 29 September 2023" in page
    assert "Your request for more time: C1-G1-NGA" in page  # among the notices sent to me
    # a decided request cannot be decided again
    again = secretariat.post(action, data={"decision": "refuse", "csrf": csrf_of(listing)})
    assert "already approved" in again.text


def test_requests_that_cannot_be_granted_are_refused_with_the_reason(rig):
    focal_point = rig.sign_in(PEOPLE["fp_nga"])
    early = _ask(focal_point, due="2023-06-01")
    assert early.status_code == 400 and "the new date must be after 2023-06-30" in early.text
    assert _ask(focal_point, reason="  ").status_code == 400
    assert _ask(focal_point, step="publication").status_code == 400
    assert _ask(focal_point, due="next year").status_code == 400
    # an expert may see the review but not ask for time, nor decide
    expert = rig.sign_in(PEOPLE["expert_nga"])
    assert _ask(expert).status_code == 403
    assert expert.get("/extensions").status_code == 404


def test_the_secretariat_refuses_from_the_command_line_and_the_requester_is_told(
    rig, monkeypatch, tmp_path
):
    assert _ask(rig.sign_in(PEOPLE["fp_gha"]), review="C1-G1-GHA").status_code == 303
    monkeypatch.setenv("UNTOC_DATABASE_URL", str(rig.store.engine.url))
    monkeypatch.setenv("UNTOC_NOTIFY_URL", rig.mailbox.url)
    monkeypatch.setenv("UNTOC_SENDER", "untoc.review@example.org")
    monkeypatch.setenv("UNTOC_SETTINGS", str(tmp_path / "none.toml"))
    runner = CliRunner()
    listed = runner.invoke(cli, ["portal", "extensions", "list", "--format", "json"])
    assert listed.exit_code == 0, listed.output
    assert '"review_id": "C1-G1-GHA"' in listed.output
    missing = runner.invoke(cli, ["portal", "extensions", "refuse", "99", "--why", "x"])
    assert missing.exit_code == 1 and "no request for more time numbered 99" in missing.output
    assert "Traceback" not in missing.output
    refused = runner.invoke(
        cli,
        [
            "portal",
            "extensions",
            "refuse",
            "1",
            "--why",
            "The Conference meets in October.",
            "--on",
            "2023-03-02",
        ],
    )
    assert refused.exit_code == 0, refused.output
    told = rig.mailbox.wait_for(PEOPLE["fp_gha"], 2)[-1]
    body = " ".join(text_of(told).split())
    assert "unable to agree to your request" in body and "The Conference meets in October." in body
    assert _saq_deadline(rig, "C1-G1-GHA").source == "rule"
    assert not [e for e in rig.store.snapshot().events if e.type == "deadline_extended"]


def test_the_answer_is_dated_and_greets_the_focal_point_as_the_record_says(rig):
    from untoc_workflow.yamlsource import Located

    person = {"name": "N. Okoro", "email": "n.okoro@example.org", "gender": "female"}
    nominated = {"on": "2023-02-01", "type": "focal_point_nominated", "party": "NGA"}
    doc = {"format": "untoc-mechanism/1", "events": [{**nominated, "person": person}]}
    rig.store.import_document(Located(doc, "t", {}))
    for who, review in (("n.okoro@example.org", "C1-G1-NGA"), (PEOPLE["fp_fra"], "C1-G1-FRA")):
        assert _ask(rig.sign_in(who), review=review).status_code == 303
    secretariat = rig.sign_in(SECRETARIAT)
    for _ in range(2):
        listing = secretariat.get("/extensions").text
        action = "/extensions/" + listing.split('action="/extensions/')[1].split('"')[0]
        decision = {"decision": "approve", "due": "", "answer": "", "csrf": csrf_of(listing)}
        assert secretariat.post(action, data=decision).status_code == 303
    english = text_of(rig.mailbox.wait_for("n.okoro@example.org", 2)[-1]).splitlines()
    assert [line for line in english if line][:2] == ["Vienna, 1 March 2023", "Dear Ms. N. Okoro,"]
    # C. Martin's gender is not recorded: the French form that names none
    french = text_of(rig.mailbox.wait_for(PEOPLE["fp_fra"], 2)[-1]).splitlines()
    assert [line for line in french if line][:2] == [
        "Vienne, le 1er mars 2023",
        "Madame, Monsieur,",
    ]


def test_a_request_is_dated_by_the_portals_day_not_the_clock(rig):
    # the portal runs --as-of 2023-03-01 while the clock says a later day
    rig.clock.moment = datetime(2026, 12, 7, 15, 30)
    assert _ask(rig.sign_in(PEOPLE["fp_nga"])).status_code == 303
    with rig.store.engine.connect() as conn:
        (row,) = extension_rows(conn)
    assert row.requested_at.date() == date(2023, 3, 1)
    secretariat = rig.sign_in(SECRETARIAT)
    listing = secretariat.get("/extensions").text
    action = "/extensions/" + listing.split('action="/extensions/')[1].split('"')[0]
    decision = {"decision": "approve", "due": "", "answer": "", "csrf": csrf_of(listing)}
    assert secretariat.post(action, data=decision).status_code == 303
    body = " ".join(text_of(rig.mailbox.wait_for(PEOPLE["fp_nga"], 2)[-1]).split())
    assert "your request of 1 March 2023 for more time" in body
    assert "2026" not in body
