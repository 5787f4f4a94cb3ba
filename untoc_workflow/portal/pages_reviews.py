"""The reviews a person may see, a review's page, its documents, and what a focal point does
there (submit a document, consent to publication, ask for more time)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from sqlalchemy import func, select
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from ..errors import InputError
from ..outbox.headers import valid_address
from ..outbox.ledger import MessageNotice
from ..outbox.tables import FAILED, IN_DOUBT, PENDING, SENDING, SENT, OutboxRow
from . import access
from .access import ReviewParties
from .audit import log_action
from .documents import UploadRefused
from .extensions import NotAllowed as NotAllowedTime
from .extensions import extendable_steps, extension_rows, request_extension
from .identity import OBSERVER, normal
from .people import add_person, current_people, name_problem, remove_person
from .submissions import NotAllowed, documents_of, published_document, set_consent, submit
from .visitors import Visitor, portal_of, signed_form, visitor
from .web import Portal, client_of

router = APIRouter()
PAGE_SIZE = 50
OUTBOX = OutboxRow.__table__  # type: ignore[attr-defined]
NOTICES = MessageNotice.__table__  # type: ignore[attr-defined]


def _signed_in(request: Request) -> Visitor | Response:
    current = visitor(request)
    if not current.signed_in:
        return RedirectResponse("/login", status_code=303)
    return current


def _review_for(portal: Portal, current: Visitor, review_id: str) -> ReviewParties:
    """The review, when the person may see it; 404 otherwise (whether it exists or not)."""
    parties = portal.view.parties(review_id)
    if parties is None or current.who is None or not access.may_view(current.who, parties):
        raise HTTPException(status_code=404)
    return parties


@router.get("/reviews")
def reviews(request: Request) -> Response:
    portal = portal_of(request)
    with portal.view.pinned():
        current = _signed_in(request)
        if isinstance(current, Response):
            return current
        assert current.who is not None
        ids = portal.view.review_ids(current.who)
        # a page at a time: the secretariat sees every review, a slow line wants little
        pages = max(1, -(-len(ids) // PAGE_SIZE))
        asked = request.query_params.get("page", "1")
        page = min(max(int(asked) if asked.isdigit() else 1, 1), pages)
        shown = ids[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        rows = [(portal.view.parties(rid), portal.view.state(rid)) for rid in shown]
        return portal.render(
            request,
            "reviews.html",
            {"rows": rows, "page": page, "pages": pages},
            who=current.who,
            csrf=current.csrf,
        )


# Messages a Party may read of as its own: delivered, or on their way. One held for the
# secretariat's approval, or cancelled, was not sent to it.
_SHOWN = (SENT, PENDING, SENDING, FAILED, IN_DOUBT)
_NOTICES_SHOWN = 50


def notices_to(conn: Any, review_id: str, email: str) -> list[Any]:
    """The messages sent to `email` that speak of the review, newest first: those about it
    alone, those carrying one of its notices (a day's message about several reviews), and
    those naming it in their text (the opening message lists every review of a Party)."""
    columns = (OUTBOX.c.key, OUTBOX.c.subject, OUTBOX.c.found_on, OUTBOX.c.status)
    mine = (func.lower(OUTBOX.c.recipient) == email) & OUTBOX.c.status.in_(_SHOWN)
    carried = select(NOTICES.c.outbox_key).where(
        NOTICES.c.review_id == review_id, NOTICES.c.recipient == email
    )
    found = {
        r.key: r
        for r in conn.execute(
            select(*columns, OUTBOX.c.created_at).where(
                mine, (OUTBOX.c.review_id == review_id) | OUTBOX.c.key.in_(carried)
            )
        )
    }
    named = re.compile(rf"(?<![\w-]){re.escape(review_id)}(?![\w-])")
    for r in conn.execute(
        select(*columns, OUTBOX.c.created_at, OUTBOX.c.body_text).where(
            mine, OUTBOX.c.review_id.is_(None), OUTBOX.c.body_text.contains(review_id)
        )
    ):
        if r.key not in found and named.search(r.body_text):
            found[r.key] = r
    newest = sorted(found.values(), key=lambda r: (r.created_at, r.key), reverse=True)
    return newest[:_NOTICES_SHOWN]


def _page(
    request: Request,
    portal: Portal,
    current: Visitor,
    parties: ReviewParties,
    *,
    message: str | None = None,
    problems: list[str] | None = None,
    status: int = 200,
) -> Response:
    who = current.who
    assert who is not None
    review_id = parties.review
    with portal.view.store.engine.connect() as conn:
        documents = documents_of(conn, review_id)
        requests = extension_rows(conn, review_id=review_id)
        notices = notices_to(conn, review_id, who.email)
    declared = portal.view.document_kinds(review_id)
    kinds = [k for k, by in declared.items() if access.may_submit(who, parties, by)]
    context = {
        "review": parties,
        "state": portal.view.state(review_id),
        "documents": documents,
        "requests": requests,
        "notices": notices,
        "kinds": kinds,
        # the steps this person's Party is waited for: only it may ask for more time
        "extendable": [
            s
            for s in extendable_steps(portal.view, review_id)
            if access.may_request_extension(who, parties, s.waiting_for)
        ],
        "may_consent": access.may_give_consent(who, parties),
        "observers": [
            p
            for p in current_people(portal.view.store.engine, parties.reviewed)
            if p.role == OBSERVER
        ]
        if access.may_name_observers(who, parties)
        else None,
        "may_decide": access.may_decide_extension(who),
        "message": message,
        "problems": problems or [],
        "max_mb": f"{portal.settings.max_upload / (1024 * 1024):.3g}",
    }
    return portal.render(request, "review.html", context, who=who, csrf=current.csrf, status=status)


@router.get("/reviews/{review_id}")
def review_page(request: Request, review_id: str) -> Response:
    portal = portal_of(request)
    with portal.view.pinned():
        current = _signed_in(request)
        if isinstance(current, Response):
            return current
        parties = _review_for(portal, current, review_id)
        done = request.query_params.get("done")
        return _page(request, portal, current, parties, message=done)


@router.get("/reviews/{review_id}/documents/{document_id}")
def download(request: Request, review_id: str, document_id: int) -> Response:
    current = _signed_in(request)
    if isinstance(current, Response):
        return current
    portal = portal_of(request)
    parties = _review_for(portal, current, review_id)
    assert current.who is not None
    if not access.may_download(current.who, parties):
        raise HTTPException(status_code=404)
    with portal.view.store.engine.begin() as conn:
        doc = next((d for d in documents_of(conn, review_id) if d.id == document_id), None)
        if doc is None:
            raise HTTPException(status_code=404)
        log_action(
            conn,
            "document_downloaded",
            at=portal.now(),
            who=current.who.email,
            review=review_id,
            detail=f"document {document_id}",
            client=client_of(request),
        )
    return _file(portal, doc)


def _file(portal: Portal, doc: Any) -> Response:
    try:
        path = portal.files.path(doc.stored_as)
    except FileNotFoundError:
        raise HTTPException(status_code=404) from None
    if not path.exists():
        raise HTTPException(status_code=404)
    ascii_name = (
        doc.file_name.encode("ascii", "replace").decode().replace('"', "_").replace("?", "_")
    )
    return FileResponse(
        path,
        media_type=doc.content_type,
        headers={
            "Content-Disposition": f'attachment; filename="{ascii_name}"; '
            f"filename*=UTF-8''{quote(doc.file_name)}"
        },
    )


@router.post("/reviews/{review_id}/documents")
async def upload(request: Request, review_id: str) -> Response:
    got = await signed_form(request, max_files=1, max_fields=5)
    if isinstance(got, Response):
        return got
    portal, form, current = got.portal, got.form, got.current
    parties = _review_for(portal, current, review_id)
    kind = form.get("kind")
    file = form.get("file")
    behalf = form.get("on_behalf_of")
    on_behalf_of = behalf if isinstance(behalf, str) and behalf else None
    if not isinstance(kind, str) or not isinstance(file, UploadFile):
        return _page(request, portal, current, parties, problems=["no_file"], status=400)
    assert current.who is not None
    who = current.who
    given_by = portal.view.document_kinds(review_id).get(kind)
    if not access.may_submit(who, parties, given_by):
        raise HTTPException(status_code=403)
    if on_behalf_of is not None and not who.is_secretariat:
        # only the secretariat submits for a Party: a focal point's form has no such field
        raise HTTPException(status_code=403)

    def work() -> Any:
        return submit(
            portal.view,
            portal.files,
            who,
            parties,
            kind,
            file.file,
            file.filename,
            today=portal.today(),
            now=portal.now(),
            client=client_of(request),
            on_behalf_of=on_behalf_of,
        )

    try:
        done = await run_in_threadpool(work)
    except UploadRefused as exc:
        code = {"too_large": 413, "wrong_type": 415}.get(exc.reason, 400)
        return _page(request, portal, current, parties, problems=[exc.reason], status=code)
    except InputError as exc:
        return _page(
            request,
            portal,
            current,
            parties,
            problems=[p.message for p in exc.problems],
            status=400,
        )
    except NotAllowed:
        raise HTTPException(status_code=403) from None
    finally:
        await file.close()
    outcome = "recorded" if done.recorded else "uploaded"
    return RedirectResponse(f"/reviews/{quote(review_id, safe='')}?done={outcome}", status_code=303)


@router.post("/reviews/{review_id}/documents/{document_id}/consent")
async def consent(request: Request, review_id: str, document_id: int) -> Response:
    got = await signed_form(request, max_files=0, max_fields=5)
    if isinstance(got, Response):
        return got
    portal, form, current = got.portal, got.form, got.current
    parties = _review_for(portal, current, review_id)
    assert current.who is not None
    who = current.who
    given = form.get("consent") == "yes"
    try:
        await run_in_threadpool(
            set_consent,
            portal.view,
            who,
            parties,
            document_id,
            given,
            now=portal.now(),
            client=client_of(request),
        )
    except NotAllowed:
        raise HTTPException(status_code=403) from None
    except LookupError:
        raise HTTPException(status_code=404) from None
    return RedirectResponse(f"/reviews/{quote(review_id, safe='')}?done=consent", status_code=303)


@router.post("/reviews/{review_id}/extensions")
async def ask_for_time(request: Request, review_id: str) -> Response:
    got = await signed_form(request, max_files=0, max_fields=6)
    if isinstance(got, Response):
        return got
    portal, form, current = got.portal, got.form, got.current
    parties = _review_for(portal, current, review_id)
    assert current.who is not None
    who = current.who
    if not access.may_request_extension(who, parties):
        raise HTTPException(status_code=403)
    step, due_text, reason = (str(form.get(k) or "") for k in ("step", "due", "reason"))
    try:
        due = date.fromisoformat(due_text)
    except ValueError:
        return _page(request, portal, current, parties, problems=["bad_date"], status=400)
    try:
        await run_in_threadpool(
            lambda: request_extension(
                portal.view,
                who,
                parties,
                step,
                due,
                reason,
                now=portal.now(),
                client=client_of(request),
            )
        )
    except InputError as exc:
        return _page(
            request,
            portal,
            current,
            parties,
            problems=[p.message for p in exc.problems],
            status=400,
        )
    except NotAllowedTime:
        raise HTTPException(status_code=403) from None
    return RedirectResponse(f"/reviews/{quote(review_id, safe='')}?done=requested", status_code=303)


@router.get("/published/{review_id}/{kind}")
def published(request: Request, review_id: str, kind: str) -> Response:
    """A document (the SAQ answers: /published/<id>/saq) the reviewed Party consented to
    publish (no sign-in); 404 otherwise."""
    portal = portal_of(request)
    with portal.view.store.engine.connect() as conn:
        doc = published_document(conn, review_id, kind)
    if doc is None:
        raise HTTPException(status_code=404)
    return _file(portal, doc)


@router.post("/reviews/{review_id}/observers")
async def name_observer(request: Request, review_id: str) -> Response:
    """The reviewed Party's focal point names (or removes) an observer of its Party."""
    got = await signed_form(request, max_files=0, max_fields=6)
    if isinstance(got, Response):
        return got
    portal, form, current = got.portal, got.form, got.current
    parties = _review_for(portal, current, review_id)
    who = current.who
    assert who is not None
    if not access.may_name_observers(who, parties):
        raise HTTPException(status_code=403)
    address = normal(str(form.get("email") or ""))[:320]
    name = " ".join(str(form.get("name") or "").split())[:200]
    removing = form.get("remove") is not None
    if not valid_address(address) or (not removing and not name):
        return _page(request, portal, current, parties, problems=["bad_observer"], status=400)
    if not removing and name_problem(name) is not None:
        return _page(request, portal, current, parties, problems=["bad_name"], status=400)
    now = portal.now()

    def work() -> bool:
        if removing:
            return remove_person(
                portal.view.store.engine, address, parties.reviewed, OBSERVER, by=who.email, now=now
            )
        return add_person(
            portal.view.store.engine,
            address,
            name,
            parties.reviewed,
            OBSERVER,
            by=who.email,
            now=now,
        )

    await run_in_threadpool(work)
    done = "observer_removed" if removing else "observer_named"
    return RedirectResponse(f"/reviews/{quote(review_id, safe='')}?done={done}", status_code=303)
