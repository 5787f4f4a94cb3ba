"""The portal of a body that is not UNTOC: the Coastal States Anti-Corruption Group's
integrity reviews (tests/processes/integrity_review, its folder alone). What its members'
focal points see and receive names the group's mechanism and secretariat, never UNTOC's or
UNODC's, and its own document kinds record its own facts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from .conftest import SECRETARIAT, csrf_of, kept, make_rig, pdf_bytes, text_of

GROUP = Path(__file__).parents[1] / "processes" / "integrity_review"
DIOP = "a.diop@example.org"  # Senegal's liaison officer, who reads French
UNTOC_WORDS = ("UNTOC", "Nations Unies", "United Nations", "Office des", "Conférence")


def body_rig(tmp_path, mailbox, monkeypatch, folder: Path, mechanism: str, as_of: date):
    """The portal over a body's folder alone (its definitions, its members' file)."""
    monkeypatch.setenv("UNTOC_PROCESS_DEFS", str(folder))
    monkeypatch.setenv("UNTOC_PROCESS_DEFS_ONLY", "1")
    made = make_rig(
        tmp_path, mailbox, mechanism=folder / mechanism, process_defs=folder, as_of=as_of
    )
    yield from kept(made)


@pytest.fixture
def group_rig(tmp_path, mailbox, monkeypatch):
    yield from body_rig(tmp_path, mailbox, monkeypatch, GROUP, "members.yaml", date(2025, 3, 12))


def test_the_sign_in_letter_comes_from_the_groups_secretariat(group_rig):
    group_rig.sign_in(DIOP)
    message = group_rig.mailbox.to(DIOP)[-1]
    text = text_of(message)
    assert "Mécanisme d'examen d'intégrité du Groupe des États côtiers contre la corruption" in (
        " ".join(text.split())
    )
    assert text.rstrip().endswith("Secrétariat du Groupe des États côtiers contre la corruption")
    assert "Secrétariat du Groupe des États côtiers" in str(message["From"])
    assert not [w for w in UNTOC_WORDS if w in text or w in str(message["From"])]


def test_a_focal_point_reads_the_groups_names_on_every_page(group_rig):
    browser = group_rig.sign_in(DIOP)
    listing = browser.get("/reviews").text
    page = browser.get("/reviews/IR-2025-SEN").text
    for html in (listing, page):
        assert "· CSACG</title>" in html
        assert "Mécanisme d&#39;examen d&#39;intégrité du Groupe des États côtiers" in html
        assert "<footer><p>Secrétariat du Groupe des États côtiers contre la corruption</p>" in (
            html
        )
        assert not [w for w in UNTOC_WORDS if w in html]
    # the review is called as the group calls it, not a "country review"
    assert "<h1>Examen d&#39;intégrité\u00a0: <bdi>Sénégal</bdi> <small>" in page
    assert "Examen de pays" not in page


def test_the_groups_own_document_kind_records_its_own_fact(group_rig):
    browser = group_rig.sign_in(DIOP)
    page = browser.get("/reviews/IR-2025-SEN").text
    answer = browser.post(
        "/reviews/IR-2025-SEN/documents",
        data={"csrf": csrf_of(page), "kind": "country_report"},
        files={"file": ("rapport.pdf", pdf_bytes("Rapport national"), "application/pdf")},
    )
    assert answer.status_code == 303, answer.text
    recorded = [e for e in group_rig.store.snapshot().events if e.review == "IR-2025-SEN"]
    assert [e.type for e in recorded] == ["country_report_received"]


def test_the_reviewers_feedback_on_a_questionnaire_is_named_by_its_own_step():
    from untoc_workflow.definitions import load_process
    from untoc_workflow.definitions.load import BUNDLED_DEFS
    from untoc_workflow.questionnaire.wording import texts

    group = load_process(GROUP / "integrity_review.yaml").step("desk_analysis")
    words = texts("fr", group)
    assert words["feedback"] == "Analyse documentaire des membres évaluateurs"
    assert words["submit_feedback"] == "Soumettre : Analyse documentaire des membres évaluateurs"
    # UNTOC's written feedback keeps its words, in each language
    untoc = load_process(BUNDLED_DEFS / "country_review.yaml").step("written_feedback")
    for language in ("ar", "zh", "en", "fr", "ru", "es"):
        assert texts(language, untoc) == texts(language)
    assert texts("en", untoc)["submit_feedback"] == "Submit the written feedback"


def test_the_answer_to_a_request_for_more_time_speaks_of_the_groups_review(group_rig):
    focal_point = group_rig.sign_in(DIOP)
    page = focal_point.get("/reviews/IR-2025-SEN").text
    asked = focal_point.post(
        "/reviews/IR-2025-SEN/extensions",
        data={"csrf": csrf_of(page), "step": "country_report", "due": "2025-06-30", "reason": "x"},
    )
    assert asked.status_code == 303
    secretariat = group_rig.sign_in(SECRETARIAT)
    listing = secretariat.get("/extensions").text
    action = "/extensions/" + listing.split('action="/extensions/')[1].split('"')[0]
    answer = secretariat.post(
        action, data={"decision": "approve", "due": "", "answer": "", "csrf": csrf_of(listing)}
    )
    assert answer.status_code == 303
    told = group_rig.mailbox.wait_for(DIOP, 2)[-1]
    text = " ".join(text_of(told).split())
    assert (
        "Le secrétariat a accepté votre demande du 12 mars 2025 visant à obtenir un délai"
        " supplémentaire pour l'étape « Rapport national » de l'examen IR-2025-SEN."
        " La nouvelle date limite est le 30 juin 2025." in text
    )
    assert text.endswith("Secrétariat du Groupe des États côtiers contre la corruption")
    assert "Secrétariat du Groupe des États côtiers" in str(told["From"])
    assert not [w for w in (*UNTOC_WORDS, "examen de pays") if w in text]


def test_the_evaluated_member_and_its_assessors_are_named_as_the_group_names_them(group_rig):
    browser = group_rig.sign_in(DIOP)
    listing = browser.get("/reviews").text
    page = browser.get("/reviews/IR-2025-SEN").text
    assert "<th>Membre évalué</th><th>Membres évaluateurs</th>" in listing
    assert "<p>Membres évaluateurs\u00a0: <bdi>" in page
    for html in (listing, page):
        assert not [w for w in ("État partie", "États parties", "examinateur") if w in html]


def test_the_groups_document_kinds_are_titled_in_the_readers_language(group_rig):
    browser = group_rig.sign_in(DIOP)
    page = browser.get("/reviews/IR-2025-SEN").text
    browser.post(
        "/reviews/IR-2025-SEN/documents",
        data={"csrf": csrf_of(page), "kind": "country_report"},
        files={"file": ("rapport.pdf", pdf_bytes("Rapport national"), "application/pdf")},
    )
    page = browser.get("/reviews/IR-2025-SEN").text
    assert "<td>Rapport national (<bdi>Sénégal</bdi>)</td>" in page
    assert '<option value="country_report">Rapport national</option>' in page
    assert "Country report" not in page


COUNCIL = Path(__file__).parents[1] / "processes" / "silk_road_council"


@pytest.fixture
def council_rig(tmp_path, mailbox, monkeypatch):
    yield from body_rig(
        tmp_path, mailbox, monkeypatch, COUNCIL, "group2_agreed.yaml", date(2025, 1, 10)
    )


def test_a_deadline_the_council_agreed_is_said_agreed_at_its_own_meeting(council_rig):
    """The review's page names where its self-assessment's date was agreed as the Council's
    process titles it (its inception meeting), never UNTOC's preliminary consultation."""
    browser = council_rig.sign_in("s.qureshi@example.org")
    page = browser.get("/reviews/SRC-1-2-PAK").text
    assert "agreed (<bdi>Inception meeting held</bdi>)" in page
    assert "preliminary consultation" not in page
    # in Chinese, in the full-width brackets the letters use
    assert "商定（<bdi>已举行启动会议</bdi>）" in browser.get("/reviews/SRC-1-2-PAK?lang=zh").text
