"""The peer assessment of the Silk Road Council against Organized Crime (this folder): a
third body, its folder added to the bundled processes, run by the commands as its clerk in
Tashkent runs them. What it uses that neither UNTOC nor the integrity review uses is in the
README beside this file."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.processes.conftest import letters, text_of

HERE = Path(__file__).parent
AS_OF = "2026-11-30"


@pytest.fixture()
def src_cli(untoc_cli, tmp_path):
    """`untoc ...` with the Council's folder added to the bundled definitions, its members
    imported as of 30 November 2026 (SQLite, then PostgreSQL)."""
    cli = untoc_cli(
        None,
        UNTOC_PROCESS_DEFS=str(HERE),
        UNTOC_OUTBOX_DIR=str(tmp_path / "outbox"),
    )
    cli("import", str(HERE / "members.yaml"), "--as-of", AS_OF)
    return cli


def states(cli, as_of: str = AS_OF) -> dict[str, dict]:
    out = cli("status", "--as-of", as_of, "--format", "json").stdout
    return {s["review"]: s for s in json.loads(out)}


def steps_of(state: dict) -> dict[str, dict]:
    return {s["step"]: s for s in state["steps"]}


def exported(cli) -> dict:
    cli("export", "store.json")
    return json.loads(Path("store.json").read_text(encoding="utf-8"))


def test_a_second_import_adds_nothing_and_a_clerks_mistakes_are_refused_where_written(src_cli):
    again = src_cli("import", str(HERE / "members.yaml"), "--as-of", AS_OF).output
    assert "events: 0 added, 73 already stored" in again
    before = exported(src_cli)
    err = src_cli("import", str(HERE / "mistakes.yaml"), "--as-of", AS_OF, code=1).output
    assert "mistakes.yaml:5: reviews[0].process: no process definition peer_asessment@1" in err
    assert "mistakes.yaml:7: events[0].step: peer_assessment@1 has no step 'statistic_annex'" in err
    assert "(did you mean 'statistics_annex'?)" in err
    assert "mistakes.yaml:8: events[1].on: '01/12/2025' is not a date; write YYYY-MM-DD" in err
    assert "mistakes.yaml:9: events[2].party: unknown party 'KZA'" in err
    assert exported(src_cli) == before


def test_the_steps_follow_the_councils_own_rules(src_cli):
    found = states(src_cli)
    assert len(found) == 12
    assert {s["process"] for s in found.values()} == {"peer_assessment"}
    # the desk analysis waits for both submissions: Oman's statistical annex never came
    omn = steps_of(found["SRC-1-2-OMN"])
    assert omn["self_assessment"]["status"] == "completed"
    assert omn["statistics_annex"]["days_overdue"] == 699
    assert omn["assessors_analysis"]["status"] == "not_started"
    # waived for Egypt by a Council decision: its analysis started on the waiver, the later
    egy = steps_of(found["SRC-1-1-EGY"])
    assert egy["statistics_annex"]["status"] == "waived"
    # of the two (the self-assessment came on 2 December)
    assert egy["assessors_analysis"]["started_on"] == "2024-12-05"
    # the date agreed at the inception meeting, and a Council decision's extension
    kaz = steps_of(found["SRC-1-1-KAZ"])
    assert kaz["self_assessment"]["deadline"] == {"due": "2024-09-30", "source": "agreed"}
    uzb = found["SRC-1-1-UZB"]
    assert uzb["next_deadline"]["source"] == "extended"
    assert uzb["days_overdue"] == 518
    # the on-site visit runs only where the State invited one, and is late in Pakistan
    pak = steps_of(found["SRC-1-2-PAK"])
    assert pak["onsite_visit"]["started_on"] == "2025-06-02"
    assert pak["onsite_visit"]["days_overdue"] == 454
    assert steps_of(found["SRC-1-1-CHN"])["onsite_visit"]["status"] == "skipped"
    # every coordinator of Pakistan's review was named before it began on 2 September 2024:
    # the first step is done on that day, never before it started
    coordinators = pak["national_coordinators"]
    assert coordinators["started_on"] == coordinators["completed_on"] == "2024-09-02"
    # three assessing States, and one with no coordinator holds up Qatar's review
    qat = found["SRC-1-2-QAT"]
    assert len(qat["reviewers"]) == 3
    assert qat["parties_without_focal_point"] == ["TKM"]


def test_the_implementation_reports_after_the_adoption_are_chased(src_cli):
    """The Council adopts the report (the last stage), then asks a yearly implementation
    report (an optional, repeating step): the first one is late in Kazakhstan, not skipped
    because the review reached its last stage."""
    found = states(src_cli)
    kaz = found["SRC-1-1-KAZ"]
    assert kaz["stage"] == "adopted"
    first = steps_of(kaz)["implementation_report_1"]
    assert first["status"] == "open"
    assert first["deadline"]["due"] == "2026-11-20"
    assert first["days_overdue"] == 10
    assert kaz["waiting_for"] == ["KAZ"]
    chn = steps_of(found["SRC-1-1-CHN"])
    assert chn["implementation_report_1"]["status"] == "completed"
    assert chn["implementation_report_2"]["status"] == "open"


def test_the_report_counts_the_councils_reviews_by_its_own_figures(src_cli):
    report = json.loads(src_cli("report", "--as-of", AS_OF).stdout)
    assert {f["process"] for f in report["figures"].values()} == {"peer_assessment"}
    assert report["figures"]["preliminary_consultations"]["step"] == "inception_meeting"
    assert report["preliminary_consultations"]["held"] == 10
    assert report["experts"] == {"persons": 14, "women": 6, "women_share": 6 / 14, "parties": 5}
    assert report["questionnaires"]["submitted"] == 8
    assert report["questionnaires"]["lateness"]["on_time"] == 2
    # only the Council's stages: none of the country review's
    assert list(report["reviews"]["by_stage"]) == [
        "not_initiated",
        "self_assessment",
        "analysis",
        "drafting",
        "agreed",
        "adopted",
    ]
    # the next cycle's rule as `untoc clusters` states it: 4 of 6 adopted, 60 % met
    progress = report["cluster_progress"]
    assert (progress["completed"], progress["total"], progress["threshold"]) == (4, 6, 0.6)
    assert progress["next_cluster_may_start"] is True
    clusters = src_cli("clusters", "--as-of", AS_OF).output
    assert "4 of 6 reviews of group 1 complete (66.7 %); threshold 60 %" in clusters


@pytest.mark.parametrize(("lang", "words"), [("en", "(60 % rule)"), ("ru", "(правило 60 %)")])
def test_the_page_states_the_councils_threshold(src_cli, tmp_path, lang, words):
    src_cli("report", "--as-of", AS_OF, "--format", "html", "--lang", lang, "--out", "page")
    page = (tmp_path / "page" / "index.html").read_text(encoding="utf-8")
    assert words in page
    assert "70" not in re.sub(r"<[^>]+>", " ", page.split("</style>")[-1])


@pytest.mark.parametrize(
    ("lang", "own", "untoc"),
    [
        (
            "en",
            [
                "Figure III. Inception meeting, by group",
                "Self-assessment: submissions received",
                "Assessors designated: persons",
                "Figure VII. Desk analysis by the assessing"
                " States: delays against the agreed schedule",
                "Self-assessment received",
            ],
            [
                "preliminary consultation",
                "questionnaire",
                "written feedback",
                "Governmental experts",
                "country review",
                "Self assessment",
            ],
        ),
        (
            "zh",
            ["图 III. 启动会议（按组别分列）", "图 II. 同行评估（按阶段和组别分列）"],
            ["初步磋商", "自评调查表", "书面反馈", "国别审议"],
        ),
    ],
)
def test_the_page_names_each_figure_by_the_councils_own_step(src_cli, tmp_path, lang, own, untoc):
    """Figures III-VII count the Council's inception meeting, self-assessment and desk
    analysis: the page names them so, never by UNTOC's preliminary consultation,
    questionnaires or written feedback, and figure II's stages by the Council's titles."""
    src_cli("report", "--as-of", AS_OF, "--format", "html", "--lang", lang, "--out", "page")
    page = (tmp_path / "page" / "index.html").read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.split("</style>")[-1]))
    missing = [words for words in own if words not in text]
    assert not missing, missing
    untoc_words = [words for words in untoc if words in text]
    assert not untoc_words, untoc_words


def test_the_opening_letters_are_the_councils_and_their_figures_are_the_status(src_cli, tmp_path):
    src_cli("sweep", "--as-of", AS_OF)
    opening = letters(tmp_path, AS_OF)
    assert len(opening) == 15, sorted(opening)
    dated = {
        "en": "Tashkent, 30 November 2026",
        "ru": "Ташкент, 30 ноября 2026 года",
        "ar": "طشقند، 30 تشرين الثاني/نوفمبر 2026",
        "zh": "2026年11月30日于塔什干",
        "fr": "Tachkent, le 30 novembre 2026",
    }
    overdue = {
        (review, s["step"]): s["days_overdue"]
        for review, state in states(src_cli).items()
        for s in state["steps"]
        if s["days_overdue"]
    }
    # each review is headed by the Council's word for it, never the lexicon's "review"
    headed = {
        "en": ("Peer assessment", "Review"),
        "ru": ("Взаимная оценка", "Обзор"),
        "ar": ("تقييم الأقران", "الاستعراض"),
        "zh": ("同行评估", "审议"),
        "fr": ("Exercice d'évaluation par les pairs", "Examen"),
    }
    seen = set()
    checked = 0
    notes: list[str] = []
    for name, message in opening.items():
        language = message["Content-Language"]
        seen.add(language)
        text = text_of(message)
        assert message["Subject"].startswith("[SRCOC] "), name
        assert dated[language] in text.splitlines(), (name, text)
        for untoc_word in ("UNTOC", "Vienna", "State party", "Conference", "UNODC", "CTOC"):
            assert untoc_word not in text, (name, untoc_word)
        if "_opening_mission." in name:
            # a note verbale of the Council's secretariat, numbered in the Council's series
            numbers = re.findall(r"^SRCOC/2026/\d+$", text, re.M)
            assert len(numbers) == 1, (name, text[:300])
            notes.append(numbers[0])
        if "_message_" in name:
            # the secretariat's own summary, to the Council's secretariat by its name
            assert (
                message["To"].addresses[0].display_name == message["From"].addresses[0].display_name
            )
            assert "Silk Road Council" in message["To"].addresses[0].display_name
            continue
        own, generic = headed[language]
        heads = re.findall(r"^\d+\. (.+?) \u2068?SRC-", text, re.M)  # ar: the id isolated
        assert heads and set(heads) == {own}, (name, heads)
        assert not re.search(rf"^\d+\. {generic} ", text, re.M), name
        if language == "en":
            # every "N days overdue" is the status of that review's step on the letter's date
            review = None
            for line in text.splitlines():
                head = re.match(r"\d+\. Peer assessment (\S+),", line)
                review = head[1] if head else review
                late = re.search(r"(\d+) days? overdue", line)
                if late and review:
                    assert int(late[1]) in {d for (r, _), d in overdue.items() if r == review}
                    checked += 1
        if language == "zh":
            # the review's page and the closing line say nothing of "审议" (a review)
            assert "审议" not in text, name
    assert checked >= 5, checked
    assert sorted(notes) == ["SRCOC/2026/1", "SRCOC/2026/2"], notes
    assert {"en", "ru", "ar", "zh"} <= seen
    kazakhstan = next(m for n, m in opening.items() if "a.nurlanov" in n)
    assert "Доклад об осуществлении (1/3)" in text_of(kazakhstan)


def test_the_secretariat_keeps_the_working_days_of_tashkent(src_cli):
    navruz = src_cli("sweep", "--as-of", "2025-03-21").output
    assert "2025-03-21 is not a working day (Navruz)" in navruz
    beyond = src_cli("sweep", "--as-of", "2028-03-01", code=1).output
    assert "calendar.yaml: the working-day calendar declares the years 2024-2027" in beyond
    assert "add that year's official holidays to the calendar 'tashkent'" in beyond
    assert "Vienna" not in beyond


def test_the_forecast_needs_no_process_named_when_the_store_holds_the_councils_alone(src_cli):
    out = src_cli("forecast", "--as-of", AS_OF, "--runs", "50").output
    assert "group 1 reaches 60% (4 reviews) on 2026-11-30" in out
    assert "8 open review(s) of peer_assessment forecast (cluster 1):" in out


def test_a_council_decision_moves_deadlines_and_the_report_keeps_its_threshold(src_cli):
    decision = str(HERE / "council_decisions" / "council_5_3.yaml")
    out = src_cli("decide", decision, "--as-of", "2026-12-05").output
    assert "recorded 5 events" in out
    found = states(src_cli, "2026-12-05")
    assert steps_of(found["SRC-1-2-DZA"])["statistics_annex"]["status"] == "waived"
    due = steps_of(found["SRC-1-2-QAT"])["self_assessment"]["deadline"]
    assert (due["due"], due["source"], due["decision"]) == ("2027-03-31", "extended", "SRCOC-5/3")
    # the Council raised the threshold to 75 %: 4 of 6 no longer lets the next cycle start,
    # in `clusters` and in the report alike
    clusters = src_cli("clusters", "--as-of", "2026-12-05").output
    assert "threshold 75 % (decision SRCOC-5/3): not met" in clusters
    report = json.loads(src_cli("report", "--as-of", "2026-12-05").stdout)
    assert report["cluster_progress"]["threshold"] == 0.75
    assert report["cluster_progress"]["next_cluster_may_start"] is False
    before = json.loads(src_cli("report", "--as-of", "2026-11-19").stdout)
    assert before["cluster_progress"]["next_cluster_may_start"] is True


@pytest.mark.parametrize(
    ("lang", "mechanism"),
    [
        ("ru", "Механизм взаимной оценки Совета Шелкового пути"),
        ("ar", "آلية تقييم الأقران لمجلس طريق الحرير"),
        ("en", "Peer Assessment Mechanism of the Silk Road Council"),
    ],
)
def test_the_portal_signs_in_the_councils_focal_points_in_its_words(src_cli, lang, mechanism):
    """A store that holds the Council's reviews alone: the sign-in page a focal point
    opens names the Council's mechanism and secretariat, not UNTOC's."""
    from fastapi.testclient import TestClient

    from untoc_workflow.definitions import load_definitions
    from untoc_workflow.portal import create_app
    from untoc_workflow.portal.config import load_portal_settings
    from untoc_workflow.settings import load_settings
    from untoc_workflow.store import open_store

    project = load_settings()
    store = open_store(project.database_url)
    try:
        definition = load_definitions(project.definitions_folders)
        app = create_app(store, definition, load_portal_settings(), project)
        with TestClient(app, base_url="http://127.0.0.1") as client:
            page = client.get(f"/login?lang={lang}").text
    finally:
        store.close()
    assert mechanism in page
    assert "SRCOC" in page
    for untoc_word in ("UNTOC", "Transnational Organized Crime", "Office on Drugs and Crime"):
        assert untoc_word not in page


def test_the_monthly_summary_to_a_mission_is_the_councils_note_in_its_words(src_cli, tmp_path):
    """Kazakhstan's mission reads in Russian of the Council's peer assessments (its
    genitive, `review_gen_other`), not of UNTOC's country reviews, in a note numbered in the
    Council's series."""
    src_cli("digest", "--as-of", "2026-12-01")
    summaries = letters(tmp_path, "2026-12-01")
    kazakhstan = next(m for n, m in summaries.items() if "_digest_mission.kaz" in n)
    text = text_of(kazakhstan)
    assert kazakhstan["Subject"] == (
        "[SRCOC] Ежемесячная сводка о ходе взаимных оценок с участием Казахстана, декабрь 2026 года"
    )
    assert "в рамках взаимных оценок с участием Казахстана" in text
    assert "страновы" not in text + kazakhstan["Subject"]
    assert re.search(r"^SRCOC/2026/\d+$", text, re.M), text[:300]
    assert "CTOC" not in text
