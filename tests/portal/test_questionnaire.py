"""The SAQ answered in the portal (shared/contracts/questionnaire.md): a focal point saves a
section, finds it again, submits; the review moves on; a reviewer reads the answers and
cannot change them; the reviewers' feedback is submitted the same way; consent publishes
the answers and withdrawing it removes them."""

from __future__ import annotations

import re

import pytest

from untoc_workflow.questionnaire import responses
from untoc_workflow.questionnaire.answers import digest

from .conftest import PEOPLE, csrf_of, make_rig

REVIEW = "C1-G1-NGA"
URL = f"/reviews/{REVIEW}/questionnaire"
# Every required answer of the bundled SAQ of cluster 1, as a focal point would give them.
ANSWERS = {
    "law_as_of": "2023-02-15",
    "a5_agreement": "yes",
    "a5_participation": "yes",
    "a5_organizing": "partly",
    "a5_provisions": "Criminal Code, sections 97 and 516",
    "a5_ta": "no",
    "a6_conversion": "yes",
    "a6_predicates": ["all_serious", "foreign"],
    "a6_self_laundering": "yes",
    "a6_prosecutions": "12",
    "a6_ta": "yes",
    "a8_active": "yes",
    "a8_passive": "yes",
    "a8_foreign": "no",
    "a8_ta": "no",
    "a23_witness": "yes",
    "a23_officials": "yes",
    "a23_ta": "no",
    "a15_territory": "yes",
    "a15_nationals": "partly",
    "a15_no_extradition": "no",
    "a15_consulted": "yes",
    "a15_consultations": "3",
    "a15_ta": "no",
    "ta_forms": ["training", "model_legislation"],
}


def _fields(answers, **extra):
    """A posted form: a select_multiple as several values under its question's name."""
    return {**answers, **extra}


def submit_saq(browser, answers=ANSWERS):
    page = browser.get(URL)
    assert page.status_code == 200, page.text
    return browser.post(
        URL, data=_fields(answers, csrf=csrf_of(page.text), action="submit", section="*")
    )


@pytest.fixture
def pg_rig(tmp_path, mailbox, pg_url):
    made = make_rig(tmp_path, mailbox, url=pg_url)
    try:
        yield made
    finally:
        for c in made.clients:
            c.close()
        made.store.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_rig(request):
    return request.getfixturevalue("rig" if request.param == "sqlite" else "pg_rig")


def test_a_focal_point_saves_finds_and_submits_the_saq_and_the_review_moves_on(any_rig):
    rig = any_rig
    fp = rig.sign_in(PEOPLE["fp_nga"])
    page = fp.get(URL + "?section=art5")
    assert page.status_code == 200
    assert 'name="a5_agreement"' in page.text and 'name="a6_conversion"' not in page.text
    saved = fp.post(
        URL,
        data={
            "csrf": csrf_of(page.text),
            "action": "save",
            "section": "art5",
            "a5_agreement": "partly",
            "a5_provisions": "Penal Code, art. 97",
        },
    )
    assert saved.status_code == 303 and "done=saved" in saved.headers["location"]
    again = fp.get(URL + "?section=art5").text
    assert re.search(r'name="a5_agreement" value="partly" checked', again)
    assert "Penal Code, art. 97" in again
    assert rig.app.state.portal.view.state(REVIEW).stage == "questionnaire"

    incomplete = submit_saq(fp, {k: v for k, v in ANSWERS.items() if k != "a8_active"})
    assert incomplete.status_code == 400
    assert re.search(r'id="q-a8_active".*?class="problem"', incomplete.text, re.S)
    assert rig.app.state.portal.view.state(REVIEW).stage == "questionnaire"

    done = submit_saq(fp)
    assert done.status_code == 303, done.text
    state = rig.app.state.portal.view.state(REVIEW)
    assert state.stage == "written_feedback"
    snapshot = rig.store.snapshot(rig.app.state.portal.today())
    facts = [e for e in snapshot.events if e.review == REVIEW and e.type == "saq_submitted"]
    assert len(facts) == 1
    with rig.store.engine.connect() as conn:
        kept = responses.find(conn, REVIEW, "saq", "answers", "NGA")
    assert kept.submitted and kept.answers["a6_predicates"] == ["all_serious", "foreign"]
    assert digest(kept.answers) in facts[0].note
    page = fp.get(URL).text
    assert 'data-status="submitted"' in page and 'name="a5_agreement"' not in page
    again = fp.post(URL, data=_fields(ANSWERS, csrf=csrf_of(page), action="save"))
    assert again.status_code == 409
