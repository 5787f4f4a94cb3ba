"""The report as one self-contained HTML page: key figures, figures I-VII with their numbers.

Charts are embedded as PNG data URIs, so the page needs no network and no other file; the
same PNGs are also written beside it for pasting into a paper.
"""

from __future__ import annotations

import base64
import json
from contextvars import ContextVar
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from ..languages import direction as writing_direction
from .charts import FIGURE_KINDS, Figure, figure_key, figures, process_figure
from .i18n import number, share, un_date, words

# The language of the page being rendered, for the numbers of its tables.
_LANG: ContextVar[str] = ContextVar("report_language", default="en")

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:2rem auto;
max-width:1180px;color:#1b1b1b;line-height:1.4;padding:0 1rem}
h1{font-size:1.5rem;color:#1f5fa8;margin-bottom:.2rem}h2{font-size:1.15rem;margin-top:2rem;
border-bottom:2px solid #1f5fa8;padding-bottom:.2rem}.note{color:#555;font-size:.9rem}
table{border-collapse:collapse;font-size:.9rem}th,td{border:1px solid #c8d3e0;
padding:.25rem .6rem;text-align:start}td.n{text-align:end;font-variant-numeric:tabular-nums}
th{background:#eef3f9}.figure{display:flex;gap:1.5rem;align-items:flex-start;flex-wrap:wrap}
.figure img{max-width:640px;width:100%;height:auto;border:1px solid #e3e8ee}
.keys td:first-child{min-width:24rem}
"""


@dataclass(frozen=True)
class OwnWords:
    """What the page of a body other than UNTOC says in its own words: its mechanism's
    name as the heading, its reviews' name, and whether its Mechanism starts clusters by the
    70 % rule (mechanism.yaml `next_cluster`); None and True: UNTOC's page, unchanged."""

    title: str | None = None
    reviews: str | None = None
    cluster_rule: bool = True


def own_words(definition: Any, lang: str, cluster_rule: bool = True) -> OwnWords:
    """The words the default process (`definition`) declares in its `roles:`, in `lang`."""
    roles = getattr(definition, "roles", None) or {}

    def role(name: str) -> str | None:
        found = definition.role_title(name, lang) if name in roles else None
        return found[:1].upper() + found[1:] if found else None

    return OwnWords(role("mechanism"), role("review_other"), cluster_rule)


def render_page(
    report: dict[str, Any],
    lang: str = "en",
    forecast: dict[str, Any] | None = None,
    step_titles: dict[str, dict[str, str]] | None = None,
    own: OwnWords | None = None,
    stage_titles: dict[str, dict[str, str]] | None = None,
    fact_titles: dict[str, dict[str, str]] | None = None,
) -> tuple[str, list[Figure]]:
    """The page's HTML and the figures drawn for it. `step_titles` (process -> step ->
    title in `lang`) names each process's steps in its section; else their ids. `own`: the
    words of the body the page is for, where they are not UNTOC's. `stage_titles` (process
    -> stage -> title in `lang`): the stages a process titles itself (`stage_titles:`).
    `fact_titles` (process -> fact -> title in `lang`) names the facts a figure counts."""
    own = own or OwnWords()
    w = dict(words(lang))
    if own.title:
        w["title"] = own.title
    if own.reviews:
        w["reviews_total"] = own.reviews
    if own.title or own.reviews:
        _in_own_words(
            report, w, step_titles or {}, fact_titles or {}, stage_titles or {}, bool(own.reviews)
        )
    w["cluster_rule"] = own.cluster_rule
    _LANG.set(lang)  # the tables' numbers are grouped as the page's language groups them
    figs = figures(report, w, lang)
    direction = ' dir="rtl"' if writing_direction(lang) == "rtl" else ""
    day = un_date(report["as_of"], lang)
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}"{direction}><head><meta charset="utf-8">',
        f"<title>{escape(w['title'])} - {escape(day)}</title>",
        f"<style>{_CSS}</style></head><body><main>",
        f"<h1>{escape(w['title'])}</h1>",
        f"<p><strong>{escape(w['as_of'].format(date=day))}</strong></p>",
        f'<p class="note">{escape(w["generated"])}</p>',
        f"<section><h2>{escape(w['key_counts'])}</h2>",
        _key_table(report, w, lang),
        "</section>",
    ]
    for fig in figs:
        parts.append(_figure(fig, w, _lateness_table(report, w) if fig.number == "V" else ""))
    process_figs = _processes(report, w, lang, step_titles or {}, stage_titles or {})
    parts.extend(html for _, html in process_figs)
    figs.extend(fig for fig, _ in process_figs)
    if forecast is not None:
        parts.append(_forecast(forecast, w, lang))
    parts.append("</main></body></html>")
    return "\n".join(parts), figs


def _in_own_words(
    report: dict[str, Any],
    w: dict[str, Any],
    step_titles: dict[str, dict[str, str]],
    fact_titles: dict[str, dict[str, str]],
    stage_titles: dict[str, dict[str, str]],
    named: bool = False,
) -> None:
    """The page's words for a body other than UNTOC: each figure named by the step or fact
    it counts, in the title its process gives it ("Inception meeting, by group"), never by
    UNTOC's ("Country reviews whose preliminary consultation was held", "self-assessment
    questionnaires", "written feedback" for a body that has none of them); its stages by
    their own titles; with `named` (the body names its reviews: `w["reviews_total"]`, as
    `render_page` put it), the rows and figure I that count reviews say its word. Changed
    in place."""
    o = w["own"]
    w["fig2"] = o["fig2"].format(reviews=w["reviews_total"])
    if named:  # "Integrity reviews: under way", never UNTOC's "Reviews under way"
        for key, own_key in (
            ("reviews_under_way", "under_way"),
            ("reviews_not_started", "not_started"),
            ("fig1", "fig1"),
        ):
            w[key] = o[own_key].format(reviews=w["reviews_total"])
    sources: list[dict[str, Any]] = list(report.get("figures", {}).values())
    for source in sources:
        kind, process = source.get("figure"), source.get("process", "")
        step = step_titles.get(process, {}).get(source.get("step") or "") or source.get("step")
        fact = fact_titles.get(process, {}).get(source.get("fact") or "") or source.get("fact")
        if kind == "nominations" and fact:
            w["nominated"] = o["nominated"].format(fact=fact)
            w["nominated_women"] = o["nominated_women"].format(fact=fact)
        if not step:
            continue
        if kind == "consultations":
            w["fig3"] = o["by_group"].format(step=step)
            w["consultations"] = o["completed"].format(step=step)
        elif kind == "languages":
            w["fig4"] = o["fig4"].format(step=step)
            w["languages_of"] = step
        elif kind == "submissions":
            w["fig5"] = o["by_group"].format(step=step)
            w["submitted_total"] = o["submitted_total"].format(step=step)
            w["lateness"] = o["lateness"].format(step=step)
            w["lateness_count"] = o["lateness_count"]
        elif kind == "progress":
            w["fig6"] = o["by_group"].format(step=step)
            w["fig7"] = o["fig7"].format(step=step)
            w["progress_step"] = step
            w["progress_late"] = o["progress_late"].format(step=step)
    figured = sources[0].get("process") if sources else None
    if figured in stage_titles:  # figure II's columns: the stages as the process titles them
        w["stages"] = {**w["stages"], **stage_titles[figured]}


def write_html(
    report: dict[str, Any],
    out_dir: str | Path,
    lang: str = "en",
    forecast: dict[str, Any] | None = None,
    step_titles: dict[str, dict[str, str]] | None = None,
    own: OwnWords | None = None,
    stage_titles: dict[str, dict[str, str]] | None = None,
    fact_titles: dict[str, dict[str, str]] | None = None,
) -> Path:
    """Write `index.html` (self-contained), the charts as PNG files and `report.json`."""
    out = Path(out_dir)
    page, figs = render_page(report, lang, forecast, step_titles, own, stage_titles, fact_titles)
    out.mkdir(parents=True, exist_ok=True)
    for fig in figs:
        (out / f"figure-{fig.number}.png").write_bytes(fig.png)
    if forecast is not None and forecast.get("png"):
        (out / "forecast.png").write_bytes(forecast["png"])
    (out / "report.json").write_text(
        json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    index = out / "index.html"
    index.write_text(page, encoding="utf-8")
    return index


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _cell(v: Any) -> str:
    if isinstance(v, int | float) and not isinstance(v, bool):
        return f'<td class="n">{escape(number(v, _LANG.get()))}</td>'
    return f"<td>{escape(str(v))}</td>"


def _table(
    headers: list[str],
    rows: list[list[Any]],
    caption: str | None = None,
    foot: list[Any] | None = None,
    css: str | None = None,
) -> str:
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in headers)
    body = "".join("<tr>" + "".join(_cell(v) for v in r) + "</tr>" for r in rows)
    cap = f"<caption>{escape(caption)}</caption>" if caption else ""
    tfoot = "<tfoot><tr>" + "".join(_cell(v) for v in foot) + "</tr></tfoot>" if foot else ""
    cls = f' class="{css}"' if css else ""
    return f"<table{cls}>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody>{tfoot}</table>"


def _figure(fig: Figure, w: dict[str, Any], after: str = "") -> str:
    alt = f"{w['figure']} {fig.number}: {fig.title}"
    return (
        f'<section id="figure-{fig.number}"><h2>{escape(w["figure"])} {fig.number}. '
        f'{escape(fig.title)}</h2><div class="figure">'
        f'<img src="{_data_uri(fig.png)}" alt="{escape(alt)}">'
        f"{_table(fig.headers, fig.rows)}</div>{after}</section>"
    )


def _pct(n: int, d: int, lang: str) -> str:
    return f"{n} ({share(n / d, lang)})" if d else str(n)


def _key_table(r: dict[str, Any], w: dict[str, Any], lang: str) -> str:
    rv = r["reviews"]
    first_stage = next(iter(rv["by_stage"]), None)
    rows: list[list[Any]] = [
        [w["reviews_total"], rv["total"]],
        [w["reviews_under_way"], rv["under_way"]],
    ]
    if first_stage is not None:
        rows.append([w["reviews_not_started"], rv["by_stage"][first_stage]])
    key = {kind: figure_key(r, kind) for kind in FIGURE_KINDS}
    if key["focal_point_roll"]:
        fp = r[key["focal_point_roll"]]
        rows += [
            [w["parties_without"], fp["parties_without"]],
            [w["reviews_blocked"], fp["reviews_blocked"]],
            [w["focal_point_persons"], fp["persons"]],
            [w["parties_with"], fp["parties_with"]],
            [w["focal_points_women"], _pct(fp["women"], fp["persons"], lang)],
            [w["parties_changed"], _pct(fp["parties_changed"], fp["parties_with"], lang)],
        ]
    if key["nominations"]:
        ex = r[key["nominations"]]
        rows += [
            [w["nominated"], ex["persons"]],
            [w["nominated_women"], _pct(ex["women"], ex["persons"], lang)],
        ]
    if key["consultations"]:
        rows.append([w["consultations"], _pct(r[key["consultations"]]["held"], rv["total"], lang)])
    if key["submissions"]:
        rows.append([w["submitted_total"], r[key["submissions"]]["submitted"]])
    if key["progress"]:
        late = r[key["progress"]]
        rows.append([w["progress_late"], f"{late['late']} / {late['at_stage']}"])
    progress = r["cluster_progress"]
    if not w["cluster_rule"]:  # a Mechanism without the 70 % rule: nothing to say of it
        return _table([w["indicator"], w["count"]], rows, css="keys")
    rows += [
        [
            # the Mechanism's own threshold (mechanism.yaml), never the paper's 70 % in words
            w["group1_complete"].format(threshold=f"{round(progress['threshold'] * 100, 1):g}"),
            f"{progress['completed']} / {progress['total']} ({share(progress['share'], lang)})",
        ],
        [w["next_cluster"], w["yes"] if progress["next_cluster_may_start"] else w["no"]],
    ]
    return _table([w["indicator"], w["count"]], rows, css="keys")


def _lateness_table(r: dict[str, Any], w: dict[str, Any]) -> str:
    """The submitted questionnaires by how late they came, in rows that add up: the
    contract's "more than 6 months" includes "more than a year", so the page splits it."""
    key = figure_key(r, "submissions")
    if key is None:
        return ""
    q = r[key]
    late = q["lateness"]
    over_6, over_12 = late["late_over_6_months"], late["late_over_1_year"]
    rows = [
        [w["on_time"], late["on_time"]],
        [w["late_1_10_days"], late["late_1_10_days"]],
        [w["late_11_days_3_months"], late["late_11_days_3_months"]],
        [w["late_3_6_months"], late["late_3_6_months"]],
        [w["sub_late_6_12_months"], over_6 - over_12],
        [w["sub_late_over_1_year"], over_12],
    ]
    total = [w["lateness_total"], sum(n for _, n in rows)]
    return f'<h3 id="lateness">{escape(w["lateness"])}</h3>' + _table(
        [w["lateness_count"], w["count"]], rows, foot=total
    )


def _processes(
    r: dict[str, Any],
    w: dict[str, Any],
    lang: str,
    titles: dict[str, dict[str, str]],
    stages: dict[str, dict[str, str]],
) -> list[tuple[Figure, str]]:
    """A section per process: its reviews by its own stages (a chart and its table) and
    each of its steps open, late, late by more than a year and completed."""
    out = []
    for i, (name, section) in enumerate(r.get("processes", {}).items(), start=1):
        title = section.get("title", {})
        label = title.get(lang) or title.get("en") or name
        # its own stages' titles before the glossary's words and the ids
        own_stages = {**w["stages"], **stages.get(name, {})}
        fig = process_figure(f"P{i}", label, section, {**w, "stages": own_stages})
        own = titles.get(name, {})
        rows = [
            [own.get(step, step), c["open"], c["late"], c["late_over_1_year"], c["completed"]]
            for step, c in section["steps"].items()
        ]
        steps = _table(
            [w["step"], w["open"], w["late"], w["late_over_1_year_short"], w["done"]],
            rows,
            caption=w["steps_of"].format(process=label),
        )
        alt = f"{w['figure']} {fig.number}: {fig.title}"
        out.append(
            (
                fig,
                f'<section id="process-{escape(name)}"><h2>'
                f"{escape(w['process_heading'].format(process=label, n=section['reviews']))}"
                "</h2>"
                f'<div class="figure"><img src="{_data_uri(fig.png)}" alt="{escape(alt)}">'
                f"{_table(fig.headers, fig.rows)}</div>{steps}</section>",
            )
        )
    return out


def _forecast(fc: dict[str, Any], w: dict[str, Any], lang: str) -> str:
    def day(text: str | None) -> str:
        return un_date(text, lang) if text else w["never"]

    rows = []
    for scenario in fc["scenarios"]:
        label = (
            w["baseline"]
            if scenario["name"] == "baseline"
            else w["what_if"].format(label=scenario["label"])
        )
        t = scenario["threshold_date"]
        when = (
            f"{day(t['median'])} ({day(t['p10'])} - {day(t['p90'])})" if t["median"] else day(None)
        )
        rows.append([label, when])
    img = (
        f'<img src="{_data_uri(fc["png"])}" alt="{escape(w["forecast"])}">' if fc.get("png") else ""
    )
    note = w["forecast_note"].format(runs=fc["runs"], seed=fc["seed"])
    how_sure = _uncertainty(fc, w, lang)
    return (
        f'<section id="forecast"><h2>{escape(w["forecast"])}</h2>'
        f'<p class="note">{escape(note)}</p><p>{escape(how_sure)}</p><div class="figure">{img}'
        f"{_table([w['scenario'], w['forecast_threshold_date']], rows)}</div></section>"
    )


def _uncertainty(fc: dict[str, Any], w: dict[str, Any], lang: str) -> str:
    """How uncertain the forecast is, in words: the 10-90 % range of the date, the share of
    runs that reach it, and how many completions the rates rest on."""
    base = fc["scenarios"][0]
    t = base["threshold_date"]
    group = str(fc["group"])
    completions = sum(by.get(group, 0) for by in fc["model"]["completions"].values())
    basis = w["forecast_basis"].format(completions=completions, group=group)
    if not t["median"]:
        return f"{w['never']}. {basis}"
    within = t["share_within_horizon"]
    known = {
        "group": group,
        "share": share(base["threshold"], lang),
        "median": un_date(t["median"], lang),
        "p10": un_date(t["p10"], lang) if t["p10"] else w["never"],
    }
    if t["p90"]:
        text = w["forecast_range"].format(
            p90=un_date(t["p90"], lang), within=share(within, lang), **known
        )
    else:  # more than one run in ten never reaches it: the range has no end
        text = w["forecast_range_open"].format(beyond=share(1 - within, lang), **known)
    return f"{text} {basis}"
