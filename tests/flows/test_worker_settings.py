"""Settings that survive a process worker's temporary folder: a flow run refuses to start
with a relative path, or in that folder with a default that lives there, naming the
variable to set (the folder and what is written in it is deleted after the run)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from flows import _store
from untoc_workflow.errors import InputError


@pytest.fixture(autouse=True)
def fresh_settings(monkeypatch):
    for var in ("UNTOC_SETTINGS", "UNTOC_OUTBOX_DIR", "UNTOC_DATABASE_URL", "UNTOC_NOTIFY_URL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.delenv("UNTOC_PROCESS_DEFS", raising=False)
    _store.settings.cache_clear()
    yield
    _store.settings.cache_clear()


def refusal(monkeypatch) -> str:
    with pytest.raises(InputError) as caught:
        _store.settings()
    return "; ".join(p.message for p in caught.value.problems)


def test_a_relative_outbox_folder_or_settings_file_is_refused_naming_the_variable(
    monkeypatch, tmp_path
):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("UNTOC_DATABASE_URL", f"sqlite:///{tmp_path / 'untoc.db'}")
    monkeypatch.setenv("UNTOC_OUTBOX_DIR", "outbox")
    said = refusal(monkeypatch)
    assert "UNTOC_OUTBOX_DIR='outbox' is a relative path" in said
    assert "temporary folder it deletes" in said
    _store.settings.cache_clear()
    monkeypatch.setenv("UNTOC_OUTBOX_DIR", str(tmp_path / "outbox"))
    (tmp_path / "untoc.toml").write_text("")
    monkeypatch.setenv("UNTOC_SETTINGS", "untoc.toml")
    assert "UNTOC_SETTINGS='untoc.toml' is a relative path" in refusal(monkeypatch)
    _store.settings.cache_clear()
    monkeypatch.setenv("UNTOC_SETTINGS", str(tmp_path / "untoc.toml"))
    monkeypatch.setenv("UNTOC_DATABASE_URL", "sqlite:///untoc.db")
    assert "UNTOC_DATABASE_URL='sqlite:///untoc.db' is a relative SQLite path" in refusal(
        monkeypatch
    )
    _store.settings.cache_clear()
    monkeypatch.setenv("UNTOC_DATABASE_URL", f"sqlite:///{tmp_path / 'untoc.db'}")
    assert _store.settings().outbox_dir == tmp_path / "outbox"  # absolute: accepted


def test_in_a_process_workers_temporary_folder_the_defaults_there_are_refused(monkeypatch):
    # what `prefect worker start --pool untoc-process` runs each flow in
    with tempfile.TemporaryDirectory(suffix="prefect") as folder:
        monkeypatch.chdir(folder)
        said = refusal(monkeypatch)
        assert "UNTOC_DATABASE_URL is not set" in said
        assert "UNTOC_OUTBOX_DIR is not set (and no UNTOC_NOTIFY_URL)" in said
        _store.settings.cache_clear()
        keep = Path(tempfile.gettempdir()) / "kept-outbox"
        monkeypatch.setenv("UNTOC_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1/x")
        monkeypatch.setenv("UNTOC_OUTBOX_DIR", str(keep))
        assert _store.settings().outbox_dir == keep
