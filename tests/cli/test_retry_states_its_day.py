"""A letter never states another day than the one it goes out: `untoc outbox retry` (and the
digest's delivery) leave a letter written on an earlier day to that day's sweep, which
writes it again with the day's date and figures; only then does it leave."""

from __future__ import annotations

import json


def _states(run) -> dict[str, str]:
    listed = run("untoc outbox list --format json")
    assert listed.exit_code == 0, listed.output
    return {m["key"]: m["state"] for m in json.loads(listed.output)}


def test_a_letter_written_the_day_before_is_not_retried_with_its_old_date(sample_cli, tmp_path):
    run = sample_cli
    written_2_may = {k for k, s in _states(run).items() if s == "pending" and "2024-05-02" in k}
    assert written_2_may  # the fixture recorded the letters of 2 May without sending them
    outbox = tmp_path / "untoc-outbox"
    before = set(outbox.rglob("*.eml"))

    retried = run("untoc outbox retry --all --as-of 2024-05-03")
    assert retried.exit_code == 0, retried.output
    assert "sent 0" in retried.output
    assert "written before 2024-05-03 wait for the sweep of that day" in retried.output
    assert set(outbox.rglob("*.eml")) == before  # nothing left with 2 May's text
    assert {k for k, s in _states(run).items() if k in written_2_may} == written_2_may
    assert all(_states(run)[k] == "pending" for k in written_2_may)

    swept = run("untoc sweep --as-of 2024-05-03")
    assert swept.exit_code == 0, swept.output
    after = _states(run)
    # the 2 May texts are cancelled, written again on 3 May, and those leave
    assert {after[k] for k in written_2_may} == {"cancelled"}
    sent_3_may = [k for k, s in after.items() if s == "sent" and "2024-05-03" in k]
    assert sent_3_may
    new_files = set(outbox.rglob("*.eml")) - before
    assert new_files
    assert not [f for f in new_files if "2024-05-02" in f.name]
