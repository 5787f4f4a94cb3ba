"""An upload and the fact it brings are one transaction: the portal killed (SIGKILL)
between the fact and the document's row leaves neither; uploaded again, both are there.
A real `untoc portal serve` process, on SQLite and PostgreSQL."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time

import httpx
from sqlalchemy import create_engine, select, text

from untoc_workflow.portal.tables import PortalDocumentRow

from .conftest import PEOPLE, csrf_of, free_port, link_in, pdf_bytes, write_mechanism

DOCS = PortalDocumentRow.__table__


def _serve(env, port):
    untoc = [sys.executable, "-m", "untoc_workflow"]
    server = subprocess.Popen(
        [*untoc, "portal", "serve", "--port", str(port), "--as-of", "2023-03-01"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    end = time.monotonic() + 60
    while time.monotonic() < end and server.poll() is None:
        try:
            httpx.get(f"http://127.0.0.1:{port}/login", timeout=2)
            return server
        except httpx.TransportError:
            time.sleep(0.2)
    server.kill()
    raise AssertionError(server.stderr.read() if server.stderr else "the portal did not start")


def _signed_in(base, mailbox, address):
    browser = httpx.Client(base_url=base, timeout=30)
    token = csrf_of(browser.get("/login").text)
    before = len(mailbox.to(address))
    assert browser.post("/login", data={"email": address, "csrf": token}).status_code == 200
    link = link_in(mailbox.wait_for(address, before + 1)[-1])
    assert browser.get(link.replace("http://127.0.0.1:8400", "")).status_code == 303
    return browser


def _upload(browser, content):
    token = csrf_of(browser.get("/reviews/C1-G1-NGA").text)
    return browser.post(
        "/reviews/C1-G1-NGA/documents",
        data={"kind": "saq", "csrf": token},
        files={"file": ("saq.pdf", content, "application/pdf")},
    )


def _facts_and_documents(url):
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            facts = conn.execute(
                text("SELECT COUNT(*) FROM event WHERE type = 'saq_submitted'")
            ).scalar_one()
            documents = list(conn.execute(select(DOCS.c.kind, DOCS.c.event_id)))
    finally:
        engine.dispose()
    return facts, documents


def test_killed_between_fact_and_document_the_portal_keeps_both_or_neither(
    tmp_path, mailbox, store_url
):
    marker = tmp_path / "paused"
    env = {
        **os.environ,
        "UNTOC_DATABASE_URL": store_url,
        "UNTOC_SETTINGS": str(tmp_path / "none.toml"),
        "UNTOC_DOCUMENTS_DIR": str(tmp_path / "documents"),
        "UNTOC_OUTBOX_DIR": str(tmp_path / "outbox"),
        "UNTOC_NOTIFY_URL": mailbox.url,
        "UNTOC_SENDER": "untoc.review@example.org",
        "UNTOC_PORTAL_SECRET": "k" * 40,
    }
    mechanism = write_mechanism(tmp_path / "mechanism.yaml")
    imported = subprocess.run(
        [sys.executable, "-m", "untoc_workflow", "import", str(mechanism)],
        env=env,
        capture_output=True,
        text=True,
    )
    assert imported.returncode == 0, imported.stdout + imported.stderr
    port = free_port()
    server = _serve({**env, "UNTOC_PORTAL_TEST_PAUSE_BEFORE_DOCUMENT": str(marker)}, port)
    try:
        browser = _signed_in(f"http://127.0.0.1:{port}", mailbox, PEOPLE["fp_nga"])
        threading.Thread(
            target=lambda: _swallow(lambda: _upload(browser, pdf_bytes("killed"))), daemon=True
        ).start()
        end = time.monotonic() + 30
        while not marker.exists() and time.monotonic() < end:
            time.sleep(0.05)
        assert marker.exists(), "the upload never reached the point between fact and document"
        os.kill(server.pid, signal.SIGKILL)
        server.wait(10)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(10)
    # neither the fact nor the document
    assert _facts_and_documents(store_url) == (0, [])
    port = free_port()
    server = _serve(env, port)
    try:
        browser = _signed_in(f"http://127.0.0.1:{port}", mailbox, PEOPLE["fp_nga"])
        answer = _upload(browser, pdf_bytes("again"))
        assert answer.status_code == 303 and answer.headers["location"].endswith("done=recorded")
    finally:
        server.terminate()
        server.wait(10)
    facts, documents = _facts_and_documents(store_url)
    assert facts == 1 and len(documents) == 1 and documents[0].event_id


def _swallow(call):
    with contextlib.suppress(httpx.HTTPError):  # the portal was killed under the request
        call()
