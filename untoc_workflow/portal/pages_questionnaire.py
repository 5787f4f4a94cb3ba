"""A review's questionnaire in the portal (shared/contracts/questionnaire.md): the reviewed
Party's focal point (or the secretariat on its behalf) answers it section by section,
saves drafts and submits; the reviewing Parties, experts and observers read the answers
question by question, and the reviewing Parties write their feedback beside each question.
Plain HTML forms: no script, right to left in Arabic."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from ..errors import InputError
from ..questionnaire import publish, responses
from ..questionnaire.answers import DOCUMENTS, from_form, is_shown, relevant_answers
from ..questionnaire.form import ARABIC_SCRIPT
from ..questionnaire.publish import shown_answer
from ..questionnaire.service import (
    AnswerSheet,
    ReviewQuestionnaire,
    keep_answers,
    questionnaires_of,
    save_draft,
    submit,
)
from ..questionnaire.service import current as current_questionnaire
from ..questionnaire.tables import ANSWERS, FEEDBACK
from ..questionnaire.wording import texts
from ..wording.words import local_party_name
from . import access
from .access import ReviewParties
from .audit import log_action
from .documents import UploadRefused, clean_name
from .identity import FOCAL_POINT, Identity
from .recording import record_event
from .visitors import Visitor, portal_of, signed_form, visitor
from .web import Portal, client_of, page_language

router = APIRouter()
MAX_FIELDS = 4000  # a 300-question questionnaire, a select_multiple's boxes, and a few more
ALL = "*"


@dataclass(frozen=True)
class Seen:
    """One request's view of a review's questionnaire."""

    portal: Portal
    current: Visitor
    who: Identity
    parties: ReviewParties
    rq: ReviewQuestionnaire
    state: Any


def _folder(portal: Portal) -> Any:
    from ..definitions.load import process_defs_dir

    return getattr(portal.project, "process_defs", None) or process_defs_dir()


def _seen(portal: Portal, current: Visitor, review_id: str) -> Seen:
    """The review's questionnaire for someone who may see the review; 404 otherwise."""
    parties = portal.view.parties(review_id)
    who = current.who
    if parties is None or who is None or not access.may_view(who, parties):
        raise HTTPException(status_code=404)
    review = portal.view.fold().snapshot.reviews.get(review_id)
    state = portal.view.state(review_id)
    found = questionnaires_of(portal.view.definition, review, _folder(portal))
    rq = current_questionnaire(found, state)
    if rq is None:
        raise HTTPException(status_code=404)
    return Seen(portal, current, who, parties, rq, state)


def answering_party(who: Identity, parties: ReviewParties) -> str | None:
    """The reviewed Party, for its focal point or the secretariat acting on its behalf."""
    if who.is_secretariat or parties.reviewed in who.parties(FOCAL_POINT):
        return parties.reviewed
    return None


def feedback_party(who: Identity, parties: ReviewParties, asked: str | None = None) -> str | None:
    """The reviewing Party whose feedback `who` writes: a focal point's own; for the
    secretariat, the reviewing Party it names."""
    if who.is_secretariat:
        return asked if asked in parties.reviewers else None
    mine = who.parties(FOCAL_POINT) & set(parties.reviewers)
    return sorted(mine)[0] if mine else None


def _feedback_open(seen: Seen, party: str | None) -> bool:
    step = seen.rq.feedback_step
    if step is None or party is None or seen.state is None:
        return False
    status = next((s for s in seen.state.steps if s.step == step.id), None)
    return status is not None and status.is_open and party in status.waiting_for


def _render(
    request: Request,
    seen: Seen,
    *,
    section: str | None = None,
    draft: dict[str, Any] | None = None,
    problems: dict[str, str] | None = None,
    message: str | None = None,
    errors: list[str] | None = None,
    status: int = 200,
) -> Response:
    portal, who, parties, rq = seen.portal, seen.who, seen.parties, seen.rq
    language = page_language(request, who)
    form_language = rq.form.language_for(language)
    with portal.view.store.engine.connect() as conn:
        kept = responses.of_review(conn, parties.review)
    mine = [r for r in kept if r.step == rq.step.id]
    answers_row = next((r for r in mine if r.kind == ANSWERS and r.party == parties.reviewed), None)
    submitted = answers_row is not None and answers_row.submitted
    party = answering_party(who, parties)
    editing = party is not None and not submitted
    fb_party = feedback_party(who, parties, request.query_params.get("party"))
    fb_row = next((r for r in mine if r.kind == FEEDBACK and r.party == fb_party), None)
    writing_feedback = (
        submitted and _feedback_open(seen, fb_party) and not (fb_row and fb_row.submitted)
    )
    values = draft if draft is not None else (answers_row.answers if answers_row else {})
    sections = rq.form.sections
    names = [s.name for s in sections]
    chosen = section if section is not None else request.query_params.get("section")
    if chosen not in names and chosen != ALL:
        chosen = names[0] if editing and len(names) > 1 else ALL
    shown = [s for s in sections if chosen == ALL or s.name == chosen]
    kept_values = relevant_answers(rq.form, values)
    submitted_feedback = [r for r in mine if r.kind == FEEDBACK and r.submitted]
    t = texts(form_language, rq.feedback_step)
    questions = [
        {
            "section": s,
            "items": [
                {
                    "q": q,
                    "label": q.label(form_language),
                    "hint": q.hint(form_language),
                    "value": values.get(q.name),
                    "shown": shown_answer(
                        rq.form, q.name, kept_values.get(q.name), form_language, t["no_answer"]
                    ),
                    "relevant": is_shown(q, kept_values),
                    "problem": (problems or {}).get(q.name),
                    "choices": [(c.name, c.label(form_language)) for c in q.choices],
                    "feedback": [
                        (r.party, r.answers.get(q.name))
                        for r in submitted_feedback
                        if r.answers.get(q.name)
                    ],
                    "my_feedback": (fb_row.answers.get(q.name, "") if fb_row else ""),
                    "documents": (values.get(DOCUMENTS) or {}).get(q.name, []),
                }
                for q in s.questions
            ],
        }
        for s in shown
    ]
    context = {
        "review": parties,
        # the step's title in the page's language (an XLSForm title has one language)
        "form_title": rq.step.label(form_language),
        "form_lang": form_language,
        "form_dir": "rtl" if form_language in ARABIC_SCRIPT else "ltr",
        "sections": [(s.name, s.label(form_language)) for s in sections if s.name],
        "chosen": chosen,
        "all": ALL,
        "questions": questions,
        "editing": editing,
        "submitted": submitted,
        "answers_row": answers_row,
        "writing_feedback": writing_feedback,
        "feedback_party": fb_party,
        "may_consent": submitted and access.may_give_consent(who, parties),
        "problems": problems or {},
        "errors": errors or [],
        "message": message,
        "t": t,
        "readable": submitted or editing,
        "attachable": [
            (q.name, q.label(form_language)) for s in shown for q in s.questions if q.answered
        ],
    }
    return portal.render(
        request, "questionnaire.html", context, who=who, csrf=seen.current.csrf, status=status
    )


def link_for(portal: Portal) -> Any:
    """For the review's page: the questionnaire's address and a label in the page's
    language, or None when no step of the review asks for one."""

    def link(review_id: str, language: str) -> tuple[str, str] | None:
        review = portal.view.fold().snapshot.reviews.get(review_id)
        if review is None:
            return None
        try:
            found = questionnaires_of(portal.view.definition, review, _folder(portal))
        except (InputError, OSError):  # the page still shows; the questionnaire's own 404/500
            return None
        rq = current_questionnaire(found, portal.view.state(review_id))
        if rq is None:
            return None
        words = texts(rq.form.language_for(language))
        return (
            f"/reviews/{quote(review_id, safe='')}/questionnaire",
            f"{rq.step.label(language)}: {words['online']}",
        )

    return link


@router.get("/reviews/{review_id}/questionnaire")
def questionnaire_page(request: Request, review_id: str) -> Response:
    portal = portal_of(request)
    with portal.view.pinned():
        current_visitor = visitor(request)
        if not current_visitor.signed_in:
            return RedirectResponse("/login", status_code=303)
        seen = _seen(portal, current_visitor, review_id)
        return _render(request, seen, message=request.query_params.get("done"))


def _merged(seen: Seen, draft: dict[str, Any], form: Any, section: str | None) -> dict[str, Any]:
    """The draft with the posted answers in: a posted section replaces its questions (an
    unticked box or an emptied field is removed); without a section, the questions posted."""
    posted = from_form(seen.rq.form, form.multi_items())
    if section == ALL:
        names = {q.name for q in seen.rq.form.questions}
    elif section:
        names = {q.name for s in seen.rq.form.sections if s.name == section for q in s.questions}
    else:
        names = {k for k, _ in form.multi_items()}
    merged = {k: v for k, v in draft.items() if k not in names}
    merged.update({k: v for k, v in posted.items() if k in names})
    return merged


def _audit(conn: Any, seen: Seen, action: str, detail: str, *, now: datetime, client: str) -> None:
    """A line of the portal's audit log: who did what to the review's questionnaire, from
    where, in the transaction of what was done."""
    log_action(
        conn,
        action,
        at=now,
        who=seen.who.email,
        review=seen.parties.review,
        detail=detail,
        client=client,
    )


async def _posted(
    request: Request, review_id: str, *, max_files: int, max_fields: int
) -> tuple[Seen, Any] | Response:
    """The form posted on a review's questionnaire and the review as its sender may see it,
    or the response that refuses the form (not signed in, no valid token, too large)."""
    got = await signed_form(request, max_files=max_files, max_fields=max_fields)
    if isinstance(got, Response):
        return got
    with got.portal.view.pinned():
        return _seen(got.portal, got.current, review_id), got.form


def _back(review_id: str, done: str, section: str | None = None) -> Response:
    url = f"/reviews/{quote(review_id, safe='')}/questionnaire?done={done}"
    if section:
        url += f"&section={quote(section, safe='')}"
    return RedirectResponse(url, status_code=303)


@router.post("/reviews/{review_id}/questionnaire")
async def questionnaire_post(request: Request, review_id: str) -> Response:
    posted = await _posted(request, review_id, max_files=0, max_fields=MAX_FIELDS)
    if isinstance(posted, Response):
        return posted
    seen, form = posted
    action = str(form.get("action") or "")
    section_field = form.get("section")
    section = str(section_field) if isinstance(section_field, str) and section_field else None
    if action in ("save", "submit"):
        return await _answers(request, seen, form, action, section)
    if action in ("save_feedback", "submit_feedback"):
        return await _feedback(request, seen, form, action)
    return _render(request, seen, errors=["unknown action"], status=400)


async def _answers(
    request: Request, seen: Seen, form: Any, action: str, section: str | None
) -> Response:
    portal, who, parties, rq = seen.portal, seen.who, seen.parties, seen.rq
    party = answering_party(who, parties)
    if party is None:
        raise HTTPException(status_code=403)
    language = page_language(request, who)
    form_language = rq.form.language_for(language)
    engine = portal.view.store.engine
    with engine.connect() as conn:
        row = responses.find(conn, parties.review, rq.step.id, ANSWERS, party)
    if row is not None and row.submitted:
        return _render(request, seen, errors=[texts(form_language)["submitted"]], status=409)
    answers = _merged(seen, row.answers if row else {}, form, section)
    now, today, client = portal.now(), portal.today(), client_of(request)
    sheet = AnswerSheet(rq, ANSWERS, party)
    if action == "save":

        def keep() -> None:
            save_draft(engine, sheet, answers, who=who.email, now=now)
            with engine.begin() as conn:
                _audit(
                    conn,
                    seen,
                    "questionnaire_saved",
                    f"{rq.step.id} {len(answers)} answers",
                    now=now,
                    client=client,
                )

        await run_in_threadpool(keep)
        return _back(parties.review, "saved", section)

    def send() -> dict[str, str]:
        with portal.view.pinned():
            state = portal.view.state(parties.review)
        found = submit(
            engine,
            lambda event, then: record_event(
                portal.view.store, event, f"portal questionnaire by {who.email}", today, then=then
            ),
            sheet,
            state,
            answers,
            who=who.email,
            language=form_language,
            today=today,
            now=now,
        )
        with engine.begin() as conn:
            if found:  # the draft keeps what was typed, so nothing is lost
                keep_answers(conn, sheet, answers, who=who.email, now=now)
            else:
                _audit(conn, seen, "questionnaire_submitted", rq.step.id, now=now, client=client)
        return found

    try:
        wrong = await run_in_threadpool(send)
    except responses.ReadOnly:
        return _render(request, seen, errors=[texts(form_language)["submitted"]], status=409)
    except InputError as exc:
        return _render(
            request,
            seen,
            draft=answers,
            section=ALL,
            errors=[p.message for p in exc.problems],
            status=400,
        )
    if wrong:
        return _render(request, seen, draft=answers, section=ALL, problems=wrong, status=400)
    return _back(parties.review, "submitted")


async def _feedback(request: Request, seen: Seen, form: Any, action: str) -> Response:
    portal, who, parties, rq = seen.portal, seen.who, seen.parties, seen.rq
    asked = form.get("party")
    party = feedback_party(who, parties, asked if isinstance(asked, str) else None)
    if party is None or rq.feedback_step is None:
        raise HTTPException(status_code=403)
    engine = portal.view.store.engine
    with engine.connect() as conn:
        answers_row = responses.find(conn, parties.review, rq.step.id, ANSWERS, parties.reviewed)
        row = responses.find(conn, parties.review, rq.step.id, FEEDBACK, party)
    language = rq.form.language_for(page_language(request, who))
    if answers_row is None or not answers_row.submitted or not _feedback_open(seen, party):
        return _render(request, seen, errors=[texts(language)["not_yet"]], status=409)
    if row is not None and row.submitted:
        return _render(request, seen, errors=[texts(language)["feedback_submitted"]], status=409)
    names = {q.name for q in rq.form.questions}
    notes = {
        k: str(v).strip()[:20_000] for k, v in form.multi_items() if k in names and str(v).strip()
    }
    now, today = portal.now(), portal.today()
    sheet = AnswerSheet(rq, FEEDBACK, party)
    if action == "save_feedback":
        await run_in_threadpool(save_draft, engine, sheet, notes, who=who.email, now=now)
        return _back(parties.review, "saved")

    def send() -> dict[str, str]:
        with portal.view.pinned():
            state = portal.view.state(parties.review)
        return submit(
            engine,
            lambda event, then: record_event(
                portal.view.store, event, f"portal feedback by {who.email}", today, then=then
            ),
            sheet,
            state,
            notes,
            who=who.email,
            language=language,
            today=today,
            now=now,
        )

    try:
        await run_in_threadpool(send)
    except InputError as exc:
        return _render(request, seen, errors=[p.message for p in exc.problems], status=400)
    return _back(parties.review, "feedback_submitted")


@router.post("/reviews/{review_id}/questionnaire/consent")
async def questionnaire_consent(request: Request, review_id: str) -> Response:
    """The reviewed Party's focal point consents to publishing its answers (one static page
    per language), or withdraws its consent (the pages are removed)."""
    posted = await _posted(request, review_id, max_files=0, max_fields=5)
    if isinstance(posted, Response):
        return posted
    seen, form = posted
    portal, who, parties, rq = seen.portal, seen.who, seen.parties, seen.rq
    if not access.may_give_consent(who, parties):
        raise HTTPException(status_code=403)
    given = form.get("consent") == "yes"
    now = portal.now()
    folder = publish.published_dir()
    names = {
        lang: local_party_name(parties.reviewed, lang, portal.view.party_name(parties.reviewed))
        for lang in rq.form.languages
    }

    def work() -> bool:
        engine = portal.view.store.engine
        with engine.begin() as conn:
            if not responses.set_consent(
                conn, parties.review, rq.step.id, parties.reviewed, given, who=who.email, now=now
            ):
                return False
            row = responses.find(conn, parties.review, rq.step.id, ANSWERS, parties.reviewed)
            _audit(
                conn,
                seen,
                "questionnaire_consent",
                f"{rq.step.id}: {'given' if given else 'withdrawn'}",
                now=now,
                client=client_of(request),
            )
        if given and row is not None:
            publish.publish(folder, rq.form, row, names, titles=rq.step.title)
        else:
            publish.withdraw(folder, parties.review, rq.step.id)
        return True

    if not await run_in_threadpool(work):
        raise HTTPException(status_code=409)
    return _back(parties.review, "consent")


@router.get("/published/{review_id}/questionnaire/{language}")
def published_answers(request: Request, review_id: str, language: str) -> Response:
    """The answers a reviewed Party consented to publish, as published (no sign-in)."""
    portal = portal_of(request)
    with portal.view.pinned():
        review = portal.view.fold().snapshot.reviews.get(review_id)
        if review is None:
            raise HTTPException(status_code=404)
        found = questionnaires_of(portal.view.definition, review, _folder(portal))
        rq = current_questionnaire(found, portal.view.state(review_id))
    if rq is None:
        raise HTTPException(status_code=404)
    path = (
        publish.published_dir()
        / publish._safe(review_id)
        / f"{publish._safe(rq.step.id)}.{publish._safe(language)}.html"
    )
    if not path.is_file():
        raise HTTPException(status_code=404)
    return FileResponse(path, media_type="text/html; charset=utf-8")


@router.post("/reviews/{review_id}/questionnaire/documents")
async def attach_document(request: Request, review_id: str) -> Response:
    """A supporting document attached to one question of the draft (PDF, Word, OpenDocument,
    checked by content as every upload): kept in the document store under its SHA-256."""
    posted = await _posted(request, review_id, max_files=1, max_fields=5)
    if isinstance(posted, Response):
        return posted
    seen, form = posted
    portal, who, parties, rq = seen.portal, seen.who, seen.parties, seen.rq
    party = answering_party(who, parties)
    if party is None:
        raise HTTPException(status_code=403)
    words = texts(rq.form.language_for(page_language(request, who)))
    question = rq.form.question(str(form.get("question") or ""))
    file = form.get("file")
    if question is None or not isinstance(file, UploadFile):
        return _render(request, seen, errors=[words["no_file"]], status=400)
    engine = portal.view.store.engine
    now = portal.now()

    def work() -> str:
        kept = portal.files.keep(file.file)
        shown = clean_name(file.filename, "." + kept.stored_as.rsplit(".", 1)[-1])
        with engine.begin() as conn:
            row = responses.find(conn, parties.review, rq.step.id, ANSWERS, party)
            if row is not None and row.submitted:
                raise responses.ReadOnly(parties.review)
            answers = dict(row.answers) if row else {}
            documents = {k: list(v) for k, v in (answers.get(DOCUMENTS) or {}).items()}
            listed = documents.setdefault(question.name, [])
            if all(d["sha256"] != kept.sha256 for d in listed):
                listed.append(
                    {
                        "sha256": kept.sha256,
                        "name": shown,
                        "type": kept.content_type,
                        "size": kept.size,
                        "stored_as": kept.stored_as,
                    }
                )
            answers[DOCUMENTS] = documents
            keep_answers(conn, AnswerSheet(rq, ANSWERS, party), answers, who=who.email, now=now)
            _audit(
                conn,
                seen,
                "questionnaire_document",
                f"{question.name}: {shown} sha256={kept.sha256}",
                now=now,
                client=client_of(request),
            )
        return question.section

    try:
        section = await run_in_threadpool(work)
    except UploadRefused as exc:
        code = {"too_large": 413, "wrong_type": 415}.get(exc.reason, 400)
        return _render(request, seen, errors=[words.get(exc.reason, exc.reason)], status=code)
    except responses.ReadOnly:
        return _render(request, seen, errors=[words["submitted"]], status=409)
    finally:
        await file.close()
    return _back(parties.review, "attached", section or None)


@router.get("/reviews/{review_id}/questionnaire/documents/{sha256}")
def supporting_document(request: Request, review_id: str, sha256: str) -> Response:
    """A supporting document: for those who answer, from the draft on; for the other
    readers of the review, once the answers are submitted."""
    portal = portal_of(request)
    with portal.view.pinned():
        current_visitor = visitor(request)
        if not current_visitor.signed_in:
            return RedirectResponse("/login", status_code=303)
        seen = _seen(portal, current_visitor, review_id)
    with portal.view.store.engine.connect() as conn:
        row = responses.find(conn, review_id, seen.rq.step.id, ANSWERS, seen.parties.reviewed)
    if row is None or not (row.submitted or answering_party(seen.who, seen.parties)):
        raise HTTPException(status_code=404)
    found = next(
        (
            d
            for listed in (row.answers.get(DOCUMENTS) or {}).values()
            for d in listed
            if d["sha256"] == sha256
        ),
        None,
    )
    if found is None:
        raise HTTPException(status_code=404)
    try:
        path = portal.files.path(found["stored_as"])
    except FileNotFoundError:
        raise HTTPException(status_code=404) from None
    if not path.exists():
        raise HTTPException(status_code=404)
    ascii_name = (
        found["name"].encode("ascii", "replace").decode().replace('"', "_").replace("?", "_")
    )
    return FileResponse(
        path,
        media_type=found["type"],
        headers={
            "Content-Disposition": f'attachment; filename="{ascii_name}"; '
            f"filename*=UTF-8''{quote(found['name'])}"
        },
    )
