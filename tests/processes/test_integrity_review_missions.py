"""The notes verbales of a body that is not UNTOC name the missions where the record puts
them: the group writes from Dakar to missions in Dakar (the mechanism file's
`mission.city`), never to a "Permanent Mission ... to the United Nations (Vienna)"; and a
member without a mission has none in Dakar, not "in Vienna"."""

from __future__ import annotations

import email
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest

HERE = Path(__file__).parent / "integrity_review"
GNQ = "{code: GNQ, name: Equatorial Guinea, regional_group: Gulf, instruments: {CSCAC: 2020-01-15},"


def _members(tmp_path: Path, mission: str) -> Path:
    """The group's members, Equatorial Guinea (no liaison officer) with `mission`."""
    folder = tmp_path / "members"
    folder.mkdir()
    text = (HERE / "members.yaml").read_text(encoding="utf-8")
    assert text.count(f"{GNQ} languages: [es]}}") == 1
    text = text.replace(f"{GNQ} languages: [es]}}", f"{GNQ} {mission}languages: [es]}}")
    (folder / "members.yaml").write_text(text, encoding="utf-8")
    return folder / "members.yaml"


def _letters(untoc_cli, tmp_path: Path, members: Path) -> list[EmailMessage]:
    cli = untoc_cli(
        None,
        UNTOC_PROCESS_DEFS=str(HERE),
        UNTOC_PROCESS_DEFS_ONLY="1",
        UNTOC_OUTBOX_DIR=str(tmp_path / "outbox"),
    )
    cli("import", str(members), "--as-of", "2025-03-10")
    cli("sweep", "--as-of", "2025-03-10")
    cli("outbox", "approve", "--all", "--by", "clerk")
    cli("sweep", "--as-of", "2025-03-11")
    out = []
    for path in sorted((tmp_path / "outbox").glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        assert isinstance(message, EmailMessage)
        out.append(message)
    return out


def _text(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    return " ".join(str(body.get_content()).split())


def test_a_note_verbale_names_the_mission_in_its_city(untoc_cli, tmp_path):
    members = _members(tmp_path, "mission: {email: mision.gnq@example.org, city: Dakar}, ")
    notes = [m for m in _letters(untoc_cli, tmp_path, members) if "mision.gnq" in str(m["To"])]
    assert notes, "no note verbale to Equatorial Guinea's mission"
    for note in notes:
        assert (
            note["To"].addresses[0].display_name == "Misión Permanente de Guinea Ecuatorial (Dakar)"
        )
        text = _text(note)
        assert "saluda atentamente a la Misión Permanente de Guinea Ecuatorial (Dakar)" in text
        assert "reiterar a la Misión Permanente de Guinea Ecuatorial (Dakar)" in text
        assert "Naciones Unidas" not in text and "Viena" not in text, text


def test_a_mission_elsewhere_is_named_in_the_city_the_record_gives(untoc_cli, tmp_path):
    members = _members(tmp_path, "mission: {email: mision.gnq@example.org, city: Malabo}, ")
    notes = [m for m in _letters(untoc_cli, tmp_path, members) if "mision.gnq" in str(m["To"])]
    assert notes
    assert {n["To"].addresses[0].display_name for n in notes} == {
        "Misión Permanente de Guinea Ecuatorial (Malabo)"
    }


@pytest.mark.parametrize(
    ("language", "place", "said"),
    [
        ("en", "Dakar", "because Senegal has no permanent mission in Dakar."),
        ("fr", "Dakar", "parce que le Sénégal n'a pas de mission permanente à Dakar."),
        ("es", "Dakar", "porque el Senegal no tiene misión permanente en Dakar."),
        ("ru", "Дакар", "нет постоянного представительства в городе Дакар."),
        ("en", None, "because Senegal has no permanent mission in Vienna."),
        ("fr", None, "parce que le Sénégal n'a pas de mission permanente à Vienne."),
    ],
)
def test_a_member_without_a_mission_has_none_where_its_process_writes_from(language, place, said):
    """The notice sent elsewhere because a Party has no mission says where it has none: the
    process's own place (`roles: place`), Vienna for UNTOC's."""
    from untoc_workflow.definitions.load import BUNDLED_DEFS
    from untoc_workflow.notify.templates import Templates, templates_dir

    env = Templates(templates_dir(BUNDLED_DEFS)).text_env
    lexicon = env.get_template(f"{language}/_lexicon.j2").module
    why = {"reason": "no_mission", "party_code": "SEN", "party": "Senegal"}
    text = str(lexicon.fallback(why, "1 May 2025", None, place))  # type: ignore[attr-defined]
    assert said in text, text
