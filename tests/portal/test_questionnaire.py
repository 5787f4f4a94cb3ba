"""The SAQ answered in the portal (shared/contracts/questionnaire.md): a focal point saves a
section, finds it again, submits; the review moves on; a reviewer reads the answers and
cannot change them; the reviewers' feedback is submitted the same way; consent publishes
the answers and withdrawing it removes them."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from untoc_workflow.questionnaire import responses
from untoc_workflow.questionnaire.answers import digest

from .conftest import PEOPLE, SECRETARIAT, csrf_of, kept, make_rig

REVIEW = "C1-G1-NGA"
URL = f"/reviews/{REVIEW}/questionnaire"
# Every required answer of the bundled SAQ of cluster 1, as a focal point would give them.
ANSWERS = {
    "law_as_of": "2023-02-15",
    "a5_agreement": "yes",
    "a5_participation": "yes",
    "a5_organizing": "partly",
    "a5_provisions": "Criminal Code, sections 97 and 516",
    "a5_ta": "no",
    "a6_conversion": "yes",
    "a6_predicates": ["all_serious", "foreign"],
    "a6_self_laundering": "yes",
    "a6_prosecutions": "12",
    "a6_ta": "yes",
    "a8_active": "yes",
    "a8_passive": "yes",
    "a8_foreign": "no",
    "a8_ta": "no",
    "a23_witness": "yes",
    "a23_officials": "yes",
    "a23_ta": "no",
    "a15_territory": "yes",
    "a15_nationals": "partly",
    "a15_no_extradition": "no",
    "a15_consulted": "yes",
    "a15_consultations": "3",
    "a15_ta": "no",
    "ta_forms": ["training", "model_legislation"],
}


def _fields(answers, **extra):
    """A posted form: a select_multiple as several values under its question's name."""
    return {**answers, **extra}


def submit_saq(browser, answers=ANSWERS):
    page = browser.get(URL)
    assert page.status_code == 200, page.text
    return browser.post(
        URL, data=_fields(answers, csrf=csrf_of(page.text), action="submit", section="*")
    )


@pytest.fixture
def pg_rig(tmp_path, mailbox, pg_url):
    yield from kept(make_rig(tmp_path, mailbox, url=pg_url))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_rig(request):
    return request.getfixturevalue("rig" if request.param == "sqlite" else "pg_rig")


def test_a_focal_point_saves_finds_and_submits_the_saq_and_the_review_moves_on(any_rig):
    rig = any_rig
    fp = rig.sign_in(PEOPLE["fp_nga"])
    page = fp.get(URL + "?section=art5")
    assert page.status_code == 200
    assert 'name="a5_agreement"' in page.text and 'name="a6_conversion"' not in page.text
    saved = fp.post(
        URL,
        data={
            "csrf": csrf_of(page.text),
            "action": "save",
            "section": "art5",
            "a5_agreement": "partly",
            "a5_provisions": "Penal Code, art. 97",
        },
    )
    assert saved.status_code == 303 and "done=saved" in saved.headers["location"]
    again = fp.get(URL + "?section=art5").text
    assert re.search(r'name="a5_agreement" value="partly" checked', again)
    assert "Penal Code, art. 97" in again
    assert rig.app.state.portal.view.state(REVIEW).stage == "questionnaire"

    incomplete = submit_saq(fp, {k: v for k, v in ANSWERS.items() if k != "a8_active"})
    assert incomplete.status_code == 400
    assert re.search(r'id="q-a8_active".*?class="problem"', incomplete.text, re.S)
    assert rig.app.state.portal.view.state(REVIEW).stage == "questionnaire"
    with rig.store.engine.connect() as conn:  # the refused answers are kept as the draft
        draft = responses.find(conn, REVIEW, "saq", "answers", "NGA")
    assert not draft.submitted and draft.answers["a15_consultations"] == "3"

    done = submit_saq(fp)
    assert done.status_code == 303, done.text
    state = rig.app.state.portal.view.state(REVIEW)
    assert state.stage == "written_feedback"
    snapshot = rig.store.snapshot(rig.app.state.portal.today())
    facts = [e for e in snapshot.events if e.review == REVIEW and e.type == "saq_submitted"]
    assert len(facts) == 1
    with rig.store.engine.connect() as conn:
        kept = responses.find(conn, REVIEW, "saq", "answers", "NGA")
    assert kept.submitted and kept.answers["a6_predicates"] == ["all_serious", "foreign"]
    assert digest(kept.answers) in facts[0].note
    page = fp.get(URL).text
    assert 'data-status="submitted"' in page and 'name="a5_agreement"' not in page
    again = fp.post(URL, data=_fields(ANSWERS, csrf=csrf_of(page), action="save"))
    assert again.status_code == 409


def test_reviewers_experts_and_observers_read_the_answers_and_cannot_change_them(rig):
    submit_saq(rig.sign_in(PEOPLE["fp_nga"]))
    for reader in ("fp_gha", "fp_deu", "expert_nga", "observer_nga"):
        browser = rig.sign_in(PEOPLE[reader])
        page = browser.get(URL)
        assert page.status_code == 200, reader
        assert re.search(r'data-question="a6_prosecutions">12<', page.text), reader
        assert 'type="radio" name="a5_agreement"' not in page.text
        changed = browser.post(
            URL, data=_fields(ANSWERS, csrf=csrf_of(page.text), action="save", a6_prosecutions="99")
        )
        assert changed.status_code == 403, reader
    with rig.store.engine.connect() as conn:
        assert (
            responses.find(conn, REVIEW, "saq", "answers", "NGA").answers["a6_prosecutions"] == "12"
        )
    for outsider in ("fp_fra", "fp_nor", "observer_fra"):
        assert rig.sign_in(PEOPLE[outsider]).get(URL).status_code == 404, outsider
    assert rig.client().get(URL).status_code in (303, 404)


def test_a_reader_sees_nothing_before_the_answers_are_submitted(rig):
    fp = rig.sign_in(PEOPLE["fp_nga"])
    page = fp.get(URL).text
    fp.post(URL, data={"csrf": csrf_of(page), "action": "save", "a6_prosecutions": "7"})
    reader = rig.sign_in(PEOPLE["fp_gha"]).get(URL).text
    assert 'data-status="not_submitted"' in reader and ">7<" not in reader


def test_the_page_after_submitting_says_once_that_the_answers_are_submitted(rig):
    from untoc_workflow.questionnaire.wording import texts

    fp = rig.sign_in(PEOPLE["fp_nga"])
    done = submit_saq(fp)
    assert done.status_code == 303 and "done=submitted" in done.headers["location"]
    for language in ("en", "fr"):
        page = html.unescape(fp.get(done.headers["location"] + f"&lang={language}").text)
        assert page.count(texts(language)["submitted"]) == 1, language
        assert 'data-status="submitted" class="done" role="status"' in page


def test_the_secretariat_answers_on_the_reviewed_partys_behalf(rig):
    done = submit_saq(rig.sign_in(SECRETARIAT))
    assert done.status_code == 303
    assert rig.app.state.portal.view.state(REVIEW).stage == "written_feedback"
    with rig.store.engine.connect() as conn:
        assert responses.find(conn, REVIEW, "saq", "answers", "NGA").submitted_by == SECRETARIAT


def test_the_page_follows_the_persons_language_right_to_left_in_arabic(rig):
    fp = rig.sign_in(PEOPLE["fp_nga"])
    arabic = fp.get(URL + "?lang=ar&section=art5").text
    assert 'lang="ar" dir="rtl"' in arabic
    assert "تجريم المشاركة في جماعة إجرامية منظمة" in arabic
    french = fp.get(URL + "?lang=fr&section=art15").text
    assert "Compétence" in french and 'dir="ltr"' in french


def test_the_reviewers_write_feedback_beside_each_question_and_submit_it(any_rig):
    rig = any_rig
    submit_saq(rig.sign_in(PEOPLE["fp_nga"]))
    for party, fp in (("GHA", "fp_gha"), ("DEU", "fp_deu")):
        browser = rig.sign_in(PEOPLE[fp])
        page = browser.get(URL).text
        assert 'name="a6_prosecutions"' in page and 'value="submit_feedback"' in page
        saved = browser.post(
            URL,
            data={
                "csrf": csrf_of(page),
                "action": "save_feedback",
                "a6_prosecutions": f"{party}: how many convictions followed?",
            },
        )
        assert saved.status_code == 303
        page = browser.get(URL).text
        assert f"{party}: how many convictions followed?" in page
        sent = browser.post(
            URL,
            data={
                "csrf": csrf_of(page),
                "action": "submit_feedback",
                "a6_prosecutions": f"{party}: how many convictions followed?",
                "a15_ta": "Which kind of assistance?",
            },
        )
        assert sent.status_code == 303, sent.text
    assert rig.app.state.portal.view.state(REVIEW).stage == "observations"
    snapshot = rig.store.snapshot(rig.app.state.portal.today())
    feedback = [
        e for e in snapshot.events if e.review == REVIEW and e.type == "written_feedback_submitted"
    ]
    assert sorted(e.party for e in feedback) == ["DEU", "GHA"]
    page = rig.sign_in(PEOPLE["fp_nga"]).get(URL).text
    assert "GHA: how many convictions followed?" in page and "DEU: how many" in page


def test_consent_publishes_the_answers_per_language_and_withdrawing_removes_them(
    rig, tmp_path, monkeypatch
):
    monkeypatch.setenv("UNTOC_PUBLISHED_DIR", str(tmp_path / "published"))
    fp = rig.sign_in(PEOPLE["fp_nga"])
    submit_saq(fp)
    reviewer = rig.sign_in(PEOPLE["fp_gha"])
    page = reviewer.get(URL).text
    assert "questionnaire/consent" not in page
    refused = reviewer.post(URL + "/consent", data={"csrf": csrf_of(page), "consent": "yes"})
    assert refused.status_code == 403
    page = fp.get(URL).text
    given = fp.post(URL + "/consent", data={"csrf": csrf_of(page), "consent": "yes"})
    assert given.status_code == 303
    pages = sorted(p.name for p in (tmp_path / "published" / REVIEW).iterdir())
    assert pages == [f"saq.{lang}.html" for lang in ("ar", "en", "es", "fr", "ru", "zh")]
    arabic = (tmp_path / "published" / REVIEW / "saq.ar.html").read_text(encoding="utf-8")
    assert 'dir="rtl"' in arabic and "نيجيريا" in arabic
    public = rig.client().get(f"/published/{REVIEW}/questionnaire/fr")
    assert public.status_code == 200 and "Incrimination du blanchiment" in public.text
    withdrawn = fp.post(URL + "/consent", data={"csrf": csrf_of(fp.get(URL).text), "consent": "no"})
    assert withdrawn.status_code == 303
    assert not (tmp_path / "published" / REVIEW).exists()
    assert rig.client().get(f"/published/{REVIEW}/questionnaire/fr").status_code == 404


def test_each_questionnaire_action_is_in_the_audit_log_with_who_and_the_review(
    rig, tmp_path, monkeypatch
):
    from sqlalchemy import select

    from untoc_workflow.portal.tables import PortalActionRow

    from .conftest import pdf_bytes

    monkeypatch.setenv("UNTOC_PUBLISHED_DIR", str(tmp_path / "published"))
    fp = rig.sign_in(PEOPLE["fp_nga"])
    page = fp.get(URL + "?section=art5").text
    data = {"csrf": csrf_of(page), "action": "save", "section": "art5", "a5_agreement": "yes"}
    assert fp.post(URL, data=data).status_code == 303
    attached = fp.post(
        URL + "/documents",
        data={"csrf": csrf_of(page), "question": "a5_provisions"},
        files={"file": ("code.pdf", pdf_bytes("the criminal code"), "application/pdf")},
    )
    assert attached.status_code == 303
    assert submit_saq(fp).status_code == 303
    consent = {"csrf": csrf_of(fp.get(URL).text), "consent": "yes"}
    assert fp.post(URL + "/consent", data=consent).status_code == 303
    table = PortalActionRow.__table__
    with rig.store.engine.connect() as conn:
        rows = conn.execute(
            select(table.c.action, table.c.who, table.c.review_id, table.c.detail)
            .where(table.c.action.like("questionnaire_%"))
            .order_by(table.c.id)
        ).all()
    assert [(r.action, r.who, r.review_id) for r in rows] == [
        (action, PEOPLE["fp_nga"], REVIEW)
        for action in (
            "questionnaire_saved",
            "questionnaire_document",
            "questionnaire_submitted",
            "questionnaire_consent",
        )
    ]
    assert rows[0].detail == "saq 1 answers" and rows[1].detail.startswith("a5_provisions: ")
    assert [r.detail for r in rows[2:]] == ["saq", "saq: given"]


@pytest.fixture
def untoc(any_rig, monkeypatch, tmp_path):
    """`untoc ...` on the portal's own store."""
    from typer.testing import CliRunner

    from untoc_workflow.cli import app

    url = any_rig.store.engine.url.render_as_string(hide_password=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("UNTOC_DATABASE_URL", url)
    monkeypatch.delenv("UNTOC_PROCESS_DEFS", raising=False)
    runner = CliRunner()

    def run(*args: str, code: int = 0):
        result = runner.invoke(app, list(args), catch_exceptions=False)
        assert result.exit_code == code, result.output
        return result

    return run


def test_statistics_count_the_submitted_answers_only(any_rig, untoc):
    import json

    rig = any_rig
    submit_saq(rig.sign_in(PEOPLE["fp_nga"]))
    french = dict(
        ANSWERS,
        a6_prosecutions="30",
        a6_ta="no",
        a15_consulted="no",
        a6_predicates=["art5", "art8"],
    )
    del french["a15_consultations"], french["ta_forms"]
    fra = rig.sign_in(PEOPLE["fp_fra"])
    page = fra.get("/reviews/C1-G1-FRA/questionnaire").text
    sent = fra.post(
        "/reviews/C1-G1-FRA/questionnaire",
        data=_fields(french, csrf=csrf_of(page), action="submit", section="*"),
    )
    assert sent.status_code == 303, sent.text
    gha = rig.sign_in(PEOPLE["fp_gha"])  # a draft is not counted
    page = gha.get("/reviews/C1-G1-GHA/questionnaire").text
    gha.post(
        "/reviews/C1-G1-GHA/questionnaire",
        data={"csrf": csrf_of(page), "action": "save", "a6_prosecutions": "1000"},
    )

    result = json.loads(
        untoc(
            "questionnaire",
            "statistics",
            "--process",
            "country_review",
            "--step",
            "saq",
            "--format",
            "json",
        ).stdout
    )
    assert result["responses"] == 2
    assert result["questions"]["a6_prosecutions"] == {
        "answered": 2,
        "count": 2,
        "min": 12,
        "median": 21,
        "max": 30,
    }
    assert result["questions"]["a6_predicates"]["choices"] == {
        "all_serious": 1,
        "art5": 1,
        "art8": 1,
        "art23": 0,
        "foreign": 1,
    }
    assert result["questions"]["a15_consultations"]["answered"] == 1
    assert result["technical_assistance"]["art6"] == 1
    by = json.loads(
        untoc(
            "questionnaire",
            "statistics",
            "--process",
            "country_review",
            "--step",
            "saq",
            "--by",
            "regional_group",
            "--format",
            "json",
        ).stdout
    )
    assert by["by"]["WEOG"]["responses"] == 2
    csv_text = untoc(
        "questionnaire",
        "statistics",
        "--process",
        "country_review",
        "--step",
        "saq",
        "--by",
        "group",
        "--format",
        "csv",
    ).stdout
    assert "all,a6_predicates,choice:art5,1" in csv_text
    assert "cluster 1 group 1,a6_prosecutions,median,21" in csv_text
    untoc(
        "questionnaire",
        "statistics",
        "--process",
        "country_review",
        "--step",
        "saq",
        "--format",
        "html",
        "--out",
        "stats",
    )
    page = (Path("stats") / "index.html").read_text(encoding="utf-8")
    assert "<strong id='responses'>2</strong>" in page
    assert (Path("stats") / "a6_predicates.png").read_bytes()[:4] == b"\x89PNG"
    answers = json.loads(untoc("questionnaire", "answers", "--review", "C1-G1-FRA").stdout)
    assert answers["a6_prosecutions"] == 30 and answers["a6_predicates"] == ["art5", "art8"]
    refused = untoc(
        "questionnaire",
        "statistics",
        "--process",
        "country_review",
        "--step",
        "written_feedback",
        "--format",
        "json",
        code=1,
    )
    assert "has no questionnaire at step 'written_feedback'" in refused.output


def test_export_and_import_keep_the_answers_feedback_and_consent(
    any_rig, untoc, monkeypatch, tmp_path
):
    rig = any_rig
    monkeypatch.setenv("UNTOC_PUBLISHED_DIR", str(tmp_path / "published"))
    fp = rig.sign_in(PEOPLE["fp_nga"])
    submit_saq(fp)
    fp.post(URL + "/consent", data={"csrf": csrf_of(fp.get(URL).text), "consent": "yes"})
    gha = rig.sign_in(PEOPLE["fp_gha"])
    gha.post(
        URL,
        data={
            "csrf": csrf_of(gha.get(URL).text),
            "action": "save_feedback",
            "a5_ta": "Which assistance?",
        },
    )
    with rig.store.engine.connect() as conn:
        before = responses.every_response(conn)
    assert [(r.kind, r.party, r.status) for r in before] == [
        ("answers", "NGA", "submitted"),
        ("feedback", "GHA", "draft"),
    ]
    # JSON: a YAML export of this store writes an alias the import refuses (the shared
    # `languages` list of two consultations), which is the store's export to mend
    for name in ("moved.json",):
        untoc("export", name)
        assert '"questionnaires"' in Path(name).read_text(encoding="utf-8")
        # into the other kind of database: SQLite from PostgreSQL, a new SQLite file from SQLite
        other = f"sqlite:///{tmp_path / (name + '.db')}"
        monkeypatch.setenv("UNTOC_DATABASE_URL", other)
        untoc("import", name)
        untoc("import", name)  # twice: nothing more
        from untoc_workflow.store import open_store

        moved = open_store(other)
        try:
            with moved.engine.connect() as conn:
                after = responses.every_response(conn)
        finally:
            moved.close()
        assert after == before
        answers = json.loads(untoc("questionnaire", "answers", "--review", REVIEW).stdout)
        assert answers["a6_prosecutions"] == 12
        monkeypatch.setenv(
            "UNTOC_DATABASE_URL", rig.store.engine.url.render_as_string(hide_password=False)
        )


def test_the_draft_list_of_observations_holds_the_feedback_and_flags_assistance(any_rig, untoc):
    rig = any_rig
    submit_saq(rig.sign_in(PEOPLE["fp_nga"]))
    gha = rig.sign_in(PEOPLE["fp_gha"])
    sent = gha.post(
        URL,
        data={
            "csrf": csrf_of(gha.get(URL).text),
            "action": "submit_feedback",
            "a6_prosecutions": "How many ended in a conviction?",
        },
    )
    assert sent.status_code == 303
    deu = rig.sign_in(PEOPLE["fp_deu"])  # a draft is not in the list
    deu.post(
        URL,
        data={
            "csrf": csrf_of(deu.get(URL).text),
            "action": "save_feedback",
            "a8_active": "Draft only",
        },
    )
    found = json.loads(untoc("questionnaire", "observations", "--review", REVIEW).stdout)
    sections = {s["section"]: s for s in found[0]["sections"]}
    assert sections["art6"]["technical_assistance_needed"] is True
    assert sections["art5"]["technical_assistance_needed"] is False
    assert sections["art6"]["observations"] == [
        {
            "question": "a6_prosecutions",
            "label": sections["art6"]["observations"][0]["label"],
            "answer": "12",
            "feedback": [{"party": "GHA", "text": "How many ended in a conviction?"}],
        }
    ]
    assert sections["art8"]["observations"] == []
    french = json.loads(
        untoc("questionnaire", "observations", "--review", REVIEW, "--lang", "fr").stdout
    )
    assert french[0]["sections"][2]["title"].startswith("Article 6. Incrimination du blanchiment")


def test_a_supporting_document_is_attached_to_a_question_and_read_with_the_answers(rig):
    from .conftest import pdf_bytes

    fp = rig.sign_in(PEOPLE["fp_nga"])
    page = fp.get(URL + "?section=art5").text
    attached = fp.post(
        URL + "/documents",
        data={"csrf": csrf_of(page), "question": "a5_provisions"},
        files={"file": ("Code pénal.pdf", pdf_bytes("the criminal code"), "application/pdf")},
    )
    assert attached.status_code == 303 and "section=art5" in attached.headers["location"]
    page = fp.get(URL + "?section=art5").text
    link = re.search(
        r'href="(/reviews/C1-G1-NGA/questionnaire/documents/[0-9a-f]{64})">Code pénal.pdf<', page
    )
    assert link, page
    refused = fp.post(
        URL + "/documents",
        data={"csrf": csrf_of(page), "question": "a5_provisions"},
        files={"file": ("run.exe", b"MZ\x90\x00 not a document", "application/octet-stream")},
    )
    assert refused.status_code == 415
    reviewer = rig.sign_in(PEOPLE["fp_gha"])
    assert reviewer.get(link.group(1)).status_code == 404  # a draft's document: not yet
    assert submit_saq(fp).status_code == 303
    with rig.store.engine.connect() as conn:
        kept = responses.find(conn, REVIEW, "saq", "answers", "NGA")
    assert [d["name"] for d in kept.answers["_documents"]["a5_provisions"]] == ["Code pénal.pdf"]
    facts = [
        e
        for e in rig.store.snapshot(rig.app.state.portal.today()).events
        if e.type == "saq_submitted"
    ]
    assert digest(kept.answers) in facts[0].note  # the hash covers the document's own
    assert link.group(1) in reviewer.get(URL).text
    got = reviewer.get(link.group(1))
    assert got.status_code == 200 and b"the criminal code" in got.content
    assert rig.sign_in(PEOPLE["fp_fra"]).get(link.group(1)).status_code == 404
    from untoc_workflow.definitions.load import BUNDLED_DEFS
    from untoc_workflow.questionnaire.form import read_form
    from untoc_workflow.questionnaire.statistics import count

    form = read_form(BUNDLED_DEFS / "questionnaires" / "saq_cluster1.xlsx")
    counted = count(form, [kept.answers])
    assert "_documents" not in counted["questions"]
    assert counted["questions"]["a5_provisions"]["answered"] == 1


def test_the_review_page_links_to_its_questionnaire_in_the_page_language(rig):
    fp = rig.sign_in(PEOPLE["fp_nga"])
    page = fp.get(f"/reviews/{REVIEW}?lang=fr").text
    found = re.search(r'<p id="questionnaire"><a href="([^"]+)">([^<]+)</a>', page)
    assert found and found.group(1) == URL
    assert html.unescape(found.group(2)) == "Questionnaire d'auto-évaluation: réponses en ligne"


def test_the_secretariat_submits_a_reviewers_feedback_received_by_email_on_its_behalf(rig):
    submit_saq(rig.sign_in(PEOPLE["fp_nga"]))
    secretariat = rig.sign_in(SECRETARIAT)
    page = secretariat.get(URL + "?party=DEU").text
    assert 'name="party" value="DEU"' in page
    sent = secretariat.post(
        URL,
        data={
            "csrf": csrf_of(page),
            "action": "submit_feedback",
            "party": "DEU",
            "a8_foreign": "Received by email from Germany",
        },
    )
    assert sent.status_code == 303
    with rig.store.engine.connect() as conn:
        kept = responses.find(conn, REVIEW, "saq", "feedback", "DEU")
    assert kept.submitted and kept.submitted_by == SECRETARIAT
    state = rig.app.state.portal.view.state(REVIEW)
    assert state.step("written_feedback").waiting_for == ("GHA",)
    # a Party that does not review NGA cannot be named
    refused = secretariat.post(
        URL, data={"csrf": csrf_of(page), "action": "submit_feedback", "party": "FRA"}
    )
    assert refused.status_code == 403


@pytest.mark.postgres
def test_a_store_moved_from_sqlite_to_postgresql_keeps_the_answers(
    rig, pg_url, monkeypatch, tmp_path
):
    from typer.testing import CliRunner

    from untoc_workflow.cli import app
    from untoc_workflow.store import open_store

    submit_saq(rig.sign_in(PEOPLE["fp_nga"]))
    with rig.store.engine.connect() as conn:
        before = responses.every_response(conn)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    monkeypatch.setenv(
        "UNTOC_DATABASE_URL", rig.store.engine.url.render_as_string(hide_password=False)
    )
    assert runner.invoke(app, ["export", "moved.json"]).exit_code == 0
    monkeypatch.setenv("UNTOC_DATABASE_URL", pg_url)
    done = runner.invoke(app, ["import", "moved.json"])
    assert done.exit_code == 0, done.output
    moved = open_store(pg_url)
    try:
        with moved.engine.connect() as conn:
            assert responses.every_response(conn) == before
    finally:
        moved.close()
