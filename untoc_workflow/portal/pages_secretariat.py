"""The secretariat's page in the portal: requests for more time, approved or refused."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ..errors import InputError
from . import access
from .extensions import decide_extension, extension_rows
from .notices import tell_requester
from .visitors import portal_of, signed_form, visitor
from .web import client_of

router = APIRouter()


@router.get("/extensions")
def requests_list(request: Request) -> Response:
    return requests_page(request)


def requests_page(
    request: Request, problems: list[str] | None = None, status: int = 200
) -> Response:
    current = visitor(request)
    if not current.signed_in:
        return RedirectResponse("/login", status_code=303)
    portal = portal_of(request)
    assert current.who is not None
    if not access.may_decide_extension(current.who):
        raise HTTPException(status_code=404)
    with portal.view.store.engine.connect() as conn:
        rows = extension_rows(conn)
    return portal.render(
        request,
        "extensions.html",
        {"rows": rows, "problems": problems or [], "message": request.query_params.get("done")},
        who=current.who,
        csrf=current.csrf,
        status=status,
    )


@router.post("/extensions/{request_id}")
async def decide(request: Request, request_id: int) -> Response:
    got = await signed_form(request, max_files=0, max_fields=6)
    if isinstance(got, Response):
        return got
    portal, form, current = got.portal, got.form, got.current
    who = current.who
    assert who is not None
    if not access.may_decide_extension(who):
        raise HTTPException(status_code=404)
    approve = form.get("decision") == "approve"
    due_text = str(form.get("due") or "")
    try:
        due = date.fromisoformat(due_text) if due_text else None
    except ValueError:
        return requests_page(request, ["bad_date"], status=400)
    answer = str(form.get("answer") or "")[:2000]

    def work() -> None:
        decision = decide_extension(
            portal.view,
            request_id,
            approve=approve,
            by=who.email,  # the person who decides, not "the secretariat"
            on=portal.today(),
            now=portal.now(),
            due=due,
            answer=answer,
            who=who,
            client=client_of(request),
        )
        tell_requester(
            portal.view,
            portal.project,
            decision,
            portal.settings.base_url,
            answer,
            portal.today(),
            portal.now(),
        )

    try:
        await run_in_threadpool(work)
    except InputError as exc:
        return requests_page(request, [p.message for p in exc.problems], status=400)
    return RedirectResponse("/extensions?done=decided", status_code=303)
