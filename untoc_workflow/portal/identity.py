"""Who an email address is, today: the secretariat, a current focal point, a governmental
expert or an observer of a Party, or nobody (nothing else is an account).

Focal points come from the event log on the date (so one replaced or withdrawn is nobody
from that day); experts and observers from the portal's register (`portal_person`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

SECRETARIAT = "secretariat"
FOCAL_POINT = "focal_point"
EXPERT = "expert"
OBSERVER = "observer"
ROLES = (SECRETARIAT, FOCAL_POINT, EXPERT, OBSERVER)


@dataclass(frozen=True)
class Role:
    kind: str
    party: str | None = None  # None for the secretariat


@dataclass(frozen=True)
class Identity:
    """A person who may sign in, with every role the address holds on the date."""

    email: str
    name: str
    roles: tuple[Role, ...]
    language: str | None = None

    @property
    def is_secretariat(self) -> bool:
        return any(r.kind == SECRETARIAT for r in self.roles)

    def parties(self, *kinds: str) -> frozenset[str]:
        """The Parties for which the person holds one of `kinds` (all kinds when none)."""
        return frozenset(r.party for r in self.roles if r.party and (not kinds or r.kind in kinds))


def normal(email: str) -> str:
    """Addresses compare without case and surrounding blanks."""
    return email.strip().lower()


@dataclass(frozen=True)
class Registered:
    """An expert or observer from the portal's register."""

    email: str
    name: str
    party: str
    role: str


def identify(
    email: str,
    *,
    secretariat: Iterable[str],
    focal_points: Mapping[str, list[tuple[str, object]]],
    registered: Iterable[Registered],
) -> Identity | None:
    """The identity of `email`, or None. `focal_points` maps a normalised address to the
    (party, core Person) pairs it is the current focal point of."""
    address = normal(email)
    roles: list[Role] = []
    name, language = "", None
    if address in {normal(a) for a in secretariat}:
        roles.append(Role(SECRETARIAT))
        name = "Secretariat"
    for party, person in focal_points.get(address, []):
        roles.append(Role(FOCAL_POINT, party))
        name = getattr(person, "name", "") or name
        language = getattr(person, "language", None) or language
    for r in registered:
        if normal(r.email) == address:
            roles.append(Role(r.role, r.party))
            name = name or r.name
    if not roles:
        return None
    return Identity(address, name or address, tuple(dict.fromkeys(roles)), language)
