"""Parties of the Mechanism: their regional group and the instruments they are party to.

The regional groups are the definition's (mechanism.yaml); a group with a `source` is read
from the `countrygroups` package (UN_REGIONAL_GROUPS), under the names of the mechanism
file; the definition's explicit entries (the European Union, non-member Parties, Türkiye,
which the package lists twice) win over the package.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from functools import cache

from ..core.model import Party
from .definition import MechanismDefinition


@cache
def _package_groups(pairs: tuple[tuple[str, str], ...]) -> dict[str, tuple[str, ...]]:
    import countrygroups

    found: dict[str, list[str]] = {}
    for group_id, source in pairs:
        for code in getattr(countrygroups.UN_REGIONAL_GROUPS, source):
            found.setdefault(code, [])
            if group_id not in found[code]:
                found[code].append(group_id)
    return {code: tuple(groups) for code, groups in found.items()}


def package_groups(definition: MechanismDefinition) -> dict[str, tuple[str, ...]]:
    """Every code the package places, with all the groups it places it in."""
    pairs = tuple(
        (g.id, g.source) for g in definition.regional_groups.groups if g.source is not None
    )
    return _package_groups(pairs)


def regional_group_of(code: str, definition: MechanismDefinition) -> str | None:
    """The UN regional group a party is drawn in; None when nobody says (or says twice)."""
    explicit = definition.regional_groups.explicit.get(code)
    if explicit is not None:
        return explicit.group
    groups = package_groups(definition).get(code, ())
    return groups[0] if len(groups) == 1 else None


def ambiguous_codes(definition: MechanismDefinition) -> list[str]:
    """Codes the package places in more than one group and the definition does not settle."""
    explicit = definition.regional_groups.explicit
    return sorted(
        c for c, g in package_groups(definition).items() if len(g) > 1 and c not in explicit
    )


def un_member_states(definition: MechanismDefinition) -> list[str]:
    """The ISO codes of the UN member States the package lists, each once, sorted."""
    return sorted(package_groups(definition))


def party_name(code: str) -> str:
    """A readable name for a code (pycountry), `European Union` for EU."""
    if code == "EU":
        return "European Union"
    import pycountry

    found = pycountry.countries.get(alpha_3=code)
    if found is None:
        return code
    return getattr(found, "common_name", None) or found.name


def with_regional_groups(
    parties: Iterable[Party], definition: MechanismDefinition
) -> dict[str, Party]:
    """Parties keyed by code, with a regional group filled in where the file left it null."""
    out: dict[str, Party] = {}
    for p in parties:
        if p.regional_group is None:
            group = regional_group_of(p.code, definition)
            if group is not None:
                p = Party(p.code, p.name, group, p.instruments, p.mission, p.languages)
        out[p.code] = p
    return out


def instruments_on(party: Party, on: date, definition: MechanismDefinition) -> tuple[str, ...]:
    """The Mechanism's instruments the party is party to on `on`, in the Mechanism's order."""
    return tuple(i for i in definition.instrument_ids if party.is_party_to(i, on))


def is_party_on(party: Party, on: date, definition: MechanismDefinition) -> bool:
    """A party takes part in the Mechanism from the day it is party to the instrument every
    Party is party to (the Convention); always, when the Mechanism names none."""
    party_to = definition.party_to
    return party_to is None or party.is_party_to(party_to, on)


def late_joiners(
    parties: Mapping[str, Party],
    reviewed: Iterable[str],
    cluster_start: date,
    definition: MechanismDefinition,
) -> list[Party]:
    """Parties that became party to the Convention after `cluster_start`, not yet reviewed
    (none when the Mechanism names no instrument every Party is party to)."""
    party_to = definition.party_to
    if party_to is None:
        return []
    seen = set(reviewed)
    out = [
        p
        for p in parties.values()
        if p.code not in seen
        and party_to in p.instruments
        and p.instruments[party_to] > cluster_start
    ]
    return sorted(out, key=lambda p: (p.instruments[party_to], p.code))
