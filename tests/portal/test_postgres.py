"""The same portal on PostgreSQL: sign in, submit the SAQ answers, a replaced focal point
shut out at once, a request for more time approved."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from untoc_workflow.portal.tables import PortalActionRow

from .conftest import PEOPLE, SECRETARIAT, csrf_of, make_rig, pdf_bytes

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_rig(tmp_path, mailbox, pg_url):
    rig = make_rig(tmp_path, mailbox, url=pg_url)
    try:
        yield rig
    finally:
        for c in rig.clients:
            c.close()
        rig.store.close()


def test_the_portal_works_on_postgresql(pg_rig):
    rig = pg_rig
    browser = rig.sign_in(PEOPLE["fp_nga"])
    page = browser.get("/reviews/C1-G1-NGA").text
    answer = browser.post(
        "/reviews/C1-G1-NGA/documents",
        data={"kind": "saq", "csrf": csrf_of(page)},
        files={"file": ("saq.pdf", pdf_bytes(), "application/pdf")},
    )
    assert answer.headers["location"].endswith("done=recorded")
    assert rig.app.state.portal.view.state("C1-G1-NGA").stage == "written_feedback"
    assert browser.get("/reviews/C1-G1-GHA").status_code == 404
    # the written feedback is the reviewers': a reviewer asks for more time on it
    reviewing = rig.sign_in(PEOPLE["fp_gha"])
    page = reviewing.get("/reviews/C1-G1-NGA").text
    asked = reviewing.post(
        "/reviews/C1-G1-NGA/extensions",
        data={
            "step": "written_feedback",
            "due": "2024-03-29",
            "reason": "r",
            "csrf": csrf_of(page),
        },
    )
    assert asked.status_code == 303
    secretariat = rig.sign_in(SECRETARIAT)
    listing = secretariat.get("/extensions").text
    action = "/extensions/" + listing.split('action="/extensions/')[1].split('"')[0]
    secretariat.post(action, data={"decision": "approve", "csrf": csrf_of(listing)})
    deadline = rig.app.state.portal.view.state("C1-G1-NGA").step("written_feedback").deadline
    assert deadline.source == "extended" and str(deadline.due) == "2024-03-29"
    reviewer = rig.sign_in(PEOPLE["fp_deu"])
    from untoc_workflow.yamlsource import Located

    rig.store.import_document(
        Located(
            {
                "format": "untoc-mechanism/1",
                "events": [
                    {
                        "on": "2023-02-01",
                        "type": "focal_point_withdrawn",
                        "party": "DEU",
                        "email": PEOPLE["fp_deu"],
                    }
                ],
            },
            "test",
            {},
        )
    )
    assert reviewer.get("/reviews/C1-G1-NGA").status_code == 303


def test_an_address_typed_with_a_nul_or_a_line_break_gets_the_same_page_on_postgresql(pg_rig):
    # the typed address is kept in the log of actions; a NUL in it made PostgreSQL refuse
    # the row and the person saw "Something went wrong" instead of the page every address
    # gets; a line break let a line of its own into `untoc portal actions`
    browser = pg_rig.client()
    for typed in ("a\x00b@example.org", "a@example.org\r\nsigned_in a.bello@example.org"):
        form = browser.get("/login").text
        answer = browser.post("/login", data={"email": typed, "csrf": csrf_of(form)})
        assert answer.status_code == 200 and "Check your email" in answer.text
    with pg_rig.store.engine.connect() as conn:
        kept = [
            r.who
            for r in conn.execute(select(PortalActionRow.__table__))
            if r.action == "sign_in_requested"
        ]
    assert kept == ["a\\x00b@example.org", "a@example.org\\r\\nsigned_in a.bello@example.org"]
