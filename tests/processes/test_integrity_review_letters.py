"""The letters of a body that is not UNTOC, read as their recipients read them: the
integrity review of the Coastal States Anti-Corruption Group (tests/processes/
integrity_review, its folder alone), whose secretariat writes from Dakar."""

from __future__ import annotations

from pathlib import Path

from tests.processes.conftest import letters, text_of

HERE = Path(__file__).parent / "integrity_review"


def test_the_opening_letters_are_dated_from_dakar_and_filed_under_the_group(ir_cli, tmp_path):
    ir_cli("sweep", "--as-of", "2025-03-10")
    opening = letters(tmp_path, "2025-03-10")
    assert len(opening) == 5, sorted(opening)  # four focal points and the secretariat
    secretariat = {
        "en": "Secretariat of the Coastal States Anti-Corruption Group",
        "fr": "Secrétariat du Groupe des États côtiers contre la corruption",
    }
    dated = {"en": "Dakar, 10 March 2025", "fr": "Dakar, le 10 mars 2025"}
    for name, message in opening.items():
        language = message["Content-Language"]
        text = text_of(message)
        assert dated[language] in text.splitlines(), (name, text)
        assert "Vienn" not in text, (name, text)
        # the list the recipient files it under is the group's, never UNTOC's
        assert message["List-Id"] == f"{secretariat[language]} <review-mechanism.example.org>"


def test_the_chair_of_the_plenary_is_informed_in_the_groups_words(ir_cli, tmp_path):
    ir_cli("sweep", "--as-of", "2025-03-10")
    for day in ("2025-05-09", "2025-07-04", "2025-10-06"):
        ir_cli("outbox", "approve", "--all", "--by", "clerk")
        ir_cli("sweep", "--as-of", day)
    ir_cli("outbox", "approve", "--all", "--by", "clerk")
    ir_cli("sweep", "--as-of", "2025-10-07")
    summary = [m for n, m in letters(tmp_path, "2025-10-07").items() if "_presidency_" in n]
    assert len(summary) == 1
    text = text_of(summary[0])
    assert "Dakar, 7 October 2025" in text.splitlines()
    assert "to inform the Chair of the Plenary of the States parties" in " ".join(text.split())
    late = "Integrity review IR-2025-SEN, Senegal: Country report, 4 May 2025; 156 days overdue"
    assert late in text
    assert "the the" not in text and "the the" not in summary[0]["Subject"]
    # the secretariat's summary of the day lists that letter by its fate, not as a letter
    # of "0 notices" about no review
    [own] = [
        text_of(m)
        for m in letters(tmp_path, "2025-10-07").values()
        if "Messages recorded:" in text_of(m)
    ]
    chair = summary[0]["To"].split("<")[-1].rstrip(">").strip()
    assert f"* {chair}: to be sent" in [line.strip() for line in own.splitlines()], own
    assert "0 notices" not in own and "; ;" not in own


def test_the_status_table_calls_the_reviews_as_the_group_does(ir_cli):
    out = ir_cli("status", "--as-of", "2025-03-10").stdout
    assert out.splitlines()[0].strip() == "Integrity reviews on 2025-03-10"
    assert "Country reviews" not in out


def test_the_secretariats_summary_says_who_could_not_be_written_to(ir_cli, tmp_path):
    # Equatorial Guinea, a reviewer of Senegal, has neither liaison officer nor mission
    ir_cli("sweep", "--as-of", "2025-03-10")
    written = [text_of(m) for m in letters(tmp_path, "2025-03-10").values()]
    summary = [text for text in written if "Messages recorded:" in text]
    assert len(summary) == 1
    text = summary[0]
    lines = [line.strip() for line in text.splitlines()]
    assert "* Equatorial Guinea: no recipient on record: no message could be sent" in (lines), text
    assert "— (" not in text and "0 notices" not in text


def test_the_letters_name_the_evaluated_member_and_its_assessors_as_the_group_does(
    ir_cli, tmp_path
):
    ir_cli("sweep", "--as-of", "2025-03-10")
    opening = {m["To"]: text_of(m) for m in letters(tmp_path, "2025-03-10").values()}
    ghana = next(text for to, text in opening.items() if "k.mensah" in to)
    senegal = next(text for to, text in opening.items() if "a.diop" in to)
    heading = "1. Integrity review IR-2025-SEN, Senegal (Ghana: assessing member)"
    assert heading in ghana.splitlines()
    french = senegal.splitlines()
    assert "1. Examen d'intégrité IR-2025-SEN, Sénégal (membre évalué)" in french
    assert "2. Examen d'intégrité IR-2025-CMR, Cameroun (Sénégal\u00a0: membre évaluateur)" in (
        french
    )
    for text in opening.values():
        assert not [w for w in ("State party", "État partie", "examinateur") if w in text]


def test_the_monthly_summary_names_the_parties_and_the_stage_as_the_group_does(ir_cli, tmp_path):
    # Nigeria's report endorsed, and the Plenary waived its progress updates: no deadline
    # is open, and the summary says the stage the review is at (updates that are owed after
    # the endorsement are chased: tests/processes/silk_road_council)
    ir_cli("record", "evaluation_report_agreed", "--review", "IR-2024-NGA", "--on", "2025-03-20")
    ir_cli("record", "report_endorsed", "--review", "IR-2024-NGA", "--on", "2025-03-25")
    for update in ("progress_update_1", "progress_update_2"):
        waived = ("--step", update, "--basis", "Plenary decision 9/2")
        ir_cli("record", "step_waived", "--review", "IR-2024-NGA", "--on", "2025-03-26", *waived)
    ir_cli("digest", "--as-of", "2025-04-01")
    summary = {m["To"]: text_of(m) for m in letters(tmp_path, "2025-04-01").values()}
    cameroon = next(text for to, text in summary.items() if "p.mbarga" in to).splitlines()
    assert "* IR-2024-NGA\u00a0: Nigéria (Cameroun\u00a0: membre évaluateur)" in cameroon
    assert "* IR-2025-CMR\u00a0: Cameroun (membre évalué)" in cameroon
    stage = "  Étape en cours\u00a0: Entériné par la Plénière\u202f; Aucune échéance en cours."
    assert stage in cameroon
    ghana = next(text for to, text in summary.items() if "k.mensah" in to)
    assert "Stage: Endorsed by the Plenary; No open deadline." in ghana
    assert not [w for w in ("endorsed;", "État partie", "State party") if w in " ".join(cameroon)]
