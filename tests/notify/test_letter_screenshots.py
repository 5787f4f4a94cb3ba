"""The consolidated letters (the day's message, the go-live opening, the President's
summary, the secretariat's summary) in the six languages, opened in headless Chromium:
screenshotted, no glyph drawn as tofu (the method of test_screenshots.py)."""

from __future__ import annotations

import pytest

from untoc_workflow.notify.consolidate import sample_letter_contexts
from untoc_workflow.notify.languages import UN_LANGUAGES

from .test_screenshots import (
    FRAME_H,
    FRAME_W,
    TEMPLATES,
    _chromium,
    _font_family,
    _out_dir,
    _tofu_and_blank,
    _visible_characters,
    pytestmark,  # noqa: F401  (browser mark, skipped without chromium)
)


@pytest.mark.parametrize("language", UN_LANGUAGES)
def test_every_letter_is_screenshotted_without_tofu(language, tmp_path):
    from PIL import Image

    folder = _out_dir(tmp_path)
    rendered = [
        (f"{name}-{i}", TEMPLATES.render_letter(name, language, ctx))
        for i, (name, ctx) in enumerate(sample_letter_contexts(TEMPLATES, language))
    ]
    frames = []
    for i, (name, out) in enumerate(rendered):
        path = folder / f"letter-{language}-{name}.html"
        path.write_text(out.html, encoding="utf-8")
        frames.append(
            f"<iframe id='f{i}' src='{path.name}' width={FRAME_W} height={FRAME_H}"
            " style='border:0;display:block'></iframe>"
        )
    gallery = folder / f"letters-{language}.html"
    gallery.write_text(
        "<!DOCTYPE html><html><body style='margin:0'>" + "".join(frames) + "</body></html>",
        encoding="utf-8",
    )
    shot = folder / f"letters-{language}.png"
    result = _chromium(
        [
            f"--screenshot={shot}",
            f"--window-size={FRAME_W},{FRAME_H * len(frames)}",
            gallery.as_uri(),
        ],
        folder / f"profile-letters-{language}",
    )
    assert shot.exists(), result.stderr[-2000:]
    image = Image.open(shot).convert("L")
    for i, (name, _out) in enumerate(rendered):
        frame = image.crop((0, i * FRAME_H, FRAME_W, (i + 1) * FRAME_H))
        assert sum(frame.histogram()[:160]) > FRAME_W * FRAME_H * 0.005, f"{name} is blank"
    seen = "\n".join(part for _n, out in rendered for part in (out.subject, out.text, out.html))
    chars = _visible_characters(seen)
    bad = _tofu_and_blank(chars, _font_family(rendered[0][1].html), folder, f"letters-{language}")
    assert bad == [], f"{language}: drawn as tofu or not at all: {bad!r}"
