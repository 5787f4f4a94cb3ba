"""The one way interface strings are translated: Babel's gettext catalogs.

Each package that shows text (the portal, the status report) keeps its catalogs as
`<package>/locale/<lang>/LC_MESSAGES/<domain>.po` in the repository, English being the source
text. They are shipped as they are (package data) and compiled in memory when first read,
so no build step produces `.mo` files and a wheel installed anywhere carries them. Letters
are not translated this way: each is a whole template per language (notify/).
"""

from __future__ import annotations

import gettext
import io
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from .languages import DEFAULT_LANGUAGE


def po_path(locale_dir: Path, domain: str, language: str) -> Path:
    return locale_dir / language / "LC_MESSAGES" / f"{domain}.po"


def read_catalog(path: Path, language: str | None = None, domain: str | None = None) -> Catalog:
    """A `.po` (or the `.pot` template) as Babel reads it."""
    with open(path, "rb") as fh:
        return read_po(fh, locale=language, domain=domain)


def translations(locale_dir: Path, domain: str, language: str) -> gettext.NullTranslations:
    """The catalog of `language` in `domain`, compiled in memory; English (the source text)
    and a language without a catalog translate nothing."""
    path = po_path(locale_dir, domain, language)
    if language == DEFAULT_LANGUAGE or not path.exists():
        return gettext.NullTranslations()
    compiled = io.BytesIO()
    write_mo(compiled, read_catalog(path, language, domain))
    compiled.seek(0)
    return Translations(compiled, domain=domain)
