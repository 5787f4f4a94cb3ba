"""The secretariat's counts over submitted answers (the status paper, para 53): per question
how many answered, per choice how many chose it, numbers as count, min, median and max;
the same by regional group or by group of the cluster; and the technical assistance needs
per section (an article) across reviews."""

from __future__ import annotations

import csv
import io
import statistics as stats
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .form import Form, Question

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure as Canvas

NUMBERS = ("integer", "decimal")
NO_NEED = ("no", "none")


def needs_assistance(q: Question, value: Any) -> bool:
    """A technical assistance question's answer that says assistance is needed."""
    values = value if isinstance(value, list) else [value]
    return any(v not in (None, "", *NO_NEED) for v in values)


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def count(form: Form, answered: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """`{"responses": N, "questions": {...}, "technical_assistance": {...}}` over the
    answers given (each a mapping of question name to answer)."""
    questions = form.questions
    answered_n: Counter[str] = Counter()
    choices: dict[str, Counter[str]] = defaultdict(Counter)
    numbers: dict[str, list[float]] = defaultdict(list)
    needs: Counter[str] = Counter()
    responses = 0
    for answers in answered:
        responses += 1
        for q in questions:
            value = answers.get(q.name)
            if value is None or value == "" or value == []:
                continue
            answered_n[q.name] += 1
            if q.choices:
                for v in value if isinstance(value, list) else [value]:
                    choices[q.name][v] += 1
                if q.technical_assistance and needs_assistance(q, value):
                    needs[q.section or q.name] += 1
            elif q.type in NUMBERS:
                number = _number(value)
                if number is not None:
                    numbers[q.name].append(number)
    out: dict[str, Any] = {}
    for q in questions:
        entry: dict[str, Any] = {"answered": answered_n[q.name]}
        if q.choices:
            entry["choices"] = {c: choices[q.name][c] for c in q.choice_names()}
        elif q.type in NUMBERS:
            values = numbers[q.name]
            entry.update(
                count=len(values),
                min=_plain(min(values)) if values else None,
                median=_plain(stats.median(values)) if values else None,
                max=_plain(max(values)) if values else None,
            )
        out[q.name] = entry
    return {
        "responses": responses,
        "questions": out,
        "technical_assistance": {
            s.name: needs[s.name]
            for s in form.sections
            if any(q.technical_assistance for q in s.questions)
        },
    }


def _plain(x: float) -> float | int:
    return int(x) if float(x).is_integer() else x


def by_group(
    form: Form, rows: Iterable[tuple[str, Mapping[str, Any]]], key: Callable[[str], str]
) -> dict[str, Any]:
    """`count` over every row and per group (`key` of each row's review id)."""
    kept = list(rows)
    groups: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for review_id, answers in kept:
        groups[key(review_id)].append(answers)
    result = count(form, (a for _, a in kept))
    result["by"] = {g: count(form, groups[g]) for g in sorted(groups)}
    return result


def to_csv(result: Mapping[str, Any]) -> str:
    """One line per figure: group, question, measure, value (group `all` for everyone)."""
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\n")
    out.writerow(["group", "question", "measure", "value"])

    def rows(group: str, r: Mapping[str, Any]) -> None:
        out.writerow([group, "", "responses", r["responses"]])
        for name, entry in r["questions"].items():
            for measure, value in entry.items():
                if measure == "choices":
                    for choice, n in value.items():
                        out.writerow([group, name, f"choice:{choice}", n])
                else:
                    out.writerow([group, name, measure, "" if value is None else value])
        for section, n in r["technical_assistance"].items():
            out.writerow([group, section, "technical_assistance_needed", n])

    rows("all", result)
    for group, r in (result.get("by") or {}).items():
        rows(group, r)
    return buffer.getvalue()


def write_html(
    form: Form, result: Mapping[str, Any], folder: Path, *, title: str, language: str = "en"
) -> Path:
    """A page with a table and a bar chart per select question (PNG, matplotlib's Agg)."""
    import html

    folder.mkdir(parents=True, exist_ok=True)
    parts = [
        "<!doctype html>",
        f'<html lang="{language}"><head><meta charset="utf-8"><title>{html.escape(title)}</title>',
        "<style>body{font-family:sans-serif;max-width:60rem;margin:1rem auto}"
        "td,th{padding:.2rem .6rem;text-align:start}img{max-width:100%}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        f"<p>Responses: <strong id='responses'>{result['responses']}</strong></p>",
    ]
    by = result.get("by") or {}
    if result["technical_assistance"]:
        parts.append("<h2>Technical assistance needed</h2><table><tr><th></th><th>all</th>")
        parts += [f"<th>{html.escape(g)}</th>" for g in by]
        parts.append("</tr>")
        for s in form.sections:
            if s.name in result["technical_assistance"]:
                parts.append(f"<tr><td>{html.escape(s.label(language))}</td>")
                parts.append(f"<td>{result['technical_assistance'][s.name]}</td>")
                parts += [f"<td>{by[g]['technical_assistance'][s.name]}</td>" for g in by]
                parts.append("</tr>")
        parts.append("</table>")
    for q in form.questions:
        entry = result["questions"][q.name]
        parts.append(f"<h2 id='{q.name}'>{html.escape(q.label(language))}</h2>")
        parts.append(f"<p>Answered: {entry['answered']} of {result['responses']}</p>")
        if "choices" in entry:
            labels = {c.name: c.label(language) for c in q.choices}
            parts.append("<table><tr><th></th><th>all</th>")
            parts += [f"<th>{html.escape(g)}</th>" for g in by]
            parts.append("</tr>")
            for c, n in entry["choices"].items():
                parts.append(f"<tr><td>{html.escape(labels[c])}</td><td>{n}</td>")
                parts += [f"<td>{by[g]['questions'][q.name]['choices'][c]}</td>" for g in by]
                parts.append("</tr>")
            parts.append("</table>")
            png = f"{q.name}.png"
            (folder / png).write_bytes(
                _bar([labels[c] for c in entry["choices"]], list(entry["choices"].values()))
            )
            parts.append(f"<img src='{png}' alt='{html.escape(q.label(language))}'>")
        elif "median" in entry:
            parts.append(
                f"<p>count {entry['count']} · min {entry['min']} · median {entry['median']} · "
                f"max {entry['max']}</p>"
            )
    parts.append("</body></html>")
    page = folder / "index.html"
    page.write_text("\n".join(parts), encoding="utf-8")
    return page


def _bar(labels: list[str], values: list[int]) -> bytes:
    from ..reports.charts import png_of

    def bars(_: Canvas, ax: Axes) -> None:
        ys = list(range(len(labels)))[::-1]
        drawn = ax.barh(ys, values, color="#1f5c99")
        ax.set_yticks(ys, [label[:60] for label in labels])
        ax.bar_label(drawn, padding=3)
        ax.spines[["top", "right"]].set_visible(False)

    # the default font, as the answers' charts have always been drawn
    return png_of(bars, size=(6.4, max(1.6, 0.35 * len(labels) + 0.8)), dpi=90, fonts=False)
