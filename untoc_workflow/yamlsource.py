"""Read YAML or JSON while remembering where each value came from.

Two things the stock loader gets wrong for us: YAML 1.1 turns `NO` (Norway), `on`, `off`,
`yes` into booleans, and it forgets line numbers. This loader keeps only `true`/`false`
as booleans, keeps dates as ISO strings for pydantic to parse, and returns a map from
dotted paths (`events[17].review`) to 1-based line numbers.

It is also bounded: files come through `inputfile` (regular, UTF-8, within a size), and
tags, nesting past MAX_DEPTH, integers past MAX_INT_DIGITS and aliases that multiply the
document are refused, located, before they cost memory or time.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError, Problem
from .inputfile import read_input


class _StrictBoolLoader(yaml.SafeLoader):
    """SafeLoader whose booleans are YAML 1.2's: only true/false."""


# Drop YAML 1.1 bool and timestamp resolvers, then add back a 1.2 bool resolver.
_StrictBoolLoader.yaml_implicit_resolvers = {
    key: [
        (tag, rx)
        for tag, rx in resolvers
        if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")
    ]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_StrictBoolLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


@dataclass
class Located:
    """A parsed document and the source line of every dotted path in it.

    For JSON the lines are worked out only when asked for (on an error), so a large
    import pays for the fast parser alone.
    """

    data: Any
    file: str
    _lines: dict[str, int] | None = field(default=None, repr=False)
    _text: str | None = field(default=None, repr=False)

    @property
    def lines(self) -> dict[str, int]:
        if self._lines is None:
            # lines come from the YAML reader, affordable for a file of a few megabytes only
            small = self._text and len(self._text) <= _RELOCATE_UP_TO
            self._lines = load_text(self._text or "", self.file)._lines or {} if small else {}
        return self._lines

    def line_of(self, path: str) -> int | None:
        while path:
            if path in self.lines:
                return self.lines[path]
            cut = max(path.rfind("."), path.rfind("["))
            path = path[:cut] if cut > 0 else ""
        return self.lines.get("")


_RELOCATE_UP_TO = 4 * 1024 * 1024
MAX_DEPTH = 100  # a mechanism file nests 4 levels, a process definition about 8
_TOO_DEEP = f"values are nested too deeply (at most {MAX_DEPTH} levels)"
_NO_ALIASES = "aliases (*name) are not allowed in this file; write the value out"
MAX_INT_DIGITS = 18  # counts, groups, clusters: anything longer is a mistake or an attack
# Aliases (`*ladder`) may repeat a value, not multiply the document: the values built may
# be at most this many times the values written, plus a little.
ALIAS_EXPANSION = 10
ALIAS_ALLOWANCE = 1000
_ALLOWED_TAGS = frozenset(
    f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "seq", "map")
)
_INT_TAG = "tag:yaml.org,2002:int"


class _Refused(yaml.MarkedYAMLError):
    """Input the loader will not build: an alias where none is allowed, nesting too deep."""


class _BoundedLoader(_StrictBoolLoader):
    """Counts the values written and the depth reached while composing the document."""

    def __init__(self, text: str, *, aliases: bool):
        super().__init__(text)
        self.aliases = aliases
        self.written = 0
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            if not self.aliases:
                mark = self.peek_event().start_mark
                raise _Refused(problem=_NO_ALIASES, problem_mark=mark)
            return super().compose_node(parent, index)
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _Refused(
                problem=_TOO_DEEP,
                problem_mark=self.peek_event().start_mark,
            )
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        self.written += 1
        return node


class _Budget:
    """How many more values `_build` may make before aliases count as a bomb."""

    def __init__(self, written: int):
        self.left = written * ALIAS_EXPANSION + ALIAS_ALLOWANCE


class _Stop(Exception):
    """Building stops at once: going on would cost memory or time without limit."""

    def __init__(self, problem: Problem):
        self.problem = problem


if hasattr(yaml, "CSafeLoader"):
    # libyaml parses and composes in C, several times faster than PyYAML's own parser.
    # Its composer recurses in C, so depth and aliases are checked first, on its events.

    class _CStrictLoader(yaml.CSafeLoader):  # type: ignore[misc,name-defined]
        """libyaml's SafeLoader with the same YAML 1.2 booleans."""

    _CStrictLoader.yaml_implicit_resolvers = _StrictBoolLoader.yaml_implicit_resolvers
else:  # pragma: no cover - PyYAML built without libyaml
    _CStrictLoader = None


def _checked_events(text: str, aliases: bool) -> int:
    """Read `text`'s events in C: refuse nesting past MAX_DEPTH and (unless allowed)
    aliases, before anything is composed; return how many values it writes."""
    depth = 0
    written = 0
    for event in yaml.parse(text, Loader=_CStrictLoader):
        if isinstance(event, yaml.AliasEvent):
            if not aliases:
                raise _Refused(problem=_NO_ALIASES, problem_mark=event.start_mark)
        elif isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            written += 1
            if depth > MAX_DEPTH:
                raise _Refused(
                    problem=_TOO_DEEP,
                    problem_mark=event.start_mark,
                )
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1
        elif isinstance(event, yaml.ScalarEvent):
            written += 1
    return written


def _compose(text: str, aliases: bool) -> tuple[Any, Any, int]:
    """(loader, node, values written) for `text`, checked for depth and aliases."""
    if _CStrictLoader is not None:
        written = _checked_events(text, aliases)
        fast = _CStrictLoader(text)
        try:
            return fast, fast.get_single_node(), written
        except BaseException:
            fast.dispose()
            raise
    loader = _BoundedLoader(text, aliases=aliases)
    try:
        node = loader.get_single_node()
    except BaseException:
        loader.dispose()
        raise
    return loader, node, loader.written


def load_text(text: str, file: str = "<input>", *, aliases: bool = True) -> Located:
    """Parse YAML (JSON is YAML too) and record lines. Duplicate keys are an error.

    Refused with a located problem: tags (`!!python/name:...`), nesting past MAX_DEPTH,
    integers past MAX_INT_DIGITS digits, aliases that multiply the document, and any alias
    at all when `aliases` is False (mechanism files and decisions have no use for them).
    """
    nul = text.find("\x00")
    if nul >= 0:
        raise InputError(
            [Problem("contains a NUL character", file=file, line=text.count("\n", 0, nul) + 1)]
        )
    try:
        loader, node, written = _compose(text, aliases)
    except yaml.reader.ReaderError as exc:
        raise InputError(
            [
                Problem(
                    f"contains the character #x{exc.character:04x}, which YAML does not allow",
                    file=file,
                    line=text.count("\n", 0, exc.position) + 1,
                )
            ]
        ) from None
    except _Refused as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise InputError([Problem(str(exc.problem), file=file, line=line)]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(exc, "problem", None) or str(exc)
        if "maximum nesting depth" in problem:  # libyaml's own limit, met while scanning ahead
            raise InputError([Problem(_TOO_DEEP, file=file, line=line)]) from None
        raise InputError(
            [Problem(f"not valid YAML/JSON: {problem}", file=file, line=line)]
        ) from None
    lines: dict[str, int] = {}
    if node is None:
        loader.dispose()
        return Located(None, file, lines)
    problems: list[Problem] = []
    try:
        data = _build(node, "", lines, problems, file, loader, _Budget(written), 0)
    except _Stop as stop:
        raise InputError([*problems, stop.problem]) from None
    finally:
        loader.dispose()
    if problems:
        raise InputError(problems)
    return Located(data, file, lines)


def load_file(path: str | Path, *, aliases: bool = True) -> Located:
    """Read and parse a YAML or JSON file within the limits of `inputfile`."""
    text = read_input(path)
    if Path(path).suffix.lower() == ".json":
        return load_json_text(text, str(path))
    return load_text(text, str(path), aliases=aliases)


class _JsonRefused(ValueError):
    def __init__(self, message: str, needle: str | None = None):
        self.message = message
        self.needle = needle


def bounded_int(digits: str) -> int:
    """JSON's integers, at most MAX_INT_DIGITS digits (a 5,000-digit one is refused)."""
    if len(digits.lstrip("-")) > MAX_INT_DIGITS:
        raise _JsonRefused(
            f"the number {digits[:12]}... has {len(digits.lstrip('-')):,} digits;"
            f" at most {MAX_INT_DIGITS} are allowed",
            digits,
        )
    return int(digits)


def no_constant(name: str) -> Any:
    raise _JsonRefused(f"{name} is not a number JSON allows", name)


def json_problem(exc: BaseException, text: str, file: str, start: int = 0) -> Problem:
    """A located problem for what the JSON decoder raised while reading from `start`."""
    if isinstance(exc, json.JSONDecodeError):
        return Problem(f"not valid JSON: {exc.msg}", file=file, line=exc.lineno)
    if isinstance(exc, _JsonRefused):
        at = text.find(exc.needle, start) if exc.needle else -1
        line = text.count("\n", 0, at if at >= 0 else start) + 1
        return Problem(exc.message, file=file, line=line)
    if isinstance(exc, RecursionError):
        return Problem(
            "values are nested too deeply (a mechanism file nests 4 levels)",
            file=file,
            line=text.count("\n", 0, start) + 1,
        )
    return Problem(f"not valid JSON: {exc}", file=file, line=text.count("\n", 0, start) + 1)


def load_json_text(text: str, file: str = "<input>") -> Located:
    """Parse JSON with the fast parser; duplicate keys are an error; lines computed lazily."""
    dupes: list[str] = []

    def no_dupes(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for k, v in pairs:
            if k in out:
                dupes.append(k)
            out[k] = v
        return out

    try:
        data = json.loads(
            text, object_pairs_hook=no_dupes, parse_int=bounded_int, parse_constant=no_constant
        )
    except (ValueError, RecursionError) as exc:
        raise InputError([json_problem(exc, text, file)]) from None
    if dupes:
        if len(text) > _RELOCATE_UP_TO:
            raise InputError([Problem(f"key {k!r} appears twice", file=file) for k in dupes])
        load_text(text, file)  # raises with the line of each duplicate key
    return Located(data, file, None, text)


def _build(
    node: yaml.Node,
    path: str,
    lines: dict[str, int],
    problems: list[Problem],
    file: str,
    loader: yaml.SafeLoader,
    budget: _Budget,
    depth: int,
) -> Any:
    line = node.start_mark.line + 1
    budget.left -= 1
    if budget.left < 0 or depth > MAX_DEPTH:
        # only aliases make a document bigger or deeper here than when it was composed
        raise _Stop(
            Problem(
                "aliases (*name) here expand into far more values than the file holds",
                path=path if len(path) <= 60 else path[:57] + "...",
                file=file,
                line=line,
            )
        )
    lines.setdefault(path, line)
    if node.tag not in _ALLOWED_TAGS:
        problems.append(_tag_refused(node, path, file))
        return None
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node, loader, path, problems, file)
            if isinstance(key, (dict, list)):
                problems.append(
                    Problem(
                        "a key must be a plain value",
                        path=path,
                        file=file,
                        line=key_node.start_mark.line + 1,
                    )
                )
                continue
            if key in out:
                problems.append(
                    Problem(
                        f"key {key!r} appears twice",
                        path=path,
                        file=file,
                        line=key_node.start_mark.line + 1,
                    )
                )
                continue
            child = f"{path}.{key}" if path else str(key)
            lines[child] = key_node.start_mark.line + 1
            out[key] = _build(value_node, child, lines, problems, file, loader, budget, depth + 1)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [
            _build(item, f"{path}[{i}]", lines, problems, file, loader, budget, depth + 1)
            for i, item in enumerate(node.value)
        ]
    return _scalar(node, loader, path, problems, file)


def _scalar(
    node: yaml.Node, loader: yaml.SafeLoader, path: str, problems: list[Problem], file: str
) -> Any:
    if not isinstance(node, yaml.ScalarNode):
        return {} if isinstance(node, yaml.MappingNode) else []
    line = node.start_mark.line + 1
    if node.tag not in _ALLOWED_TAGS:  # a key's tag (a value's is met by `_build` first)
        problems.append(_tag_refused(node, path, file))
        return None
    if node.tag == _INT_TAG:
        digits = sum(ch.isdigit() for ch in node.value)
        if digits > MAX_INT_DIGITS:
            problems.append(
                Problem(
                    f"the number {node.value[:12]}... has {digits:,} digits;"
                    f" at most {MAX_INT_DIGITS} are allowed",
                    path=path,
                    file=file,
                    line=line,
                )
            )
            return None
    try:
        return loader.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError) as exc:
        problems.append(Problem(f"not a value: {exc}", path=path, file=file, line=line))
        return None


def _tag_refused(node: yaml.Node, path: str, file: str) -> Problem:
    tag = node.tag
    shown = "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml") else tag
    return Problem(
        f"the tag {shown} is not allowed; write a plain value",
        path=path,
        file=file,
        line=node.start_mark.line + 1,
    )
