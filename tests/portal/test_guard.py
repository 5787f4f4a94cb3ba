"""What an attacker at the portal meets: a forged X-Forwarded-For neither lifts the sign-in
limit nor reaches the log (unless it comes from a listed proxy); a known address and an
unknown one get their answer after the same work; a large anonymous body is refused before
it is read; refusals are kept in the log of actions; 429 says when to try again; a name
that reorders text is refused."""

from __future__ import annotations

import dataclasses
import ipaddress
import time

import httpx
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from untoc_workflow.cli import app as cli
from untoc_workflow.errors import InputError
from untoc_workflow.portal.config import RATE_WINDOW, REQUESTS_PER_CLIENT, load_portal_settings
from untoc_workflow.portal.tables import PortalActionRow

from .conftest import (
    PEOPLE,
    Served,
    csrf_of,
    free_port,
    make_rig,
    portal_env,
    serve_portal,
)

ACTIONS = PortalActionRow.__table__


def _actions(store):
    with store.engine.connect() as conn:
        return list(conn.execute(select(ACTIONS).order_by(ACTIONS.c.id)))


def _ask_for_links(base, count, forged=True):
    browser = httpx.Client(base_url=base, timeout=30)
    token = csrf_of(browser.get("/login").text)
    answers = []
    for i in range(count):
        headers = {"X-Forwarded-For": f"203.0.113.{i + 1}"} if forged else {}
        answers.append(
            browser.post(
                "/login", data={"email": f"x{i}@example.org", "csrf": token}, headers=headers
            )
        )
    return answers


def test_a_forged_forwarded_for_neither_lifts_the_limit_nor_reaches_the_log(
    tmp_path, mailbox, store_url
):
    from untoc_workflow.store import open_store

    env = portal_env(tmp_path, mailbox, store_url)
    port = free_port()
    server = serve_portal(env, port)
    try:
        answers = _ask_for_links(f"http://127.0.0.1:{port}", REQUESTS_PER_CLIENT + 1)
    finally:
        server.terminate()
        server.wait(10)
    assert [a.status_code for a in answers] == [200] * REQUESTS_PER_CLIENT + [429]
    wait = int(answers[-1].headers["Retry-After"])
    assert 0 < wait <= RATE_WINDOW.total_seconds()
    store = open_store(store_url)
    try:
        clients = {a.client for a in _actions(store) if a.action.startswith("sign_in")}
    finally:
        store.close()
    assert clients == {"127.0.0.1"}


def test_a_listed_proxy_names_the_client(rig):
    portal = rig.app.state.portal
    portal.settings = dataclasses.replace(
        portal.settings, trusted_proxies=(ipaddress.ip_network("10.0.0.0/24"),)
    )
    assert portal.settings.trusted_proxies
    from fastapi.testclient import TestClient

    for peer, forwarded, expected in (
        ("10.0.0.5", "198.51.100.7", "198.51.100.7"),  # through the proxy: the client it names
        ("10.0.0.5", "198.51.100.7, 10.0.0.9", "198.51.100.7"),  # two proxies of ours
        ("192.0.2.1", "198.51.100.7", "192.0.2.1"),  # not a listed proxy: its own address
        ("10.0.0.5", "not an address", "10.0.0.5"),
    ):
        with TestClient(rig.app, base_url="http://127.0.0.1", client=(peer, 5000)) as c:
            token = csrf_of(c.get("/login").text)
            c.post(
                "/login",
                data={"email": "x@example.org", "csrf": token},
                headers={"X-Forwarded-For": forwarded},
            )
        assert _actions(rig.store)[-1].client == expected, (peer, forwarded)


def test_trusted_proxies_are_read_from_the_environment():
    settings = load_portal_settings({"UNTOC_PORTAL_TRUSTED_PROXIES": "10.0.0.5, 10.1.0.0/16"})
    assert settings.trusted_proxies == (
        ipaddress.ip_network("10.0.0.5/32"),
        ipaddress.ip_network("10.1.0.0/16"),
    )
    assert load_portal_settings({}).trusted_proxies == ()
    with pytest.raises(InputError, match="UNTOC_PORTAL_TRUSTED_PROXIES"):
        load_portal_settings({"UNTOC_PORTAL_TRUSTED_PROXIES": "proxy.example.org"})


def test_a_known_address_is_answered_before_any_work_on_its_link(tmp_path, mailbox, monkeypatch):
    """The link is looked up, made and stored after the answer: slowed down to two
    seconds, that work shows in no answer's time, known address or not."""
    from untoc_workflow.portal import pages_auth

    made = pages_auth.issue_link

    def slow(*args, **kwargs):
        time.sleep(2)
        return made(*args, **kwargs)

    monkeypatch.setattr(pages_auth, "issue_link", slow)
    port = free_port()
    rig = make_rig(tmp_path, mailbox, base_url=f"http://127.0.0.1:{port}")
    try:
        with Served(rig.app, port):
            browser = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30)
            token = csrf_of(browser.get("/login").text)
            timings = {}
            for address in (PEOPLE["fp_nga"], "nobody@example.org"):
                start = time.perf_counter()
                answer = browser.post("/login", data={"email": address, "csrf": token})
                timings[address] = time.perf_counter() - start
                assert answer.status_code == 200
            assert mailbox.wait_for(PEOPLE["fp_nga"])  # the link did go out, afterwards
    finally:
        rig.store.close()
    assert timings[PEOPLE["fp_nga"]] < 1.5, timings


def test_a_large_anonymous_body_is_refused_before_it_is_read(rig):
    anonymous = rig.client()
    body = b"x" * (100 * 1024)  # under the upload limit, far over a sign-in form
    answer = anonymous.post(
        "/reviews/C1-G1-NGA/documents",
        content=body,
        headers={"Content-Type": "application/octet-stream"},
    )
    assert answer.status_code == 413
    # a signed-in person's upload of the same size is read
    browser = rig.sign_in(PEOPLE["fp_nga"])
    token = csrf_of(browser.get("/reviews/C1-G1-NGA").text)
    from .conftest import pdf_bytes

    uploaded = browser.post(
        "/reviews/C1-G1-NGA/documents",
        data={"kind": "saq", "csrf": token},
        files={"file": ("saq.pdf", pdf_bytes() + b" " * len(body), "application/pdf")},
    )
    assert uploaded.status_code == 303


def test_refused_requests_are_kept_in_the_log_of_actions(rig):
    observer = rig.sign_in(PEOPLE["observer_nga"])
    token = csrf_of(observer.get("/reviews").text)
    from .conftest import pdf_bytes

    assert (
        observer.post(
            "/reviews/C1-G1-NGA/documents",
            data={"kind": "saq", "csrf": token},
            files={"file": ("saq.pdf", pdf_bytes(), "application/pdf")},
        ).status_code
        == 403
    )
    assert observer.get("/reviews/C1-G1-GHA").status_code == 404
    assert rig.client().post("/login", data={"email": "x"}).status_code == 403  # no token
    denied = [a for a in _actions(rig.store) if a.action == "request_denied"]
    assert [(a.who, a.detail) for a in denied] == [
        (PEOPLE["observer_nga"], "POST /reviews/C1-G1-NGA/documents: 403"),
        (PEOPLE["observer_nga"], "GET /reviews/C1-G1-GHA: 404"),
        (None, "POST /login: 403"),
    ]


@pytest.mark.parametrize("control", ["\u202e", "\u2066", "\u200f", "\u202a"])
def test_a_name_with_a_bidirectional_control_is_refused(rig, control, monkeypatch, tmp_path):
    browser = rig.sign_in(PEOPLE["fp_nga"])
    page = browser.get("/reviews/C1-G1-NGA").text
    answer = browser.post(
        "/reviews/C1-G1-NGA/observers",
        data={"name": f"O. {control}evil", "email": "new@example.org", "csrf": csrf_of(page)},
    )
    assert answer.status_code == 400 and "direction of the text" in answer.text
    monkeypatch.setenv("UNTOC_DATABASE_URL", str(rig.store.engine.url))
    monkeypatch.setenv("UNTOC_SETTINGS", str(tmp_path / "none.toml"))
    added = CliRunner().invoke(
        cli,
        ["portal", "expert", "add", "e@example.org", "--party", "NGA", "--name", f"E.{control}"],
    )
    assert added.exit_code == 1 and "control character" in added.output
    from untoc_workflow.portal.people import current_people

    assert {p.email for p in current_people(rig.store.engine)} == {
        PEOPLE["expert_nga"],
        PEOPLE["observer_nga"],
        PEOPLE["observer_fra"],
    }


def test_the_help_says_an_observer():
    shown = CliRunner().invoke(cli, ["portal", "observer", "--help"])
    assert "Let an observer sign in" in shown.output and "Let a observer" not in shown.output
