"""Lists of Parties in the order UN documents in each language give them.

- English, French, Russian: the letters compared without their accents (Côte d'Ivoire
  before Croatia, Égypte before Espagne; Russian ё sorts as е).
- Spanish: likewise, with ñ a letter of its own after n (the Real Academia's alphabet).
- Arabic: the article ال is ignored (الأرجنتين is filed under أ), and the hamza forms of
  alif sort as alif, as in the Arabic lists of Member States.
- Chinese: UN Chinese documents give a list of States in the order of the English
  original (the Chinese version is translated in the order the English gives, not re-sorted
  by pinyin or stroke count); the key is therefore the English name. To be confirmed by the
  Chinese Translation Service before production use.
"""

from __future__ import annotations

import unicodedata

_ALIF = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا"})


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def sort_key(name: str, language: str, code: str | None = None) -> tuple[str, str]:
    """The key that puts Party `name` (in `language`) in its place in a list."""
    if language == "zh":
        from .words import party_name

        english = party_name(code, "en") if code else name
        return (_plain(english), name)
    if language == "ar":
        words = [w[2:] if w.startswith("ال") and len(w) > 3 else w for w in name.split()]
        return (" ".join(words).translate(_ALIF), name)
    if language == "es":
        return (_plain(name.replace("ñ", "n\U0010ffff").replace("Ñ", "N\U0010ffff")), name)
    return (_plain(name), name)
