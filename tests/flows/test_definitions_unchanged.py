"""A flow run refuses to work on a process version changed in place after reviews ran on
it (as every command does: store/fingerprints.py): it ends Failed with the command line's
message, naming the file, before its body runs. The flow functions are called directly:
the refusal is theirs, no Prefect server is needed to see it."""

from __future__ import annotations

import asyncio
import shutil
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows import _store

ME_DEFS = Path(__file__).parents[1] / "processes" / "mutual_evaluation"
ME_FILE = ME_DEFS / "mutual_evaluation.yaml"


@pytest.fixture
def fresh(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("UNTOC_SETTINGS", raising=False)
    monkeypatch.delenv("UNTOC_NOTIFY_URL", raising=False)
    monkeypatch.delenv("UNTOC_NOTIFY_URL_BLOCK", raising=False)
    monkeypatch.setenv("UNTOC_OUTBOX_DIR", str(tmp_path / "outbox"))
    for cached in (_store.settings, _store.store, _store.definition):
        cached.cache_clear()
    yield
    if _store.store.cache_info().currsize:
        _store.store().close()
    for cached in (_store.settings, _store.store, _store.definition):
        cached.cache_clear()


def test_a_flow_run_on_a_version_changed_in_place_fails_with_the_commands_message(
    fresh, tmp_path, monkeypatch
):
    from flows.country_review import country_review
    from flows.sweep import sweep
    from untoc_workflow.cli import app as cli

    url = f"sqlite:///{tmp_path / 'untoc.db'}"
    folder = tmp_path / "defs"
    folder.mkdir()
    copy = folder / "mutual_evaluation.yaml"
    shutil.copy(ME_FILE, copy)
    monkeypatch.setenv("UNTOC_DATABASE_URL", url)
    monkeypatch.setenv("UNTOC_PROCESS_DEFS", str(folder))
    imported = CliRunner().invoke(cli, ["import", str(ME_DEFS / "mechanism.yaml")])
    assert imported.exit_code == 0, imported.output  # the reviews run on version 1
    text = ME_FILE.read_text(encoding="utf-8")
    copy.write_text(text.replace("duration: 2 months\n", "duration: 3 months\n", 1))

    state = asyncio.run(country_review.fn("ME-AUT"))
    assert state.is_failed()
    assert "mutual_evaluation@1 was changed in place after reviews ran on it" in state.message
    assert "add version 2 and migrate" in state.message
    assert str(copy) in state.message
    assert _store.store.cache_info().currsize == 0  # refused: not kept open for the next run

    state = sweep.fn(as_of=date(2024, 6, 3))
    assert state.is_failed()
    assert "add version 2 and migrate" in state.message

    _store.definition.cache_clear()
    copy.write_text("# as it was\n" + text, encoding="utf-8")  # layout does not count
    assert _store.store() is _store.store()  # opened, checked, kept for the run


def test_the_guarded_flows_still_read_their_parameters_as_typed():
    # The guard wraps each flow in a function of flows/_store.py: Prefect builds the
    # parameters' model (the API's validation, the deployment's form) from that wrapper, so
    # the flow's annotations must reach it as types (`date`), not as text it cannot resolve.
    from flows.country_review import country_review
    from flows.digest import digest
    from flows.sweep import sweep

    assert sweep.validate_parameters({"as_of": "2024-04-16"})["as_of"] == date(2024, 4, 16)
    assert digest.validate_parameters({"as_of": "2024-05-01"}) == {"as_of": date(2024, 5, 1)}
    assert country_review.validate_parameters({"review_id": "C1-G1-NGA"}) == {
        "review_id": "C1-G1-NGA"
    }
    assert {"format": "date", "type": "string"} in sweep.parameters.properties["as_of"]["anyOf"]
