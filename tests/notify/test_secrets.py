"""A password in UNTOC_NOTIFY_URL, in every form Apprise accepts, is never printed (stdout,
stderr) and never stored (any column of any table): relays are shown in Apprise's privacy
form, errors name a relay by number and host, and a URL that cannot be read is not shown."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from untoc_workflow.settings import load_settings
from untoc_workflow.store import open_store

from .conftest import SENDER, free_port, standard_mechanism
from .faulty_smtp import FaultySmtp

UNTOC = Path(sys.executable).with_name("untoc")


def untoc(tmp_path: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    settings = tmp_path / "untoc.toml"
    settings.write_text(
        '[secretariat]\nemail = "secretariat.review@example.org"\nname = "Secretariat"\n',
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "UNTOC_DATABASE_URL": f"sqlite:///{tmp_path / 'untoc.db'}",
        "UNTOC_SETTINGS": str(settings),
        "UNTOC_NOTIFY_URL": url,
        "COLUMNS": "300",
    }
    return subprocess.run(
        [str(UNTOC), *args], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120
    )


def stored_text(tmp_path: Path) -> str:
    """Every value of every table of the store, as text."""
    with sqlite3.connect(tmp_path / "untoc.db") as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return "\n".join(
            repr(row) for table in tables for row in db.execute(f'SELECT * FROM "{table}"')
        )


def prepare(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'untoc.db'}")
    try:
        standard_mechanism(store, tmp_path)
    finally:
        store.close()


def assert_hidden(secret: str, *texts: str) -> None:
    for text in texts:
        assert secret not in text, text


@pytest.mark.parametrize(
    "template, secret",
    [
        (
            "mailto://127.0.0.1:{port}?user=alice&pass=S3cretQ&from={sender}&mode=insecure",
            "S3cretQ",
        ),
        ("mailto://alice:Zx9secret@127.0.0.1:{port}?from={sender}&mode=insecure", "Zx9secret"),
        ("mailtos://user:Pa55w0rdX@127.0.0.1:{port}?from={sender}", "Pa55w0rdX"),
    ],
    ids=["password-in-query", "password-in-userinfo", "mailtos"],
)
def test_a_password_the_server_cannot_use_is_in_no_output_and_no_table(tmp_path, template, secret):
    prepare(tmp_path)
    url = template.format(port=free_port(), sender=SENDER)  # nobody listens there
    sweep = untoc(tmp_path, url, "sweep", "--as-of", "2023-06-30")
    assert sweep.returncode == 0, sweep.stderr
    assert "not delivered: " in sweep.stderr and "relay 1 (127.0.0.1:" in sweep.stderr
    # the go-live's opening messages (one per recipient)
    assert "pending 6: the mail server did not accept them (relay 1 (127.0.0.1:" in sweep.stdout
    listing = untoc(tmp_path, url, "outbox", "list", "--format", "json")
    assert {e["state"] for e in json.loads(listing.stdout)} == {"pending"}
    # the day the letters were written: a retry on a later day leaves them for that day's sweep
    retry = untoc(tmp_path, url, "outbox", "retry", "--all", "--as-of", "2023-06-30")
    assert retry.returncode == 0 and "retry: 6 due now; sent 0, failed 6" in retry.stdout
    assert_hidden(
        secret,
        sweep.stdout,
        sweep.stderr,
        listing.stdout,
        listing.stderr,
        retry.stdout,
        retry.stderr,
        stored_text(tmp_path),
    )


def test_a_relay_that_accepts_the_password_is_shown_in_apprises_privacy_form(tmp_path):
    from aiosmtpd.smtp import AuthResult

    prepare(tmp_path)
    server = FaultySmtp()
    logins: list[tuple[bytes, bytes]] = []

    def authenticate(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=True)

    server.smtp_options = {"auth_require_tls": False, "authenticator": authenticate}
    server.start()
    try:
        url = f"mailto://alice:S3cretQ@127.0.0.1:{server.port}?from={SENDER}&mode=insecure"
        sweep = untoc(tmp_path, url, "sweep", "--as-of", "2023-06-30")
        assert sweep.returncode == 0, sweep.stderr
        assert logins and logins[0] == (b"alice", b"S3cretQ")  # the password did its job
        assert f"delivered through mailto://alice:****@127.0.0.1:{server.port}" in sweep.stdout
        assert_hidden("S3cretQ", sweep.stdout, sweep.stderr, stored_text(tmp_path))
    finally:
        server.stop()


@pytest.mark.parametrize(
    "url, secret",
    [
        ("mailto://alice:se/cret@127.0.0.1:2599?from=untoc.review@example.org", "cret"),
        ("alice:se?cret@127.0.0.1", "cret"),
        ("https://alice:hunter2x@hooks.example.org/services", "hunter2x"),
    ],
    ids=["slash-in-password", "no-scheme", "not-email"],
)
def test_a_url_that_cannot_be_read_is_refused_without_showing_it(tmp_path, url, secret):
    prepare(tmp_path)
    before = stored_text(tmp_path)
    sweep = untoc(tmp_path, url, "sweep", "--as-of", "2023-06-30")
    assert sweep.returncode == 1
    assert "UNTOC_NOTIFY_URL, URL 1 of 1" in sweep.stderr and "Traceback" not in sweep.stderr
    assert "it is not shown: it may hold a password" in sweep.stderr
    assert_hidden(secret, sweep.stdout, sweep.stderr, stored_text(tmp_path))
    assert stored_text(tmp_path) == before  # nothing recorded


def test_the_settings_never_show_the_notify_url_in_their_repr():
    settings = load_settings({"UNTOC_NOTIFY_URL": "mailto://alice:S3cretQ@host?from=a@b.org"})
    assert settings.notify_url and "S3cretQ" not in repr(settings)
