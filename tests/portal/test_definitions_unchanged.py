"""The portal refuses to start on a process version changed in place after reviews ran on
it (as every command that opens the store does: store/fingerprints.py), naming the file;
put back as it was, it starts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from untoc_workflow.cli import app as cli
from untoc_workflow.errors import InputError

ME_DEFS = Path(__file__).parents[1] / "processes" / "mutual_evaluation"
ME_FILE = ME_DEFS / "mutual_evaluation.yaml"


def test_the_portal_refuses_to_start_on_a_version_changed_in_place(
    tmp_path, monkeypatch, store_url
):
    from untoc_workflow.definitions import load_definitions
    from untoc_workflow.portal import create_app
    from untoc_workflow.portal.config import load_portal_settings
    from untoc_workflow.settings import load_settings
    from untoc_workflow.store import open_store

    folder = tmp_path / "defs"
    folder.mkdir()
    copy = folder / "mutual_evaluation.yaml"
    shutil.copy(ME_FILE, copy)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("UNTOC_SETTINGS", raising=False)
    monkeypatch.setenv("UNTOC_DATABASE_URL", store_url)
    monkeypatch.setenv("UNTOC_PROCESS_DEFS", str(folder))
    imported = CliRunner().invoke(cli, ["import", str(ME_DEFS / "mechanism.yaml")])
    assert imported.exit_code == 0, imported.output  # the reviews run on version 1

    def served(*args, **kwargs):
        raise AssertionError("the portal started")

    monkeypatch.setattr("uvicorn.run", served)
    store = open_store(store_url)
    try:
        text = ME_FILE.read_text(encoding="utf-8")
        copy.write_text(text.replace("duration: 2 months\n", "duration: 3 months\n", 1))

        result = CliRunner().invoke(cli, ["portal", "serve"])
        assert result.exit_code == 1, result.output
        assert "mutual_evaluation@1 was changed in place after reviews ran on it" in result.output
        assert "add version 2 and migrate" in result.output
        assert str(copy) in result.output.replace("\n", "")
        assert "Traceback" not in result.output

        project = load_settings()
        with pytest.raises(InputError) as refused:
            create_app(
                store,
                load_definitions(project.definitions_folders),
                load_portal_settings(),
                project,
            )
        assert refused.value.problems[0].file == str(copy)

        copy.write_text("# as it was\n" + text, encoding="utf-8")  # layout does not count
        app = create_app(
            store, load_definitions(project.definitions_folders), load_portal_settings(), project
        )
        assert app.state.portal.view.store is store
    finally:
        store.close()
