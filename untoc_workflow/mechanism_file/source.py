"""Where a mechanism file's data comes from: a parsed document (`Located`), or a large JSON
file read event by event (`JsonStream`) so a million events never sit in memory at once.

Both answer the same questions: the head (every key but `events`), the raw events one by
one, and the source line of any dotted path.
"""

from __future__ import annotations

import json
import json.scanner
import re
from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, cast

from ..errors import InputError, Problem
from ..inputfile import MAX_JSON_BYTES, read_input
from ..yamlsource import Located, bounded_int, json_problem, load_text, no_constant


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
# `*` matches the empty string, so the match is never None: typed so once, not checked on
# every skip of the million-event scan
_ws_match = cast(Callable[[str, int], re.Match[str]], _WS.match)
_VALUE_START = frozenset('[{"-0123456789tfn')
_SPACE = frozenset(" \t\n\r")  # what _WS skips (not "": the end of the text is no space)
_plain_scanner = json.scanner.make_scanner(json.JSONDecoder())  # type: ignore[arg-type]  # typeshed names the class, not its argument


class JsonStream:
    """A JSON mechanism file parsed lazily: the head fully, each event when it is read.

    The first pass decodes each event once to find where it starts and ends (and to catch
    syntax errors and duplicate keys); `events()` decodes them again one at a time. Lines
    are worked out only for problems, from the event's own text. A syntax error, a key
    repeated at the top level, a huge integer or deep nesting is reported where it is
    found, without parsing the file a second way: the file is held in memory once.
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
        # (path prefix, start, end) of each value holding a repeated key
        self._duplicate_keys: list[tuple[str, int, int]] = []
        self._scan()

    @classmethod
    def open(cls, path: str | Path) -> JsonStream:
        """Read `path` (within the limits of `inputfile`) and scan it."""
        return cls(read_input(path, MAX_JSON_BYTES), str(path))

    # -- the first pass ----------------------------------------------------------------

    def _syntax(self, pos: int, message: str) -> InputError:
        return InputError(
            [Problem(f"not valid JSON: {message}", file=self.file, line=self._line_at(pos))]
        )

    def _scan(self) -> None:
        text = self.text
        dupes: list[bool] = []

        def no_dupes(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
            out = dict(pairs)
            if len(out) != len(pairs):
                dupes.append(True)
            return out

        decode = json.JSONDecoder(
            object_pairs_hook=no_dupes, parse_int=bounded_int, parse_constant=no_constant
        ).raw_decode
        pos = _ws_match(text, 0).end()
        if text[pos : pos + 1] != "{":
            if text[pos : pos + 1] and text[pos] in _VALUE_START:
                self.is_mapping = False  # the reader says what a mechanism file must be
                return
            raise self._syntax(pos, "Expecting '{'" if text[pos:] else "the file is empty")
        pos = _ws_match(text, pos + 1).end()
        if text[pos : pos + 1] == "}":
            self._expect_end(pos + 1)
            return
        while True:
            start = pos
            try:
                key, pos = decode(text, pos)
            except (json.JSONDecodeError, ValueError, RecursionError) as exc:
                raise InputError([json_problem(exc, text, self.file, start)]) from None
            if not isinstance(key, str):
                raise self._syntax(start, "Expecting property name enclosed in double quotes")
            if key in self._head_spans:
                raise InputError(
                    [
                        Problem(
                            f"key {key!r} appears twice",
                            file=self.file,
                            line=self._line_at(start),
                            hint=f"the first {key!r} is at line "
                            f"{self._line_at(self._head_spans[key][0])}",
                        )
                    ]
                )
            pos = _ws_match(text, pos).end()
            if text[pos : pos + 1] != ":":
                raise self._syntax(pos, "Expecting ':' delimiter")
            pos = _ws_match(text, pos + 1).end()
            if key == "events" and text[pos : pos + 1] == "[":
                self._head_spans[key] = (pos, pos)
                pos = self._scan_events(decode, pos + 1, dupes)
            else:
                start = pos
                try:
                    value, pos = decode(text, pos)
                except (json.JSONDecodeError, ValueError, RecursionError) as exc:
                    raise InputError([json_problem(exc, text, self.file, start)]) from None
                if dupes:
                    self._duplicate_keys.append((key, start, pos))
                    dupes.clear()
                self._head_spans[key] = (start, pos)
                if key == "events":
                    self.events_is_list = False  # the reader says so
                else:
                    self.head[key] = value
            pos = _ws_match(text, pos).end()
            ch = text[pos : pos + 1]
            if ch == ",":
                pos = _ws_match(text, pos + 1).end()
                continue
            if ch == "}":
                break
            raise self._syntax(pos, "Expecting ',' delimiter")
        self._expect_end(pos + 1)

    def _expect_end(self, pos: int) -> None:
        end = _ws_match(self.text, pos).end()
        if end != len(self.text):
            raise self._syntax(end, "Extra data")

    def _scan_events(self, decode: Any, pos: int, dupes: list[bool]) -> int:
        text = self.text
        pos = _ws_match(text, pos).end()
        if text[pos : pos + 1] == "]":
            return pos + 1
        starts, ends = self._starts, self._ends
        add_start, add_end = starts.append, ends.append
        # the whitespace between events is skipped by the regex only where there is some
        # (a written file has a line break after each comma, a compact one none)
        space = _SPACE
        while True:
            start = pos
            try:
                _, pos = decode(text, pos)
            except (json.JSONDecodeError, ValueError, RecursionError) as exc:
                raise InputError([json_problem(exc, text, self.file, start)]) from None
            if dupes:
                self._duplicate_keys.append((f"events[{len(starts)}]", start, pos))
                dupes.clear()
            add_start(start)
            add_end(pos)
            ch = text[pos : pos + 1]
            if ch in space:
                pos = _ws_match(text, pos).end()
                ch = text[pos : pos + 1]
            if ch == ",":
                pos += 1
                if text[pos : pos + 1] in space:
                    pos = _ws_match(text, pos).end()
                continue
            if ch == "]":
                return pos + 1
            raise self._syntax(pos, "Expecting ',' delimiter")

    # -- reading -----------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._starts)

    def events(self) -> Iterator[tuple[int, Any]]:
        # json's own C scanner, without raw_decode's Python frame around each call: the
        # first pass has found every event valid, and where it starts
        scan = _plain_scanner
        text = self.text
        for i, start in enumerate(self._starts):
            yield i, scan(text, start)[0]

    def raw_event(self, i: int) -> Any:
        return json.JSONDecoder().raw_decode(self.text, self._starts[i])[0]

    def duplicate_key_problems(self) -> list[Problem]:
        """Each key repeated inside a value (an event, `parties`...), located by the YAML
        reader on that value's own text."""
        out: list[Problem] = []
        for prefix, start, end in self._duplicate_keys:
            try:
                load_text(self.text[start:end], self.file)
            except InputError as exc:
                first = self._line_at(start)
                for p in exc.problems:
                    sep = "" if p.path.startswith("[") else "."
                    path = prefix + ((sep + p.path) if p.path else "")
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
