"""Facts checked against the process as they enter the store: the core's rule
(`core.admission`) asked about every new fact of an import, in the import's transaction.

The new facts are already inserted (not committed) when this runs, so each is checked
against the log as it would be after the import: the facts recorded before, and the
file's other facts. Only the reviews and parties the new facts touch are read.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from ..core.admission import (
    ORDERED_PARTY_FACTS,
    CommandDate,
    Refusal,
    date_only_facts,
    future_refusal,
    party_refusals,
    review_refusals,
)
from ..core.focal_points import focal_points_on
from ..core.model import Event
from .dialect import MAX_BIND, query_rows, sql_date
from .fingerprints import check_fingerprints

if TYPE_CHECKING:
    from ..definitions import ProcessCatalog, ProcessDefinition

_COLUMNS = 'SELECT "on", type, seq, review_id, party, data, id, note FROM event'
# From this many reviews or parties, their facts are read in one pass over the log.
SCAN_FROM = 100


@dataclass(frozen=True)
class Admission:
    """Ask the process whether each new fact can be true: against `today` (the date of the
    command) and with `definition`: a catalog of every loaded version, each review checked
    against its own (process, version); None: the catalog of the settings' folders."""

    today: CommandDate
    definition: ProcessCatalog | ProcessDefinition | None = None

    def process(self) -> ProcessCatalog | ProcessDefinition:
        if self.definition is not None:
            return self.definition
        from ..definitions import load_definitions
        from ..settings import load_settings

        return load_definitions(load_settings().definitions_folders)


def refused_facts(
    store: Any, conn: Connection, after_seq: int, admission: Admission
) -> list[Refusal]:
    """Every fact stored with a seq above `after_seq` (this import's) that cannot be true,
    in the order of the log's seq (the file's order)."""
    today = admission.today
    ordered = ", ".join(f"'{kind}'" for kind in ORDERED_PARTY_FACTS)
    catalog = admission.process()
    # a catalog's every version, or the one definition (loaded already: no import cost)
    from ..definitions import definitions_of

    definitions = definitions_of(catalog)
    # '' when there is none: `IN ()` is no SQL
    date_only = ", ".join(f"'{kind}'" for kind in date_only_facts(definitions)) or "''"
    # facts whose place does not matter can only be later than the command: only those
    # are read back
    out: list[Refusal] = []
    late = query_rows(
        conn,
        f'{_COLUMNS} WHERE seq > ? AND type IN ({date_only}) AND "on" > ?',
        (after_seq, sql_date(conn, today.day)),
    )
    for e in store._read_rows(late):
        found = future_refusal(e, today)
        if found is not None:
            out.append(found)
    # the reviews and parties whose new facts have a place in their history to check
    new_reviews = _column(
        conn,
        "SELECT DISTINCT review_id FROM event WHERE seq > ? AND review_id IS NOT NULL"
        f" AND type NOT IN ({date_only})",
        after_seq,
    )
    new_parties = _column(
        conn,
        "SELECT DISTINCT party FROM event WHERE seq > ? AND review_id IS NULL"
        f" AND type IN ({ordered})",
        after_seq,
    )
    if not new_reviews and not new_parties:
        return out

    def is_new(e: Event) -> bool:
        return e.seq > after_seq

    reviews = store._reviews(conn, new_reviews)
    by_review: dict[str, list[Event]] = {}
    for e in _read(
        store,
        conn,
        f"review_id IS NOT NULL AND type NOT IN ({date_only})",
        "review_id",
        new_reviews,
    ):
        by_review.setdefault(str(e.review), []).append(e)
    parties = set(new_parties)
    for review in reviews.values():
        parties.add(review.reviewed)
        parties.update(a.party for a in review.reviewers)
    # parties that joined by a redraw: their focal points count too
    parties.update(
        str(e.data.get("by")) for es in by_review.values() for e in es if e.data.get("by")
    )
    by_party: dict[str, list[Event]] = {}
    for e in _read(
        store, conn, f"review_id IS NULL AND type IN ({ordered})", "party", sorted(parties)
    ):
        by_party.setdefault(str(e.party), []).append(e)

    for party in new_parties:
        out.extend(party_refusals(by_party.get(party, []), is_new, today))
    if new_reviews:
        # the versions these reviews run (or were migrated to) must be as first used
        used: set[tuple[str, int]] = set()
        for rid in new_reviews:
            found = reviews.get(rid)
            if found is None:
                continue
            used.add((found.process, found.process_version))
            for e in by_review.get(rid, []):
                if e.type == "process_migrated" and e.data.get("version") is not None:
                    used.add((str(e.data.get("process") or found.process), int(e.data["version"])))
        check_fingerprints(conn, catalog, used)
        definition = catalog
        roll = focal_points_on((e for es in by_party.values() for e in es), date.max)
        for review_id in new_reviews:
            review = reviews.get(review_id)
            if review is not None:
                out.extend(
                    review_refusals(
                        definition, review, by_review.get(review_id, []), is_new, roll, today
                    )
                )
    out.sort(key=lambda r: r.fact.seq)
    return out


def _column(conn: Connection, sql: str, after_seq: int) -> list[str]:
    return sorted(str(v) for (v,) in query_rows(conn, sql, (after_seq,)))


def _read(
    store: Any, conn: Connection, where: str, column: str, keys: Sequence[str]
) -> Iterator[Event]:
    """The events matching `where` whose `column` is one of `keys`. For many keys, one
    pass over the table: looking a large share of a big log up by index costs a random
    read per row."""
    if len(keys) > SCAN_FROM:
        wanted = set(keys)
        attr = "review" if column == "review_id" else column
        cur = query_rows(conn, f"{_COLUMNS} WHERE {where}", stream=True)
        yield from (e for e in store._read_rows(cur) if getattr(e, attr) in wanted)
        return
    for chunk in _chunks(keys):
        marks = ", ".join("?" * len(chunk))
        cur = query_rows(conn, f"{_COLUMNS} WHERE {where} AND {column} IN ({marks})", tuple(chunk))
        yield from store._read_rows(cur)


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), MAX_BIND):
        yield items[start : start + MAX_BIND]
