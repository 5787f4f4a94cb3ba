"""A process's own role with its definite article, in the languages whose letters put one.

The glossary's words (UNTOC's) have the article the templates write beside them: "l'État
partie examiné", "la Partie examinée", "el Estado parte examinado". A process that names its
parties in its own words (`roles: reviewed`, `reviewer_other`) gives a noun whose gender no
template can know: "membre évalué" needs "le", "Partie évaluée" "la", "haut représentant"
"le" (an aspirated h), "hôte" "l'". So the article comes from the process's own definite
form when it gives one (`roles: reviewed_the: {fr: le membre évalué}`), else from what the
title itself shows (French elision before a vowel, the plural "les"), else from nowhere:
the letter then says it without an article (`definite` returns "").
"""

from __future__ import annotations

from ..languages import DEFINITE_ARTICLES

# French elides before a vowel; never guessed before "h" ("l'hôte" but "le héros") nor "y"
# ("l'ytterbium" but "le yaourt").
_FRENCH_VOWELS = frozenset("aàâäeéèêëiîïoôöuùûüæœ")


def definite(title: str, language: str, *, plural: bool = False) -> str:
    """`title` (a role's title, without article) with the article `language` gives it when
    the title alone shows which: English "the", French "les" in the plural and "l'" before a
    vowel; Russian, Chinese and Arabic put none. "" when only the noun's gender would tell
    (French before a consonant or "h", Spanish always)."""
    if language == "en":
        return f"the {title}"
    if language == "fr":
        if plural:
            return f"les {title}"
        if title[:1].lower() in _FRENCH_VOWELS:
            return f"l'{title}"
        return ""
    if language in DEFINITE_ARTICLES:  # Spanish: el/la, los/las by the noun's gender
        return ""
    return title


# A preposition and the article after it written as one word.
_CONTRACTIONS = {
    "fr": {
        ("de", "le "): "du ",
        ("de", "les "): "des ",
        ("à", "le "): "au ",
        ("à", "les "): "aux ",
    },
    "es": {("de", "el "): "del ", ("a", "el "): "al "},
}


def after(preposition: str, form: str, language: str) -> str:
    """`form` (a noun with its definite article) after `preposition`, contracted as the
    language writes it: de + le membre -> du membre, de + el examen -> del examen,
    de + l'examen -> de l'examen."""
    if not preposition:
        return form
    for (prep, article), joined in _CONTRACTIONS.get(language, {}).items():
        if prep == preposition and form.lower().startswith(article):
            return joined + form[len(article) :]
    return f"{preposition} {form}"
