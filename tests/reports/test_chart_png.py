"""Every chart (the paper's figures, the forecast, the questionnaire's answers) is drawn
through one PNG writer, which never leaves a figure open in pyplot."""

from __future__ import annotations

import pytest

from untoc_workflow.questionnaire.statistics import _bar
from untoc_workflow.reports.charts import png_of

PNG = b"\x89PNG\r\n\x1a\n"


def test_a_chart_is_png_bytes_of_its_size() -> None:
    png = png_of(lambda f, ax: ax.plot([0, 1], [1, 0]), size=(2.0, 1.5), dpi=50)
    assert png[:8] == PNG
    # the IHDR chunk: width and height in pixels, size x dpi
    assert int.from_bytes(png[16:20], "big") == 100 and int.from_bytes(png[20:24], "big") == 75


def test_a_chart_that_fails_to_draw_leaves_no_figure_open() -> None:
    from matplotlib import pyplot as plt

    before = plt.get_fignums()

    def broken(f, ax):
        raise ValueError("no data")

    with pytest.raises(ValueError, match="no data"):
        png_of(broken, size=(2.0, 1.5))
    assert plt.get_fignums() == before


def test_the_answers_chart_is_drawn_by_it() -> None:
    png = _bar(["Yes", "No"], [3, 1])
    assert png[:8] == PNG
    assert int.from_bytes(png[16:20], "big") == round(6.4 * 90)


@pytest.mark.parametrize("kind", ["grouped", "stacked", "barh"])
def test_a_chart_of_counts_marks_whole_numbers_only(kind, monkeypatch) -> None:
    """Two reviews and one are counts: the value axis reads 0, 1, 2, never 0.25, 0.5..."""
    from matplotlib import pyplot as plt

    from untoc_workflow.reports import charts

    seen: list[list[float]] = []

    def drawn(draw_on, *, size, **_kw):
        f, ax = plt.subplots(figsize=size)
        try:
            draw_on(f, ax)
            f.canvas.draw()
            axis = ax.xaxis if kind == "barh" else ax.yaxis
            seen.append([float(t) for t in axis.get_majorticklocs()])
        finally:
            plt.close(f)
        return PNG

    monkeypatch.setattr(charts, "png_of", drawn)
    fig = charts.Figure("I", "t", ["", "a"], [["x", 1], ["y", 2]], kind=kind, series=["a"])
    assert charts.draw(fig) == PNG
    [ticks] = seen
    assert len(ticks) >= 2 and all(t.is_integer() for t in ticks), ticks


def test_a_seventh_stage_is_not_drawn_in_a_blue_of_the_first_six() -> None:
    from matplotlib.colors import to_rgb

    from untoc_workflow.reports.charts import COLOURS, colours

    def apart(a: str, b: str) -> float:
        return sum((x - y) ** 2 for x, y in zip(to_rgb(a), to_rgb(b), strict=True)) ** 0.5

    palette = colours(12)
    assert palette[:6] == list(COLOURS) and len(set(palette)) == 12
    assert min(apart(extra, paper) for extra in palette[6:] for paper in COLOURS) > 0.15
