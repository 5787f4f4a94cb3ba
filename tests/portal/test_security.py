"""Secure by default: headers on every answer, no stack trace to a browser, 127.0.0.1
unless told, every action logged; experts and observers registered and removed by the
secretariat (a removed observer is signed out at once)."""

from __future__ import annotations

from sqlalchemy import select
from typer.testing import CliRunner

from untoc_workflow.cli import app as cli
from untoc_workflow.portal.tables import PortalActionRow

from .conftest import PEOPLE


def test_every_answer_carries_the_security_headers_and_pages_have_no_script(rig):
    browser = rig.sign_in(PEOPLE["fp_nga"])
    for path in ("/login", "/reviews", "/reviews/C1-G1-NGA", "/reviews/C1-G1-GHA", "/nowhere"):
        answer = browser.get(path)
        csp = answer.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "script-src" not in csp
        assert "default-src 'none'" in csp  # so no script runs, inline or not
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["referrer-policy"] == "no-referrer"
        assert answer.headers["cache-control"] == "no-store"
        assert "<script" not in answer.text
    assert browser.get("/nowhere").status_code == 404
    odd = browser.get("/reviews/C1-G1-NGA/documents/not-a-number")
    assert odd.status_code == 404 and "Page not found" in odd.text  # not FastAPI's JSON


def test_a_failure_shows_a_plain_page_and_no_stack_trace(rig, monkeypatch):
    browser = rig.sign_in(PEOPLE["fp_nga"])
    view = rig.app.state.portal.view

    def broken(who):
        raise RuntimeError("database password is hunter2")

    monkeypatch.setattr(view, "review_ids", broken)
    answer = browser.get("/reviews")
    assert answer.status_code == 500
    assert "Something went wrong" in answer.text
    assert "hunter2" not in answer.text and "Traceback" not in answer.text
    assert answer.headers["x-content-type-options"] == "nosniff"


def test_a_failure_on_a_sign_in_link_leaves_its_token_out_of_the_server_log(
    rig, monkeypatch, caplog
):
    token = "s3cr3t-sign-in-token-of-a-focal-point"

    def broken(*args, **kwargs):
        raise RuntimeError("the store is down")

    # whatever fails while the link is followed, the log says where, not the token
    monkeypatch.setattr(rig.app.state.portal, "now", broken)
    with caplog.at_level("ERROR", logger="untoc.portal"):
        answer = rig.client().get(f"/login/{token}")
    assert answer.status_code == 500
    assert "GET /login/" in caplog.text  # the failure is logged, with where it happened
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert token not in logged and token not in caplog.text


def test_every_action_is_logged_with_who_and_when(rig):
    browser = rig.sign_in(PEOPLE["fp_nga"])
    browser.get("/reviews/C1-G1-NGA")
    with rig.store.engine.connect() as conn:
        rows = list(conn.execute(select(PortalActionRow.__table__)))
    by_action = {r.action: r for r in rows}
    assert by_action["sign_in_requested"].who == PEOPLE["fp_nga"]
    assert by_action["signed_in"].who == PEOPLE["fp_nga"]
    assert by_action["signed_in"].at == rig.clock()
    assert by_action["signed_in"].client  # from where


def test_serve_listens_on_this_machine_unless_told():
    result = CliRunner().invoke(cli, ["portal", "serve", "--help"])
    assert result.exit_code == 0
    assert "127.0.0.1" in result.output and "8400" in result.output


def test_an_observer_removed_by_the_secretariat_is_signed_out_at_once(rig, monkeypatch, tmp_path):
    browser = rig.sign_in(PEOPLE["observer_nga"])
    assert browser.get("/reviews/C1-G1-NGA").status_code == 200
    monkeypatch.setenv("UNTOC_DATABASE_URL", str(rig.store.engine.url))
    monkeypatch.setenv("UNTOC_SETTINGS", str(tmp_path / "none.toml"))
    runner = CliRunner()
    removed = runner.invoke(
        cli, ["portal", "observer", "remove", PEOPLE["observer_nga"], "--party", "NGA"]
    )
    assert removed.exit_code == 0, removed.output
    assert browser.get("/reviews/C1-G1-NGA").status_code == 303
    bad = runner.invoke(
        cli, ["portal", "observer", "add", "x@example.org", "--party", "NGR", "--name", "X"]
    )
    assert bad.exit_code == 1 and "--party: no Party 'NGR' (did you mean" in bad.output
    added = runner.invoke(
        cli, ["portal", "expert", "add", "New.Expert@example.org", "--party", "GHA", "--name", "N"]
    )
    assert added.exit_code == 0, added.output
    listed = runner.invoke(cli, ["portal", "people", "--format", "json"])
    assert '"new.expert@example.org"' in listed.output
    assert PEOPLE["observer_nga"] not in listed.output
    expert = rig.sign_in("new.expert@example.org")
    assert expert.get("/reviews/C1-G1-GHA").status_code == 200
    assert expert.get("/reviews/C1-G1-FRA").status_code == 404


def test_the_reviewed_party_s_focal_point_names_and_removes_its_observers(rig):
    focal_point = rig.sign_in(PEOPLE["fp_nga"])
    page = focal_point.get("/reviews/C1-G1-NGA").text
    assert "O. Adeyemi" in page.split('id="observers"')[1]
    token = page.split('name="csrf" value="')[1].split('"')[0]
    named = focal_point.post(
        "/reviews/C1-G1-NGA/observers",
        data={"csrf": token, "name": "M. Musa", "email": "M.Musa@example.org"},
    )
    assert named.headers["location"].endswith("done=observer_named")
    observer = rig.sign_in("m.musa@example.org")
    assert observer.get("/reviews/C1-G1-NGA").status_code == 200
    assert observer.get("/reviews/C1-G1-FRA").status_code == 404  # NGA reviews FRA: not theirs
    bad = focal_point.post(
        "/reviews/C1-G1-NGA/observers", data={"csrf": token, "name": "X", "email": "not an address"}
    )
    assert bad.status_code == 400
    # a reviewer's focal point may not name observers for Nigeria
    reviewer = rig.sign_in(PEOPLE["fp_gha"])
    reviewer_token = reviewer.get("/reviews/C1-G1-NGA").text.split('name="csrf" value="')[1]
    refused = reviewer.post(
        "/reviews/C1-G1-NGA/observers",
        data={"csrf": reviewer_token.split('"')[0], "name": "Y", "email": "y@example.org"},
    )
    assert refused.status_code == 403
    removed = focal_point.post(
        "/reviews/C1-G1-NGA/observers",
        data={"csrf": token, "email": "m.musa@example.org", "remove": "1"},
    )
    assert removed.headers["location"].endswith("done=observer_removed")
    assert observer.get("/reviews/C1-G1-NGA").status_code == 303  # signed out at once


def test_no_sign_in_link_or_session_is_kept_in_clear_and_the_actions_can_be_read(
    rig, monkeypatch, tmp_path, caplog
):
    import re

    from sqlalchemy import inspect, text

    from .conftest import link_in

    browser = rig.sign_in(PEOPLE["fp_nga"])
    link = link_in(rig.mailbox.to(PEOPLE["fp_nga"])[-1])
    token = link.rsplit("/", 1)[1]
    session = browser.cookies.get("untoc_session")
    browser.get("/reviews/C1-G1-NGA")
    dump = []
    with rig.store.engine.connect() as conn:
        for table in inspect(rig.store.engine).get_table_names():
            dump += [repr(tuple(row)) for row in conn.execute(text(f'SELECT * FROM "{table}"'))]
    everything = "\n".join(dump) + caplog.text
    assert token.split(".")[0] not in everything and session not in everything
    monkeypatch.setenv("UNTOC_DATABASE_URL", str(rig.store.engine.url))
    monkeypatch.setenv("UNTOC_SETTINGS", str(tmp_path / "none.toml"))
    shown = CliRunner().invoke(cli, ["portal", "actions", "--who", PEOPLE["fp_nga"]])
    assert shown.exit_code == 0, shown.output
    assert re.search(r"signed_in", shown.output) and "sign_in_requested" in shown.output
