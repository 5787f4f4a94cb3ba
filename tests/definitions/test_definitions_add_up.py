"""Definitions add up: the user's folders (several, separated by ":") are added to the
bundled ones, a folder holding a new process alone works (templates, calendar and the
Mechanism's rules fall back to the bundled ones), copies are loaded once and conflicting
copies refused naming both files; a version changed in place after reviews ran on it is
refused; the loader refuses a stage no step reaches. One reading of the settings for
every command: untoc.toml as well as the environment."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

ME_DEFS = Path(__file__).parents[1] / "processes" / "mutual_evaluation"
ME_FILE = ME_DEFS / "mutual_evaluation.yaml"


def loaded(cli) -> set[str]:
    return {
        f"{d['process']}@{d['version']}"
        for d in json.loads(cli("processes", "--format", "json").stdout)
    }


def test_a_folder_holding_a_new_process_alone_is_added_to_the_bundled_ones(cli, monkeypatch):
    monkeypatch.setenv("UNTOC_PROCESS_DEFS", str(ME_DEFS))
    assert loaded(cli) == {
        "country_review@1",
        "uncac_country_review@1",
        "mutual_evaluation@1",
    }
    # its mechanism.yaml is a mechanism file, not the Mechanism's rules: the bundled
    # rules apply, and the bundled templates and calendar write its letters
    cli("import", str(ME_DEFS / "mechanism.yaml"))
    cli("clusters", "--as-of", "2024-06-03")
    cli("sweep", "--as-of", "2024-06-03")


def test_several_folders_add_up_and_an_identical_copy_is_loaded_once(cli, tmp_path, monkeypatch):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    shutil.copy(ME_FILE, a / "mutual_evaluation.yaml")
    shutil.copy(ME_FILE, b / "copy.yaml")
    v2 = ME_FILE.read_text(encoding="utf-8").replace("version: 1\n", "version: 2\n", 1)
    (b / "mutual_evaluation_v2.yaml").write_text(v2, encoding="utf-8")
    monkeypatch.setenv("UNTOC_PROCESS_DEFS", f"{a}:{b}")
    assert {"mutual_evaluation@1", "mutual_evaluation@2", "country_review@1"} <= loaded(cli)


def test_two_different_copies_of_one_version_are_refused_naming_both_files(
    cli, tmp_path, monkeypatch
):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    shutil.copy(ME_FILE, a / "mutual_evaluation.yaml")
    changed = ME_FILE.read_text(encoding="utf-8").replace(
        "duration: 4 months", "duration: 5 months", 1
    )
    (b / "mine.yaml").write_text(changed, encoding="utf-8")
    monkeypatch.setenv("UNTOC_PROCESS_DEFS", f"{a}:{b}")
    out = cli("processes", code=1).output
    assert "mutual_evaluation@1 is defined twice, differently" in out
    assert str(b / "mine.yaml") in out and str(a / "mutual_evaluation.yaml") in out
    assert "Traceback" not in out


def test_untoc_toml_names_the_folders_for_every_command(cli, tmp_path, monkeypatch):
    monkeypatch.delenv("UNTOC_PROCESS_DEFS", raising=False)
    (tmp_path / "untoc.toml").write_text(f'process_defs = "{ME_DEFS}"\n', encoding="utf-8")
    assert "mutual_evaluation@1" in loaded(cli)
    cli("import", str(ME_DEFS / "mechanism.yaml"))  # its reviews' process is loaded
    out = cli("status", "--as-of", "2024-06-03", "--format", "json").stdout
    assert {s["process"] for s in json.loads(out)} == {"mutual_evaluation"}


def test_a_stage_no_step_reaches_is_refused_with_its_place(cli, tmp_path, monkeypatch):
    folder = tmp_path / "defs"
    folder.mkdir()
    text = ME_FILE.read_text(encoding="utf-8").replace(
        "stages: [not_started, submissions,", "stages: [not_started, waiting, submissions,", 1
    )
    (folder / "mutual_evaluation.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("UNTOC_PROCESS_DEFS", str(folder))
    out = cli("processes", code=1).output
    line = next(i for i, t in enumerate(text.splitlines(), 1) if t.startswith("stages:"))
    assert f"mutual_evaluation.yaml:{line}: stages[1]: no step reaches stage 'waiting'" in out


def test_a_fact_declared_twice_in_a_process_is_refused(cli, tmp_path, monkeypatch):
    folder = tmp_path / "defs"
    folder.mkdir()
    text = ME_FILE.read_text(encoding="utf-8").replace(
        "  report_published:\n",
        "  report_adopted:\n    scope: review\n  report_published:\n",
        1,
    )
    (folder / "mutual_evaluation.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("UNTOC_PROCESS_DEFS", str(folder))
    out = cli("processes", code=1).output
    assert "report_adopted" in out and "mutual_evaluation.yaml:" in out


def test_a_version_changed_in_place_after_reviews_ran_on_it_is_refused(
    cli, tmp_path, monkeypatch, store_url
):
    monkeypatch.setenv("UNTOC_DATABASE_URL", store_url)
    folder = tmp_path / "defs"
    folder.mkdir()
    shutil.copy(ME_FILE, folder / "mutual_evaluation.yaml")
    monkeypatch.setenv("UNTOC_PROCESS_DEFS", str(folder))
    cli("import", str(ME_DEFS / "mechanism.yaml"))
    text = ME_FILE.read_text(encoding="utf-8")
    (folder / "mutual_evaluation.yaml").write_text(
        text.replace("duration: 2 months\n", "duration: 3 months\n", 1), encoding="utf-8"
    )
    out = cli(
        "record",
        "effectiveness_submission_received",
        "--review",
        "ME-AUT",
        "--on",
        "2024-05-20",
        code=1,
    ).output
    assert "mutual_evaluation@1 was changed in place after reviews ran on it" in out
    assert "add version 2 and migrate" in out
    # put back as it was (comments and layout do not count): recorded
    (folder / "mutual_evaluation.yaml").write_text("# as it was\n" + text, encoding="utf-8")
    cli("record", "effectiveness_submission_received", "--review", "ME-AUT", "--on", "2024-05-20")
