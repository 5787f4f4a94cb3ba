"""The portal's settings: Secure cookies unless the portal is plain http on this machine,
bad values named with their variable (exit 1, no traceback)."""

from __future__ import annotations

from typer.testing import CliRunner

from untoc_workflow.cli import app as cli
from untoc_workflow.portal.config import load_portal_settings


def test_cookies_are_secure_unless_the_portal_is_plain_http_on_this_machine(tmp_path):
    def secure(**env):
        return load_portal_settings({"UNTOC_SETTINGS": "/none", **env}, tmp_path).secure_cookies

    assert secure() is False  # the default http://127.0.0.1:8400
    assert secure(UNTOC_PORTAL_URL="https://review.example.org") is True
    assert secure(UNTOC_PORTAL_URL="http://review.example.org") is True
    assert secure(UNTOC_PORTAL_SECURE_COOKIES="1") is True


def test_a_secure_portal_sets_secure_cookies(rig):
    from dataclasses import replace

    rig.app.state.portal.settings = replace(rig.settings, secure_cookies=True)
    answer = rig.client().get("/login")
    assert "secure" in answer.headers["set-cookie"].lower()
    assert "httponly" in answer.headers["set-cookie"].lower()


def test_bad_portal_settings_stop_serve_with_the_variable_named(monkeypatch, tmp_path):
    monkeypatch.setenv("UNTOC_SETTINGS", str(tmp_path / "none.toml"))
    monkeypatch.setenv("UNTOC_DATABASE_URL", f"sqlite:///{tmp_path / 'untoc.db'}")
    monkeypatch.setenv("UNTOC_PORTAL_URL", "ftp://review")
    monkeypatch.setenv("UNTOC_PORTAL_SECRET", "short")
    monkeypatch.setenv("UNTOC_PORTAL_MAX_UPLOAD_MB", "lots")
    result = CliRunner().invoke(cli, ["portal", "serve"])
    assert result.exit_code == 1
    assert "UNTOC_PORTAL_URL: 'ftp://review': not an http(s) address" in result.output
    assert "UNTOC_PORTAL_SECRET: too short" in result.output
    assert "UNTOC_PORTAL_MAX_UPLOAD_MB: 'lots'" in result.output
    assert "short" not in result.output.replace("too short", "")  # the secret is not shown
    assert "Traceback" not in result.output
