"""Where a mechanism file's data comes from: a parsed document (`Located`), or a large JSON
file read event by event (`JsonStream`) so a million events never sit in memory at once.

Both answer the same questions: the head (every key but `events`), the raw events one by
one, and the source line of any dotted path.
"""

from __future__ import annotations

import json
import re
from array import array
from bisect import bisect_right
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import InputError, Problem
from ..yamlsource import Located, load_json_text, load_text


class LocatedSource:
    """A document already parsed in full (YAML, small JSON, or built in memory)."""

    def __init__(self, located: Located):
        self.located = located
        self.file = located.file
        data = located.data
        self.is_mapping = isinstance(data, dict)
        self.head: dict[str, Any] = (
            {k: v for k, v in data.items() if k != "events"} if self.is_mapping else {}
        )
        events = data.get("events") if self.is_mapping else None
        self.events_is_list = events is None or isinstance(events, list)
        self._events: list[Any] = events if isinstance(events, list) else []

    def __len__(self) -> int:
        return len(self._events)

    def events(self) -> Iterator[tuple[int, Any]]:
        return enumerate(self._events)

    def raw_event(self, i: int) -> Any:
        return self._events[i]

    def line_of(self, path: str) -> int | None:
        return self.located.line_of(path)


_WS = re.compile(r"[ \t\n\r]*")


class _Fallback(Exception):
    """The text is not the plain shape the stream reader expects: parse it the usual way."""


class JsonStream:
    """A JSON mechanism file parsed lazily: the head fully, each event when it is read.

    The first pass decodes each event once to find where it starts and ends (and to catch
    syntax errors and duplicate keys); `events()` decodes them again one at a time. Lines
    are worked out only for problems, from the event's own text.
    """

    def __init__(self, text: str, file: str):
        self.file = file
        self.text = text
        self.is_mapping = True
        self.events_is_list = True
        self.head: dict[str, Any] = {}
        self._head_spans: dict[str, tuple[int, int]] = {}
        self._starts = array("q")
        self._ends = array("q")
        self._newlines: array[int] | None = None
        self.duplicate_key_events: list[int] = []
        self._scan()

    @classmethod
    def open(cls, path: str | Path) -> JsonStream | LocatedSource:
        """Read `path`; a file this reader cannot stream is parsed the usual way."""
        p = Path(path)
        try:
            text = p.read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise InputError([Problem("file not found", file=str(p))]) from exc
        except UnicodeDecodeError as exc:
            raise InputError([Problem("file is not UTF-8 text", file=str(p))]) from exc
        try:
            return cls(text, str(p))
        except _Fallback:
            return LocatedSource(load_json_text(text, str(p)))

    # -- the first pass ----------------------------------------------------------------

    def _scan(self) -> None:
        text = self.text
        dupes: list[bool] = []

        def no_dupes(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
            out = dict(pairs)
            if len(out) != len(pairs):
                dupes.append(True)
            return out

        decode = json.JSONDecoder(object_pairs_hook=no_dupes).raw_decode
        try:
            pos = _WS.match(text, 0).end()
            if text[pos : pos + 1] != "{":
                raise _Fallback
            pos = _WS.match(text, pos + 1).end()
            if text[pos : pos + 1] == "}":
                return
            while True:
                key, pos = decode(text, pos)
                if not isinstance(key, str) or key in self.head or key in self._head_spans:
                    raise _Fallback  # duplicate top-level key: the usual path reports it
                pos = _WS.match(text, pos).end()
                if text[pos : pos + 1] != ":":
                    raise _Fallback
                pos = _WS.match(text, pos + 1).end()
                if key == "events" and text[pos : pos + 1] == "[":
                    self._head_spans[key] = (pos, pos)
                    pos = self._scan_events(decode, pos + 1, dupes)
                else:
                    start = pos
                    value, pos = decode(text, pos)
                    if dupes:
                        raise _Fallback
                    self.head[key] = value
                    self._head_spans[key] = (start, pos)
                pos = _WS.match(text, pos).end()
                ch = text[pos : pos + 1]
                if ch == ",":
                    pos = _WS.match(text, pos + 1).end()
                    continue
                if ch == "}":
                    break
                raise _Fallback
            if _WS.match(text, pos + 1).end() != len(text):
                raise _Fallback
        except (json.JSONDecodeError, IndexError) as exc:
            raise _Fallback from exc
        if "events" in self.head:
            raise _Fallback  # `events` is not a list: the usual path says so

    def _scan_events(self, decode: Any, pos: int, dupes: list[bool]) -> int:
        text = self.text
        pos = _WS.match(text, pos).end()
        if text[pos : pos + 1] == "]":
            return pos + 1
        starts, ends = self._starts, self._ends
        while True:
            start = pos
            _, pos = decode(text, pos)
            if dupes:
                self.duplicate_key_events.append(len(starts))
                dupes.clear()
            starts.append(start)
            ends.append(pos)
            pos = _WS.match(text, pos).end()
            ch = text[pos : pos + 1]
            if ch == ",":
                pos = _WS.match(text, pos + 1).end()
                continue
            if ch == "]":
                return pos + 1
            raise _Fallback

    # -- reading -----------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._starts)

    def events(self) -> Iterator[tuple[int, Any]]:
        decode = json.JSONDecoder().raw_decode
        text = self.text
        for i, start in enumerate(self._starts):
            yield i, decode(text, start)[0]

    def raw_event(self, i: int) -> Any:
        return json.JSONDecoder().raw_decode(self.text, self._starts[i])[0]

    def duplicate_key_problems(self) -> list[Problem]:
        """Each duplicate key inside an event, located (found by the YAML reader)."""
        out: list[Problem] = []
        for i in self.duplicate_key_events:
            start, end = self._starts[i], self._ends[i]
            try:
                load_text(self.text[start:end], self.file)
            except InputError as exc:
                first = self._line_at(start)
                for p in exc.problems:
                    path = f"events[{i}]" + (("." + p.path) if p.path else "")
                    line = first + (p.line or 1) - 1
                    out.append(Problem(p.message, path=path, file=self.file, line=line))
        return out

    # -- lines -------------------------------------------------------------------------

    def _line_at(self, offset: int) -> int:
        if self._newlines is None:
            self._newlines = array("q", (m.start() for m in re.finditer("\n", self.text)))
        return bisect_right(self._newlines, offset - 1) + 1

    def line_of(self, path: str) -> int | None:
        m = re.match(r"^events\[(\d+)\]", path)
        if m:
            i = int(m.group(1))
            if i >= len(self._starts):
                return None
            start, end = self._starts[i], self._ends[i]
            rest = path[m.end() :].lstrip(".")
        else:
            key = re.split(r"[.\[]", path, maxsplit=1)[0]
            if key not in self._head_spans:
                return 1
            start, end = self._head_spans[key]
            rest = path[len(key) :].lstrip(".")
            if start == end:
                return self._line_at(start)
        try:
            sub = load_text(self.text[start:end], self.file)
        except InputError:
            return self._line_at(start)
        relative = sub.line_of(rest) if rest else 1
        return self._line_at(start) + (relative or 1) - 1
