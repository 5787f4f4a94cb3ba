"""Submitting documents: kept under their SHA-256 after a check of their content and size;
the SAQ answers complete the step through the event log, with who submitted them."""

from __future__ import annotations

import hashlib
from datetime import date, datetime

from sqlalchemy import select

from untoc_workflow.outbox.rows import insert_rows, new_row
from untoc_workflow.portal.tables import PortalActionRow, PortalDocumentRow

from .conftest import AS_OF, PEOPLE, SECRETARIAT, csrf_of, docx_bytes, pdf_bytes

DOCS = PortalDocumentRow.__table__


def _upload(browser, review, kind, name, content, mime="application/pdf"):
    token = csrf_of(browser.get(f"/reviews/{review}").text)
    return browser.post(
        f"/reviews/{review}/documents",
        data={"kind": kind, "csrf": token},
        files={"file": (name, content, mime)},
    )


def _stage(rig, review):
    return rig.app.state.portal.view.state(review).stage


def test_saq_answers_uploaded_by_the_focal_point_complete_the_step(rig):
    browser = rig.sign_in(PEOPLE["fp_nga"])
    assert _stage(rig, "C1-G1-NGA") == "questionnaire"
    content = pdf_bytes("Nigeria's answers")
    answer = _upload(browser, "C1-G1-NGA", "saq", "Réponses NGA.pdf", content)
    assert answer.status_code == 303 and answer.headers["location"].endswith("done=recorded")
    facts = [e for e in rig.store.snapshot().events if e.type == "saq_submitted"]
    assert len(facts) == 1
    assert facts[0].review == "C1-G1-NGA" and facts[0].on == AS_OF
    assert PEOPLE["fp_nga"] in facts[0].note
    assert hashlib.sha256(content).hexdigest() in facts[0].note
    assert _stage(rig, "C1-G1-NGA") == "written_feedback"
    page = browser.get("/reviews/C1-G1-NGA?done=recorded").text
    assert "the step is recorded as done" in page
    assert "Réponses NGA.pdf" in page
    digest = hashlib.sha256(content).hexdigest()
    assert (rig.documents / digest[:2] / f"{digest}.pdf").read_bytes() == content
    doc_id = page.split("/reviews/C1-G1-NGA/documents/")[1].split('"')[0]
    download = browser.get(f"/reviews/C1-G1-NGA/documents/{doc_id}")
    assert download.content == content
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["content-disposition"].startswith("attachment;")
    # a reviewer's feedback names its Party
    reviewer = rig.sign_in(PEOPLE["fp_gha"])
    assert (
        _upload(reviewer, "C1-G1-NGA", "written_feedback", "fb.docx", docx_bytes()).status_code
        == 303
    )
    feedback = [e for e in rig.store.snapshot().events if e.type == "written_feedback_submitted"]
    assert [(e.review, e.party) for e in feedback] == [("C1-G1-NGA", "GHA")]
    with rig.store.engine.connect() as conn:
        actions = [r.action for r in conn.execute(select(PortalActionRow.__table__))]
    assert actions.count("document_submitted") == 2 and "document_downloaded" in actions


def test_a_file_over_the_limit_is_refused_and_nothing_is_kept_or_recorded(rig):
    browser = rig.sign_in(PEOPLE["fp_nga"])
    big = pdf_bytes() + b"0" * (rig.settings.max_upload + 1)
    answer = _upload(browser, "C1-G1-NGA", "saq", "big.pdf", big)
    assert answer.status_code == 413
    assert not [e for e in rig.store.snapshot().events if e.type == "saq_submitted"]
    assert not list(rig.documents.glob("*/*.pdf"))
    # a body far over the limit is refused before it is read
    huge = _upload(browser, "C1-G1-NGA", "saq", "huge.pdf", big + b"0" * 200_000)
    assert huge.status_code == 413


def test_a_file_whose_content_is_not_a_document_is_refused_whatever_its_name(rig):
    browser = rig.sign_in(PEOPLE["fp_nga"])
    for name, content in (
        ("answers.pdf", b"<html><script>alert(1)</script></html>"),
        ("answers.docx", b"PK\x03\x04 not really a zip"),
        ("answers.pdf", b"MZ\x90\x00 an executable"),
    ):
        answer = _upload(browser, "C1-G1-NGA", "saq", name, content)
        assert answer.status_code == 415, name
        assert "not a PDF, Word (.docx) or OpenDocument" in answer.text
    assert not [e for e in rig.store.snapshot().events if e.type == "saq_submitted"]
    with rig.store.engine.connect() as conn:
        assert conn.execute(select(DOCS)).first() is None


def test_a_path_in_the_file_name_is_harmless(rig, tmp_path):
    browser = rig.sign_in(PEOPLE["fp_nga"])
    content = pdf_bytes("traversal")
    for name in ("../../../../tmp/evil.pdf", "..\\..\\windows\\evil.pdf", "/etc/passwd"):
        assert _upload(browser, "C1-G1-NGA", "summary", name, content).status_code == 303
    with rig.store.engine.connect() as conn:
        rows = list(conn.execute(select(DOCS)))
    assert [r.file_name for r in rows] == ["evil.pdf", "evil.pdf", "passwd.pdf"]
    digest = hashlib.sha256(content).hexdigest()
    assert {r.stored_as for r in rows} == {f"{digest[:2]}/{digest}.pdf"}
    kept = [p for p in rig.documents.rglob("*") if p.is_file()]
    assert kept == [rig.documents / digest[:2] / f"{digest}.pdf"]
    assert not (tmp_path.parent / "evil.pdf").exists()


def test_the_review_page_shows_steps_deadlines_sources_who_is_awaited_and_my_notices(rig):
    stamp = rig.clock()
    rows = [
        new_row(
            f"note-{who}",
            recipient=type("R", (), {"email": PEOPLE[who], "name": who})(),
            rendered=type("M", (), {"subject": f"Reminder for {who}", "text": "t", "html": "h"})(),
            language="en",
            sender="untoc.review@example.org",
            stamp=stamp,
            notice=f"note-{who}",
            kind="notice",
            review_id="C1-G1-NGA",
            step="saq",
            due_on=date(2023, 2, 28),
            found_on=date(2023, 2, 28),
            role="reviewed.focal_point",
        )
        for who in ("fp_nga", "fp_gha")
    ]
    with rig.store.engine.begin() as conn:
        insert_rows(conn, rows)
    page = rig.sign_in(PEOPLE["fp_nga"]).get("/reviews/C1-G1-NGA").text
    steps = page.split('id="steps"')[1].split("</table>")[0]
    assert "Self-assessment questionnaire" in steps
    assert "30 June 2023" in steps and "agreed at the preliminary consultation" in steps
    assert "set by the rules of the review" in steps
    saq_row = steps.split("Self-assessment questionnaire")[1].split("</tr>")[0]
    assert "Nigeria" in saq_row  # awaited from the reviewed Party
    assert "Reminder for fp_nga" in page and "Reminder for fp_gha" not in page


def test_the_reviewed_party_decides_whether_its_saq_answers_may_be_published(rig):
    browser = rig.sign_in(PEOPLE["fp_nga"])
    _upload(browser, "C1-G1-NGA", "saq", "saq.pdf", pdf_bytes("public?"))
    public = rig.client()
    assert public.get("/published/C1-G1-NGA/saq").status_code == 404
    page = browser.get("/reviews/C1-G1-NGA").text
    doc_id = page.split("/reviews/C1-G1-NGA/documents/")[1].split('"')[0]
    consent = f"/reviews/C1-G1-NGA/documents/{doc_id}/consent"
    assert browser.post(consent, data={"consent": "yes", "csrf": csrf_of(page)}).status_code == 303
    assert public.get("/published/C1-G1-NGA/saq").content == pdf_bytes("public?")
    # a reviewer may not decide for Nigeria
    reviewer = rig.sign_in(PEOPLE["fp_gha"])
    token = csrf_of(reviewer.get("/reviews/C1-G1-NGA").text)
    assert reviewer.post(consent, data={"consent": "no", "csrf": token}).status_code == 403
    browser.post(consent, data={"consent": "no", "csrf": csrf_of(page)})
    assert public.get("/published/C1-G1-NGA/saq").status_code == 404


def test_the_secretariat_uploads_a_reviewer_s_feedback_received_by_email(rig):
    from untoc_workflow.yamlsource import Located

    saq = {"on": "2023-02-01", "type": "saq_submitted", "review": "C1-G1-NGA"}
    rig.store.import_document(Located({"format": "untoc-mechanism/1", "events": [saq]}, "t", {}))
    secretariat = rig.sign_in(SECRETARIAT)
    page = secretariat.get("/reviews/C1-G1-NGA").text
    assert 'name="on_behalf_of"' in page
    answer = secretariat.post(
        "/reviews/C1-G1-NGA/documents",
        data={"kind": "written_feedback", "on_behalf_of": "DEU", "csrf": csrf_of(page)},
        files={"file": ("deu.pdf", pdf_bytes("Germany"), "application/pdf")},
    )
    assert answer.headers["location"].endswith("done=recorded")
    feedback = [e for e in rig.store.snapshot().events if e.type == "written_feedback_submitted"]
    assert [(e.party, SECRETARIAT in e.note) for e in feedback] == [("DEU", True)]
    # a Party that is not a reviewer here: kept as the secretariat's copy, nothing recorded
    stray = secretariat.post(
        "/reviews/C1-G1-NGA/documents",
        data={"kind": "written_feedback", "on_behalf_of": "FRA", "csrf": csrf_of(page)},
        files={"file": ("fra.pdf", pdf_bytes("France"), "application/pdf")},
    )
    assert stray.headers["location"].endswith("done=uploaded")
    # a focal point never gets the choice
    assert 'name="on_behalf_of"' not in rig.sign_in(PEOPLE["fp_gha"]).get("/reviews/C1-G1-NGA").text


def _message(key: str, who: str, subject: str, text: str, status: str, review_id=None):
    row = new_row(
        key,
        recipient=type("R", (), {"email": PEOPLE[who], "name": who})(),
        rendered=type("M", (), {"subject": subject, "text": text, "html": "h"})(),
        language="en",
        sender="untoc.review@example.org",
        stamp=AS_OF_STAMP,
        notice=key,
        kind="message",
        review_id=review_id,
        step=None,
        due_on=date(2023, 2, 28),
        found_on=date(2023, 2, 28),
        role="reviewed.focal_point",
    )
    row["status"] = status
    return row


AS_OF_STAMP = datetime(2023, 2, 28, 9, 0)


def test_the_notices_listed_are_those_sent_that_speak_of_the_review(rig):
    rows = [
        # the opening message lists every review of the Party: about several, it names each
        _message(
            "opening/2023-02-28/nga",
            "fp_nga",
            "Opening message",
            "1. Review C1-G1-FRA, France\n2. Review C1-G1-NGA, Nigeria\n",
            "sent",
        ),
        # another review whose id begins with this one's is not this review
        _message("other", "fp_nga", "About NGAX", "Review C1-G1-NGAX", "sent"),
        # an escalation held for the secretariat's approval, and a rejected one: not sent
        _message("held", "fp_nga", "Held escalation", "t", "awaiting_approval", "C1-G1-NGA"),
        _message("rejected", "fp_nga", "Rejected escalation", "t", "cancelled", "C1-G1-NGA"),
    ]
    with rig.store.engine.begin() as conn:
        insert_rows(conn, rows)
    browser = rig.sign_in(PEOPLE["fp_nga"])
    page = browser.get("/reviews/C1-G1-NGA").text
    notices = page.split("Notices sent to you")[1]
    assert "Opening message" in notices
    assert "No notice about this review has been sent to you." not in notices
    assert "About NGAX" not in notices
    assert "Held escalation" not in notices and "Rejected escalation" not in notices
    assert "Opening message" in browser.get("/reviews/C1-G1-FRA").text.split("Notices sent")[1]


def test_a_focal_point_s_form_forged_with_on_behalf_of_is_refused_and_nothing_kept(rig):
    browser = rig.sign_in(PEOPLE["fp_nga"])
    page = browser.get("/reviews/C1-G1-NGA").text
    answer = browser.post(
        "/reviews/C1-G1-NGA/documents",
        data={"kind": "saq", "on_behalf_of": "GHA", "csrf": csrf_of(page)},
        files={"file": ("saq.pdf", pdf_bytes("forged"), "application/pdf")},
    )
    assert answer.status_code == 403
    assert not [e for e in rig.store.snapshot().events if e.type == "saq_submitted"]
    with rig.store.engine.connect() as conn:
        assert not list(conn.execute(select(DOCS)))
    assert not [p for p in rig.documents.rglob("*") if p.is_file()]
    assert _stage(rig, "C1-G1-NGA") == "questionnaire"
