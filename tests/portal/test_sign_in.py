"""Signing in: a single-use link by email, for current focal points, experts, observers and
the secretariat only; the same answer for every address; links expire; CSRF on every form."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, text

from untoc_workflow.portal.tables import PortalLinkRow

from .conftest import PEOPLE, csrf_of, link_in


def _ask_link(rig, client, address):
    token = csrf_of(client.get("/login").text)
    return client.post("/login", data={"email": address, "csrf": token})


def test_a_focal_point_signs_in_with_the_link_emailed_and_sees_its_reviews(rig):
    browser = rig.sign_in(PEOPLE["fp_nga"])
    page = browser.get("/reviews")
    assert page.status_code == 200
    # NGA is reviewed in C1-G1-NGA and reviews FRA: both, and not GHA's review
    assert 'href="/reviews/C1-G1-NGA"' in page.text
    assert 'href="/reviews/C1-G1-FRA"' in page.text
    assert "C1-G1-GHA" not in page.text
    cookie = next(c for c in browser.cookies.jar if c.name == "untoc_session")
    assert cookie.has_nonstandard_attr("HttpOnly")


def test_the_link_is_signed_single_use_and_stored_only_hashed(rig):
    c = rig.client()
    _ask_link(rig, c, PEOPLE["fp_gha"])
    link = link_in(rig.mailbox.wait_for(PEOPLE["fp_gha"])[0])
    token = link.rsplit("/", 1)[1]
    with rig.store.engine.connect() as conn:
        stored = [r[0] for r in conn.execute(text("SELECT token_hash FROM portal_link"))]
    assert token not in stored and len(stored) == 1 and len(stored[0]) == 64
    path = link.replace(rig.settings.base_url, "")
    assert c.get(path).status_code == 303
    again = rig.client().get(path)  # reused: signs nothing in
    assert again.status_code == 400 and "untoc_session" not in again.cookies
    forged = rig.client().get(path[:-3] + "abc")
    assert forged.status_code == 400


def test_an_expired_link_signs_nothing_in(rig):
    c = rig.client()
    _ask_link(rig, c, PEOPLE["fp_deu"])
    link = link_in(rig.mailbox.wait_for(PEOPLE["fp_deu"])[0])
    rig.clock.advance(timedelta(minutes=31))
    answer = c.get(link.replace(rig.settings.base_url, ""))
    assert answer.status_code == 400
    assert c.get("/reviews").status_code == 303  # still sent to /login


def test_an_unknown_address_gets_the_same_page_and_no_email(rig):
    known = _ask_link(rig, rig.client(), PEOPLE["fp_nga"])
    unknown = _ask_link(rig, rig.client(), "nobody@example.org")
    assert known.status_code == unknown.status_code == 200
    assert known.text == unknown.text
    rig.mailbox.wait_for(PEOPLE["fp_nga"])
    assert rig.mailbox.to("nobody@example.org") == []
    with rig.store.engine.connect() as conn:
        emails = {r.email for r in conn.execute(select(PortalLinkRow.__table__))}
    assert emails == {PEOPLE["fp_nga"]}


def test_a_replaced_focal_point_loses_access_at_once(rig):
    browser = rig.sign_in(PEOPLE["fp_gha"])
    assert browser.get("/reviews/C1-G1-NGA").status_code == 200
    rig.store.import_document(
        __import__("untoc_workflow.yamlsource", fromlist=["Located"]).Located(
            {
                "format": "untoc-mechanism/1",
                "events": [
                    {
                        "on": "2023-02-20",
                        "type": "focal_point_nominated",
                        "party": "GHA",
                        "person": {"name": "Y. Owusu", "email": "y.owusu@example.org"},
                        "replaces": PEOPLE["fp_gha"],
                    }
                ],
            },
            "test",
            {},
        )
    )
    answer = browser.get("/reviews/C1-G1-NGA")
    assert answer.status_code == 303 and answer.headers["location"] == "/login"
    # and a new link is not sent to the old address
    before = len(rig.mailbox.to(PEOPLE["fp_gha"]))
    _ask_link(rig, rig.client(), PEOPLE["fp_gha"])
    assert len(rig.mailbox.to(PEOPLE["fp_gha"])) == before


def test_a_form_without_its_csrf_token_is_refused(rig):
    c = rig.client()
    c.get("/login")
    assert c.post("/login", data={"email": PEOPLE["fp_nga"]}).status_code == 403
    assert c.post("/login", data={"email": PEOPLE["fp_nga"], "csrf": "x"}).status_code == 403
    browser = rig.sign_in(PEOPLE["fp_nga"])
    assert browser.post("/logout", data={}).status_code == 403
    assert browser.get("/reviews").status_code == 200  # still signed in


def test_sign_out_ends_the_session(rig):
    browser = rig.sign_in(PEOPLE["observer_nga"])
    token = csrf_of(browser.get("/reviews").text)
    cookie = browser.cookies.get("untoc_session")
    assert browser.post("/logout", data={"csrf": token}).status_code == 303
    other = rig.client()
    other.cookies.set("untoc_session", cookie)
    assert other.get("/reviews").status_code == 303


def test_sign_in_requests_are_rate_limited_per_address_and_per_client(rig):
    c = rig.client()
    for _ in range(5):
        _ask_link(rig, c, PEOPLE["fp_nor"])
    assert len(rig.mailbox.wait_for(PEOPLE["fp_nor"], 3)) == 3
    import time

    time.sleep(0.3)
    assert len(rig.mailbox.to(PEOPLE["fp_nor"])) == 3  # three links per quarter hour
    for _ in range(6):
        last = _ask_link(rig, c, "someone@example.org")
    assert last.status_code == 429  # the eleventh request from one client in a quarter hour


def test_the_list_comes_a_page_at_a_time(rig, monkeypatch):
    from untoc_workflow.portal import pages_reviews

    monkeypatch.setattr(pages_reviews, "PAGE_SIZE", 2)
    browser = rig.sign_in(PEOPLE["secretariat"])
    first = browser.get("/reviews").text
    second = browser.get("/reviews?page=2").text
    assert first.count('href="/reviews/C1-G1-') == 2 and "Page 1 of 2" in first
    assert second.count('href="/reviews/C1-G1-') == 1 and 'rel="prev"' in second
    assert browser.get("/reviews?page=99").text == second  # past the end: the last page
