"""`untoc demo` on a fresh folder with no settings: the main job end to end, twice."""

from __future__ import annotations

from email import policy
from email.parser import BytesParser

import pytest
from typer.testing import CliRunner

from untoc_workflow.cli import app


@pytest.mark.slow
def test_demo_loads_the_sample_sends_real_emails_writes_the_report_and_reruns_idempotently(
    tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    for var in (
        "UNTOC_DATABASE_URL",
        "UNTOC_NOTIFY_URL",
        "UNTOC_PROCESS_DEFS",
        "UNTOC_PROCESS_DEFS_ONLY",
        "UNTOC_SETTINGS",
    ):
        monkeypatch.delenv(var, raising=False)
    runner = CliRunner()

    first = runner.invoke(app, ["demo"], catch_exceptions=False)
    assert first.exit_code == 0, first.output
    assert (tmp_path / "untoc.db").exists()
    emails = sorted((tmp_path / "untoc-outbox").glob("*.eml"))
    assert emails, first.output
    message = BytesParser(policy=policy.default).parse(emails[0].open("rb"))
    assert message["Message-ID"] and message["To"] and message["Subject"].startswith("[UNTOC] ")
    # the go-live: one opening message per recipient, and the escalations held for approval
    assert "2. go-live of the correspondence on 2024-04-16: 200 messages to 200 recipients" in (
        first.stdout
    )
    assert "1 escalation(s) await the secretariat's approval" in first.stdout
    assert "untoc outbox approve --all" in first.stdout
    assert {p.get_content_type() for p in message.walk()} >= {"text/plain", "text/html"}
    page = tmp_path / "untoc-report" / "index.html"
    assert page.exists() and "<img" in page.read_text(encoding="utf-8")
    # the paper's headline figures, as the demo prints them
    assert "questionnaire 32, written_feedback 37, observations 4" in first.stdout
    assert "26 parties without a focal point hold up 65 reviews" in first.stdout

    second = runner.invoke(app, ["demo"], catch_exceptions=False)
    assert second.exit_code == 0, second.output
    assert "events: 0 added" in second.stdout
    assert "(the go-live day: its opening messages are recorded)" in second.stdout
    assert "messages: 0 new, sent 0" in second.stdout
    assert sorted((tmp_path / "untoc-outbox").glob("*.eml")) == emails
