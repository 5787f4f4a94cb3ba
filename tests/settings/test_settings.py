"""The settings (untoc_workflow/settings.py): the environment over untoc.toml over the
defaults, every bad value refused naming its variable or its line of untoc.toml (exit 1, no
traceback), and no password ever printed."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from untoc_workflow.cli import app as cli
from untoc_workflow.definitions.load import BUNDLED_DEFS
from untoc_workflow.errors import InputError
from untoc_workflow.settings import Settings, load_settings

PASSWORD = "S3cretQ-never-shown"


def refusal(env: dict[str, str], cwd: Path) -> str:
    with pytest.raises(InputError) as caught:
        load_settings(env, cwd)
    return caught.value.render()


def write_settings(folder: Path, text: str) -> Path:
    path = folder / "untoc.toml"
    path.write_text(text, encoding="utf-8")
    return path


# -- precedence -------------------------------------------------------------------------


def test_the_defaults_live_in_the_current_folder(tmp_path):
    settings = load_settings({}, tmp_path)
    assert settings.database_url == f"sqlite:///{tmp_path / 'untoc.db'}"
    assert settings.outbox_dir == tmp_path / "untoc-outbox"
    assert settings.definitions_folders == (BUNDLED_DEFS,)
    assert settings.notify_url is None
    assert settings.portal_url == "http://127.0.0.1:8400"
    assert settings.secretariat.email == "untoc.review@example.org"
    assert settings.flows_limit is None


def test_the_environment_wins_over_untoc_toml_which_wins_over_the_defaults(tmp_path):
    write_settings(
        tmp_path,
        'sender = "file@example.org"\n'
        'note_series = "FILE/{year}/{number}"\n'
        'process_defs = ["file-defs"]\n'
        "process_defs_only = true\n"
        "[secretariat]\n"
        'email = "desk@example.org"\n',
    )
    from_file = load_settings({}, tmp_path)
    assert from_file.sender == "file@example.org"
    assert from_file.note_series == "FILE/{year}/{number}"
    assert from_file.definitions_folders == (tmp_path / "file-defs", BUNDLED_DEFS)
    assert from_file.process_defs_only is True
    # the name left out is the default one's
    assert from_file.secretariat.email == "desk@example.org"
    assert from_file.secretariat.name == "Secretariat of the Review Mechanism"
    assert from_file.portal_url == "http://127.0.0.1:8400"  # set nowhere: the default

    env = {
        "UNTOC_SENDER": "env@example.org",
        "UNTOC_PROCESS_DEFS": "/srv/defs:env-defs",
        "UNTOC_PROCESS_DEFS_ONLY": "0",
        "UNTOC_NOTE_SERIES": "",  # empty: unset, the file's value stands
    }
    from_env = load_settings(env, tmp_path)
    assert from_env.sender == "env@example.org"
    assert from_env.definitions_folders == (Path("/srv/defs"), tmp_path / "env-defs", BUNDLED_DEFS)
    assert from_env.process_defs_only is False
    assert from_env.note_series == "FILE/{year}/{number}"


def test_untoc_settings_names_the_file_read_instead_of_the_current_folders(tmp_path):
    write_settings(tmp_path, 'sender = "here@example.org"\n')
    other = tmp_path / "elsewhere.toml"
    other.write_text('sender = "there@example.org"\n', encoding="utf-8")
    assert load_settings({}, tmp_path).sender == "here@example.org"
    assert load_settings({"UNTOC_SETTINGS": str(other)}, tmp_path).sender == "there@example.org"


def test_every_module_reads_the_portal_and_flow_settings_through_the_model(tmp_path):
    from flows.serve import default_limit
    from untoc_workflow.portal.config import base_url, load_portal_settings
    from untoc_workflow.questionnaire.publish import published_dir

    env = {
        "UNTOC_SETTINGS": "/none",
        "UNTOC_PORTAL_URL": "https://review.example.org/",
        "UNTOC_PORTAL_MAX_UPLOAD_MB": "2",
        "UNTOC_PORTAL_SECRETARIAT": "A@example.org, b@example.org",
        "UNTOC_PUBLISHED_DIR": "/srv/published",
    }
    portal = load_portal_settings(env, tmp_path)
    assert portal.base_url == base_url(env) == "https://review.example.org"
    assert portal.max_upload == 2 * 1024 * 1024
    assert portal.secretariat == {"a@example.org", "b@example.org"}
    assert portal.documents_dir == tmp_path / "untoc-documents"
    assert published_dir(env) == Path("/srv/published")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("UNTOC_FLOWS_LIMIT", "3")
        patch.setenv("UNTOC_SETTINGS", "/none")
        assert default_limit() == 3


def test_built_directly_the_model_reads_no_source(tmp_path, monkeypatch):
    monkeypatch.setenv("UNTOC_SENDER", "env@example.org")
    monkeypatch.chdir(tmp_path)
    write_settings(tmp_path, 'note_series = "FILE/{number}"\n')
    built = Settings(database_url="", process_defs=BUNDLED_DEFS, outbox_dir=tmp_path)
    assert built.sender == "untoc.review@example.org"
    assert built.note_series == "CTOC/RM/{year}/{number}"
    assert built.definitions_folders == (BUNDLED_DEFS,)


# -- one test per kind of bad value -------------------------------------------------------


def test_a_value_of_the_wrong_kind_in_the_environment_names_the_variable(tmp_path):
    said = refusal({"UNTOC_FLOWS_LIMIT": "many", "UNTOC_SETTINGS": "/none"}, tmp_path)
    assert "UNTOC_FLOWS_LIMIT: 'many': " in said
    assert "a whole number of flow runs, 1 or more" in said


def test_a_number_out_of_range_names_the_variable(tmp_path):
    said = refusal({"UNTOC_PORTAL_MAX_UPLOAD_MB": "-1", "UNTOC_SETTINGS": "/none"}, tmp_path)
    assert "UNTOC_PORTAL_MAX_UPLOAD_MB: '-1': Input should be greater than 0" in said


def test_a_yes_or_no_setting_takes_only_yes_or_no(tmp_path):
    said = refusal({"UNTOC_PROCESS_DEFS_ONLY": "maybe", "UNTOC_SETTINGS": "/none"}, tmp_path)
    assert "UNTOC_PROCESS_DEFS_ONLY: 'maybe': say 1 or 0" in said
    write_settings(tmp_path, '\nprocess_defs_only = "perhaps"\n')
    said = refusal({}, tmp_path)
    assert f"{tmp_path / 'untoc.toml'}:2: process_defs_only: must be true or false" in said


def test_an_address_that_is_not_a_web_address_names_the_variable(tmp_path):
    said = refusal({"UNTOC_PORTAL_URL": "ftp://review", "UNTOC_SETTINGS": "/none"}, tmp_path)
    assert "UNTOC_PORTAL_URL: 'ftp://review': not an http(s) address" in said
    said = refusal(
        {"UNTOC_PORTAL_TRUSTED_PROXIES": "10.0.0.5,proxy.lan", "UNTOC_SETTINGS": "/none"},
        tmp_path,
    )
    assert "'proxy.lan' is not an address" in said


def test_a_value_of_the_wrong_kind_in_untoc_toml_names_its_line_and_key(tmp_path):
    write_settings(tmp_path, "# the secretariat's settings\n\nsender = 3\n")
    assert f"{tmp_path / 'untoc.toml'}:3: sender: Input should be a valid string" in refusal(
        {}, tmp_path
    )


def test_a_contact_without_its_address_names_the_table_and_key(tmp_path):
    write_settings(tmp_path, 'sender = "a@example.org"\n[cop_presidency]\nname = "The Chair"\n')
    said = refusal({}, tmp_path)
    assert "untoc.toml:2: cop_presidency.email: required key 'email' is missing" in said


def test_an_unknown_key_in_untoc_toml_is_refused_with_its_line(tmp_path):
    write_settings(tmp_path, 'sender = "a@example.org"\nflows_limit = 4\n')
    said = refusal({}, tmp_path)
    assert "untoc.toml:2: unknown setting 'flows_limit'" in said
    assert "set in the environment only: UNTOC_FLOWS_LIMIT" in said


def test_a_settings_file_that_is_not_toml_is_refused_with_its_line(tmp_path):
    write_settings(tmp_path, 'sender = "a@example.org"\nportal_url = \n')
    said = refusal({}, tmp_path)
    assert f"{tmp_path / 'untoc.toml'}:2: not valid TOML" in said


def test_a_secret_is_never_printed_not_even_when_it_is_refused(tmp_path):
    env = {
        "UNTOC_SETTINGS": "/none",
        "UNTOC_NOTIFY_URL": f"mailtos://desk:{PASSWORD}@smtp.example.org",
        "UNTOC_PORTAL_SECRET": PASSWORD[:10],
    }
    said = refusal(env, tmp_path)
    assert "UNTOC_PORTAL_SECRET: too short" in said
    assert PASSWORD[:10] not in said
    settings = load_settings({**env, "UNTOC_PORTAL_SECRET": PASSWORD * 2}, tmp_path)
    assert PASSWORD not in repr(settings)
    assert PASSWORD not in str(settings.model_dump(exclude={"notify_url"}))


def test_a_bad_setting_stops_a_command_with_exit_1_and_no_traceback(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("UNTOC_SETTINGS", raising=False)
    monkeypatch.setenv("UNTOC_DATABASE_URL", f"sqlite:///{tmp_path / 'untoc.db'}")
    write_settings(tmp_path, "process_defs_only = 2\n")
    result = CliRunner().invoke(cli, ["status", "--as-of", "2024-04-16"])
    assert result.exit_code == 1
    assert "untoc.toml:1: process_defs_only: must be true or false" in result.output
    assert "Traceback" not in result.output
