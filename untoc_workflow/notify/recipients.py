"""Who receives a notice: roles resolved to people and addresses on the sweep date.

Only current focal points count (a focal point replaced yesterday receives nothing). A party
without a focal point, without a permanent mission in Vienna, or whose address on record
cannot take email, falls back along the step's ladder: the next rungs' recipients for that
same party (its mission, then the secretariat or the COP Presidency), and the notice says
why. Only parties of the review (the reviewed party and its current reviewers) are ever
addressed: nobody else gets one review's details.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from ..outbox.headers import one_line, valid_address

if TYPE_CHECKING:
    from ..core.focal_points import FocalPointRoll

GENERAL_ROLES = ("secretariat", "cop_presidency")


@dataclass(frozen=True)
class Fallback:
    """Why a recipient gets a notice meant for someone else."""

    party: str  # the party that could not be reached
    reason: str  # "no_focal_point" | "no_mission" | "bad_address"
    instead_of: str  # the role that could not be resolved


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str
    role: str  # the role it was reached through, e.g. "waiting.focal_point"
    kind: str  # "focal_point" | "mission" | "secretariat" | "cop_presidency"
    party: str | None = None  # party code; None for the secretariat and the Presidency
    party_name: str | None = None
    copy: bool = False
    language: str | None = None  # the person's or contact's own language
    party_languages: tuple[str, ...] = ()
    fallback: tuple[Fallback, ...] = field(default=())
    gender: str | None = None  # a focal point's, as recorded: female | male | other
    city: str | None = None  # a mission's, as recorded (the mechanism file's mission.city)

    @property
    def address_key(self) -> str:
        return self.email.lower()


@dataclass
class Resolution:
    recipients: list[Recipient]
    withheld: list[str]  # party codes named by the core but not parties of the review


class RecipientResolver:
    """Resolves roles for one sweep date: parties, the focal-point roll, two contacts."""

    def __init__(
        self, parties: Mapping[str, Any], roll: FocalPointRoll, secretariat: Any, presidency: Any
    ):
        self.parties = parties
        self.roll = roll
        self.contacts = {"secretariat": secretariat, "cop_presidency": presidency}

    # -- one party, one kind ----------------------------------------------------------

    def _general(self, role: str, copy: bool) -> Recipient:
        c = self.contacts[role]
        return Recipient(
            email=c.email,
            name=one_line(c.name),
            role=role,
            kind=role,
            copy=copy,
            language=getattr(c, "language", None),
        )

    def party_recipients(
        self, party: str, what: str, role: str, copy: bool
    ) -> tuple[list[Recipient], str | None]:
        """The focal points or the mission of `party`, or why there are none."""
        p = self.parties.get(party)
        party_name = one_line(p.name) if p is not None else party
        languages = tuple(p.languages) if p is not None else ()
        if what == "focal_point":
            people = self.roll.persons(party)
            if not people:
                return [], "no_focal_point"
            out = [
                Recipient(
                    email=person.email,
                    name=one_line(person.name),
                    role=role,
                    kind="focal_point",
                    party=party,
                    party_name=party_name,
                    copy=copy,
                    language=person.language,
                    party_languages=languages,
                    gender=getattr(person, "gender", None),
                )
                for person in people
                if valid_address(person.email)
            ]
            return (out, None) if out else ([], "bad_address")
        mission = p.mission if p is not None else None
        if mission is None:
            return [], "no_mission"
        if not valid_address(mission.email):
            return [], "bad_address"
        return [
            Recipient(
                email=mission.email,
                name=party_name,
                role=role,
                kind="mission",
                party=party,
                party_name=party_name,
                copy=copy,
                party_languages=languages,
                city=mission.city,
            )
        ], None

    # -- a notice ----------------------------------------------------------------------

    def resolve(
        self,
        *,
        to: Sequence[str],
        cc: Sequence[str],
        reviewed: str,
        reviewers: Sequence[str],
        waiting_for: Sequence[str],
        later_rungs: Sequence[Any] = (),
    ) -> Resolution:
        """Recipients of a notice addressed to roles `to` and `cc`; `later_rungs` are the
        rungs above this one on the ladder, walked when a party cannot be reached."""
        members = {reviewed, *reviewers}
        withheld = sorted({p for p in waiting_for if p not in members})
        scopes = {
            "reviewed": (reviewed,),
            "reviewers": tuple(reviewers),
            "waiting": tuple(p for p in waiting_for if p in members),
        }
        found: dict[str, Recipient] = {}

        def add(r: Recipient) -> None:
            if r.party is not None and r.party not in members:
                return  # never: a party outside the review
            current = found.get(r.address_key)
            if current is None:
                found[r.address_key] = r
                return
            merged = current
            if current.copy and not r.copy:
                merged = replace(r, fallback=current.fallback)
            extra = tuple(f for f in r.fallback if f not in merged.fallback)
            found[r.address_key] = replace(merged, fallback=merged.fallback + extra)

        for copy, roles in ((False, to), (True, cc)):
            for role in roles:
                if role in GENERAL_ROLES:
                    add(self._general(role, copy))
                    continue
                scope, what = role.split(".", 1)
                for party in scopes.get(scope, ()):
                    people, why = self.party_recipients(party, what, role, copy)
                    if people:
                        for r in people:
                            add(r)
                        continue
                    for r in self._fall_back(party, what, role, why or "", copy, later_rungs):
                        add(r)
        return Resolution(recipients=list(found.values()), withheld=withheld)

    def _fall_back(
        self,
        party: str,
        failed: str,
        role: str,
        reason: str,
        copy: bool,
        later_rungs: Sequence[Any],
    ) -> list[Recipient]:
        note = Fallback(party=party, reason=reason, instead_of=role)
        tried = {failed}
        for rung in later_rungs:
            for next_role in (*rung.to, *rung.cc):
                if next_role in GENERAL_ROLES:
                    return [replace(self._general(next_role, copy), fallback=(note,))]
                what = next_role.split(".", 1)[1]
                if what in tried:
                    continue
                tried.add(what)
                people, _why = self.party_recipients(party, what, next_role, copy)
                if people:
                    return [replace(r, fallback=(note,)) for r in people]
                # that one cannot be reached either: keep climbing the ladder
        # the top of the ladder: the secretariat follows every review
        return [replace(self._general("secretariat", copy), fallback=(note,))]
