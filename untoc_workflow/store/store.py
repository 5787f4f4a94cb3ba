"""The store: the append-only event log with the Mechanism's parties and reviews.

Reads hand the core plain values (`snapshot`); writes are all-or-nothing and idempotent
(`import_document`, `append`): an event whose id is stored is skipped, never doubled.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, insert, text
from sqlmodel import Session

from ..core.model import Event, Mission, Party, Review, ReviewerAssignment, Snapshot
from ..errors import InputError, Problem
from ..mechanism_file import (
    FORMAT,
    Known,
    MechanismReader,
    data_from_json,
    data_to_json,
    document_from_core,
    event_to_dict,
    write_document,
)
from ..yamlsource import Located, load_file
from .dialect import MAX_BIND, lock_for_writing, make_engine, writing
from .migrate import upgrade
from .tables import EventRow, PartyRow, ReviewerRow, ReviewRow


@dataclass(frozen=True)
class ImportResult:
    """What an import did, per kind: added, and skipped because already stored."""

    parties_added: int = 0
    parties_skipped: int = 0
    reviews_added: int = 0
    reviews_skipped: int = 0
    events_added: int = 0
    events_skipped: int = 0

    @property
    def added(self) -> dict[str, int]:
        return {
            "parties": self.parties_added,
            "reviews": self.reviews_added,
            "events": self.events_added,
        }

    @property
    def skipped(self) -> dict[str, int]:
        return {
            "parties": self.parties_skipped,
            "reviews": self.reviews_skipped,
            "events": self.events_skipped,
        }

    def __str__(self) -> str:
        return ", ".join(
            f"{kind}: {self.added[kind]} added, {self.skipped[kind]} already stored"
            for kind in ("parties", "reviews", "events")
        )


def event_id(event: Event) -> str:
    """A deterministic id from an event's content, for events recorded without one, so
    importing the same file again finds them stored. (A second identical fact in the same
    file gets `-2`, `-3`... in file order; see `_IdMaker`.)"""
    return "ev-" + hashlib.sha256(_canonical(event).encode()).hexdigest()[:32]


def _canonical(e: Event) -> str:
    return json.dumps(
        [e.on.isoformat(), e.type, e.review, e.party, data_to_json(e.data), e.note],
        separators=(",", ":"),
        ensure_ascii=False,
    )


class _IdMaker:
    """Gives id-less events their content id; repeats within one batch of input get -2, -3."""

    def __init__(self) -> None:
        self._seen: set[str] = set()
        self._repeats: dict[str, int] = {}

    def __call__(self, e: Event) -> str:
        base = event_id(e)
        if base not in self._seen:
            self._seen.add(base)
            return base
        n = self._repeats.get(base, 1) + 1
        self._repeats[base] = n
        return f"{base}-{n}"


class Store:
    """The event log and the Mechanism's parties and reviews, in SQLite or PostgreSQL."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._dates: dict[Any, date] = {}

    # -- lifecycle -------------------------------------------------------------------

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A SQLModel session: committed when the block ends normally, else rolled back."""
        with Session(self.engine) as s:
            try:
                yield s
                s.commit()
            except BaseException:
                s.rollback()
                raise

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """A connection in a write transaction that holds the event log's writer lock."""
        with writing(self.engine.connect()) as conn, conn.begin():
            lock_for_writing(conn)
            yield conn

    # -- reading ---------------------------------------------------------------------

    def snapshot(self, as_of: date | None = None) -> Snapshot:
        """Parties, reviews, and the events on or before `as_of` (all when None), sorted by
        (on, seq)."""
        with self.engine.connect() as conn, conn.begin():
            # Events first: reviews and parties are never deleted, so those read after
            # include every one the events name, whatever commits in between.
            events = self._events(conn, as_of)
            parties = self._parties(conn)
            reviews = self._reviews(conn)
        return Snapshot(parties=parties, reviews=reviews, events=events)

    def _date(self, v: Any) -> date:
        # SQLite hands back ISO strings, PostgreSQL dates; a few thousand distinct days
        # cover a million events, so parse each once.
        d = self._dates.get(v)
        if d is None:
            d = v if isinstance(v, date) else date.fromisoformat(v)
            self._dates[v] = d
        return d

    def _events(self, conn: Connection, as_of: date | None) -> tuple[Event, ...]:
        sql = 'SELECT "on", type, seq, review_id, party, data, id, note FROM event'
        params: dict[str, Any] = {}
        if as_of is not None:
            sql += ' WHERE "on" <= :as_of'
            params["as_of"] = as_of
        sql += ' ORDER BY "on", seq'
        rows = conn.execute(text(sql), params)
        to_date = self._date
        datas: dict[str, dict[str, Any]] = {}
        strings: dict[Any, Any] = {}
        out = []
        append = out.append
        for on, type_, seq, review, party, data, id_, note in rows:
            if data == "{}":
                d: dict[str, Any] = {}
            else:
                # identical data texts (counts, steps) are decoded once; each event gets its
                # own top-level dict so no caller can change another event's data
                parsed = datas.get(data)
                if parsed is None:
                    parsed = datas[data] = data_from_json(data)
                d = dict(parsed)
            type_ = strings.setdefault(type_, type_)
            append(Event(to_date(on), type_, seq, review, party, d, id_, note))
        return tuple(out)

    def _parties(self, conn: Connection) -> dict[str, Party]:
        rows = conn.execute(
            text(
                "SELECT code, name, regional_group, instruments, mission_email, mission_city,"
                " languages FROM party ORDER BY code"
            )
        )
        return {
            code: Party(
                code=code,
                name=name,
                regional_group=group,
                instruments={k: date.fromisoformat(v) for k, v in json.loads(instruments).items()},
                mission=Mission(m_email, m_city) if m_email is not None else None,
                languages=tuple(json.loads(languages)),
            )
            for code, name, group, instruments, m_email, m_city, languages in rows
        }

    def _reviews(self, conn: Connection) -> dict[str, Review]:
        reviewers: dict[str, list[ReviewerAssignment]] = {}
        for review_id, party, instruments in conn.execute(
            text(
                "SELECT review_id, party, instruments FROM review_reviewer"
                " ORDER BY review_id, position"
            )
        ):
            reviewers.setdefault(review_id, []).append(
                ReviewerAssignment(party, tuple(json.loads(instruments)))
            )
        rows = conn.execute(
            text(
                "SELECT id, cluster, group_number, reviewed, instruments, starts_on,"
                " process_version FROM review ORDER BY id"
            )
        )
        return {
            rid: Review(
                id=rid,
                cluster=cluster,
                group=group,
                reviewed=reviewed,
                instruments=tuple(json.loads(instruments)),
                reviewers=tuple(reviewers.get(rid, ())),
                starts_on=self._date(starts_on),
                process_version=version,
            )
            for rid, cluster, group, reviewed, instruments, starts_on, version in rows
        }

    def _known(self, conn: Connection) -> Known:
        focal: dict[str, set[str]] = {}
        for party, data in conn.execute(
            text("SELECT party, data FROM event WHERE type = 'focal_point_nominated'")
        ):
            focal.setdefault(party, set()).add(json.loads(data)["person"]["email"])
        joined: dict[str, set[str]] = {}
        for review_id, data in conn.execute(
            text("SELECT review_id, data FROM event WHERE type = 'reviewer_replaced'")
        ):
            joined.setdefault(review_id, set()).add(json.loads(data)["by"])
        return Known(
            parties=self._parties(conn),
            reviews=self._reviews(conn),
            focal_points=focal,
            joined=joined,
        )

    # -- writing ---------------------------------------------------------------------

    def import_file(self, path: str | Path) -> ImportResult:
        """Import a mechanism file (JSON or YAML): all or nothing, idempotent."""
        return self.import_document(load_file(path))

    def import_document(self, located: Located) -> ImportResult:
        """Import a parsed mechanism file in one transaction; raise InputError (and write
        nothing) on any problem in the file or any clash with what is stored."""
        with self.writing() as conn:
            return _Import(self, conn, located).run()

    def append(self, events: Sequence[Event]) -> list[bool]:
        """Record events; for each, False when its id (given, or derived from its content)
        is already stored. References are checked against the store: an unknown review or
        party raises InputError and nothing is recorded."""
        if not events:
            return []
        document = {"format": FORMAT, "events": [event_to_dict(e) for e in events]}
        located = Located(document, "<append>", {})
        with self.writing() as conn:
            result = _Import(self, conn, located).run(keep_seq=False, flags=True)
        return result  # type: ignore[return-value]

    # -- export ----------------------------------------------------------------------

    def export(self) -> dict[str, Any]:
        """The whole store as a mechanism-file document (events sorted by date, arrival)."""
        snap = self.snapshot()
        return document_from_core(snap.parties.values(), snap.reviews.values(), snap.events)

    def export_file(self, path: str | Path) -> Path:
        """Write the export as JSON (`.json`) or YAML (anything else)."""
        return write_document(self.export(), path)


class _Import:
    """One import (or append) inside one write transaction."""

    def __init__(self, store: Store, conn: Connection, located: Located):
        self.store = store
        self.conn = conn
        self.located = located
        self.problems: list[Problem] = []

    def _problem(self, path: str, message: str, hint: str | None = None) -> None:
        line = self.located.line_of(path) if self.located.file != "<append>" else None
        self.problems.append(
            Problem(message, path=path, file=self.located.file, line=line, hint=hint)
        )

    def run(self, *, keep_seq: bool = True, flags: bool = False) -> Any:
        conn = self.conn
        known = self.store._known(conn)
        reader = MechanismReader(self.located, known)
        counts = {f.name: 0 for f in fields(ImportResult)}

        new_parties = []
        for i, p in enumerate(reader.parties):
            stored = known.parties.get(p.code)
            if stored is None:
                new_parties.append(p)
            elif stored == p:
                counts["parties_skipped"] += 1
            else:
                self._problem(
                    f"parties[{_index(self.located, 'parties', 'code', p.code, i)}]"
                    f".{_first_difference(p, stored)}",
                    f"party {p.code} differs from the stored one: {_differences(p, stored)}",
                    "the store keeps the first version; correct the file or the store",
                )
        new_reviews = []
        for i, r in enumerate(reader.reviews):
            stored_r = known.reviews.get(r.id)
            if stored_r is None:
                new_reviews.append(r)
            elif stored_r == r:
                counts["reviews_skipped"] += 1
            else:
                self._problem(
                    f"reviews[{_index(self.located, 'reviews', 'id', r.id, i)}]"
                    f".{_first_difference(r, stored_r)}",
                    f"review {r.id} differs from the stored one: {_differences(r, stored_r)}",
                    "the store keeps the first version; correct the file or the store",
                )

        def ok() -> bool:
            return reader.ok and not self.problems

        if ok():
            self._insert_parties(new_parties)
            self._insert_reviews(new_reviews)
            counts["parties_added"] = len(new_parties)
            counts["reviews_added"] = len(new_reviews)

        store_has_events = conn.execute(text("SELECT 1 FROM event LIMIT 1")).first() is not None
        make_id = _IdMaker()
        recorded_at = datetime.now(UTC)
        flags_out: list[bool] = []
        for batch in reader.events():
            ids = [e.id if e.id is not None else make_id(e) for e in batch]
            stored = self._stored_events(ids) if store_has_events else {}
            rows = []
            for e, eid in zip(batch, ids, strict=True):
                previous = stored.get(eid)
                if previous is not None:
                    if previous != _row_content(e):
                        self._problem(
                            f"events[{e.seq - 1}].id" if e.id else f"events[{e.seq - 1}]",
                            f"event {eid} is already stored with different content",
                            "give the new fact its own id",
                        )
                    counts["events_skipped"] += 1
                    flags_out.append(False)
                    continue
                stored[eid] = _row_content(e)  # a repeat later in this input is skipped too
                flags_out.append(True)
                rows.append(
                    {
                        "id": eid,
                        "on": e.on,
                        "type": e.type,
                        "review_id": e.review,
                        "party": e.party,
                        "data": data_to_json(e.data),
                        "note": e.note,
                        "recorded_at": recorded_at,
                    }
                )
            if rows and ok():
                conn.execute(insert(EventRow.__table__), rows)  # type: ignore[arg-type]
                counts["events_added"] += len(rows)
        reader.finish()
        if self.problems:
            raise InputError(self.problems, title=f"{self.located.file}: nothing was imported")
        if flags:
            return flags_out
        return ImportResult(**counts)

    def _stored_events(self, ids: list[str]) -> dict[str, tuple[Any, ...]]:
        out: dict[str, tuple[Any, ...]] = {}
        query = text(
            'SELECT id, "on", type, review_id, party, data, note FROM event WHERE id IN :ids'
        ).bindparams(bindparam("ids", expanding=True))
        for start in range(0, len(ids), MAX_BIND):
            for eid, on, type_, review, party, data, note in self.conn.execute(
                query, {"ids": ids[start : start + MAX_BIND]}
            ):
                out[eid] = (self.store._date(on), type_, review, party, data, note)
        return out

    def _insert_parties(self, parties: Iterable[Party]) -> None:
        rows = [
            {
                "code": p.code,
                "name": p.name,
                "regional_group": p.regional_group,
                "instruments": json.dumps({k: v.isoformat() for k, v in p.instruments.items()}),
                "mission_email": p.mission.email if p.mission else None,
                "mission_city": p.mission.city if p.mission else None,
                "languages": json.dumps(list(p.languages)),
            }
            for p in parties
        ]
        if rows:
            self.conn.execute(insert(PartyRow.__table__), rows)  # type: ignore[arg-type]

    def _insert_reviews(self, reviews: Iterable[Review]) -> None:
        reviews = list(reviews)
        if not reviews:
            return
        self.conn.execute(
            insert(ReviewRow.__table__),  # type: ignore[arg-type]
            [
                {
                    "id": r.id,
                    "cluster": r.cluster,
                    "group_number": r.group,
                    "reviewed": r.reviewed,
                    "instruments": json.dumps(list(r.instruments)),
                    "starts_on": r.starts_on,
                    "process_version": r.process_version,
                }
                for r in reviews
            ],
        )
        self.conn.execute(
            insert(ReviewerRow.__table__),  # type: ignore[arg-type]
            [
                {
                    "review_id": r.id,
                    "position": pos,
                    "party": a.party,
                    "instruments": json.dumps(list(a.instruments)),
                }
                for r in reviews
                for pos, a in enumerate(r.reviewers)
            ],
        )


def _row_content(e: Event) -> tuple[Any, ...]:
    return (e.on, e.type, e.review, e.party, data_to_json(e.data), e.note)


def _index(located: Located, section: str, key: str, value: str, default: int) -> int:
    items = located.data.get(section) if isinstance(located.data, dict) else None
    if isinstance(items, list):
        for i, item in enumerate(items):
            if isinstance(item, dict) and item.get(key) == value:
                return i
    return default


def _first_difference(new: Any, old: Any) -> str:
    # core field names are the file's keys, so this is the path of the differing key
    return next(f.name for f in fields(new) if getattr(new, f.name) != getattr(old, f.name))


def _differences(new: Any, old: Any) -> str:
    parts = []
    for f in fields(new):
        a, b = getattr(new, f.name), getattr(old, f.name)
        if a != b:
            parts.append(f"{f.name} is {_show(a)} here, {_show(b)} in the store")
    return "; ".join(parts)


def _show(v: Any) -> str:
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, Mapping):
        return "{" + ", ".join(f"{k}: {_show(x)}" for k, x in v.items()) + "}"
    if isinstance(v, tuple):
        return "[" + ", ".join(_show(x) for x in v) + "]"
    return repr(v)


def open_store(url: str | None = None) -> Store:
    """Open (and migrate to the newest schema) the store at `url`; None: the settings'
    database_url."""
    if url is None:
        from ..settings import load_settings

        url = load_settings().database_url
    engine = make_engine(url)
    upgrade(engine)
    return Store(engine)
