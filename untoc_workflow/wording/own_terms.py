"""The glossary's words a process calls otherwise in its `roles:` (`term()` for its letters).

A mutual evaluation is no "country review", its plenary's chair no "President of the
Conference", its letters are not signed by the "secretariat of the Review Mechanism" of
UNODC, its evaluated member is no "State party under review" and its assessors no
"reviewing States parties". A role may give its plural (`review_other`, `reviewer_other`)
and cases (`review_gen`, `review_gen_other`; Arabic's possessive "your reviews",
`review_yours_other`) where a language needs them; otherwise its one form is used.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..definitions.catalog import DEFAULT_PROCESS
from .articles import definite

# glossary key -> the role of `roles:` that names it
ROLE_TERMS = {
    "country_review": "review",
    "president": "chair",
    "conference": "body",
    "review_mechanism": "mechanism",
    "mechanism_secretariat": "secretariat",
    "note_sender": "secretariat",
    "unodc": "office",
    # a body's own members under review and reviewing are States or not alike: its one word
    # stands for both of the glossary's (a State party, or the European Union, a Party)
    "reviewed_party": "reviewed",
    "party_under_review": "reviewed",
    "reviewing_party": "reviewer",
    "reviewing_party_not_state": "reviewer",
}


def process_term(definition: Any, base: Any) -> Any:
    """`term()` that names the process's own review, chair, body, mechanism, reviewed and
    reviewing parties where the process declares them (its `roles`), else the glossary's
    word (`base`)."""
    roles = dict(getattr(definition, "roles", None) or {})
    if not any(role in roles for role in ROLE_TERMS.values()):
        return base

    def term(key: str, lang: str, **kw: Any) -> str:
        role = ROLE_TERMS.get(key)
        if role == "office" and role not in roles and "secretariat" in roles:
            return ""  # a secretariat of its own is no office of UNODC's: no line under it
        if role is None or role not in roles:
            return str(base(key, lang, **kw))
        count, number = kw.get("count"), kw.get("number")
        plural = number == "other" or (count is not None and count != 1)
        case = kw.get("case")
        names = [
            f"{role}_{case}_other" if case and plural else "",
            f"{role}_{case}" if case else "",
            f"{role}_other" if plural else "",
            role,
        ]
        for name in filter(None, names):
            titles: Mapping[str, str] = roles.get(name) or {}
            text = titles.get(lang) or (titles.get("en") if name == role else None)
            if text:
                return text[:1].upper() + text[1:] if kw.get("cap") else text
        return str(base(key, lang, **kw))

    return term


def glossary_the(key: str, lang: str, number: str | None = None) -> str | None:
    """`the_role()` of a letter whose process names nothing of its own: None, the template
    writes the glossary's word with the article it knows it takes."""
    return None


def process_the(definition: Any, base: Any) -> Any:
    """`the_role(key, lang, number=None)`: the process's own word for glossary `key` with
    its definite article, as its definition gives it (`roles: <role>_the`, e.g. `reviewed_the:
    {fr: le membre évalué}`) or as the title shows it (articles.definite); "" when the
    article is known from neither (the letter then names the role without one); None when
    the process names nothing of its own for `key` (the glossary's word, whose article the
    template writes)."""
    roles = dict(getattr(definition, "roles", None) or {})
    term = process_term(definition, base)

    def the(key: str, lang: str, number: str | None = None) -> str | None:
        role = ROLE_TERMS.get(key)
        if role is None or role not in roles:
            return None
        plural = number == "other"
        name = f"{role}_other" if plural and f"{role}_other" in roles else role
        given: Mapping[str, str] = roles.get(f"{name}_the") or {}
        if given.get(lang):
            return given[lang]
        return definite(str(term(key, lang, number=number)), lang, plural=plural)

    return the


def process_words(definition: Any, base: Any) -> dict[str, Any]:
    """What a letter of `definition`'s reviews reads in its words: `term()` (`base`, the
    glossary's, where it names nothing), its roles with their articles (`the_role()`) and
    the titles it gives its stages."""
    titles = getattr(definition, "stage_title", None)
    return {
        "term": process_term(definition, base),
        "the_role": process_the(definition, base),
        "stage_title": titles if titles is not None else lambda stage, language: None,
    }


def own_secretariat(process: Any, ctx: Mapping[str, Any], language: str) -> str | None:
    """The name a letter is sent under when its process declares a secretariat of its own:
    the one that signs it, in its language (the From line and the signature agree); None:
    the configured secretariat's."""
    if process is None or "secretariat" not in process.roles or "term" not in ctx:
        return None
    return str(ctx["term"]("mechanism_secretariat", language, cap=True))


def own_series(process: Any) -> str | None:
    """The series a process's notes verbales are numbered in when it declares a secretariat
    of its own: its tag's (`SRCOC/2026/1`), never the configured one's, which is UNTOC's
    (`CTOC/RM/2026/1`) unless the settings say otherwise; None: the configured series."""
    if process is None or "secretariat" not in (getattr(process, "roles", None) or {}):
        return None
    tag = str(getattr(process, "tag", "") or "").strip()
    return f"{tag}/{{year}}/{{number}}" if tag else None


def mission_place(process: Any, city: str | None, language: str) -> str | None:
    """Where a Party's mission sits, as the letters of `process` name it after the mission's
    title. None for a process that declares no place of its own (`roles: place`): its notes
    go to the missions to the United Nations in Vienna, as UNTOC's always did. Else the
    mission's city as the record gives it (the mechanism file's `mission.city`), written in
    `language` when it is the process's place (its title in any language); with no city
    recorded, the process's place."""
    titles: Mapping[str, str] = dict(getattr(process, "roles", None) or {}).get("place") or {}
    if not titles:
        return None
    own = titles.get(language) or titles.get("en") or next(iter(titles.values()))
    if not city or city.strip().casefold() in {t.strip().casefold() for t in titles.values()}:
        return own
    return city.strip()


def agreed_at(definition: Any, step_id: str, language: str) -> str | None:
    """Where the agreed deadline of `step_id` was agreed, as the review's own process names
    it: the title of the fact its step's `agreed_at:` names, in `language` (else English).
    None for UNTOC's own process, whose letters and portal page say the glossary's "agreed
    at the preliminary consultation" as they always have; for a step no fact agrees; and
    for a definition that cannot tell (a sample)."""
    steps = getattr(definition, "steps", None)
    if definition is None or steps is None or definition.process == DEFAULT_PROCESS:
        return None
    step = next((s for s in steps if s.id == step_id), None)
    fact = getattr(step, "agreed_at", None)
    if not fact:
        return None
    return str(definition.fact_title(fact, language) or str(fact).replace("_", " "))
