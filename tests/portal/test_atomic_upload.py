"""An upload and the fact it brings are one transaction: the portal killed (SIGKILL)
between the fact and the document's row leaves neither; uploaded again, both are there.
A real `untoc portal serve` process, on SQLite and PostgreSQL."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time

import httpx
from sqlalchemy import create_engine, select, text

from untoc_workflow.portal.tables import PortalDocumentRow

from .conftest import (
    PEOPLE,
    csrf_of,
    free_port,
    pdf_bytes,
    portal_env,
    serve_portal,
    signed_in_over_http,
)

DOCS = PortalDocumentRow.__table__


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
    env = portal_env(tmp_path, mailbox, store_url)
    port = free_port()
    server = serve_portal({**env, "UNTOC_PORTAL_TEST_PAUSE_BEFORE_DOCUMENT": str(marker)}, port)
    try:
        browser = signed_in_over_http(f"http://127.0.0.1:{port}", mailbox, PEOPLE["fp_nga"])
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
    server = serve_portal(env, port)
    try:
        browser = signed_in_over_http(f"http://127.0.0.1:{port}", mailbox, PEOPLE["fp_nga"])
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
