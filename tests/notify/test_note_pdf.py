"""A note verbale as a PDF: its text read back with pdftotext in Arabic and Chinese, set in
fonts that have the script's glyphs (no missing glyph, no box)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from untoc_workflow.notify.templates import Templates
from untoc_workflow.outbox.note_pdf import note_pdf
from untoc_workflow.specimens import sample_letter_contexts
from untoc_workflow.wording.words import closing

from .conftest import BUNDLED_DEFS

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdffonts") is None,
    reason="poppler-utils (pdftotext, pdffonts) is not installed (.ci/run installs it)",
)
# the families the script must be set in
SCRIPT_FONT = {"ar": "Arabic", "zh": "CJK", "ru": "Noto", "en": "Noto"}


def _mission_note(language: str) -> str:
    templates = Templates(BUNDLED_DEFS / "templates")
    ctx = dict(sample_letter_contexts(templates, language)[1][1])  # the daily note, a mission
    assert ctx["recipient"]["kind"] == "mission"
    ctx["note_number"] = "CTOC/RM/2024/17"
    return templates.render_letter("daily", language, ctx).html


@pytest.mark.parametrize("language", ["ar", "zh", "ru"])
def test_a_note_verbale_reads_back_from_its_pdf_in_its_own_script(tmp_path, language):
    pdf = tmp_path / f"note-{language}.pdf"
    pdf.write_bytes(note_pdf(_mission_note(language)))
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = " ".join(text.replace("\u202b", "").replace("\u202c", "").split())
    close = " ".join(closing("mission", language, "NGA").split())
    # the complimentary close, word for word (Arabic: its words, whatever the line breaks)
    close = close.replace("\u2068", "").replace("\u2069", "")
    if language == "zh":  # no spaces between words: lines break anywhere
        assert "".join(close.split()) in "".join(flat.split()), flat[-400:]
    else:
        words = [w for w in close.split() if len(w) > 3]
        found = [w for w in words if w in flat]
        assert len(found) >= len(words) * 0.8, (words, flat[:500])
    assert "CTOC/RM/2024/17" in flat
    fonts = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    assert SCRIPT_FONT[language] in fonts, fonts
    # every font embedded (a font not embedded, or a Type 3 box, would be a missing glyph)
    rows = [line.split() for line in fonts.splitlines()[2:] if line.strip()]
    assert rows and all("yes" in row[-5:-2] for row in rows), fonts
