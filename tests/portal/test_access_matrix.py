"""Every role x every review x every action, against a table written out by hand; then the
same people signed in for real: who gets each review's page, its forms and its files."""

from __future__ import annotations

import pytest

from untoc_workflow.portal import access
from untoc_workflow.portal.access import ReviewParties
from untoc_workflow.portal.identity import Identity, Role

from .conftest import PEOPLE, csrf_of, pdf_bytes

REVIEWS = {
    "C1-G1-NGA": ReviewParties("C1-G1-NGA", "NGA", ("GHA", "DEU")),
    "C1-G1-FRA": ReviewParties("C1-G1-FRA", "FRA", ("NGA", "DEU")),
    "C1-G1-GHA": ReviewParties("C1-G1-GHA", "GHA", ("FRA", "NOR")),
}
WHO = {
    "secretariat": Identity(PEOPLE["secretariat"], "Secretariat", (Role("secretariat"),)),
    "fp_nga": Identity(PEOPLE["fp_nga"], "A. Bello", (Role("focal_point", "NGA"),)),
    "fp_gha": Identity(PEOPLE["fp_gha"], "K. Mensah", (Role("focal_point", "GHA"),)),
    "fp_deu": Identity(PEOPLE["fp_deu"], "J. Weber", (Role("focal_point", "DEU"),)),
    "fp_fra": Identity(PEOPLE["fp_fra"], "C. Martin", (Role("focal_point", "FRA"),)),
    "fp_nor": Identity(PEOPLE["fp_nor"], "I. Berg", (Role("focal_point", "NOR"),)),
    "expert_nga": Identity(PEOPLE["expert_nga"], "E. Okafor", (Role("expert", "NGA"),)),
    "observer_nga": Identity(PEOPLE["observer_nga"], "O. Adeyemi", (Role("observer", "NGA"),)),
    "observer_fra": Identity(PEOPLE["observer_fra"], "O. Durand", (Role("observer", "FRA"),)),
}
ALL = set(access.ACTIONS)
SECRETARIAT = ALL - {"give_consent", "request_extension", "name_observers"}
REVIEWED_FOCAL_POINT = {
    "view",
    "download",
    "submit_reviewed",
    "submit_all",
    "request_extension",
    "give_consent",
    "name_observers",
}
# documents are declared per step as given by the reviewed Party, each reviewer, or all
REVIEWER_FOCAL_POINT = {
    "view",
    "download",
    "submit_each_reviewer",
    "submit_all",
    "request_extension",
}
READ_ONLY = {"view", "download"}
NOTHING: set[str] = set()
EXPECTED = {
    # person: (C1-G1-NGA, C1-G1-FRA, C1-G1-GHA)
    "secretariat": (SECRETARIAT, SECRETARIAT, SECRETARIAT),
    "fp_nga": (REVIEWED_FOCAL_POINT, REVIEWER_FOCAL_POINT, NOTHING),
    "fp_gha": (REVIEWER_FOCAL_POINT, NOTHING, REVIEWED_FOCAL_POINT),
    "fp_deu": (REVIEWER_FOCAL_POINT, REVIEWER_FOCAL_POINT, NOTHING),
    "fp_fra": (NOTHING, REVIEWED_FOCAL_POINT, REVIEWER_FOCAL_POINT),
    "fp_nor": (NOTHING, NOTHING, REVIEWER_FOCAL_POINT),
    "expert_nga": (READ_ONLY, READ_ONLY, NOTHING),
    "observer_nga": (READ_ONLY, NOTHING, NOTHING),
    # France reviews Ghana, but an observer sees only its own Party's review
    "observer_fra": (NOTHING, READ_ONLY, NOTHING),
}


def test_the_matrix_names_every_action_and_every_role():
    assert {a for sets in EXPECTED.values() for s in sets for a in s} <= ALL
    assert {r.kind for who in WHO.values() for r in who.roles} == {
        "secretariat",
        "focal_point",
        "expert",
        "observer",
    }
    assert {
        "view",
        "download",
        "submit_reviewed",
        "submit_each_reviewer",
        "submit_all",
        "request_extension",
        "decide_extension",
        "give_consent",
        "name_observers",
    } == ALL


@pytest.mark.parametrize("person", sorted(EXPECTED))
@pytest.mark.parametrize("review_index", range(3))
@pytest.mark.parametrize("action", sorted(ALL))
def test_access_matrix(person, review_index, action):
    review = list(REVIEWS.values())[review_index]
    allowed = action in EXPECTED[person][review_index]
    assert access.ACTIONS[action](WHO[person], review) is allowed, (person, review.review, action)


def test_signed_in_people_get_exactly_the_pages_forms_and_files_the_matrix_gives(rig):
    # SAQ answers in every review (by the secretariat), so downloads and consent can be tried
    uploader = rig.sign_in(PEOPLE["secretariat"])
    doc_ids = {}
    for rid in REVIEWS:
        page = uploader.get(f"/reviews/{rid}")
        answer = uploader.post(
            f"/reviews/{rid}/documents",
            data={"kind": "saq", "csrf": csrf_of(page.text), "on_behalf_of": REVIEWS[rid].reviewed},
            files={"file": ("saq.pdf", pdf_bytes(rid), "application/pdf")},
        )
        assert answer.status_code == 303, answer.text
        listed = uploader.get(f"/reviews/{rid}").text
        doc_ids[rid] = int(listed.split(f"/reviews/{rid}/documents/")[1].split('"')[0])
    assert EXPECTED and REVIEWS
    for person, expected in EXPECTED.items():
        browser = uploader if person == "secretariat" else rig.sign_in(PEOPLE[person])
        listing = browser.get("/reviews").text
        for (rid, _review), allowed in zip(REVIEWS.items(), expected, strict=True):
            page = browser.get(f"/reviews/{rid}")
            sees = "view" in allowed
            assert page.status_code == (200 if sees else 404), (person, rid)
            assert (f'href="/reviews/{rid}"' in listing) is sees, (person, rid)
            download = browser.get(f"/reviews/{rid}/documents/{doc_ids[rid]}")
            assert download.status_code == (200 if "download" in allowed else 404)
            if not sees:
                continue
            main = page.text.split("<main>")[1]
            assert ('id="upload"' in main) is bool({a for a in allowed if a.startswith("submit")})
            # the SAQ is in everywhere: the written feedback, awaited from the reviewers, is
            # the one open step, and only a Party it waits for is offered more time on it
            reviewer = bool(WHO[person].parties("focal_point") & set(REVIEWS[rid].reviewers))
            assert ('id="extension"' in main) is ("request_extension" in allowed and reviewer)
            assert ("/consent" in main) is ("give_consent" in allowed)
            assert ('id="observers"' in main) is ("name_observers" in allowed)
            if allowed == READ_ONLY:
                assert "<form" not in main, (person, rid)


def test_an_observer_cannot_submit_even_by_posting_the_form_itself(rig):
    browser = rig.sign_in(PEOPLE["observer_nga"])
    token = csrf_of(browser.get("/reviews").text)
    answer = browser.post(
        "/reviews/C1-G1-NGA/documents",
        data={"kind": "saq", "csrf": token},
        files={"file": ("saq.pdf", pdf_bytes(), "application/pdf")},
    )
    assert answer.status_code == 403
    assert not rig.documents.exists() or not any(rig.documents.glob("*/*.pdf"))
    snapshot = rig.store.snapshot()
    assert not [e for e in snapshot.events if e.type == "saq_submitted"]
