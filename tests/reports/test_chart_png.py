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
