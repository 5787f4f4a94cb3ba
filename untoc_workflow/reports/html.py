"""The report as one self-contained HTML page: key figures, figures I-VII with their numbers.

Charts are embedded as PNG data URIs, so the page needs no network and no other file; the
same PNGs are also written beside it for pasting into a paper.
"""

from __future__ import annotations

import base64
import json
from html import escape
from pathlib import Path
from typing import Any

from .charts import Figure, figures
from .i18n import words

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:2rem auto;
max-width:1180px;color:#1b1b1b;line-height:1.4;padding:0 1rem}
h1{font-size:1.5rem;color:#1f5fa8;margin-bottom:.2rem}h2{font-size:1.15rem;margin-top:2rem;
border-bottom:2px solid #1f5fa8;padding-bottom:.2rem}.note{color:#555;font-size:.9rem}
table{border-collapse:collapse;font-size:.9rem}th,td{border:1px solid #c8d3e0;
padding:.25rem .6rem;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
th{background:#eef3f9}.figure{display:flex;gap:1.5rem;align-items:flex-start;flex-wrap:wrap}
.figure img{max-width:640px;width:100%;height:auto;border:1px solid #e3e8ee}
.keys td:first-child{min-width:24rem}
"""


def render_page(
    report: dict[str, Any], lang: str = "en", forecast: dict[str, Any] | None = None
) -> tuple[str, list[Figure]]:
    """The page's HTML and the figures drawn for it."""
    w = words(lang)
    figs = figures(report, w, lang)
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}"><head><meta charset="utf-8">',
        f"<title>{escape(w['title'])} - {report['as_of']}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{escape(w['title'])}</h1>",
        f"<p><strong>{escape(w['as_of'].format(date=report['as_of']))}</strong></p>",
        f'<p class="note">{escape(w["generated"])}</p>',
        f"<h2>{escape(w['key_counts'])}</h2>",
        _key_table(report, w),
    ]
    for fig in figs:
        parts.append(_figure(fig, w))
        if fig.number == "V":
            parts.append(_lateness_table(report, w))
    if forecast is not None:
        parts.append(_forecast(forecast, w))
    parts.append("</body></html>")
    return "\n".join(parts), figs


def write_html(
    report: dict[str, Any],
    out_dir: str | Path,
    lang: str = "en",
    forecast: dict[str, Any] | None = None,
) -> Path:
    """Write `index.html` (self-contained), the charts as PNG files and `report.json`."""
    out = Path(out_dir)
    page, figs = render_page(report, lang, forecast)
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
        return f'<td class="n">{v:g}</td>'
    return f"<td>{escape(str(v))}</td>"


def _table(headers: list[str], rows: list[list[Any]], caption: str | None = None) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(_cell(v) for v in r) + "</tr>" for r in rows)
    cap = f"<caption>{escape(caption)}</caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _figure(fig: Figure, w: dict[str, str]) -> str:
    alt = f"{w['figure']} {fig.number}: {fig.title}"
    return (
        f'<section id="figure-{fig.number}"><h2>{escape(w["figure"])} {fig.number}. '
        f'{escape(fig.title)}</h2><div class="figure">'
        f'<img src="{_data_uri(fig.png)}" alt="{escape(alt)}">'
        f"{_table(fig.headers, fig.rows)}</div></section>"
    )


def _pct(n: int, d: int) -> str:
    return f"{n} ({n / d:.0%})" if d else str(n)


def _key_table(r: dict[str, Any], w: dict[str, str]) -> str:
    rv, fp, ex = r["reviews"], r["focal_points"], r["experts"]
    progress = r["cluster_progress"]
    rows = [
        [w["reviews_total"], rv["total"]],
        [w["reviews_under_way"], rv["under_way"]],
        [w["reviews_not_started"], rv["by_stage"]["not_started"]],
        [w["parties_without"], fp["parties_without"]],
        [w["reviews_blocked"], fp["reviews_blocked"]],
        [w["focal_points"], fp["persons"]],
        [w["parties_with"], fp["parties_with"]],
        [w["focal_points_women"], _pct(fp["women"], fp["persons"])],
        [w["parties_changed"], _pct(fp["parties_changed"], fp["parties_with"])],
        [w["experts"], ex["persons"]],
        [w["experts_women"], _pct(ex["women"], ex["persons"])],
        [w["consultations"], _pct(r["preliminary_consultations"]["held"], rv["total"])],
        [w["saq_submitted"], r["questionnaires"]["submitted"]],
        [
            w["feedback_late"],
            f"{r['written_feedback']['late']} / {r['written_feedback']['at_stage']}",
        ],
        [
            w["group1_complete"],
            f"{progress['completed']} / {progress['total']} ({progress['share']:.0%})",
        ],
        [w["next_cluster"], w["yes"] if progress["next_cluster_may_start"] else w["no"]],
    ]
    return (
        '<table class="keys"><tbody>'
        + "".join("<tr>" + "".join(_cell(v) for v in row) + "</tr>" for row in rows)
        + "</tbody></table>"
    )


def _lateness_table(r: dict[str, Any], w: dict[str, str]) -> str:
    late = r["questionnaires"]["lateness"]
    rows = [[w[k], n] for k, n in late.items()]
    return f"<h3>{escape(w['saq_lateness'])}</h3>" + _table([w["saq_lateness"], w["count"]], rows)


def _forecast(fc: dict[str, Any], w: dict[str, str]) -> str:
    rows = []
    for scenario in fc["scenarios"]:
        label = (
            w["baseline"]
            if scenario["name"] == "baseline"
            else w["what_if"].format(label=scenario["label"])
        )
        t = scenario["threshold_date"]
        later = w["never"]
        when = (
            f"{t['median']} ({t['p10'] or later} - {t['p90'] or later})" if t["median"] else later
        )
        rows.append([label, when])
    img = (
        f'<img src="{_data_uri(fc["png"])}" alt="{escape(w["forecast"])}">' if fc.get("png") else ""
    )
    note = w["forecast_note"].format(runs=fc["runs"], seed=fc["seed"])
    return (
        f'<section id="forecast"><h2>{escape(w["forecast"])}</h2>'
        f'<p class="note">{escape(note)}</p><div class="figure">{img}'
        f"{_table(['', w['forecast_threshold_date']], rows)}</div></section>"
    )
