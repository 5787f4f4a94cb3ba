"""Answers published with the reviewed Party's consent: one static HTML page per language
of the questionnaire (ready for the Mechanism's website), removed when consent is
withdrawn. Folder: UNTOC_PUBLISHED_DIR (./untoc-published), one subfolder per review."""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2

from .form import ARABIC_SCRIPT, Form
from .wording import texts

HERE = Path(__file__).resolve().parent
_pages = jinja2.Environment(
    loader=jinja2.FileSystemLoader(HERE / "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def published_dir(env: Mapping[str, str] | None = None) -> Path:
    from ..settings import load_settings

    return load_settings(env).published_dir


def shown_answer(form: Form, name: str, value: Any, language: str, none: str) -> str:
    """An answer as a reader sees it: choices by their labels in `language`."""
    q = form.question(name)
    if q is None or value in (None, "", []):
        return none
    if q.choices:
        values = value if isinstance(value, list) else [value]
        labels = {c.name: c.label(language) for c in q.choices}
        return "; ".join(labels.get(str(v), str(v)) for v in values)
    return str(value)


def page(
    form: Form, response: Any, party_name: str, language: str, title: str | None = None
) -> str:
    t = texts(language)
    sections = []
    for section in form.sections:
        shown = [
            {
                "name": q.name,
                "label": q.label(language),
                "answer": shown_answer(
                    form, q.name, response.answers.get(q.name), language, t["no_answer"]
                ),
            }
            for q in section.questions
            if q.answered and q.name in response.answers
        ]
        if shown:
            sections.append(
                {"title": section.label(language) if section.name else "", "questions": shown}
            )
    return _pages.get_template("published.html.j2").render(
        lang=language,
        dir="rtl" if language in ARABIC_SCRIPT else "ltr",
        title=title or form.title(language),
        party=party_name,
        review=response.review_id,
        submitted_on=response.submitted_at.date().isoformat() if response.submitted_at else "",
        sections=sections,
        sha256=response.sha256 or "",
        t=t,
    )


def publish(
    folder: Path,
    form: Form,
    response: Any,
    party_names: dict[str, str],
    titles: dict[str, str] | None = None,
) -> list[Path]:
    """Write the page of every language of the form; returns the files written."""
    target = folder / _safe(response.review_id)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for language in form.languages:
        path = target / f"{_safe(response.step)}.{language}.html"
        name = party_names.get(language) or response.party
        title = (titles or {}).get(language) or (titles or {}).get("en")
        path.write_text(page(form, response, name, language, title), encoding="utf-8")
        written.append(path)
    return written


def withdraw(folder: Path, review_id: str, step: str) -> int:
    """Remove the published pages of a review's step; returns how many were removed."""
    target = folder / _safe(review_id)
    if not target.is_dir():
        return 0
    removed = 0
    for path in target.glob(f"{_safe(step)}.*.html"):
        path.unlink()
        removed += 1
    if not any(target.iterdir()):
        shutil.rmtree(target)
    return removed


def _safe(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in text)
