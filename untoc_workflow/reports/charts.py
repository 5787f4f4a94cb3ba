"""Figures I-VII of the background paper: each a table of numbers and a chart drawn from it.

The table is the source; the chart only draws it, so the numbers beside a chart are always
the ones it shows. Charts are PNG bytes from matplotlib's Agg backend (no display needed).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .i18n import combo_label, stage_label

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure as Canvas

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII")
# UN-blue family, readable in greyscale prints of the paper
COLOURS = ("#1f5fa8", "#5b9bd5", "#a9c8ea", "#f0a030", "#c0504d", "#7f7f7f")
# What the engine counts for each figure of the paper (the `figure:` of a `report:` entry).
FIGURE_KINDS = (
    "focal_point_roll",
    "nominations",
    "consultations",
    "languages",
    "submissions",
    "progress",
    "outcome",
)


@dataclass
class Figure:
    number: str
    title: str
    headers: list[str]
    rows: list[list[Any]]
    kind: str = "grouped"  # grouped | stacked | barh
    png: bytes = b""
    series: list[str] = field(default_factory=list)  # columns drawn (all but the first)


def figure_key(report: dict[str, Any], kind: str) -> str | None:
    """The report's key of the figure of `kind` the default process declares (`report:`),
    None when it declares none or has no review on the date (its figures would all be 0)."""
    for key, source in report.get("figures", {}).items():
        if source.get("figure") != kind or key not in report:
            continue
        reviews = report.get("processes", {}).get(source.get("process"), {}).get("reviews")
        if kind != "focal_point_roll" and "process" in source and not reviews:
            return None
        return str(key)
    return None


def figures(report: dict[str, Any], w: dict[str, Any], lang: str) -> list[Figure]:
    """The figures of the paper for one report, with their tables, in language `lang`; a
    figure the default process does not declare is left out, the others keep their number."""
    groups = sorted(report["reviews"]["by_group"], key=int)
    glabel = [w["group_n"].format(n=g) for g in groups]  # 第1组 in Chinese
    by_group = report["reviews"]["by_group"]
    key = {kind: figure_key(report, kind) for kind in FIGURE_KINDS}
    out: list[Figure] = []

    def per_group(
        number: str,
        title: str,
        series: list[str],
        cells: Callable[[str], list[Any]],
        kind: str = "grouped",
    ) -> Figure:
        """A figure of a row a group: its label, then the group's `cells(group)`."""
        rows = [[glabel[i], *cells(g)] for i, g in enumerate(groups)]
        return Figure(number, title, [w["group"], *series], rows, kind=kind)

    if key["focal_point_roll"]:
        fp = report[key["focal_point_roll"]]["blocked_by_group"]
        out.append(per_group("I", w["fig1"], [w["reviews_blocked"]], lambda g: [fp.get(g, 0)]))

    # the stages the report counted: those of the loaded definitions, in their order; by
    # group unless the Mechanism has neither clusters by the 70 % rule nor a review numbered
    # in a group (its reviews count as group 0; its process's own section shows them)
    stages = tuple(report["reviews"]["by_stage"])
    if w.get("cluster_rule", True) or groups != ["0"]:
        out.append(
            per_group(
                "II",
                w["fig2"],
                [stage_label(s, w) for s in stages],
                lambda g: [by_group[g].get(s, 0) for s in stages],
                kind="stacked",
            )
        )

    if key["consultations"]:
        held = report[key["consultations"]]["by_group"]
        own = report[key["consultations"]]["reviews_by_group"]
        out.append(
            per_group(
                "III",
                w["fig3"],
                [w["held"], w["not_held"]],
                lambda g: [held.get(g, 0), own.get(g, 0) - held.get(g, 0)],
                kind="stacked",
            )
        )

    if key["languages"]:
        langs = report[key["languages"]]
        rows: list[list[Any]] = []
        for kind in ("single", "pairs", "triples"):
            for combo, n in langs[kind].items():
                rows.append([combo_label(combo, lang), n])
        rows.append([w["no_agreement"], langs["no_agreement"]])
        head = w.get("languages_of") or w["consultations"]
        out.append(Figure("IV", w["fig4"], [head, w["count"]], rows, kind="barh"))

    if key["submissions"]:
        q = report[key["submissions"]]["by_group"]
        out.append(
            per_group(
                "V",
                w["fig5"],
                [w["submitted"], w["in_preparation"]],
                lambda g: [q[g]["submitted"], q[g]["in_preparation"]],
            )
        )

    if key["progress"]:
        f = report[key["progress"]]["by_group"]
        out.append(
            per_group(
                "VI",
                w["fig6"],
                [w["at_stage"], w["progress_completed"]],
                lambda g: [f[g]["at_stage"], f[g]["completed"]],
            )
        )
        delays = report[key["progress"]]["delays"]
        out.append(
            Figure(
                "VII",
                w["fig7"],
                [w["progress_step"], w["count"]],
                [[w[k], n] for k, n in delays.items()],
                kind="barh",
            )
        )
    return [drawn(fig) for fig in out]


def process_figure(name: str, title: str, section: dict[str, Any], w: dict[str, Any]) -> Figure:
    """A process's reviews by its own stages, however many it has."""
    return drawn(
        Figure(
            name,
            w["stages_of"].format(process=title),
            [w["stage"], w["count"]],
            [[stage_label(st, w), n] for st, n in section["by_stage"].items()],
            kind="barh",
        )
    )


def drawn(fig: Figure) -> Figure:
    """The figure with its chart: every column but the first drawn as a series."""
    fig.series = fig.headers[1:]
    fig.png = draw(fig)
    return fig


def colours(n: int) -> list[str]:
    """`n` colours: the paper's six, then as many more as a process has stages."""
    if n <= len(COLOURS):
        return list(COLOURS[:n])
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    more = colormaps["tab20"]
    extra = [to_hex(more(i)) for i in _UNLIKE_THE_PAPERS]
    return [*COLOURS, *(extra[i % len(extra)] for i in range(n - len(COLOURS)))]


# tab20's colours unlike the paper's six (its blues, orange, red and grey left out), strong
# ones first: a seventh stage must not come out in a blue the eye takes for the first's
_UNLIKE_THE_PAPERS = (4, 8, 10, 12, 16, 18, 5, 9, 11, 13, 17, 19)


# Fonts tried in turn for each character of a chart: DejaVu Sans (matplotlib's own: Latin,
# Cyrillic, Arabic), then the Noto fonts for Chinese and Arabic when the machine has them
# (Debian: fonts-noto-cjk, fonts-noto-core); without them Chinese labels draw as boxes.
CHART_FONTS = ("DejaVu Sans", "Noto Sans CJK SC", "Noto Sans Arabic")


def use_chart_fonts() -> None:
    """Make matplotlib fall back from font to font for the scripts of the six UN languages."""
    from matplotlib import font_manager, rcParams

    installed = {f.name for f in font_manager.fontManager.ttflist}
    rcParams["font.family"] = [name for name in CHART_FONTS if name in installed] or ["sans-serif"]


def png_of(
    draw_on: Callable[[Canvas, Axes], None],
    *,
    size: tuple[float, float],
    dpi: int = 100,
    fonts: bool = True,
) -> bytes:
    """A chart as PNG bytes: one figure of `size` inches with one set of axes, drawn on by
    `draw_on`, laid out tight, by matplotlib's Agg backend (no display needed), and closed
    whatever happens (pyplot keeps every open figure). `fonts`: the six languages' fonts."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    if fonts:
        use_chart_fonts()
    f, ax = plt.subplots(figsize=size, dpi=dpi)
    try:
        draw_on(f, ax)
        f.tight_layout()
        buf = io.BytesIO()
        f.savefig(buf, format="png")
        return buf.getvalue()
    finally:
        plt.close(f)


def draw(fig: Figure) -> bytes:
    """A PNG of the figure's table."""
    labels = [str(r[0]) for r in fig.rows]
    values = [[float(v) for v in r[1:]] for r in fig.rows]
    height = 3.4 if fig.kind != "barh" else max(2.4, 0.38 * len(labels) + 1.0)

    def bars_of_the_table(_: Canvas, ax: Axes) -> None:
        if fig.kind == "barh":
            ys = list(range(len(labels)))[::-1]
            bars = ax.barh(ys, [v[0] for v in values], color=COLOURS[0])
            ax.set_yticks(ys, labels)
            ax.bar_label(bars, padding=3)
            ax.set_xlabel(fig.series[0])
        else:
            n = len(fig.series)
            xs = list(range(len(labels)))
            bottoms = [0.0] * len(labels)
            width = 0.8 / (1 if fig.kind == "stacked" else n)
            palette = colours(n)
            for j, name in enumerate(fig.series):
                col = [v[j] for v in values]
                if fig.kind == "stacked":
                    bars = ax.bar(xs, col, width, bottom=bottoms, label=name, color=palette[j])
                    bottoms = [b + c for b, c in zip(bottoms, col, strict=True)]
                    ax.bar_label(
                        bars,
                        labels=[f"{int(c)}" if c else "" for c in col],
                        label_type="center",
                        fontsize=8,
                    )
                else:
                    offset = (j - (n - 1) / 2) * width
                    bars = ax.bar(
                        [x + offset for x in xs], col, width, label=name, color=palette[j]
                    )
                    ax.bar_label(bars, padding=2, fontsize=8)
            ax.set_xticks(xs, labels)
            if n > 1:
                ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
            else:
                ax.set_ylabel(fig.series[0], fontsize=8)
        if all(v.is_integer() for row in values for v in row):
            # counts: whole numbers on the value axis, never 0.2, 0.4...
            from matplotlib.ticker import MaxNLocator

            axis = ax.xaxis if fig.kind == "barh" else ax.yaxis
            axis.set_major_locator(MaxNLocator(integer=True))
        ax.spines[["top", "right"]].set_visible(False)

    return png_of(bars_of_the_table, size=(6.4, height))
