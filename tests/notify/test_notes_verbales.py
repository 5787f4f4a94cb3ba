"""Notes verbales as the secretariat sends them: numbered from the series the settings
declare, the number kept in the store and never reused, at the head of the note."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from untoc_workflow.definitions import load_process
from untoc_workflow.errors import InputError
from untoc_workflow.notify import Notifier, sweep
from untoc_workflow.outbox import SmtpMail
from untoc_workflow.outbox.note_numbers import T as NUMBERS
from untoc_workflow.outbox.rows import TABLE

from .conftest import NOW, make_settings, standard_mechanism, went_live
from .test_correspondence_replay import approve_all
from .test_sweep_smtp import by_recipient


def _run(store, tmp_path, smtp, day, series="UNODC/CTOC/RM/{year}/{number}", now=NOW):
    settings = make_settings(tmp_path, smtp.url).model_copy(update={"note_series": series})
    transport = SmtpMail(smtp.url)
    try:
        notifier = Notifier(load_process(), settings)
        return sweep(store, notifier, transport, date.fromisoformat(day), now)
    finally:
        transport.close()


def test_each_note_takes_the_next_number_of_the_series_never_reused(store, tmp_path, smtp):
    standard_mechanism(store, tmp_path)
    went_live(store, tmp_path, before="2023-05-03")
    assert _run(store, tmp_path, smtp, "2023-05-03").held == 1  # to Ghana's mission
    approve_all(store.engine, "A. Officer", datetime(2023, 5, 5, 15, tzinfo=UTC))
    report = _run(store, tmp_path, smtp, "2023-05-08")
    got = by_recipient(smtp.wait_for(len(smtp.messages()))[-report.sent :])
    text = got["mission.gha@example.org"].message.get_body(("plain",)).get_content()
    with store.engine.connect() as conn:
        numbers = list(conn.execute(select(NUMBERS).order_by(NUMBERS.c.number)))
        rows = {r.key: r for r in conn.execute(select(TABLE))}
    # the held text took number 1 and was cancelled when written again: the note that
    # left carries 2, and 1 is never given again
    assert [n.number for n in numbers] == [1, 2]
    assert [n.reference for n in numbers] == ["UNODC/CTOC/RM/2023/1", "UNODC/CTOC/RM/2023/2"]
    assert rows[numbers[0].outbox_key].status == "cancelled"
    assert rows[numbers[1].outbox_key].status == "sent"
    assert text.splitlines()[0] == "UNODC/CTOC/RM/2023/2"
    assert text.count("UNODC/CTOC/RM/2023/") == 1
    html = got["mission.gha@example.org"].message.get_body(("html",)).get_content()
    assert "UNODC/CTOC/RM/2023/2" in html
    assert "\u2063" not in text + html  # no slot left behind
    # the note travels with its PDF, named by its number; a focal point's letter has none
    [pdf] = [p for p in got["mission.gha@example.org"].message.iter_attachments()]
    assert pdf.get_content_type() == "application/pdf"
    assert pdf.get_filename() == "note-verbale-UNODC-CTOC-RM-2023-2.pdf"
    assert pdf.get_content().startswith(b"%PDF")
    # a focal point's letter has no note number
    others = [m for a, m in got.items() if not a.startswith("mission.")]
    assert others and all(
        "UNODC/CTOC" not in m.message.get_body(("plain",)).get_content() for m in others
    )
    assert all(not list(m.message.iter_attachments()) for m in others)


def test_a_series_without_a_number_is_refused(tmp_path):
    settings = make_settings(tmp_path).model_copy(update={"note_series": "CTOC/RM/{year}"})
    with pytest.raises(InputError, match=r"must contain \{number\}"):
        Notifier(load_process(), settings)
