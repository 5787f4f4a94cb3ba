"""The portal reads the log once per change: a fact about a review refreshes that review's
page without refolding who is who; a Party's fact refolds everything."""

from __future__ import annotations

from untoc_workflow.yamlsource import Located

from .conftest import PEOPLE


def _record(rig, *events):
    rig.store.import_document(
        Located({"format": "untoc-mechanism/1", "events": list(events)}, "t", {})
    )


def test_a_review_fact_shows_at_once_and_keeps_who_is_who(rig):
    view = rig.app.state.portal.view
    browser = rig.sign_in(PEOPLE["fp_nga"])
    assert browser.get("/reviews/C1-G1-NGA").status_code == 200
    before = view.fold()
    _record(rig, {"on": "2023-02-10", "type": "saq_submitted", "review": "C1-G1-NGA"})
    page = browser.get("/reviews/C1-G1-NGA").text
    assert 'data-stage="written_feedback"' in page
    after = view.fold()
    assert after is not before and after.roll is before.roll  # refreshed, not refolded
    _record(
        rig,
        {
            "on": "2023-02-11",
            "type": "focal_point_withdrawn",
            "party": "NGA",
            "email": PEOPLE["fp_nga"],
        },
    )
    assert browser.get("/reviews/C1-G1-NGA").status_code == 303  # signed out at once
    assert view.fold().roll is not after.roll
