"""Projections: each review's and each Party's fold input, kept as the log is appended.

A status "today" folds every review on a date on or after the last fact. On such a date
the fold sees every event, and most of them cannot change its answer: after the first
`saq_submitted` of a review, a second one changes nothing; of a step's deadline
extensions, only the latest counts. A projection row holds, per review (and per Party, for
the Party's own facts), the events that can still matter on any date on or after the log's
last fact, so that fold reads ten thousand rows and a fraction of the events instead of the
whole log. A past date still folds from the log (`Store.snapshot`).

The rule (kept conservative: keeping an event too many is always right, one too few never):
- every `reviewer_replaced` and `process_migrated` is kept (their order matters:
  reviewers swap);
- of a Party's focal-point changes, what the roll (core/focal_points.py) answers on a date
  on or after the last of them, written as the fewest changes that give it (`_roll_of`):
  the roster in office (in its order), whether the Party ever replaced or withdrew one, and
  the days on whose end the Party began or ceased to have one (the days on which every
  Party of a review first had one are among them). Of 200,000 changes at a million events
  a few per Party remain. Those changes are the roll's input, not facts: a synthetic change
  has no id, and the seq of the last real change of its day. A change appended with a date
  before the Party's last event is folded with the Party's whole history from the log;
- of `deadline_extended`, the latest per step (the fold uses the latest on the date);
- of every other fact, the first with the same type, party and data (the fold keeps the
  first of a kind, the first part of each reviewer, the first waiver of a step).

Rows are written in the transaction that appends the events (`_Import.run`), so a crash
leaves both or neither; `rebuild` makes them again from the log, and a test checks the
fold on the projection equals the fold on the log. The projection mark records the seq and
date of the last event folded in: a reader uses the projection only when the mark equals
the log's (and the date asked is on or after the mark's date).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from operator import attrgetter, itemgetter
from typing import Any

import orjson
from sqlalchemy import Connection, text

from ..core.model import Event
from ..mechanism_file.convert import data_to_json, data_with_dates
from .dialect import MAX_BIND, query_rows, sql_date

# Facts whose every occurrence the fold walks in order.
KEEP_ALL = frozenset({"reviewer_replaced", "process_migrated"})
# A Party's focal-point changes: rolled up per Party (`_roll_of`).
NOMINATED, WITHDRAWN = "focal_point_nominated", "focal_point_withdrawn"
FOCAL = frozenset({NOMINATED, WITHDRAWN})
# The email of the stand-in a synthetic change names while the Party has a focal point on
# a day before its last change: no real person's (.invalid is a reserved domain), never in
# office at the end, so never read; and not empty, since the roll's "replaces" must be
# truthy to say "changed".
_STAND_IN = "stand-in@projection.invalid"
# Facts of which only the latest per step counts.
KEEP_LAST = frozenset({"deadline_extended"})

# A row as the projection stores it, and as `compact` takes it:
#   (on ISO, seq, type, review, party, data JSON text, id, note)
Row = tuple[str, int, str, str | None, str | None, str, str | None, str | None]
# A row as the log's insert takes it (`Pending.extend`): (on ISO, type, review, party,
# data JSON text, id, note, recorded_at), dialect.EVENT_COLUMNS.
Appended = tuple[Any, ...]


_ON_SEQ = itemgetter(0, 1)  # a row's (on, seq): the order the fold reads


def _loads(data_json: str) -> Any:
    """A data text the store wrote, decoded: by orjson, or json where orjson refuses (an
    integer past 64 bits)."""
    try:
        return orjson.loads(data_json)
    except orjson.JSONDecodeError:
        return json.loads(data_json)


def _step_of(data_json: str) -> Any:
    return _loads(data_json).get("step")


def compact(rows: Iterable[Row]) -> list[Row]:
    """The rows (of one review, or one Party's own facts) that can change a fold on a date
    on or after the last of them, in (on, seq) order."""
    ordered = sorted(rows, key=_ON_SEQ)
    focal = [r for r in ordered if r[2] in FOCAL and r[3] is None]
    if focal:
        # rolled up apart (their stand-ins are alike on purpose), then in their places
        rest = compact([r for r in ordered if not (r[2] in FOCAL and r[3] is None)])
        return sorted([*_roll_of(focal), *rest], key=_ON_SEQ)
    kept: list[Row | None] = []
    first: set[tuple[str, str | None, str]] = set()
    last: dict[tuple[str, Any], int] = {}  # (type, step) -> position in `kept`
    for r in ordered:
        kind = r[2]
        if kind in KEEP_ALL:
            kept.append(r)
        elif kind in KEEP_LAST:
            key = (kind, _step_of(r[5]))
            at = last.get(key)
            if at is not None:
                kept[at] = None
            last[key] = len(kept)
            kept.append(r)
        else:
            key3 = (kind, r[4], r[5])
            if key3 not in first:
                first.add(key3)
                kept.append(r)
    return [r for r in kept if r is not None]


def _roll_of(rows: Sequence[Row]) -> list[Row]:
    """One Party's focal-point changes (in (on, seq) order) as the fewest changes that give
    the same roll on any date on or after the last of them: the same persons in office in
    the same order, the same "changed", and the same days on whose end the Party began or
    ceased to have a focal point (`FocalPointRoll.first_all_named` reads only those)."""
    party = rows[0][4]
    people: dict[str, Any] = {}
    changed = False
    # [day, holds at its end, the day's last seq; the first day's first: the roll lists
    # Parties in the order of their first changes (`FocalPointRoll.all_persons`)]
    days: list[list[Any]] = []
    first_day = rows[0][0]
    for on, seq, kind, _review, _party, data_json, _id, _note in rows:
        data = _loads(data_json)
        if kind == NOMINATED:
            replaced = data.get("replaces")
            if replaced:
                people.pop(replaced, None)
                changed = True
            person = data["person"]
            people[person["email"]] = person
        else:
            people.pop(data.get("email", ""), None)
            changed = True
        if days and days[-1][0] == on:
            days[-1][1:] = [bool(people), seq if on != first_day else days[-1][2]]
        else:
            days.append([on, bool(people), seq])
    turns: list[list[Any]] = []
    for day in days:
        if turns and turns[-1][1] == day[1]:
            continue  # the Party had (or lacked) a focal point the day before too
        turns.append(day)

    def change(on: str, seq: int, kind: str, data: Any) -> Row:
        return (on, seq, kind, None, party, data_to_json(data), None, None)

    out: list[Row] = []
    # before the last turn, a stand-in comes and goes (a withdrawal says "changed")
    for on, holds, seq in turns[:-1]:
        if holds:
            out.append(change(on, seq, NOMINATED, {"person": {"email": _STAND_IN}}))
        else:
            out.append(change(on, seq, WITHDRAWN, {"email": _STAND_IN}))
    on, holds, seq = turns[-1]
    if not holds:
        out.append(change(on, seq, WITHDRAWN, {"email": _STAND_IN}))
        return out
    # the roster in its order; the first "replaces" the stand-in (gone, or never there),
    # which says "changed" when the Party replaced or withdrew someone
    for i, person in enumerate(people.values()):
        data = {"person": person}
        if i == 0 and changed:
            data["replaces"] = _STAND_IN
        out.append(change(on, seq, NOMINATED, data))
    return out


class Pending:
    """Rows being appended, reduced as they come (a million-event import keeps only what
    the projection will hold). `n` orders rows of the same day: the seq, or the position
    in the append (whose seqs follow the same order), translated by `rows` and `latest`.

    Rows come in the log's insert layout (`Appended`: on ISO, type, review, party, data
    JSON, id, note, recorded_at), the tuples the insert itself takes: an import builds one tuple
    per event, and only the kept ones become projection rows (`rows`)."""

    def __init__(self) -> None:
        # (on, n, row) of every fact the fold walks in order
        self._all: list[tuple[str, int, Appended]] = []
        # of the first of each alike fact, the latest of each step's
        self._first: dict[tuple[str | None, str | None, str, str], tuple[str, int, Appended]] = {}
        self._last: dict[tuple[str | None, str | None, str, Any], tuple[str, int, Appended]] = {}
        self._steps: dict[Any, Any] = {}  # each step named, once
        # review or party -> [last n, latest date] of every row added, kept or not
        self._latest_review: dict[str, list[Any]] = {}
        self._latest_party: dict[str, list[Any]] = {}

    def extend(self, rows: Iterable[Appended], datas: Iterable[Any], ns: Iterable[int]) -> None:
        """Take rows in the insert layout with their `n`s (positions of an append, or seqs);
        `datas` holds each row's data decoded (None: decoded here when needed). One loop
        with everything local: a million-event import runs it once per event."""
        keep_all, focal, keep_last = KEEP_ALL, FOCAL, KEEP_LAST
        all_append = self._all.append
        first, last = self._first, self._last
        first_get, last_get = first.get, last.get
        by_review, by_party = self._latest_review, self._latest_party
        review_get, party_get = by_review.get, by_party.get
        step_of = self._steps.setdefault
        for row, data, n in zip(rows, datas, ns, strict=False):  # datas may be endless
            on, kind, review, party, data_json, _id, _note, _recorded = row
            # the owner's last n and latest date, kept or not ([n, on], changed in place)
            if review is not None:
                seen = review_get(review)
                if seen is None:
                    by_review[review] = [n, on]
                else:
                    if n > seen[0]:
                        seen[0] = n
                    if on > seen[1]:
                        seen[1] = on
            elif party is not None:
                seen = party_get(party)
                if seen is None:
                    by_party[party] = [n, on]
                else:
                    if n > seen[0]:
                        seen[0] = n
                    if on > seen[1]:
                        seen[1] = on
            # A kept row is held as (on, n, row), so that comparing it with the next of its
            # key reads that one small tuple, not the row (a million events: far apart in
            # memory); the step is the table's own string, so the key compares as one.
            if kind in keep_all or (review is None and kind in focal):
                all_append((on, n, row))
            elif kind in keep_last:
                step = data.get("step") if data is not None else _step_of(data_json)
                step = step_of(step, step)
                key = (review, party if review is None else None, kind, step)
                old = last_get(key)
                if old is None or on > old[0] or (on == old[0] and n > old[1]):
                    last[key] = (on, n, row)
            else:
                key3 = (review, party, kind, data_json)
                old3 = first_get(key3)
                if old3 is None or on < old3[0] or (on == old3[0] and n < old3[1]):
                    first[key3] = (on, n, row)

    def rows(self, seqs: Sequence[int] | None = None) -> list[Row]:
        """The kept rows; with `seqs`, each row's position `n` becomes seqs[n]."""
        out: list[Row] = []
        append = out.append
        for kept in (self._all, self._first.values(), self._last.values()):
            for on, n, r in kept:
                append((on, n if seqs is None else seqs[n], r[1], r[2], r[3], r[4], r[5], r[6]))
        return out

    def latest(self, seqs: Sequence[int] | None = None) -> dict[tuple[str, str], tuple[int, str]]:
        """Each owner's last seq and latest date among the rows added."""
        out: dict[tuple[str, str], tuple[int, str]] = {}
        for kind, latest in (("review", self._latest_review), ("party", self._latest_party)):
            for owner, (n, on) in latest.items():
                out[(kind, owner)] = (n if seqs is None else seqs[n], on)
        return out


def _owner(review: str | None, party: str | None) -> tuple[str, str] | None:
    if review is not None:
        return ("review", review)
    if party is not None:
        return ("party", party)
    return None  # a fact of neither: no fold reads it


def _encode(rows: Sequence[Row]) -> str:
    # data as JSON objects, not texts: one decode of the row reads them all. Each data text
    # is the store's canonical JSON, put in as it is (a Fragment): the same text as
    # json.dumps(separators=(",", ":"), ensure_ascii=False) of the decoded rows, unparsed.
    return orjson.dumps(
        [[r[0], r[1], r[2], r[4], orjson.Fragment(r[5]), r[6], r[7]] for r in rows]
    ).decode()


def _decode(owner_kind: str, owner: str, text_: str) -> list[Row]:
    review = owner if owner_kind == "review" else None
    out: list[Row] = []
    for on, seq, kind, party, data, id_, note in json.loads(text_):
        out.append((on, seq, kind, review, party, data_to_json(data), id_, note))
    return out


def _iso(v: Any) -> str:
    return v if isinstance(v, str) else v.isoformat()


def update(
    conn: Connection,
    rows: Sequence[Row],
    latest: dict[tuple[str, str], tuple[int, str]],
    top: tuple[int, str],
) -> None:
    """Fold newly appended rows (with their seqs) into the projection, in the append's
    transaction. `latest` gives each owner's last seq and date among the appended events
    (kept or not), `top` the log's last seq and latest date. Only the reviews and Parties
    the appended events name are read and written."""
    by_owner: dict[tuple[str, str], list[Row]] = {owner: [] for owner in latest}
    for r in rows:
        owned = _owner(r[3], r[4])
        if owned is not None:
            by_owner[owned].append(r)
    stored = _read(conn, list(by_owner))
    writes = []
    for (kind, owner), new in by_owner.items():
        old, old_on = stored.get((kind, owner), ([], None))
        if kind == "party" and old_on and any(r[2] in FOCAL and r[0] < old_on for r in new):
            # a change dated before the Party's last event: the rolled-up history cannot
            # take it, the Party's whole history (the new rows among it) is folded again
            merged = compact(_party_rows(conn, owner))
        else:
            merged = compact([*old, *new])
        last_seq, last_on = latest[(kind, owner)]
        writes.append(
            {
                "kind": kind,
                "owner": owner,
                "events": _encode(merged),
                # appended events come after every stored one
                "last_seq": last_seq,
                "last_on": max(last_on, old_on) if old_on else last_on,
            }
        )
    _write(conn, writes)
    _advance_mark(conn, *top)


def _party_rows(conn: Connection, party: str) -> list[Row]:
    """A Party's own facts in the log (those naming no review), as projection rows."""
    return [
        (_iso(on), seq, kind, None, party, data, id_, note)
        for on, seq, kind, data, id_, note in query_rows(
            conn,
            'SELECT "on", seq, type, data, id, note FROM event'
            " WHERE party = ? AND review_id IS NULL",
            (party,),
        )
    ]


def _read(
    conn: Connection, owners: list[tuple[str, str]]
) -> dict[tuple[str, str], tuple[list[Row], str]]:
    out: dict[tuple[str, str], tuple[list[Row], str]] = {}
    for kind in ("review", "party"):
        names = sorted(o for k, o in owners if k == kind)
        for start in range(0, len(names), MAX_BIND):
            chunk = names[start : start + MAX_BIND]
            marks = ", ".join("?" * len(chunk))
            for owner, events, last_on in query_rows(
                conn,
                "SELECT owner, events, last_on FROM projection"
                f" WHERE kind = ? AND owner IN ({marks})",
                (kind, *chunk),
            ):
                out[(kind, owner)] = (_decode(kind, owner, events), _iso(last_on))
    return out


def _write(conn: Connection, writes: list[dict[str, Any]]) -> None:
    if not writes:
        return
    owners = [(w["kind"], w["owner"]) for w in writes]
    for kind in ("review", "party"):
        names = [o for k, o in owners if k == kind]
        for start in range(0, len(names), MAX_BIND):
            chunk = names[start : start + MAX_BIND]
            marks = ", ".join("?" * len(chunk))
            query_rows(
                conn,
                f"DELETE FROM projection WHERE kind = ? AND owner IN ({marks})",
                (kind, *chunk),
            ).close()
    for w in writes:
        w["last_on"] = sql_date(conn, date.fromisoformat(w["last_on"]))
    conn.execute(
        text(
            "INSERT INTO projection (kind, owner, last_seq, last_on, events)"
            " VALUES (:kind, :owner, :last_seq, :last_on, :events)"
        ),
        writes,
    )


def _advance_mark(conn: Connection, seq: int, on: str) -> None:
    day = date.fromisoformat(on)
    mark = read_mark(conn)
    if mark is None:
        conn.execute(
            text("INSERT INTO projection_mark (id, last_seq, last_on) VALUES (1, :s, :o)"),
            {"s": seq, "o": sql_date(conn, day)},
        )
        return
    conn.execute(
        text("UPDATE projection_mark SET last_seq = :s, last_on = :o WHERE id = 1"),
        {"s": max(seq, mark[0]), "o": sql_date(conn, max(day, mark[1]) if mark[1] else day)},
    )


def read_mark(conn: Connection) -> tuple[int, date | None] | None:
    """(seq, date) of the last event folded into the projection; None before any."""
    row = conn.execute(text("SELECT last_seq, last_on FROM projection_mark WHERE id = 1")).first()
    if row is None:
        return None
    on = row[1]
    return int(row[0]), (date.fromisoformat(on) if isinstance(on, str) else on)


def is_fresh(conn: Connection) -> bool:
    """The projection holds every event of the log (an empty log needs no mark)."""
    seq, on = log_mark(conn)
    mark = read_mark(conn)
    if mark is None:
        return seq == 0
    return mark == (seq, on)


def log_mark(conn: Connection) -> tuple[int, date | None]:
    """(seq, date) of the log's last event: what the projection's mark must equal."""
    # two scalar subqueries, not one SELECT of two aggregates: SQLite answers a lone MAX
    # from the index's end, but two in one SELECT by scanning every row (70 ms at 1,000,000)
    seq, on = conn.execute(
        text('SELECT COALESCE((SELECT MAX(seq) FROM event), 0), (SELECT MAX("on") FROM event)')
    ).one()
    return int(seq), (date.fromisoformat(on) if isinstance(on, str) else on)


def log_batches(conn: Connection) -> Iterator[list[Row]]:
    """Every event of the log as projection rows, in arrival order, a batch at a time."""
    cur = query_rows(
        conn, 'SELECT "on", seq, type, review_id, party, data, id, note FROM event', stream=True
    )
    try:
        while batch := cur.fetchmany(20_000):
            yield [
                (_iso(on), seq, kind, review, party, data, id_, note)
                for on, seq, kind, review, party, data, id_, note in batch
            ]
    finally:
        cur.close()


def rebuild(conn: Connection) -> int:
    """Make the projection again from the whole log (in the caller's write transaction);
    returns the number of rows written."""
    conn.execute(text("DELETE FROM projection"))
    conn.execute(text("DELETE FROM projection_mark"))
    pending = Pending()
    for batch in log_batches(conn):
        pending.extend(
            [(r[0], *r[2:], None) for r in batch],  # the insert's layout, no time
            itertools.repeat(None),
            [r[1] for r in batch],
        )
    latest = pending.latest()
    groups: dict[tuple[str, str], list[Row]] = {}
    for r in pending.rows():
        owned = _owner(r[3], r[4])
        if owned is not None:
            groups.setdefault(owned, []).append(r)
    writes = []
    for (kind, owner), rows in groups.items():
        last_seq, last_on = latest[(kind, owner)]
        writes.append(
            {
                "kind": kind,
                "owner": owner,
                "events": _encode(compact(rows)),
                "last_seq": last_seq,
                "last_on": last_on,
            }
        )
    _write(conn, writes)
    seq, on = log_mark(conn)
    if on is not None:
        _advance_mark(conn, seq, on.isoformat())
    return len(writes)


def read_party_facts(conn: Connection, kinds: Sequence[str]) -> list[Event]:
    """Every fact of these kinds naming a Party and no review, from the log: those a report
    adds up (the projection keeps one of alike facts)."""
    marks = ", ".join("?" * len(kinds))
    out = []
    for on, seq, kind, party, data, id_, note in query_rows(
        conn,
        'SELECT "on", seq, type, party, data, id, note FROM event'
        f" WHERE review_id IS NULL AND party IS NOT NULL AND type IN ({marks})",
        tuple(kinds),
    ):
        day = on if isinstance(on, date) else date.fromisoformat(on)
        d = json.loads(data) if isinstance(data, str) else data
        d = data_with_dates(d) if ("due" in d or "agreed" in d) else d
        out.append(Event(day, kind, seq, None, party, d, id_, note))
    return out


def read_events(conn: Connection) -> list[Event]:
    """Every projected event, as the core's events (sorted by on, seq)."""
    days: dict[str, date] = {}
    out: list[Event] = []
    append = out.append
    cur = query_rows(conn, "SELECT kind, owner, events FROM projection", stream=True)
    try:
        while batch := cur.fetchmany(5_000):
            for kind, owner, events in batch:
                review = owner if kind == "review" else None
                for on, seq, type_, party, data, id_, note in json.loads(events):
                    day = days.get(on)
                    if day is None:
                        day = days[on] = date.fromisoformat(on)
                    d = data_with_dates(data) if ("due" in data or "agreed" in data) else data
                    append(Event(day, type_, seq, review, party, d, id_, note))
    finally:
        cur.close()
    out.sort(key=_ORDER)
    return out


_ORDER = attrgetter("on", "seq")
