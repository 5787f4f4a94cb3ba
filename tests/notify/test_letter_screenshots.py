"""The consolidated letters (the day's message, the go-live opening, the President's
summary, the secretariat's summary) in the six languages, opened in headless Chromium:
screenshotted, no glyph drawn as tofu (the method of test_screenshots.py)."""

from __future__ import annotations

import pytest

from untoc_workflow.specimens import sample_letter_contexts
from untoc_workflow.wording.languages import UN_LANGUAGES

from .test_screenshots import (
    TEMPLATES,
    _font_family,
    _out_dir,
    _tofu_and_blank,
    _visible_characters,
    gallery_screenshot,
    pytestmark,  # noqa: F401  (browser mark, skipped without chromium)
)


@pytest.mark.parametrize("language", UN_LANGUAGES)
def test_every_letter_is_screenshotted_without_tofu(language, tmp_path):
    folder = _out_dir(tmp_path)
    rendered = [
        (f"{name}-{i}", TEMPLATES.render_letter(name, language, ctx))
        for i, (name, ctx) in enumerate(sample_letter_contexts(TEMPLATES, language))
    ]
    gallery_screenshot(folder, f"letters-{language}", [(name, out.html) for name, out in rendered])
    seen = "\n".join(part for _n, out in rendered for part in (out.subject, out.text, out.html))
    chars = _visible_characters(seen)
    bad = _tofu_and_blank(chars, _font_family(rendered[0][1].html), folder, f"letters-{language}")
    assert bad == [], f"{language}: drawn as tofu or not at all: {bad!r}"
