"""The store: the append-only event log with the Mechanism's parties and reviews.

Reads hand the core plain values (`snapshot`); writes are all-or-nothing and idempotent
(`import_document`, `append`): an event whose id is stored is skipped, never doubled.
"""

from __future__ import annotations

import gc
import hashlib
import json
import json.scanner
import threading
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Connection, Engine, insert, text
from sqlmodel import Session

from ..core.derive import EventIndex
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
from ..mechanism_file.convert import data_with_dates
from ..mechanism_file.parse import MAX_PROBLEMS, EventRow
from ..mechanism_file.source import JsonStream, LocatedSource
from ..yamlsource import Located, load_file
from . import limits, projection
from .admission import Admission, refused_facts
from .dialect import (
    MAX_BIND,
    bulk_loading,
    insert_events,
    lock_for_writing,
    make_engine,
    making_indexes,
    query_rows,
    recorded_at_value,
    repeatable_read,
    sql_date,
    writing,
)
from .migrate import upgrade
from .tables import EVENT_INDEXES, PartyRow, ReviewerRow, ReviewRow

# A long job's report of how far it is: (done, total), total None when unknown.
Progress = Callable[[int, int | None], None]

# From this many events, an import into an empty log rebuilds the indexes afterwards.
REBUILD_INDEXES_FROM = 10_000


@dataclass(frozen=True)
class ImportResult:
    """What an import did, per kind: added, and skipped because already stored."""

    parties_added: int = 0
    parties_skipped: int = 0
    reviews_added: int = 0
    reviews_skipped: int = 0
    events_added: int = 0
    events_skipped: int = 0
    # identical repeats inside the file (same id, same content), skipped
    events_repeated: int = 0

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
        text = ", ".join(
            f"{kind}: {self.added[kind]} added, {self.skipped[kind]} already stored"
            for kind in ("parties", "reviews", "events")
        )
        if self.events_repeated:
            text += (
                f"; {self.events_repeated} events repeated in the file under the same id"
                " were skipped"
            )
        return text


def event_id(event: Event, data_json: str | None = None) -> str:
    """A deterministic id from an event's content, for events recorded without one, so
    importing the same file again finds them stored. (A second identical fact in the same
    file gets `-2`, `-3`... in file order; see `_IdMaker`.)"""
    if data_json is None:
        data_json = data_to_json(event.data)
    return content_id(
        event.on.isoformat(), event.type, event.review, event.party, data_json, event.note
    )


def content_id(
    on: str, kind: str, review: str | None, party: str | None, data_json: str, note: str | None
) -> str:
    """`event_id` of an event's values (`on` in ISO): the SHA-256 of their canonical JSON."""
    fields = [on, kind, review, party, data_json, note]
    try:
        # orjson writes the same text as _CANONICAL (tests/store/test_fast_events.py), as
        # UTF-8 bytes, four times faster
        canonical = orjson.dumps(fields)
    except TypeError:
        # a lone surrogate, which orjson refuses: the limits refuse it, not the hash
        canonical = _CANONICAL.encode(fields).encode("utf-8", "surrogatepass")
    return "ev-" + hashlib.sha256(canonical).hexdigest()[:32]


_CANONICAL = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


class _IdMaker:
    """Gives id-less events their content id; repeats within one batch of input get -2, -3."""

    def __init__(self) -> None:
        # the content ids given so far; the import adds a new one itself (`of_base` without
        # its call, for the million events whose id is new)
        self.seen: set[str] = set()
        self._repeats: dict[str, int] = {}

    def __call__(self, e: Event, data_json: str | None = None) -> str:
        return self.of_base(event_id(e, data_json))

    def of_base(self, base: str) -> str:
        """The id of an event whose content id is `base`."""
        if base not in self.seen:
            self.seen.add(base)
            return base
        n = self._repeats.get(base, 1) + 1
        self._repeats[base] = n
        return f"{base}-{n}"


@contextmanager
def _no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a million objects are built: it would scan
    them over and over, and none of them form cycles.

    On resuming, what was built goes straight to the oldest generation (freeze, then
    unfreeze: two list splices). Left in the youngest, the first collection after the pause
    would walk every one of the million events (a third of a cold read's time), and the
    middle generation's collection once more."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.freeze()
            gc.unfreeze()
            gc.enable()


@dataclass(frozen=True)
class _EventCache:
    events: tuple[Event, ...]
    count: int
    max_seq: int | None


_order = attrgetter("on", "seq")


def _merge(events: tuple[Event, ...], new: list[Event]) -> tuple[Event, ...]:
    """Sorted `events` with the sorted `new` ones (read after them) put in their places."""
    if not new:
        return events
    if not events or _order(new[0]) >= _order(events[-1]):
        return events + tuple(new)  # the usual case: facts arrive in date order
    if len(new) > 1000:
        return tuple(sorted((*events, *new), key=_order))
    merged = list(events)
    for e in new:  # a few late facts: each goes in by binary search
        merged.insert(bisect_right(merged, _order(e), key=_order), e)
    return tuple(merged)


def _on(e: Event) -> date:
    return e.on


_first = itemgetter(0)
_data_of_row = itemgetter(5)  # an EventRow's data

# json.loads' own C scanner, called without the three Python frames around it: a million
# events hold two hundred thousand distinct data texts
_scan = json.scanner.make_scanner(json.JSONDecoder())  # type: ignore[arg-type]  # typeshed names the class, not its argument


def _data_of(text: str) -> dict[str, Any]:
    """`data_from_json(text)`, the same dict: a text the scanner does not read whole as one
    object (never one the store wrote) goes the long way, which says what is wrong."""
    try:
        value, end = _scan(text, 0)
    except StopIteration:
        value, end = None, -1
    if end != len(text) or type(value) is not dict:
        return data_from_json(text)
    if "due" in value or "agreed" in value:
        return data_with_dates(value)
    return value


def _quick_data_of(text: str, checked: list[str]) -> dict[str, Any]:
    """`_data_of(text)` by orjson (twice as fast, and it shares the keys' strings): the same
    dict, but for an integer past 64 bits, which orjson reads as a float. `text` joins
    `checked`, which `_recheck` must see before the dict is read; a text orjson refuses
    (a lone half of a UTF-16 pair, NaN, ...) goes to `_data_of`."""
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        return _data_of(text)
    if type(value) is not dict:
        return _data_of(text)  # never a text the store wrote: refused as before
    checked.append(text)
    if "due" in value or "agreed" in value:
        return data_with_dates(value)
    return value


# 19 digits in a row: perhaps an integer orjson read as a float (2**64 has 20 digits,
# -2**63 19). Found in a batch's texts at once, then in each, as bytes (a regular
# expression would cost as much as the decoding saves).
_DIGITS_AS_ZEROS = bytes.maketrans(b"123456789", b"000000000")
_LONG_NUMBER = b"0" * 19


def _long_number_in(text: str) -> bool:
    return _LONG_NUMBER in text.encode("utf-8", "surrogatepass").translate(_DIGITS_AS_ZEROS)


def _recheck(checked: list[str], datas: dict[str, dict[str, Any]]) -> None:
    """Decode again, exactly, the texts of `checked` that may hold a long integer, in place
    (their dicts are already shared by events); then forget them."""
    if checked and _long_number_in("\x1f".join(checked)):
        for text in checked:
            if _long_number_in(text):
                d = datas[text]
                d.clear()
                d.update(_data_of(text))
    checked.clear()


class _EventSlots:
    """An `Event`'s slots in the Event's own layout, without its frozen `__setattr__`.

    A cold read makes most of a million Events: the frozen dataclass's `__init__` sets each
    of its eight fields through `object.__setattr__` (a call and a lookup by name each),
    which was a quarter of a past date's read. The read instead stores the eight fields
    into one of these with plain slot stores and then makes it an Event by assigning its
    `__class__`, which Python allows between two classes of the same slots: the object is
    an Event like any other (type, equality, repr, hash, `dataclasses.replace`, pickling,
    frozen), as tests/store/test_event_read.py checks against events made the plain way."""

    __slots__ = Event.__slots__


if _EventSlots.__slots__ != tuple(f.name for f in fields(Event)):  # pragma: no cover
    raise TypeError("store._read_rows sets the eight fields Event had; Event changed")


class Store:
    """The event log and the Mechanism's parties and reviews, in SQLite or PostgreSQL."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._dates: dict[Any, date] = {}
        self._lock = threading.Lock()
        self._cache: _EventCache | None = None
        self._index: tuple[tuple[Event, ...], EventIndex] | None = None
        self._first_read = True
        # (party count, review count, parties, reviews) of the last warm snapshot
        self._kept_catalog: tuple[int, int, dict[str, Party], dict[str, Review]] | None = None

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
        (on, seq). Read-only: events (and the `data` dicts of events with identical data) are
        shared between events and between snapshots, so mutating one changes the others."""
        with _no_gc(), repeatable_read(self.engine.connect()) as conn, conn.begin():
            # Events first: reviews and parties are never deleted, so those read after
            # include every one the events name, whatever commits in between.
            first, self._first_read = self._first_read, False
            if first and as_of is not None and as_of < self._last_day(conn):
                # a past date in the store's first snapshot (a command's one read): the log
                # up to the date only, kept nowhere; a store asked again reads it all once
                # and keeps it (the portal's, the desk's)
                events = tuple(self._read_events(conn, until=as_of))
                parties = self._parties(conn)
                reviews = self._reviews(conn)
                index = EventIndex(events)
                return Snapshot(
                    parties=parties, reviews=reviews, events=events, index=index, cut=as_of
                )
            events = self._all_events(conn)
            parties, reviews = self._catalog(conn)
        index = self._index_for(events, kept=not first)
        if as_of is not None:
            events = events[: bisect_right(events, as_of, key=_on)]
        return Snapshot(parties=parties, reviews=reviews, events=events, index=index, cut=as_of)

    def fold_snapshot(self, as_of: date, every_of: Collection[str] = ()) -> Snapshot:
        """What folding every review on `as_of` needs, and no more: when `as_of` is on or
        after the log's last fact and the projection is up to date, the projection's events
        (a fraction of the log, see store/projection.py), else `snapshot(as_of)`.

        Its `events` are fold input, not the log: fold them (core.mechanism_states,
        focal_points_on) and read nothing else from them (no counts, no timelines), but
        the Party facts of the kinds `every_of` names, which it holds every one of (read
        from the log: a report adds up the experts Parties nominated)."""
        with _no_gc(), repeatable_read(self.engine.connect()) as conn, conn.begin():
            mark = projection.read_mark(conn)
            usable = (
                mark is not None
                and mark[1] is not None
                and as_of >= mark[1]
                and mark == projection.log_mark(conn)
            )
            if usable:
                projected = projection.read_events(conn)
                if every_of:
                    kinds = sorted(every_of)
                    projected = [
                        e for e in projected if not (e.review is None and e.type in every_of)
                    ]
                    projected.extend(projection.read_party_facts(conn, kinds))
                    projected.sort(key=lambda e: (e.on, e.seq))
                events = tuple(projected)
                parties = self._parties(conn)
                reviews = self._reviews(conn)
        if not usable:
            return self.snapshot(as_of)
        return Snapshot(parties=parties, reviews=reviews, events=events)

    def rebuild_projections(self) -> int:
        """Make the projections again from the log; returns the rows written."""
        with self.writing() as conn, _no_gc():
            return projection.rebuild(conn)

    def projections_fresh(self) -> bool:
        with self.engine.connect() as conn:
            return projection.is_fresh(conn)

    def _catalog(self, conn: Connection) -> tuple[dict[str, Party], dict[str, Review]]:
        """Every party and review, kept between a warm store's snapshots: neither is ever
        changed or deleted, so the same counts are the same rows (read in the same
        transaction as the events). Shared between snapshots: never mutate them."""
        counts = tuple(
            conn.execute(
                text("SELECT (SELECT COUNT(*) FROM party), (SELECT COUNT(*) FROM review)")
            ).one()
        )
        with self._lock:
            kept = self._kept_catalog
        if kept is not None and kept[:2] == counts:
            return kept[2], kept[3]
        parties, reviews = self._parties(conn), self._reviews(conn)
        with self._lock:
            self._kept_catalog = (counts[0], counts[1], parties, reviews)
        return parties, reviews

    def _index_for(self, events: tuple[Event, ...], *, kept: bool) -> EventIndex:
        """The core's index of the whole cached log, kept with it: folds on any date then
        read each review's events from it. Built with the cache, as part of a warm store.

        A store asked again (`kept`: the portal's, the desk's, a worker's) also makes each
        party's focal-point history here, not in its first fold: like the index it holds
        for every date (the log's changes applied once), so it belongs to the store's read
        of the log, and every fold of every review, the first as the next, is the fold
        alone. A command's one read (`untoc record`) makes it only if it folds."""
        with self._lock:
            found = self._index
        if found is not None and found[0] is events:
            index = found[1]
        else:
            index = EventIndex(events)
            index.build()
            with self._lock:
                self._index = (events, index)
        if kept:
            index.party_histories()  # made once: the index keeps them
        return index

    def _all_events(self, conn: Connection) -> tuple[Event, ...]:
        """Every event, sorted. The log is append-only, so the events read last time stay
        true: only rows with a higher seq are read, unless the count shows a row committed
        late with a lower seq (PostgreSQL sequences), which makes us read everything."""
        count, max_seq = query_rows(conn, "SELECT COUNT(*), MAX(seq) FROM event").fetchone()
        with self._lock:
            cached = self._cache
        if cached is not None and (cached.count, cached.max_seq) == (count, max_seq):
            return cached.events
        if cached is not None and count > cached.count:
            new = self._read_events(conn, after_seq=cached.max_seq)
            if len(new) == count - cached.count:
                return self._keep(_merge(cached.events, new), count, max_seq)
        return self._keep(tuple(self._read_events(conn)), count, max_seq)

    def _keep(
        self, events: tuple[Event, ...], count: int, max_seq: int | None
    ) -> tuple[Event, ...]:
        # count and max_seq came from the same transaction's first read, so they match
        with self._lock:
            self._cache = _EventCache(events, count, max_seq)
        return events

    def _date(self, v: Any) -> date:
        # SQLite hands back ISO strings, PostgreSQL dates; a few thousand distinct days
        # cover a million events, so parse each once.
        d = self._dates.get(v)
        if d is None:
            d = v if isinstance(v, date) else date.fromisoformat(v)
            self._dates[v] = d
        return d

    def _last_day(self, conn: Connection) -> date:
        last = conn.execute(text('SELECT MAX("on") FROM event')).scalar()
        return date.max if last is None else self._date(last)

    def _read_events(
        self, conn: Connection, after_seq: int | None = None, until: date | None = None
    ) -> list[Event]:
        # Read in arrival order (a plain table scan) and sort here: faster than walking the
        # (on, seq) index, and the log arrives nearly in date order anyway.
        sql = 'SELECT "on", type, seq, review_id, party, data, id, note FROM event'
        params: tuple[Any, ...] = ()
        if after_seq is not None:
            sql += " WHERE seq > ?"
            params = (after_seq,)
        elif until is not None:
            # SQLite: `+` keeps it a table scan (the date index would fetch row by row)
            plus = "+" if conn.dialect.name == "sqlite" else ""
            sql += f' WHERE {plus}"on" <= ?'
            params = (sql_date(conn, until),)
        return self._read_rows(query_rows(conn, sql, params, stream=True))

    def _read_rows(self, cur: Any) -> list[Event]:
        """The events of the rows (on, type, seq, review_id, party, data, id, note), sorted
        by (on, seq).

        Rows come in arrival order, which is seq order on SQLite (a table scan walks the
        rowid) and nearly always on PostgreSQL, and a few thousand days hold a million
        events: each event goes to its day's list as it is made, and the days are sorted,
        not the events. Rows out of seq order (checked as they come) sort their day's list."""
        datas: dict[str, dict[str, Any]] = {}
        checked: list[str] = []  # the batch's texts orjson decoded
        intern: Any = {}.setdefault
        days: dict[Any, tuple[date, Callable[[Event], None]]] = {}
        lists: list[tuple[date, list[Event]]] = []
        new = object.__new__
        in_seq_order = True
        last_seq = -1
        e: Any
        try:
            while rows := cur.fetchmany(20_000):
                for on, type_, seq, review, party, data, id_, note in rows:
                    day = days.get(on)
                    if day is None:
                        events: list[Event] = []
                        lists.append((self._date(on), events))
                        day = days[on] = (lists[-1][0], events.append)
                    # Events with the same data text share one decoded dict: a million
                    # events hold a few hundred thousand distinct ones. Never mutate them.
                    d = datas.get(data)
                    if d is None:
                        d = datas[data] = _quick_data_of(data, checked)
                    if seq < last_seq:
                        in_seq_order = False
                    last_seq = seq
                    # the Event, made as _EventSlots says
                    e = new(_EventSlots)
                    e.on = day[0]
                    e.type = intern(type_, type_)
                    e.seq = seq
                    e.review = intern(review, review)
                    e.party = intern(party, party)
                    e.data = d
                    e.id = id_
                    e.note = note
                    e.__class__ = Event
                    day[1](e)
                _recheck(checked, datas)
        finally:
            cur.close()
        lists.sort(key=_first)
        out: list[Event] = []
        for _day, events in lists:
            out.extend(events)
        distinct_days = len({day for day, _events in lists}) == len(lists)
        if not (in_seq_order and distinct_days):
            out.sort(key=_order)  # the same date read in two spellings, or seqs out of order
        return out

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

    def _reviews(self, conn: Connection, ids: Sequence[str] | None = None) -> dict[str, Review]:
        """All reviews, or those of `ids` (the ones a few appended events name)."""
        reviewer_sql = "SELECT review_id, party, instruments FROM review_reviewer"
        review_sql = (
            "SELECT id, cluster, group_number, reviewed, instruments, starts_on,"
            " process_version, process FROM review"
        )
        if ids is None:
            reviewer_rows = list(query_rows(conn, reviewer_sql + " ORDER BY review_id, position"))
            review_rows = list(query_rows(conn, review_sql + " ORDER BY id"))
        else:
            reviewer_rows, review_rows = [], []
            for chunk in _chunks(sorted(set(ids))):
                marks = ", ".join("?" * len(chunk))
                reviewer_rows += query_rows(
                    conn,
                    f"{reviewer_sql} WHERE review_id IN ({marks}) ORDER BY review_id, position",
                    tuple(chunk),
                )
                review_rows += query_rows(conn, f"{review_sql} WHERE id IN ({marks})", tuple(chunk))
        lists: dict[str, tuple[str, ...]] = {}  # the same few instrument lists, decoded once

        def instruments(text_: str) -> tuple[str, ...]:
            found = lists.get(text_)
            if found is None:
                found = lists[text_] = tuple(json.loads(text_))
            return found

        reviewers: dict[str, list[ReviewerAssignment]] = {}
        # a few hundred (party, instruments) pairs make thirty thousand assignments: each
        # pair is one value, shared (frozen)
        assignments: dict[tuple[str, str], ReviewerAssignment] = {}
        for review_id, party, listed in reviewer_rows:
            assignment = assignments.get((party, listed))
            if assignment is None:
                assignment = assignments[party, listed] = ReviewerAssignment(
                    party, instruments(listed)
                )
            reviewers.setdefault(review_id, []).append(assignment)
        return {
            rid: Review(
                id=rid,
                cluster=cluster,
                group=group,
                reviewed=reviewed,
                instruments=instruments(listed),
                reviewers=tuple(reviewers.get(rid, ())),
                starts_on=self._date(starts_on),
                process_version=version,
                process=process,
            )
            for rid, cluster, group, reviewed, listed, starts_on, version, process in review_rows
        }

    def _known(self, conn: Connection, events: Sequence[Event] | None = None) -> Known:
        """What a file or appended events may refer to. For a few appended events, only
        the reviews and focal points they name are read, not the whole log."""
        focal: dict[str, set[str]] = {}
        joined: dict[str, set[str]] = {}
        focal_sql = "SELECT party, data FROM event WHERE type = 'focal_point_nominated'"
        joined_sql = "SELECT review_id, data FROM event WHERE type = 'reviewer_replaced'"
        if events is None:
            focal_rows = list(query_rows(conn, focal_sql))
            joined_rows = list(query_rows(conn, joined_sql))
            reviews = self._reviews(conn)
        else:
            parties = sorted({e.party for e in events if e.party is not None})
            review_ids = sorted({e.review for e in events if e.review is not None})
            focal_rows, joined_rows = [], []
            for chunk in _chunks(parties):
                marks = ", ".join("?" * len(chunk))
                focal_rows += query_rows(conn, f"{focal_sql} AND party IN ({marks})", tuple(chunk))
            for chunk in _chunks(review_ids):
                marks = ", ".join("?" * len(chunk))
                joined_rows += query_rows(
                    conn, f"{joined_sql} AND review_id IN ({marks})", tuple(chunk)
                )
            reviews = self._reviews(conn, review_ids)
        for party, data in focal_rows:
            focal.setdefault(party, set()).add(json.loads(data)["person"]["email"])
        for review_id, data in joined_rows:
            joined.setdefault(review_id, set()).add(json.loads(data)["by"])
        return Known(
            parties=self._parties(conn), reviews=reviews, focal_points=focal, joined=joined
        )

    # -- writing ---------------------------------------------------------------------

    def import_file(
        self,
        path: str | Path,
        *,
        admission: Admission | None = None,
        progress: Progress | None = None,
        opened: JsonStream | None = None,
    ) -> ImportResult:
        """Import a mechanism file (JSON or YAML): all or nothing, idempotent. `progress`
        is called with (events read, events in the file) as the import goes. `opened` is
        the same JSON file already scanned by the caller (the command reads its
        questionnaires first), so a large file is scanned once, not twice."""
        digest = _file_digest(path)
        if digest is not None:
            with self.engine.connect() as conn:
                seen = _known_file(conn, digest)
            if seen is not None:
                # imported whole before: the log only grows, parties and reviews never
                # change, so every item of it is stored; nothing to parse or check
                if progress is not None:
                    progress(seen[2] + seen[3], seen[2] + seen[3])
                return ImportResult(
                    parties_skipped=seen[0],
                    reviews_skipped=seen[1],
                    events_skipped=seen[2],
                    events_repeated=seen[3],
                )
        if Path(path).suffix.lower() == ".json":
            # read event by event: a million-event file never sits in memory as objects
            document: Any = opened if opened is not None else JsonStream.open(path)
        else:
            document = load_file(path, aliases=False)
        return self.import_document(document, admission=admission, digest=digest, progress=progress)

    def import_document(
        self,
        located: Located | JsonStream | LocatedSource,
        *,
        admission: Admission | None = None,
        digest: str | None = None,
        progress: Progress | None = None,
        then: Callable[[Connection, ImportResult], None] | None = None,
    ) -> ImportResult:
        """Import a parsed mechanism file in one transaction; raise InputError (and write
        nothing) on any problem in the file or any clash with what is stored. With
        `admission`, every new fact must also be one that can be true (core.admission).
        `digest` (the file's SHA-256) records the file as imported whole; `progress` hears
        (events read, events in the file). `then` writes the caller's own rows in the same
        transaction (the portal's document beside the fact it brings): both are committed,
        or neither."""
        with self.writing() as conn, bulk_loading(conn), _no_gc():
            result: ImportResult = _Import(self, conn, located, admission, progress).run()
            # two imports of the same file in turn: the second found everything stored
            if digest is not None and not _known_file(conn, digest):
                conn.execute(
                    text(
                        "INSERT INTO imported_file (sha256, parties, reviews, events, repeated)"
                        " VALUES (:d, :p, :r, :e, :x)"
                    ),
                    {
                        "d": digest,
                        "p": result.parties_added + result.parties_skipped,
                        "r": result.reviews_added + result.reviews_skipped,
                        "e": result.events_added + result.events_skipped,
                        "x": result.events_repeated,
                    },
                )
            if then is not None:
                then(conn, result)
            return result

    def append(self, events: Sequence[Event]) -> list[bool]:
        """Record events; for each, False when its id (given, or derived from its content)
        is already stored. References are checked against the store: an unknown review or
        party raises InputError and nothing is recorded."""
        if not events:
            return []
        dicts, problems = [], []
        for i, e in enumerate(events):
            try:
                dicts.append(event_to_dict(e))
            except (KeyError, TypeError, AttributeError) as exc:
                problems.append(
                    Problem(f"a {e.type} event needs {exc} in its data", path=f"events[{i}]")
                )
        if problems:
            raise InputError(problems, title="nothing was recorded")
        document = {"format": FORMAT, "events": dicts}
        located = Located(document, "<append>", {})
        with self.writing() as conn:
            result: list[bool] = _Import(self, conn, located).run(flags=True, appended=events)
        return result

    # -- export ----------------------------------------------------------------------

    def export(self, progress: Progress | None = None) -> dict[str, Any]:
        """The whole store as a mechanism-file document (events sorted by date, arrival)."""
        snap = self.snapshot()
        if progress is not None:
            progress(0, len(snap.events))
        return document_from_core(snap.parties.values(), snap.reviews.values(), snap.events)

    def export_file(self, path: str | Path, progress: Progress | None = None) -> Path:
        """Write the export as JSON (`.json`) or YAML (anything else); `progress` hears
        (0, events) once the log is read and (events, events) once they are written."""
        document = self.export(progress)
        out = write_document(document, path)
        if progress is not None:
            n = len(document.get("events", ()))
            progress(n, n)
        return out


class _Import:
    """One import (or append) inside one write transaction."""

    def __init__(
        self,
        store: Store,
        conn: Connection,
        located: Located | JsonStream | LocatedSource,
        admission: Admission | None = None,
        progress: Progress | None = None,
    ):
        self.store = store
        self.progress = progress
        self.conn = conn
        self.source = LocatedSource(located) if isinstance(located, Located) else located
        self.problems: list[Problem] = []
        self.admission = admission
        # the file position of each inserted event, in insertion (seq) order
        self.inserted = array("q")

    def _problem(self, path: str, message: str, hint: str | None = None) -> None:
        line = self.source.line_of(path) if self.source.file != "<append>" else None
        self.problems.append(
            Problem(message, path=path, file=self.source.file, line=line, hint=hint)
        )

    def _new_or_same(
        self,
        kind: str,
        section: str,
        key: str,
        items: Sequence[Any],
        stored: Mapping[str, Any],
        counts: dict[str, int],
    ) -> list[Any]:
        """The items the store lacks; identical ones are counted as skipped, and one that
        differs from the stored version is a problem naming the first difference."""
        new = []
        for i, item in enumerate(items):
            ident = getattr(item, key)
            old = stored.get(ident)
            if old is None:
                new.append(item)
            elif old == item:
                counts[f"{section}_skipped"] += 1
            else:
                self._problem(
                    f"{section}[{_index(self.source.head, section, key, ident, i)}]"
                    f".{_first_difference(item, old)}",
                    f"{kind} {ident} differs from the stored one: {_differences(item, old)}",
                    "the store keeps the first version; correct the file or the store",
                )
        return new

    def run(self, *, flags: bool = False, appended: Sequence[Event] | None = None) -> Any:
        conn = self.conn
        known = self.store._known(conn, appended)
        reader = MechanismReader(self.source, known)
        counts = {f.name: 0 for f in fields(ImportResult)}

        new_parties = self._new_or_same(
            "party", "parties", "code", reader.parties, known.parties, counts
        )
        new_reviews = self._new_or_same(
            "review", "reviews", "id", reader.reviews, known.reviews, counts
        )

        self._check_limits(new_parties, new_reviews)

        def ok() -> bool:
            return reader.ok and not self.problems

        if ok():
            self._insert_parties(new_parties)
            self._insert_reviews(new_reviews)
            counts["parties_added"] = len(new_parties)
            counts["reviews_added"] = len(new_reviews)

        store_has_events = conn.execute(text("SELECT 1 FROM event LIMIT 1")).first() is not None
        rebuild = not store_has_events and len(self.source) >= REBUILD_INDEXES_FROM
        if rebuild:
            for name in EVENT_INDEXES:
                conn.exec_driver_sql(f"DROP INDEX {name}")
        make_id = _IdMaker()
        after_seq = self._max_seq()
        # the projection follows the log in this transaction, unless it was already behind
        # (then it stays behind, and `untoc projections rebuild` or the next open refills it)
        pending = projection.Pending() if projection.is_fresh(conn) else None
        position = 0
        top_on = ""  # the latest date appended, ISO (which orders as the dates do)
        event_fits = limits.event_fits
        stamp = recorded_at_value(conn, datetime.now(UTC))
        added_seqs: set[int] = set()  # file positions (1-based) of the events added
        total = len(self.source)
        read = 0
        isos: dict[date, str] = {}  # a million events fall on a few thousand days
        id_of = make_id.of_base
        ids_seen = make_id.seen  # of_base's first test, without its call
        for batch in reader.rows():
            read += len(batch)
            if self.progress is not None:
                self.progress(read, total)
            # One pass per event: its id, the quick limits test, and the one tuple the
            # insert and the projection both take (dialect.EVENT_COLUMNS).
            rows: list[tuple[Any, ...]] = []
            append = rows.append
            for seq, on, kind, review, party, data, data_json, given, note in batch:
                iso = isos.get(on)
                if iso is None:
                    iso = isos[on] = on.isoformat()
                if given is not None:
                    eid = given
                else:
                    eid = content_id(iso, kind, review, party, data_json, note)
                    if eid in ids_seen:  # a repeat of the same fact: -2, -3...
                        eid = id_of(eid)
                    else:
                        ids_seen.add(eid)
                if not event_fits(given, note, data_json):
                    event = Event(on, kind, seq, review, party, data, given, note)
                    for field, why in limits.event_problems(event, given, data_json):
                        self._problem(f"events[{seq - 1}].{field}", why)
                append((iso, kind, review, party, data_json, eid, note, stamp))
            if store_has_events:
                batch, rows = self._not_stored(batch, rows, counts)
            if not rows:
                continue
            top_on = max(top_on, max(map(_first, rows)))
            if pending is not None:
                positions = range(position, position + len(rows))
                pending.extend(rows, map(_data_of_row, batch), positions)
                position += len(rows)
            if flags:
                added_seqs.update(row[0] for row in batch)
            if self.admission:
                self.inserted.extend(row[0] - 1 for row in batch)
            if ok():
                insert_events(conn, rows)
                counts["events_added"] += len(rows)
        reader.finish()
        counts["events_repeated"] = reader.repeated
        if rebuild and ok():
            with making_indexes(conn):
                for name, columns in EVENT_INDEXES.items():
                    cols = ", ".join(f'"{c}"' for c in columns)
                    conn.exec_driver_sql(f"CREATE INDEX {name} ON event ({cols})")
        if self.admission and ok() and counts["events_added"]:
            self._admit(after_seq, self.admission)
        if pending is not None and top_on and ok() and not self.problems:
            self._project(pending, after_seq, top_on)
        if self.problems:
            raise InputError(self.problems, title=f"{self.source.file}: nothing was imported")
        if flags:
            # one flag per appended event; a repeat skipped by the reader is not added
            return [i + 1 in added_seqs for i in range(len(self.source))]
        return ImportResult(**counts)

    def _not_stored(
        self, batch: list[EventRow], rows: list[tuple[Any, ...]], counts: dict[str, int]
    ) -> tuple[list[EventRow], list[tuple[Any, ...]]]:
        """The events (read rows and their insert rows, side by side) whose id the store
        lacks: one stored with the same content is counted as skipped, one with other
        content is a problem naming its place."""
        stored = self._stored_events([row[5] for row in rows])
        if not stored:
            return batch, rows
        new_batch, new_rows = [], []
        for event, row in zip(batch, rows, strict=True):
            eid = row[5]
            previous = stored.get(eid)
            if previous is None:
                new_batch.append(event)
                new_rows.append(row)
                continue
            seq, on, kind, review, party, _, data_json, given, note = event
            if previous != (on, kind, review, party, data_json, note):
                self._problem(
                    f"events[{seq - 1}].id" if given else f"events[{seq - 1}]",
                    f"event {eid} is already stored with different content",
                    "give the new fact its own id",
                )
            counts["events_skipped"] += 1
        return new_batch, new_rows

    def _project(self, pending: projection.Pending, after_seq: int, top_on: str) -> None:
        # the appended rows' seqs, in insertion order (one writer holds the log's lock)
        seqs = self._appended_seqs(after_seq)
        mark = projection.read_mark(self.conn)
        last_on = top_on
        if mark is not None and mark[1] is not None:
            last_on = max(top_on, mark[1].isoformat())
        projection.update(self.conn, pending.rows(seqs), pending.latest(seqs), (seqs[-1], last_on))

    def _appended_seqs(self, after_seq: int) -> Sequence[int]:
        """The appended rows' seqs, in insertion order (one writer holds the log's lock):
        nearly always one run of numbers, told by three aggregates; else each is read."""
        low, high, count = query_rows(
            self.conn, "SELECT MIN(seq), MAX(seq), COUNT(*) FROM event WHERE seq > ?", (after_seq,)
        ).fetchone()
        if count and high - low + 1 == count:
            return range(low, high + 1)
        return [
            s
            for (s,) in query_rows(
                self.conn, "SELECT seq FROM event WHERE seq > ? ORDER BY seq", (after_seq,)
            )
        ]

    def _max_seq(self) -> int:
        return int(self.conn.execute(text("SELECT COALESCE(MAX(seq), 0) FROM event")).scalar_one())

    def _admit(self, after_seq: int, admission: Admission) -> None:
        """Report every new fact the process says cannot be true, at its place in the file."""
        refused = refused_facts(self.store, self.conn, after_seq, admission)
        if not refused:
            return
        seqs = [
            s for (s,) in query_rows(self.conn, "SELECT seq FROM event WHERE seq > ?", (after_seq,))
        ]
        seqs.sort()
        for r in refused[:MAX_PROBLEMS]:
            at = self.inserted[bisect_left(seqs, r.fact.seq)]
            self._problem(f"events[{at}]" + (f".{r.field}" if r.field else ""), r.reason)
        if len(refused) > MAX_PROBLEMS:
            more = len(refused) - MAX_PROBLEMS
            self.problems.append(
                Problem(f"... and {more} more facts refused", file=self.source.file)
            )

    def _check_limits(self, parties: Sequence[Party], reviews: Sequence[Review]) -> None:
        """What either database would refuse (NUL, lengths, line breaks in names)."""
        head = self.source.head
        # the place in the file is looked up only for an item with a problem: looking it up
        # for each of ten thousand reviews walks the list ten thousand times
        for i, p in enumerate(parties):
            for field, why in limits.party_problems(p):
                at = f"parties[{_index(head, 'parties', 'code', p.code, i)}]"
                self._problem(f"{at}.{field}", why)
        for i, r in enumerate(reviews):
            for field, why in limits.review_problems(r):
                at = f"reviews[{_index(head, 'reviews', 'id', r.id, i)}]"
                self._problem(f"{at}.{field}", why)

    def _stored_events(self, ids: list[str]) -> dict[str, tuple[Any, ...]]:
        # the driver's cursor, not SQLAlchemy's rows: a re-import asks this of every event
        out: dict[str, tuple[Any, ...]] = {}
        date_of = self.store._date
        days: dict[Any, date] = {}  # the store's _date, without its call per row
        for start in range(0, len(ids), MAX_BIND):
            chunk = ids[start : start + MAX_BIND]
            marks = ", ".join("?" * len(chunk))
            cur = query_rows(
                self.conn,
                f'SELECT id, "on", type, review_id, party, data, note FROM event'
                f" WHERE id IN ({marks})",
                tuple(chunk),
            )
            for eid, on, type_, review, party, data, note in cur.fetchall():
                day = days.get(on)
                if day is None:
                    day = days[on] = date_of(on)
                out[eid] = (day, type_, review, party, data, note)
            cur.close()
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
            # SQLModel gives a table class its __table__ when the class is made; the stubs
            # do not say so (here and below)
            self.conn.execute(insert(PartyRow.__table__), rows)  # type: ignore[attr-defined]

    def _insert_reviews(self, reviews: Iterable[Review]) -> None:
        reviews = list(reviews)
        if not reviews:
            return
        self.conn.execute(
            insert(ReviewRow.__table__),  # type: ignore[attr-defined]
            [
                {
                    "id": r.id,
                    "cluster": r.cluster,
                    "group_number": r.group,
                    "reviewed": r.reviewed,
                    "instruments": json.dumps(list(r.instruments)),
                    "starts_on": r.starts_on,
                    "process_version": r.process_version,
                    "process": r.process,
                }
                for r in reviews
            ],
        )
        self.conn.execute(
            insert(ReviewerRow.__table__),  # type: ignore[attr-defined]
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


def _known_file(conn: Connection, digest: str) -> Any:
    """(parties, reviews, events, repeated) of a file imported whole, or None."""
    return conn.execute(
        text("SELECT parties, reviews, events, repeated FROM imported_file WHERE sha256 = :d"),
        {"d": digest},
    ).first()


def _file_digest(path: str | Path) -> str | None:
    """The SHA-256 of a file's bytes (None when it cannot be read: the import says why)."""
    h = hashlib.sha256()
    try:
        if not Path(path).is_file():
            return None  # a device or a pipe: never read here (the import refuses it)
        with open(path, "rb") as f:
            while chunk := f.read(1 << 20):
                h.update(chunk)
    except OSError:
        return None
    return h.hexdigest()


def _index(head: Mapping[str, Any], section: str, key: str, value: str, default: int) -> int:
    items = head.get(section)
    if isinstance(items, list):
        for i, item in enumerate(items):
            if isinstance(item, dict) and item.get(key) == value:
                return i
    return default


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), MAX_BIND):
        yield items[start : start + MAX_BIND]


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
