"""The HTML report: one self-contained page, figures I-VII with their numbers, en and fr;
opened in a real headless Chromium, its screenshot is not blank and every chart loaded."""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from untoc_workflow.reports import status_report, write_status_report
from untoc_workflow.reports.html import render_page

CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
)
PAPER_DATE = date(2024, 4, 16)


@pytest.fixture(scope="module")
def page_dir(process, sample, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report")
    write_status_report(process, sample, PAPER_DATE, out, lang="en", with_forecast=True)
    return out


def test_the_page_is_self_contained_with_a_chart_per_figure(page_dir):
    html = (page_dir / "index.html").read_text(encoding="utf-8")
    sources = re.findall(r'<img src="([^"]+)"', html)
    assert len(sources) == 9  # figures I-VII, the country review's stages, the forecast
    for src in sources:
        assert src.startswith("data:image/png;base64,")  # nothing to fetch
        png = base64.b64decode(src.split(",", 1)[1])
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 2000
    assert "http://" not in html and "https://" not in html
    for number in ("I", "II", "III", "IV", "V", "VI", "VII"):
        assert f'id="figure-{number}"' in html
        assert (page_dir / f"figure-{number}.png").stat().st_size > 2000
    assert json.loads((page_dir / "report.json").read_text())["as_of"] == "2024-04-16"


def test_the_numbers_are_beside_each_chart(process, sample):
    report = status_report(process, sample, PAPER_DATE)
    html, figs = render_page(report, "en")
    sections = {
        m.group(1): m.group(2)
        for m in re.finditer(r'<section id="figure-(\w+)">(.*?)</section>', html, re.S)
    }
    # figure I: reviews waiting for focal points, per group, as in the report
    for g, n in report["focal_points"]["blocked_by_group"].items():
        assert f'<td>Group {g}</td><td class="n">{n}</td>' in sections["I"]
    # figure IV: para 28's languages
    assert '<td>English</td><td class="n">42</td>' in sections["IV"]
    assert '<td>Arabic + English</td><td class="n">7</td>' in sections["IV"]
    assert '<td>No agreement</td><td class="n">2</td>' in sections["IV"]
    # figure VII: 19 reviews more than a year late
    assert '<td>Late, more than a year</td><td class="n">19</td>' in sections["VII"]
    # key figures
    assert '<td>Reviews under way</td><td class="n">73</td>' in html
    assert [f.number for f in figs] == ["I", "II", "III", "IV", "V", "VI", "VII", "P1"]


def test_the_page_in_french_uses_the_papers_words(process, sample):
    report = status_report(process, sample, PAPER_DATE)
    html, _ = render_page(report, "fr")
    assert '<html lang="fr">' in html
    assert "Examens pour lesquels des points de contact restent à nommer" in html
    assert "Langues retenues pour les examens" in html
    assert '<td>anglais</td><td class="n">42</td>' in html
    assert "Situation au 16 avril 2024" in html  # a UN date, not ISO


def _chromium(args: list[str], profile: Path) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_headless_chromium_shows_the_page_with_every_chart_loaded(page_dir, tmp_path):
    from PIL import Image

    page = page_dir / "index.html"
    # A probe page loads the report in a frame and writes, into its own DOM, how many images
    # the report has and how many decoded with a width; --dump-dom prints it.
    probe = page_dir / "probe.html"
    probe.write_text(
        "<!DOCTYPE html><html><body><iframe id=f src='index.html' width=1280 height=4000>"
        "</iframe><pre id=out>pending</pre><script>"
        "document.getElementById('f').onload=function(){"
        "var imgs=this.contentDocument.images;var ok=0;"
        "for(var i=0;i<imgs.length;i++){if(imgs[i].complete&&imgs[i].naturalWidth>0)ok++;}"
        "document.getElementById('out').textContent='images='+imgs.length+' loaded='+ok;};"
        "</script></body></html>",
        encoding="utf-8",
    )
    dom = _chromium(
        [
            "--allow-file-access-from-files",
            "--virtual-time-budget=10000",
            "--dump-dom",
            probe.as_uri(),
        ],
        tmp_path / "profile-dom",
    )
    found = re.search(r"images=(\d+) loaded=(\d+)", dom.stdout)
    assert found, dom.stdout[-2000:] + dom.stderr[-2000:]
    assert found.group(1) == found.group(2) == "9"

    shot = tmp_path / "shot.png"
    result = _chromium(
        [f"--screenshot={shot}", "--window-size=1280,4000", page.as_uri()],
        tmp_path / "profile-shot",
    )
    assert shot.exists() and shot.stat().st_size > 10_000, result.stderr[-2000:]
    image = Image.open(shot).convert("L")
    assert image.size == (1280, 4000)
    lo, hi = image.getextrema()
    assert hi - lo > 100  # not a blank page
    # the charts' blue bars are there: a good share of the page is neither white nor empty
    histogram = image.histogram()
    dark = sum(histogram[:200])
    assert dark > 1280 * 4000 * 0.02
