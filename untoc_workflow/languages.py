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
