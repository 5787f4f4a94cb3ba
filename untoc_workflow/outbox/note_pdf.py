"""Each note verbale also as a PDF, the form in which permanent missions file them: the
note's own HTML drawn on A4 by WeasyPrint with the fonts of the six languages (the HTML's
font stack names the Noto families that `.ci/run` installs: Arabic, CJK, Latin, Cyrillic).

WeasyPrint is imported when the first note is drawn (it takes about a second to load)."""

from __future__ import annotations

import functools
import re
from typing import Any

_PAGE = """
@page { size: A4; margin: 2.5cm 2.2cm; }
body { font-size: 11pt; }
hr { display: none; }
"""


@functools.lru_cache(maxsize=1)
def _page_css() -> Any:
    import weasyprint

    return weasyprint.CSS(string=_PAGE)


def note_pdf(html: str) -> bytes:
    """The PDF of one note verbale, from the HTML part of its message."""
    import weasyprint

    return bytes(weasyprint.HTML(string=html).write_pdf(stylesheets=[_page_css()]))


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def file_name(reference: str | None, key: str) -> str:
    """The attachment's name: the note's number when it has one (slashes made dashes)."""
    stem = _UNSAFE.sub("-", reference or key.rsplit("/", 1)[-1]).strip("-") or "note"
    return f"note-verbale-{stem}.pdf"
