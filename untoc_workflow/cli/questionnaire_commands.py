"""`untoc questionnaire`: check an XLSForm, list the questionnaires the processes attach to
their steps, show a review's submitted answers, and count them (the secretariat's
statistics; shared/contracts/questionnaire.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import InputError, Problem
from .common import console, fails_cleanly, opened_store, parse_as_of, today

questionnaire_app = typer.Typer(
    help="Questionnaires answered in the portal (XLSForm).", no_args_is_help=True
)
BY = {"regional_group": "regional group", "group": "group of the cluster"}


def register(app: typer.Typer) -> None:
    app.add_typer(questionnaire_app, name="questionnaire")


def _choice(value: str, allowed: tuple[str, ...], option: str) -> str:
    if value not in allowed:
        raise typer.BadParameter(f"choose {' or '.join(allowed)}", param_hint=option)
    return value


@questionnaire_app.command("check")
@fails_cleanly
def check_command(
    file: Annotated[Path, typer.Argument(help="An XLSForm workbook (.xlsx).")],
) -> None:
    """Check a questionnaire: every problem located by sheet and row; nothing is loaded."""
    from ..questionnaire.form import read_form

    if not file.is_file():
        raise InputError([Problem("no such file", file=str(file))])
    form = read_form(file, shown_as=str(file))
    sections = [s for s in form.sections if s.name]
    console.print(
        f"{file}: {len(form.questions)} questions in {len(sections)} sections; "
        f"languages: {', '.join(form.languages)}"
    )


def _attached() -> tuple[Any, list[Any], Path]:
    from ..definitions import load_definitions
    from ..questionnaire.attached import attachments
    from ..settings import load_settings

    folder = load_settings().process_defs
    catalog = load_definitions(folder)
    return catalog, attachments(catalog, folder), folder


@questionnaire_app.command("list")
@fails_cleanly
def list_command(
    format: Annotated[str, typer.Option("--format", help="text | json")] = "text",
) -> None:
    """The questionnaires the loaded processes attach to their steps."""
    from ..questionnaire.attached import load

    _choice(format, ("text", "json"), "--format")
    _, found, folder = _attached()
    rows = []
    for a in found:
        form = load(a.file)
        rows.append(
            {
                "process": a.process,
                "version": a.version,
                "step": a.step,
                "cluster": a.cluster,
                "file": str(a.file.relative_to(folder.resolve()))
                if a.file.is_relative_to(folder.resolve())
                else str(a.file),
                "form_id": form.form_id,
                "questions": len(form.questions),
                "languages": list(form.languages),
                "completed_by": a.completed_by,
            }
        )
    if format == "json":
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for r in rows:
        where = f"cluster {r['cluster']}" if r["cluster"] is not None else "every cluster"
        console.print(
            f"{r['process']}@{r['version']} {r['step']} ({where}): {r['file']}, "
            f"{r['questions']} questions, {', '.join(r['languages'])}"
        )


@questionnaire_app.command("answers")
@fails_cleanly
def answers_command(
    review: Annotated[str, typer.Option("--review", help="The review's id.")],
    format: Annotated[str, typer.Option("--format", help="json | text")] = "json",
    as_of: Annotated[str | None, typer.Option("--as-of", help="The date (default today).")] = None,
) -> None:
    """A review's submitted answers, keyed by question name."""
    from ..questionnaire import responses
    from ..questionnaire.answers import typed_answers
    from ..questionnaire.service import questionnaires_of
    from ..questionnaire.tables import ANSWERS

    _choice(format, ("json", "text"), "--format")
    catalog, _, folder = _attached()
    day = parse_as_of(as_of) or today()
    with opened_store() as store:
        snapshot = store.snapshot(day)
        found = snapshot.reviews.get(review)
        if found is None:
            raise InputError([Problem(f"no review {review!r}", path="--review")])
        forms = {rq.step.id: rq.form for rq in questionnaires_of(catalog, found, folder)}
        with store.engine.connect() as conn:
            kept = [
                r
                for r in responses.of_review(conn, review)
                if r.kind == ANSWERS and r.submitted and r.step in forms
            ]
    if not kept:
        raise InputError([Problem(f"{review} has no submitted answers", path="--review")])
    row = kept[-1]
    answers = typed_answers(forms[row.step], row.answers)
    if format == "json":
        typer.echo(json.dumps(answers, indent=2, ensure_ascii=False))
        return
    form = forms[row.step]
    for q in form.questions:
        if q.name in answers:
            console.print(f"{q.name}: {answers[q.name]}")


@questionnaire_app.command("statistics")
@fails_cleanly
def statistics_command(
    process: Annotated[
        str, typer.Option("--process", help="The process, as `untoc processes` lists it.")
    ],
    step: Annotated[str, typer.Option("--step", help="The step whose answers are counted.")],
    by: Annotated[
        str | None, typer.Option("--by", help="regional_group | group (of the cluster)")
    ] = None,
    format: Annotated[str, typer.Option("--format", help="json | csv | html")] = "json",
    out: Annotated[
        Path | None,
        typer.Option("--out", help="json/csv: a file (default: print); html: a folder."),
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="html: the language of the labels.")] = "en",
    as_of: Annotated[str | None, typer.Option("--as-of", help="The date (default today).")] = None,
) -> None:
    """Counts over submitted answers only (the secretariat's; never shown in the portal)."""
    from ..questionnaire import statistics
    from ..questionnaire.attached import load
    from ..questionnaire.responses import submitted_answers

    _choice(format, ("json", "csv", "html"), "--format")
    if by is not None:
        _choice(by, tuple(BY), "--by")
    catalog, found, _ = _attached()
    mine = [a for a in found if a.process == process and a.step == step]
    if not mine:
        known = sorted({f"{a.process} {a.step}" for a in found}) or ["none"]
        raise InputError(
            [
                Problem(
                    f"{process} has no questionnaire at step {step!r}",
                    path="--step",
                    hint=f"attached: {', '.join(known)}",
                )
            ]
        )
    form = load(mine[-1].file)
    day = parse_as_of(as_of) or today()
    with opened_store() as store:
        snapshot = store.snapshot(day)
        reviews = {rid: r for rid, r in snapshot.reviews.items() if r.process == process}
        with store.engine.connect() as conn:
            rows = [
                (r.review_id, r.answers)
                for r in submitted_answers(conn, step, list(reviews))
                if r.form_id == form.form_id
            ]

    def key(review_id: str) -> str:
        review = reviews[review_id]
        if by == "group":
            return f"cluster {review.cluster} group {review.group}"
        party = snapshot.parties.get(review.reviewed)
        return (party.regional_group if party else None) or "none"

    if by is None:
        result = statistics.count(form, (a for _, a in rows))
    else:
        result = statistics.by_group(form, rows, key)
    if format == "html":
        folder = out or Path(f"untoc-questionnaire-{process}-{step}")
        page = statistics.write_html(
            form, result, folder, title=form.title(lang), language=form.language_for(lang)
        )
        console.print(f"wrote the statistics of {result['responses']} responses to {page}")
        return
    text = (
        json.dumps(result, indent=2, ensure_ascii=False)
        if format == "json"
        else statistics.to_csv(result)
    )
    if out is None:
        typer.echo(text.rstrip("\n"))
    else:
        out.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        console.print(f"wrote the statistics of {result['responses']} responses to {out}")


@questionnaire_app.command("observations")
@fails_cleanly
def observations_command(
    review: Annotated[str, typer.Option("--review", help="The review's id.")],
    lang: Annotated[str, typer.Option("--lang", help="The language of the labels.")] = "en",
    as_of: Annotated[str | None, typer.Option("--as-of", help="The date (default today).")] = None,
) -> None:
    """The draft list of observations (JSON): the reviewers' submitted written feedback
    beside the answers, per article, with the technical assistance needs flagged."""
    from ..questionnaire import responses
    from ..questionnaire.observations import draft
    from ..questionnaire.service import questionnaires_of
    from ..questionnaire.tables import ANSWERS, FEEDBACK

    catalog, _, folder = _attached()
    day = parse_as_of(as_of) or today()
    with opened_store() as store:
        found = store.snapshot(day).reviews.get(review)
        if found is None:
            raise InputError([Problem(f"no review {review!r}", path="--review")])
        with store.engine.connect() as conn:
            kept = responses.of_review(conn, review)
    out = []
    for rq in questionnaires_of(catalog, found, folder):
        mine = [r for r in kept if r.step == rq.step.id]
        answers = next((r for r in mine if r.kind == ANSWERS and r.submitted), None)
        if answers is None:
            continue
        feedback = [r for r in mine if r.kind == FEEDBACK]
        language = rq.form.language_for(lang)
        out.append(
            {
                "step": rq.step.id,
                "sections": draft(rq.form, answers, feedback, language),
            }
        )
    if not out:
        raise InputError([Problem(f"{review} has no submitted answers", path="--review")])
    typer.echo(json.dumps(out, indent=2, ensure_ascii=False))
