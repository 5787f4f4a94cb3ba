"""One set of limits for both databases, checked before anything is inserted.

SQLite keeps any text in any column; PostgreSQL refuses a NUL character in text and a
value longer than its VARCHAR. Checked here, with the file's location, the same values are
refused on both, so an export from one store always imports into the other. The lengths
are read from the tables themselves (`tables.py`, made by the migrations), never repeated.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from .tables import EventRow, PartyRow, ReviewRow

# Control characters (CR, LF, tab...) have no place in an id, a code or an address: ids go
# into Message-IDs, calendar UIDs and file names, addresses into email headers. A name may
# hold a line break (a person typed it); whatever shows it puts it on one line.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Half of a UTF-16 pair (JSON's "\ud800" alone) is not text: neither database can store it.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _length(table: Any, column: str) -> int:
    length = getattr(table.__table__.columns[column].type, "length", None)
    assert isinstance(length, int), f"{table.__tablename__}.{column} has no length"
    return length


REVIEW_ID_LENGTH = _length(ReviewRow, "id")
EVENT_ID_LENGTH = _length(EventRow, "id")
PARTY_CODE_LENGTH = _length(PartyRow, "code")

# Fields of an event's data that are one line of plain text: addresses, codes, references.
_ONE_LINE_DATA = ("email", "replaces", "by", "requested_by", "decision")


def text_problem(value: str | None, *, length: int | None = None, one_line: bool) -> str | None:
    """Why `value` cannot be stored in both databases, or None."""
    if value is None:
        return None
    if "\x00" in value:
        return "contains a NUL character (\\u0000), which PostgreSQL cannot store"
    surrogate = _SURROGATE.search(value)
    if surrogate:
        return (
            f"contains \\u{ord(surrogate.group()):04x}, half of a UTF-16 pair, which is not"
            " text; write the character itself"
        )
    if one_line:
        found = _CONTROL.search(value)
        if found:
            return (
                f"contains the control character {found.group()!r};"
                " an id, a code or an address is one line of plain text"
            )
    if length is not None and len(value) > length:
        return f"is {len(value)} characters long; at most {length} are allowed"
    return None


def party_problems(party: Any) -> Iterator[tuple[str, str]]:
    """(field path inside the party, message) for each field of a core Party refused."""
    fields: dict[str, tuple[str | None, bool]] = {
        "name": (party.name, False),
        "regional_group": (party.regional_group, True),
        "mission.email": (party.mission.email if party.mission else None, True),
        "mission.city": (party.mission.city if party.mission else None, False),
    }
    for path, (value, one_line) in fields.items():
        why = text_problem(value, one_line=one_line)
        if why:
            yield path, why


def review_problems(review: Any) -> Iterator[tuple[str, str]]:
    why = text_problem(review.id, length=REVIEW_ID_LENGTH, one_line=True)
    if why:
        yield "id", f"review id {why}"


def event_fits(given_id: str | None, note: str | None, data_json: str) -> bool:
    """The quick test a million ordinary events pass (exact, or `event_problems` says why):
    an id that fits without control characters, a note without NUL, and data whose JSON
    has no escape (JSON writes every control character as one). A surrogate is never ASCII:
    an ASCII text (`isascii` answers at once) is not searched for one."""
    return (
        (given_id is None or (len(given_id) <= EVENT_ID_LENGTH and given_id.isprintable()))
        and (
            note is None or ("\x00" not in note and (note.isascii() or not _SURROGATE.search(note)))
        )
        and "\\" not in data_json
        and (data_json.isascii() or not _SURROGATE.search(data_json))
    )


def event_problems(event: Any, given_id: str | None, data_json: str) -> Iterator[tuple[str, str]]:
    """(field path inside the event, message) for a core Event; `given_id` is the id the
    file gave (a generated one always fits), `data_json` its data as stored."""
    why = text_problem(given_id, length=EVENT_ID_LENGTH, one_line=True)
    if why:
        yield "id", f"event id {why}"
    why = text_problem(event.note, one_line=False)
    if why:
        yield "note", why
    # JSON writes every control character as an escape: without a backslash there is none,
    # so a million ordinary events cost one substring search each
    if "\\" in data_json or _SURROGATE.search(data_json):
        yield from _data_problems(event.data, "")


def _data_problems(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        key = path.rsplit(".", 1)[-1]
        why = text_problem(value, one_line=key in _ONE_LINE_DATA)
        if why:
            yield path, why
    elif isinstance(value, Mapping):
        for k, v in value.items():
            yield from _data_problems(v, f"{path}.{k}" if path else str(k))
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            yield from _data_problems(v, f"{path}[{i}]")
