"""The desk's words for one review, from its own (process, version): what its run's name,
message, form, tags and timeline call the review, its Parties' roles, its stages and facts.

The desk writes English. A process that names its roles (`roles:`: `review`, `reviewed`,
`reviewer`...) is read in those words, as its letters are (`wording.own_terms`); one that
does not (UNTOC's country review, UNCAC's) in the glossary's. A stage or a fact is called by
the title the process gives it, never by its id, unless it gives none.
"""

from __future__ import annotations

from typing import Any

from ..core.model import NOT_NUMBERED
from ..wording.own_terms import process_term

# the engine's own facts, as the desk calls them (no process declares them)
_ENGINE_FACT_WORDS = {
    "focal_point_nominated": "Focal point nominated",
    "focal_point_withdrawn": "Focal point withdrawn",
    "deadline_extended": "Deadline extended",
    "step_waived": "Step waived",
    "reviewer_replaced": "Reviewer replaced",
    "process_migrated": "Moved to another version of the process",
}


def term(own: Any, key: str, *, count: int | None = None, cap: bool = False) -> str:
    """A glossary term in English (`country_review`, `reviewing_party`...) in the words of
    `own`'s process where it names that role, else the glossary's."""
    from ..wording.words import term as glossary_term

    return str(process_term(own, glossary_term)(key, "en", count=count, cap=cap))


def review_word(own: Any, *, cap: bool = False) -> str:
    """What the process calls one of its reviews: "country review", "integrity review"."""
    return term(own, "country_review", count=1, cap=cap)


def reviewed_word(own: Any, *, cap: bool = False) -> str:
    """ "State party under review", "evaluated member"."""
    return term(own, "reviewed_party", cap=cap)


def reviewer_word(own: Any, *, count: int = 1, cap: bool = False) -> str:
    """ "reviewing State party" (plural "reviewing States parties"), "assessing member"."""
    return term(own, "reviewing_party", count=count, cap=cap)


def speaks_own_words(own: Any) -> bool:
    """True when the process names the Parties' roles itself (its `roles:`)."""
    return bool(getattr(own, "roles", None))


def party_word(own: Any) -> str:
    """A field that names a Party of either role: "State party" for the glossary's
    processes, whose Parties are States parties (the European Union aside); "Party" for a
    process of its own words, whose members may be no State party to anything."""
    return "Party" if speaks_own_words(own) else "State party"


def stage_words(own: Any, stage: str) -> str:
    """A stage by the title the process gives it, else its id in words."""
    title = own.stage_title(stage) if own is not None and hasattr(own, "stage_title") else None
    return title or stage.replace("_", " ")


def declared_stage_title(own: Any, stage: str) -> str | None:
    """The title the process gives `stage`, or None when it gives none."""
    if own is None or not hasattr(own, "stage_title"):
        return None
    return own.stage_title(stage)  # type: ignore[no-any-return]


def fact_words(own: Any, kind: str) -> str:
    """A fact by the title its process gives it, the engine's own facts by the desk's
    words, anything else by its id in words."""
    facts = getattr(own, "facts", None) or {}
    declared = facts.get(kind)
    if declared is not None and declared.label():
        return str(declared.label())
    if kind in _ENGINE_FACT_WORDS:
        return _ENGINE_FACT_WORDS[kind]
    return kind.replace("_", " ").capitalize()


def process_tag(own: Any) -> str:
    """The tag naming the run's process in the runs list: the process's own short name
    (`tag: UNTOC` -> `untoc`, `tag: CSACG` -> `csacg`), else its id."""
    tag = getattr(own, "tag", None) or getattr(own, "process", None) or "review"
    return str(tag).lower().replace(" ", "-")


def numbered(value: int) -> bool:
    """True for a cluster or group a process numbers its reviews in (else NOT_NUMBERED)."""
    return value != NOT_NUMBERED


def runs_description(definitions: Any) -> str:
    """What the review runs' deployment is, naming each loaded process's reviews in its own
    words ("integrity reviews (CSACG)"), every version once."""
    seen: dict[str, str] = {}
    for d in definitions or ():
        if d.process not in seen:
            tag = getattr(d, "tag", None)
            words = term(d, "country_review", count=2)
            seen[d.process] = f"{words} ({tag})" if tag else words
    head = "One long-running run per review, suspended at the step it waits for"
    if not seen:
        return f"{head}."
    return f"{head}: {'; '.join(seen.values())}."
