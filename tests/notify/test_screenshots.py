"""Every notice template and the monthly summary, rendered in the six languages as their
HTML part and opened in headless Debian Chromium: the pages are screenshotted, no glyph is
drawn as an empty box ("tofu"), and Arabic is laid out right to left.

How tofu is found: a character no installed font covers is drawn with the font's .notdef
glyph, the same empty box for every such character. Each distinct visible character of a
language's messages is drawn alone in a fixed grid cell, in the font stack the messages
themselves declare; beside them, code points that no font has (U+0378, U+0379, unassigned)
show what tofu looks like on this machine. A character passes when its cell has ink and
differs from the tofu cells. The first test proves the method catches tofu.

Screenshots are written to pytest's temporary folder, or to UNTOC_SCREENSHOTS if set.
"""

from __future__ import annotations

import html as htmllib
import os
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from untoc_workflow.definitions import load_process
from untoc_workflow.notify.templates import DIGEST_TEMPLATE, Templates
from untoc_workflow.specimens import sample_digest_contexts, sample_notice_contexts
from untoc_workflow.wording.languages import UN_LANGUAGES

from .conftest import BUNDLED_DEFS

CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
)
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed"),
]

TEMPLATES = Templates(BUNDLED_DEFS / "templates")
NAMES = [*sorted({r.template for s in load_process().steps for r in s.ladder}), DIGEST_TEMPLATE]
TOFU = ("\u0378", "\u0379", "\U0010fffd")  # unassigned / noncharacter: no font draws them
CELL, COLUMNS, FONT_PX = 48, 20, 32
FRAME_W, FRAME_H = 900, 1100


def _chromium(args: list[str], profile: Path) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--force-device-scale-factor=1",
            "--allow-file-access-from-files",
            "--virtual-time-budget=5000",
            f"--user-data-dir={profile}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )


def gallery_screenshot(folder: Path, stem: str, pages: list[tuple[str, str]]) -> None:
    """Open `pages` (name, HTML) as frames of one page in Chromium, screenshot it, and check
    that no frame is blank."""
    from PIL import Image

    frames = []
    for i, (_name, page) in enumerate(pages):
        path = folder / f"{stem}-{i}.html"
        path.write_text(page, encoding="utf-8")
        frames.append(
            f"<iframe id='f{i}' src='{path.name}' width={FRAME_W} height={FRAME_H}"
            " style='border:0;display:block'></iframe>"
        )
    gallery = folder / f"{stem}.html"
    gallery.write_text(
        "<!DOCTYPE html><html><body style='margin:0'>" + "".join(frames) + "</body></html>",
        encoding="utf-8",
    )
    shot = folder / f"{stem}.png"
    result = _chromium(
        [
            f"--screenshot={shot}",
            f"--window-size={FRAME_W},{FRAME_H * len(frames)}",
            gallery.as_uri(),
        ],
        folder / f"profile-{stem}",
    )
    assert shot.exists(), result.stderr[-2000:]
    image = Image.open(shot).convert("L")
    assert image.size == (FRAME_W, FRAME_H * len(frames))
    for i, (name, _page) in enumerate(pages):
        frame = image.crop((0, i * FRAME_H, FRAME_W, (i + 1) * FRAME_H))
        ink = sum(frame.histogram()[:160])
        assert ink > FRAME_W * FRAME_H * 0.005, f"{name}: the screenshot is blank"


def _out_dir(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("UNTOC_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _messages(language: str) -> dict[str, tuple[str, str]]:
    """template name -> (HTML part, every text a reader sees), for the mission variant (a
    note verbale) and the others, so every branch's words are in the glyph check."""
    out = {}
    for name in NAMES:
        contexts = (
            sample_digest_contexts(language)
            if name == DIGEST_TEMPLATE
            else sample_notice_contexts(language)
        )
        rendered = [TEMPLATES.render(name, language, ctx) for ctx in contexts]
        seen = "\n".join(part for r in rendered for part in (r.subject, r.text, r.html))
        out[name] = (rendered[-1 if name == DIGEST_TEMPLATE else 1].html, seen)
    return out


def _visible_characters(text: str) -> list[str]:
    """The distinct characters a reader sees: markup and entities resolved, no spaces, no
    format controls (bidi isolates draw nothing by design)."""
    text = htmllib.unescape(re.sub(r"<[^>]+>", " ", text))
    chars = {ch for ch in text if not unicodedata.category(ch).startswith(("Z", "C")) and ch != " "}
    return sorted(chars)


def _font_family(page: str) -> str:
    style = re.search(r'<body[^>]*style="([^"]*)"', page)
    assert style, "the message's body has no style"
    found = re.search(r"font-family:\s*([^;]+)", htmllib.unescape(style.group(1)))
    assert found, "the message's body declares no font-family"
    return found.group(1).strip()


def _grid_page(chars: list[str], family: str) -> str:
    cells = "".join(f"<span>{htmllib.escape(ch)}</span>" for ch in [*TOFU, *chars])
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><style>"
        "body{margin:0;background:#fff}"
        f".g{{display:grid;grid-template-columns:repeat({COLUMNS},{CELL}px);"
        f"grid-auto-rows:{CELL}px}}"
        f".g span{{font-family:{family};font-size:{FONT_PX}px;line-height:{CELL}px;"
        "text-align:center;overflow:hidden;color:#000;white-space:pre}"
        f"</style></head><body><div class='g'>{cells}</div></body></html>"
    )


def _cells(image, count: int) -> list[list[int]]:
    """Each cell's pixels as 0 (ink) / 1 (paper)."""
    grey = image.convert("L")
    out = []
    for i in range(count):
        x, y = (i % COLUMNS) * CELL, (i // COLUMNS) * CELL
        crop = grey.crop((x, y, x + CELL, y + CELL))
        out.append([0 if v < 160 else 1 for v in crop.tobytes()])
    return out


def _differs(a: list[int], b: list[int]) -> bool:
    return sum(x != y for x, y in zip(a, b, strict=True)) > len(a) * 0.01


def _tofu_and_blank(chars: list[str], family: str, folder: Path, stem: str) -> list[str]:
    """The characters drawn as tofu or not drawn at all, in `family`, in real Chromium."""
    from PIL import Image

    page = folder / f"{stem}-glyphs.html"
    page.write_text(_grid_page(chars, family), encoding="utf-8")
    shot = folder / f"{stem}-glyphs.png"
    rows = (len(TOFU) + len(chars) + COLUMNS - 1) // COLUMNS
    result = _chromium(
        [
            f"--screenshot={shot}",
            f"--window-size={COLUMNS * CELL},{max(rows * CELL, 240)}",
            page.as_uri(),
        ],
        folder / f"profile-{stem}-glyphs",
    )
    assert shot.exists(), result.stderr[-2000:]
    cells = _cells(Image.open(shot), len(TOFU) + len(chars))
    tofu, drawn = cells[: len(TOFU)], cells[len(TOFU) :]
    assert all(0 in t for t in tofu), "the tofu reference drew nothing: the page did not render"
    bad = []
    for ch, cell in zip(chars, drawn, strict=True):
        if 0 not in cell or not all(_differs(cell, t) for t in tofu):
            bad.append(ch)
    return bad


def test_the_method_finds_tofu_and_passes_real_glyphs(tmp_path):
    """Characters no font has are caught; Latin, Cyrillic, CJK and Arabic letters pass."""
    folder = _out_dir(tmp_path)
    chars = ["\u0380", "\u0381", "A", "é", "Ж", "中", "审", "ب", "ع", "、"]
    bad = _tofu_and_blank(chars, "sans-serif", folder, "method")
    assert bad == ["\u0380", "\u0381"]


@pytest.mark.parametrize("language", UN_LANGUAGES)
def test_every_template_is_screenshotted_without_tofu(language, tmp_path):

    folder = _out_dir(tmp_path)
    messages = _messages(language)
    # every template's HTML part, one frame each, in one gallery page per language
    pages = [(f"{language}/{name}", page) for name, (page, _seen) in messages.items()]
    gallery_screenshot(folder, f"{language}-gallery", pages)

    # no glyph of any message is tofu, in the fonts the messages declare
    family = _font_family(next(iter(messages.values()))[0])
    chars = _visible_characters("\n".join(seen for _page, seen in messages.values()))
    assert len(chars) > 40
    bad = _tofu_and_blank(chars, family, folder, language)
    assert bad == [], f"{language}: drawn as tofu or not at all: {bad!r}"


def test_arabic_is_laid_out_right_to_left_in_chromium(tmp_path):
    """Chromium's own layout: the Arabic notice's direction is rtl and its paragraphs start
    at the right edge; the footer's address is isolated left to right, in its Latin order."""
    folder = _out_dir(tmp_path)
    page, _seen = _messages("ar")["step_overdue"]
    path = folder / "ar-layout.html"
    path.write_text(page, encoding="utf-8")
    probe = folder / "ar-probe.html"
    probe.write_text(
        "<!DOCTYPE html><html><body><iframe id=f src='ar-layout.html' width=900 height=1000>"
        "</iframe><pre id=out>pending</pre><script>"
        "document.getElementById('f').onload=function(){"
        "var d=this.contentDocument;var p=d.querySelector('p');var r=d.createRange();"
        "r.selectNodeContents(p);var box=r.getClientRects()[0];"
        "var bdi=d.querySelectorAll('bdi');var foot=bdi[bdi.length-1];"
        "document.getElementById('out').textContent="
        "'dir='+getComputedStyle(d.body).direction+' right='+Math.round(box.right)"
        "+' width='+d.body.clientWidth+' footer='+getComputedStyle(foot).direction"
        "+' foottext='+foot.textContent;};"
        "</script></body></html>",
        encoding="utf-8",
    )
    dom = _chromium(["--dump-dom", probe.as_uri()], folder / "profile-ar-probe")
    found = re.search(
        r"dir=(\w+) right=(\d+) width=(\d+) footer=(\w+) foottext=([^<]*)", dom.stdout
    )
    assert found, dom.stdout[-2000:] + dom.stderr[-2000:]
    direction, right, width, footer, foottext = found.groups()
    assert direction == "rtl"
    assert int(right) >= int(width) - 20  # the first paragraph starts at the right
    assert footer == "ltr" and htmllib.unescape(foottext) == "<untoc.review@example.org>"
