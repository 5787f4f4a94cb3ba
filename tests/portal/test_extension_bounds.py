"""More time only lengthens a deadline, within the Mechanism's bounds, checked when asked
and again when approved (in the portal and with `untoc portal extensions approve`); one open
request per step; only a Party the step waits for may ask; an approval names the person.
On SQLite and PostgreSQL."""

from __future__ import annotations

import getpass
from datetime import date

from sqlalchemy import select
from typer.testing import CliRunner

from untoc_workflow.cli import app as cli
from untoc_workflow.portal.tables import PortalExtensionRow
from untoc_workflow.yamlsource import Located

from .conftest import PEOPLE, SECRETARIAT, csrf_of, make_rig

REQUESTS = PortalExtensionRow.__table__


def _ask(browser, due, review="C1-G1-NGA", step="saq", reason="Ministries consulted"):
    token = csrf_of(browser.get(f"/reviews/{review}").text)
    return browser.post(
        f"/reviews/{review}/extensions",
        data={"step": step, "due": due, "reason": reason, "csrf": token},
    )


def _rows(rig):
    with rig.store.engine.connect() as conn:
        return list(conn.execute(select(REQUESTS).order_by(REQUESTS.c.id)))


def _extended(rig):
    return [e for e in rig.store.snapshot().events if e.type == "deadline_extended"]


def _cli(rig, monkeypatch, tmp_path, *args):
    monkeypatch.setenv("UNTOC_DATABASE_URL", rig.store.engine.url.render_as_string(False))
    monkeypatch.setenv("UNTOC_NOTIFY_URL", rig.mailbox.url)
    monkeypatch.setenv("UNTOC_SENDER", "untoc.review@example.org")
    monkeypatch.setenv("UNTOC_SETTINGS", str(tmp_path / "none.toml"))
    return CliRunner().invoke(cli, ["portal", "extensions", *args])


def test_dates_that_do_not_lengthen_or_leave_the_bounds_are_refused(any_rig):
    rig = any_rig
    nga = rig.sign_in(PEOPLE["fp_nga"])
    for due, says in (
        ("2023-06-30", "must be after 2023-06-30"),  # the deadline itself
        ("2199-12-31", "no later than 2033-01-02"),  # ten years after the review started
        ("9999-12-31", "no later than 2033-01-02"),
    ):
        answer = _ask(nga, due)
        assert answer.status_code == 400 and says in answer.text, due
    assert _rows(rig) == []
    assert _ask(nga, "2023-09-29").status_code == 303
    # one open request per step
    again = _ask(nga, "2023-10-31")
    assert again.status_code == 400 and "awaits the secretariat" in again.text
    assert [r.requested_due for r in _rows(rig)] == [date(2023, 9, 29)]


def test_a_past_date_is_refused_when_the_step_is_already_late(tmp_path, mailbox, store_url):
    rig = make_rig(tmp_path, mailbox, url=store_url, as_of=date(2023, 9, 1))
    try:
        nga = rig.sign_in(PEOPLE["fp_nga"])
        answer = _ask(nga, "2023-08-01")  # after the deadline of 30 June, before today
        assert answer.status_code == 400 and "must be after 2023-09-01" in answer.text
        assert _rows(rig) == []
    finally:
        for c in rig.clients:
            c.close()
        rig.store.close()


def test_only_the_party_the_step_waits_for_may_ask(any_rig):
    rig = any_rig
    reviewer = rig.sign_in(PEOPLE["fp_gha"])  # reviews Nigeria; the SAQ is Nigeria's
    assert 'id="extension"' not in reviewer.get("/reviews/C1-G1-NGA").text
    assert _ask(reviewer, "2023-09-29").status_code == 403
    assert _rows(rig) == []


def test_an_approval_is_checked_again_and_names_the_person(any_rig, monkeypatch, tmp_path):
    rig = any_rig
    assert _ask(rig.sign_in(PEOPLE["fp_nga"]), "2023-09-29").status_code == 303
    for due in ("2023-06-01", "2020-06-01", "2150-01-01"):
        refused = _cli(
            rig, monkeypatch, tmp_path, "approve", "1", "--due", due, "--on", "2023-03-02"
        )
        assert refused.exit_code == 1, refused.output
        assert "cannot be approved" in refused.output and "Traceback" not in refused.output
    assert _extended(rig) == [] and _rows(rig)[0].status == "requested"
    approved = _cli(rig, monkeypatch, tmp_path, "approve", "1", "--on", "2023-03-02")
    assert approved.exit_code == 0, approved.output
    basis = _extended(rig)[0].data["basis"]
    assert basis.startswith(f"agreed by {getpass.getuser()} for the secretariat on 2023-03-02")
    assert _rows(rig)[0].decided_by == getpass.getuser()


def test_a_request_on_a_step_done_meanwhile_is_not_approved(any_rig, monkeypatch, tmp_path):
    rig = any_rig
    assert _ask(rig.sign_in(PEOPLE["fp_nga"]), "2023-09-29").status_code == 303
    saq = {"on": "2023-03-01", "type": "saq_submitted", "review": "C1-G1-NGA"}
    rig.store.import_document(Located({"format": "untoc-mechanism/1", "events": [saq]}, "t", {}))
    refused = _cli(
        rig, monkeypatch, tmp_path, "approve", "1", "--by", "M. Rossi", "--on", "2023-03-02"
    )
    assert refused.exit_code == 1 and "is not open for more time" in refused.output
    assert _extended(rig) == [] and _rows(rig)[0].status == "requested"
    # in the portal too: 4xx, nothing changed
    secretariat = rig.sign_in(SECRETARIAT)
    listing = secretariat.get("/extensions").text
    answer = secretariat.post(
        "/extensions/1", data={"decision": "approve", "due": "", "csrf": csrf_of(listing)}
    )
    assert answer.status_code == 400 and "is not open for more time" in answer.text
    assert _extended(rig) == [] and _rows(rig)[0].status == "requested"


def test_the_portal_approval_names_the_person_who_approved(any_rig):
    rig = any_rig
    assert _ask(rig.sign_in(PEOPLE["fp_nga"]), "2023-09-29").status_code == 303
    secretariat = rig.sign_in(SECRETARIAT)
    listing = secretariat.get("/extensions").text
    late = secretariat.post(
        "/extensions/1",
        data={"decision": "approve", "due": "2023-05-01", "csrf": csrf_of(listing)},
    )
    assert late.status_code == 400 and _extended(rig) == []
    done = secretariat.post(
        "/extensions/1", data={"decision": "approve", "due": "", "csrf": csrf_of(listing)}
    )
    assert done.status_code == 303
    assert _rows(rig)[0].decided_by == SECRETARIAT
    assert "the secretariat on" in _extended(rig)[0].data["basis"]
    assert _extended(rig)[0].data["basis"].startswith(f"agreed by {SECRETARIAT} ")


def test_the_person_who_decides_is_the_login_name_unless_named():
    from untoc_workflow.cli.portal_commands import _person

    assert _person(None) == getpass.getuser()
    assert _person("  M.   Rossi ") == "M. Rossi"


def test_the_json_list_has_the_contract_s_keys(any_rig, monkeypatch, tmp_path):
    import json

    rig = any_rig
    assert _ask(rig.sign_in(PEOPLE["fp_nga"]), "2023-09-29").status_code == 303
    listed = _cli(rig, monkeypatch, tmp_path, "list", "--all", "--format", "json")
    assert listed.exit_code == 0, listed.output
    [request] = json.loads(listed.output)
    assert {k: request[k] for k in ("id", "review_id", "step", "due", "state")} == {
        "id": 1,
        "review_id": "C1-G1-NGA",
        "step": "saq",
        "due": "2023-09-29",
        "state": "requested",
    }
