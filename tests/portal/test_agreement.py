"""A step is completed from the portal only when everyone it waits for has given what it
needs, as the review's own process declares it (`documents:` of a step): the list of
observations is agreed by the reviewed Party and every reviewer; a document given for an
earlier step does not count; any process's steps (UNCAC's, a mutual evaluation's) complete
the same way. On SQLite and PostgreSQL."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import yaml

from untoc_workflow.yamlsource import Located

from .conftest import PEOPLE, csrf_of, docx_bytes, make_rig, pdf_bytes

REPO = Path(__file__).resolve().parents[2]


def _close(rig):
    for c in rig.clients:
        c.close()
    rig.store.close()


def _upload(browser, review, kind, content, name="doc.pdf", mime="application/pdf", **extra):
    token = csrf_of(browser.get(f"/reviews/{review}").text)
    return browser.post(
        f"/reviews/{review}/documents",
        data={"kind": kind, "csrf": token, **extra},
        files={"file": (name, content, mime)},
    )


def _facts(rig, kind):
    return [e for e in rig.store.snapshot().events if e.type == kind]


def _import(rig, events):
    rig.store.import_document(Located({"format": "untoc-mechanism/1", "events": events}, "t", {}))


def _to_observations(rig, on="2023-02-15"):
    _import(
        rig,
        [
            {"on": "2023-02-01", "type": "saq_submitted", "review": "C1-G1-NGA"},
            *(
                {"on": on, "type": "written_feedback_submitted", "review": "C1-G1-NGA", "party": p}
                for p in ("GHA", "DEU")
            ),
        ],
    )


def test_the_list_of_observations_needs_the_reviewed_party_and_every_reviewer(any_rig):
    rig = any_rig
    _to_observations(rig)
    view = rig.app.state.portal.view
    assert view.state("C1-G1-NGA").stage == "observations"
    nga = rig.sign_in(PEOPLE["fp_nga"])
    for kind in ("observations", "summary"):
        answer = _upload(nga, "C1-G1-NGA", kind, pdf_bytes(kind))
        assert answer.headers["location"].endswith("done=uploaded"), kind
    # the reviewed Party alone does not close the list: its reviewers have not agreed
    assert not _facts(rig, "observations_agreed")
    assert view.state("C1-G1-NGA").stage == "observations"
    gha = rig.sign_in(PEOPLE["fp_gha"])
    assert (
        _upload(gha, "C1-G1-NGA", "observations", docx_bytes(), "gha.docx")
        .headers["location"]
        .endswith("done=uploaded")
    )
    assert not _facts(rig, "observations_agreed")
    # a reviewer may not give the reviewed Party's summary
    assert _upload(gha, "C1-G1-NGA", "summary", pdf_bytes("x")).status_code == 403
    deu = rig.sign_in(PEOPLE["fp_deu"])
    last = _upload(deu, "C1-G1-NGA", "observations", pdf_bytes("Germany agrees"))
    assert last.headers["location"].endswith("done=recorded")
    agreed = _facts(rig, "observations_agreed")
    assert len(agreed) == 1 and PEOPLE["fp_deu"] in agreed[0].note
    assert view.state("C1-G1-NGA").stage == "completed"


def test_a_summary_given_before_the_step_opened_does_not_count(any_rig):
    rig = any_rig
    nga = rig.sign_in(PEOPLE["fp_nga"])
    rig.clock.moment = datetime(2023, 1, 25, 9, 0)  # while the SAQ is awaited
    assert _upload(nga, "C1-G1-NGA", "summary", pdf_bytes("early")).status_code == 303
    rig.clock.moment = datetime(2023, 3, 1, 9, 0)
    _to_observations(rig)
    for browser, kind in (
        (nga, "observations"),
        (rig.sign_in(PEOPLE["fp_gha"]), "observations"),
        (rig.sign_in(PEOPLE["fp_deu"]), "observations"),
    ):
        assert (
            _upload(browser, "C1-G1-NGA", kind, pdf_bytes(kind))
            .headers["location"]
            .endswith("done=uploaded")
        )
    assert not _facts(rig, "observations_agreed")
    # the summary given now completes it
    done = _upload(nga, "C1-G1-NGA", "summary", pdf_bytes("now"))
    assert done.headers["location"].endswith("done=recorded")
    assert rig.app.state.portal.view.state("C1-G1-NGA").stage == "completed"


def test_the_secretariat_s_own_copy_completes_nothing(any_rig):
    rig = any_rig
    secretariat = rig.sign_in(PEOPLE["secretariat"])
    answer = _upload(secretariat, "C1-G1-NGA", "saq", pdf_bytes("copy"))
    assert answer.headers["location"].endswith("done=uploaded")
    assert not _facts(rig, "saq_submitted")
    named = _upload(secretariat, "C1-G1-NGA", "saq", pdf_bytes("by mail"), on_behalf_of="NGA")
    assert named.headers["location"].endswith("done=recorded")


def test_an_upload_completes_a_step_of_the_uncac_sample(tmp_path, mailbox, store_url):
    from untoc_workflow.definitions.load import BUNDLED_DEFS

    sample = REPO / "untoc_workflow" / "sample" / "uncac_mechanism.yaml"
    rig = make_rig(
        tmp_path,
        mailbox,
        url=store_url,
        mechanism=sample,
        process_defs=BUNDLED_DEFS,
        as_of=date(2024, 4, 1),
    )
    try:
        kenya = rig.sign_in("w.otieno@example.org")
        page = kenya.get("/reviews/IRM2-KEN").text
        assert 'value="checklist"' in page and 'value="saq"' not in page
        answer = _upload(kenya, "IRM2-KEN", "checklist", pdf_bytes("Kenya's responses"))
        assert answer.headers["location"].endswith("done=recorded")
        assert [e.review for e in _facts(rig, "checklist_submitted")] == ["IRM2-FIN", "IRM2-KEN"]
        step = rig.app.state.portal.view.state("IRM2-KEN").step("self_assessment")
        assert step.status == "completed"
        # a kind of another process is no kind of this review
        assert _upload(kenya, "IRM2-KEN", "saq", pdf_bytes("x")).status_code == 403
    finally:
        _close(rig)


def test_an_upload_completes_a_step_of_a_mutual_evaluation(
    tmp_path, mailbox, store_url, monkeypatch
):
    from untoc_workflow.definitions.load import BUNDLED_DEFS

    # a user's folder replaces the bundled one (for now): the bundled files and the process
    folder = tmp_path / "process_defs"
    shutil.copytree(BUNDLED_DEFS, folder)
    source = REPO / "tests" / "processes" / "mutual_evaluation"
    definition = yaml.safe_load((source / "mutual_evaluation.yaml").read_text(encoding="utf-8"))
    step = next(s for s in definition["steps"] if s["id"] == "technical_questionnaire")
    step["documents"] = {"technical_questionnaire": "reviewed"}
    (folder / "mutual_evaluation.yaml").write_text(
        yaml.safe_dump(definition, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    monkeypatch.setenv("UNTOC_PROCESS_DEFS", str(folder))
    rig = make_rig(
        tmp_path,
        mailbox,
        url=store_url,
        mechanism=source / "mechanism.yaml",
        process_defs=folder,
        as_of=date(2024, 3, 1),
    )
    try:
        morocco = rig.sign_in("y.alaoui@example.org")
        answer = _upload(morocco, "ME-MAR", "technical_questionnaire", pdf_bytes("Maroc"))
        assert answer.headers["location"].endswith("done=recorded")
        mine = [e for e in _facts(rig, "technical_questionnaire_submitted") if e.review == "ME-MAR"]
        assert len(mine) == 1 and "y.alaoui@example.org" in mine[0].note
        # its steps under its own titles, not those of another process's step of that id
        page = morocco.get("/reviews/ME-MAR?lang=en").text
        assert "Publication of the report" in page and "Publication of the summary" not in page
        state = rig.app.state.portal.view.state("ME-MAR")
        assert state.step("technical_questionnaire").status == "completed"
        # a reviewer of Morocco cannot give the reviewed Party's questionnaire
        austria = rig.sign_in("e.gruber@example.org")
        refused = _upload(austria, "ME-MAR", "technical_questionnaire", pdf_bytes("x"))
        assert refused.status_code == 403
    finally:
        _close(rig)
