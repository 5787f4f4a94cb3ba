"""The portal in the words of the body it serves: the name of its mechanism, the secretariat
that signs, the short tag of its pages and the title of its reviews, where the process
declares them (`tag`, `roles:`); UNTOC's own words otherwise.

A portal serves one body: it speaks as the default process does (the process a review
naming none runs, the first of a folder standing alone), so a regional body's focal
points read their own mechanism's name, never UNTOC's or UNODC's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class OwnWords:
    """None where the process says nothing: the portal's catalogs (UNTOC's words) apply."""

    tag: str
    mechanism: str | None = None
    reviews: str | None = None  # what its reviews are called, when it names them
    secretariat: str | None = None  # who signs, capitalised
    office: str | None = None  # the line under it, when the process declares one
    # its "Reviewed Party" and "Reviewing Parties", capitalised, when it names them
    reviewed: str | None = None
    reviewers: str | None = None

    def signature(self, between: str) -> str | None:
        """The secretariat, then its office (`between` them: ", " or a new line)."""
        if self.secretariat is None:
            return None
        return self.secretariat + (between + self.office if self.office else "")


def _declared(definition: Any, role: str, language: str) -> str | None:
    if role not in (getattr(definition, "roles", None) or {}):
        return None
    return str(definition.role_title(role, language))


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _headed(definition: Any, roles: tuple[str, ...], language: str) -> str | None:
    """The first of `roles` the process declares, capitalised as a column's heading."""
    own = next(filter(None, (_declared(definition, r, language) for r in roles)), None)
    return _capital(own) if own else None


def own_words(definition: Any, language: str) -> OwnWords:
    """The words of the process `definition` (a process definition, or None) in `language`."""
    tag = getattr(definition, "tag", None) or "UNTOC"
    mechanism = _declared(definition, "mechanism", language)
    secretariat = _declared(definition, "secretariat", language)
    return OwnWords(
        tag=tag,
        mechanism=_capital(mechanism) if mechanism else None,
        reviews=_declared(definition, "review", language),
        secretariat=_capital(secretariat) if secretariat else None,
        office=_declared(definition, "office", language) if secretariat else None,
        reviewed=_headed(definition, ("reviewed",), language),
        reviewers=_headed(definition, ("reviewer_other", "reviewer"), language),
    )


def review_heading(definition: Any, language: str) -> str | None:
    """The heading word of a review page when its process names its reviews
    (`roles: review`): "Examen d'intégrité" for "Examen de pays"; None: the catalog's."""
    own = _declared(definition, "review", language)
    return _capital(own) if own else None
