"""`untoc portal serve` as the secretariat runs it: a real process on 127.0.0.1."""

from __future__ import annotations

import email
import email.policy
import os
import subprocess
import sys
import time

import httpx

from .conftest import free_port, write_mechanism


def test_untoc_portal_serve_answers_on_127_0_0_1_with_the_login_page(tmp_path):
    db = f"sqlite:///{tmp_path / 'untoc.db'}"
    env = {
        **os.environ,
        "UNTOC_DATABASE_URL": db,
        "UNTOC_SETTINGS": str(tmp_path / "none.toml"),
        "UNTOC_DOCUMENTS_DIR": str(tmp_path / "documents"),
        "UNTOC_OUTBOX_DIR": str(tmp_path / "outbox"),
    }
    untoc = [sys.executable, "-m", "untoc_workflow"]
    mechanism = write_mechanism(tmp_path / "mechanism.yaml")
    subprocess.run([*untoc, "import", str(mechanism)], env=env, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen(
        [*untoc, "portal", "serve", "--port", str(port), "--as-of", "2023-03-01"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        answer = None
        end = time.monotonic() + 60
        while time.monotonic() < end and server.poll() is None:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/login", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        assert answer is not None, server.stderr.read() if server.poll() is not None else ""
        assert answer.status_code == 200 and 'name="email"' in answer.text
        assert "server" not in answer.headers  # no banner
        # a focal point asks for a link; with no mail server set it lands in the outbox folder
        token = answer.text.split('name="csrf" value="')[1].split('"')[0]
        sent = httpx.post(
            f"http://127.0.0.1:{port}/login",
            data={"email": "a.bello@example.org", "csrf": token},
            cookies=answer.cookies,
        )
        assert sent.status_code == 200
        end = time.monotonic() + 10
        while time.monotonic() < end and not list((tmp_path / "outbox").glob("*.eml")):
            time.sleep(0.1)
        emails = list((tmp_path / "outbox").glob("*.eml"))
        assert len(emails) == 1
        message = email.message_from_bytes(emails[0].read_bytes(), policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",)).get_content()
        assert "http://127.0.0.1:8400/login/" in body  # UNTOC_PORTAL_URL's default
    finally:
        server.terminate()
        server.wait(10)
