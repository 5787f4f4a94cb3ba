"""The six official languages of the United Nations: the one list of them in the system.

Below every layer (it imports nothing of the project), so the letters, the portal, the
report, the mechanism file and the command line all take their languages from here; the
core does not need it (a review's working languages are plain codes to the core).
"""

from __future__ import annotations

from typing import Literal, get_args

# In the order UN documents list them: the English names' alphabetical order.
Language = Literal["ar", "zh", "en", "fr", "ru", "es"]
UN_LANGUAGES: tuple[Language, ...] = get_args(Language)
DEFAULT_LANGUAGE: Language = "en"
RTL_LANGUAGES = frozenset({"ar"})

# Each language as it names itself (the portal's language switcher) and in English (the
# forms of the command line and of the deployments).
NATIVE_NAMES: dict[str, str] = {
    "ar": "العربية",
    "zh": "中文",
    "en": "English",
    "fr": "Français",
    "ru": "Русский",
    "es": "Español",
}
ENGLISH_NAMES: dict[str, str] = {
    "ar": "Arabic",
    "zh": "Chinese",
    "en": "English",
    "fr": "French",
    "ru": "Russian",
    "es": "Spanish",
}


def direction(language: str) -> str:
    """The writing direction of a page or letter in `language`: rtl for Arabic."""
    return "rtl" if language in RTL_LANGUAGES else "ltr"


# The definite articles a noun may begin with, in the languages that put one before a role's
# title (none in ru, zh, ar): what a role's title must not begin with, and what its definite
# form (`roles: <role>_the`) must.
DEFINITE_ARTICLES: dict[str, tuple[str, ...]] = {
    "en": ("the ",),
    "fr": ("le ", "la ", "les ", "l'", "l’"),
    "es": ("el ", "la ", "los ", "las ", "lo "),
}


def definite_article(text: str, language: str) -> str | None:
    """The definite article `text` begins with in `language` ("le ", "l'"), or None."""
    lowered = text.lower()
    return next((a for a in DEFINITE_ARTICLES.get(language, ()) if lowered.startswith(a)), None)
