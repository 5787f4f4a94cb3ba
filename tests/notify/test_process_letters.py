"""Letters that know their process: a process neither UNTOC's nor UNCAC's (the mutual
evaluation of tests/processes) gets letters that ask for its own steps by their titles, in
the recipients' languages, never "Please contact the secretariat"."""

from __future__ import annotations

import email
import email.policy
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from untoc_workflow.definitions import load_definitions
from untoc_workflow.notify import Notifier, sweep
from untoc_workflow.outbox import EmlFolder

from .conftest import BUNDLED_DEFS, make_settings

PROCESS = Path(__file__).resolve().parents[1] / "processes" / "mutual_evaluation"
# what a letter said for a step its lexicon did not know
CONTACT = {
    "en": "Please contact the secretariat",
    "fr": "Veuillez prendre contact avec le secrétariat",
    "es": "Sírvase ponerse en contacto",
    "ar": "يُرجى الاتصال بالأمانة",
}


@pytest.fixture
def defs(tmp_path, monkeypatch) -> Path:
    # a user's folder replaces the bundled one today: the bundled files and the process
    folder = tmp_path / "defs"
    shutil.copytree(BUNDLED_DEFS, folder)
    shutil.copy(PROCESS / "mutual_evaluation.yaml", folder)
    monkeypatch.setenv("UNTOC_PROCESS_DEFS", str(folder))
    return folder


def test_a_step_without_its_own_wording_is_asked_for_by_its_title(store, tmp_path, defs):
    store.import_file(PROCESS / "mechanism.yaml")
    definitions = load_definitions(defs)
    notifier = Notifier(definitions, make_settings(tmp_path, None, defs))
    out = tmp_path / "out"
    transport = EmlFolder(out)
    day = date(2024, 5, 31)
    try:
        sweep(store, notifier, transport, day, datetime(2024, 5, 31, 6, tzinfo=UTC), go_live=day)
    finally:
        transport.close()
    letters = {}
    for path in sorted(out.glob("*.eml")):
        msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        letters[str(msg["Content-Language"])] = msg.get_body(("plain",)).get_content()
    assert {"en", "fr", "es", "ar"} <= set(letters)
    process = definitions.get("mutual_evaluation", 1)
    comments = next(s for s in process.steps if s.id == "country_comments")
    for language in ("fr", "es", "ar"):  # Morocco, Chile, Egypt: the step in its words
        text = letters[language]
        assert CONTACT[language] not in text
        assert comments.title[language] in text
    # Egypt's focal point is asked, in Arabic, for the step by its title
    assert f'يُرجى إنجاز مرحلة "{comments.title["ar"]}"' in letters["ar"]
    for text in letters.values():
        assert '""' not in text and "«  »" not in text  # never an empty title
