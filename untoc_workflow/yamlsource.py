"""Read YAML or JSON while remembering where each value came from.

Two things the stock loader gets wrong for us: YAML 1.1 turns `NO` (Norway), `on`, `off`,
`yes` into booleans, and it forgets line numbers. This loader keeps only `true`/`false`
as booleans, keeps dates as ISO strings for pydantic to parse, and returns a map from
dotted paths (`events[17].review`) to 1-based line numbers.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError, Problem


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
            self._lines = load_text(self._text or "", self.file)._lines or {} if self._text else {}
        return self._lines

    def line_of(self, path: str) -> int | None:
        while path:
            if path in self.lines:
                return self.lines[path]
            cut = max(path.rfind("."), path.rfind("["))
            path = path[:cut] if cut > 0 else ""
        return self.lines.get("")


def load_text(text: str, file: str = "<input>") -> Located:
    """Parse YAML (JSON is YAML too) and record lines. Duplicate keys are an error."""
    loader = _StrictBoolLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError(
            [Problem(f"not valid YAML/JSON: {problem}", file=file, line=line)]
        ) from exc
    lines: dict[str, int] = {}
    if node is None:
        loader.dispose()
        return Located(None, file, lines)
    problems: list[Problem] = []
    try:
        data = _build(node, "", lines, problems, file, loader)
    finally:
        loader.dispose()
    if problems:
        raise InputError(problems)
    return Located(data, file, lines)


def load_file(path: str | Path) -> Located:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise InputError([Problem("file not found", file=str(p))]) from exc
    except UnicodeDecodeError as exc:
        raise InputError([Problem("file is not UTF-8 text", file=str(p))]) from exc
    if p.suffix.lower() == ".json":
        return load_json_text(text, str(p))
    return load_text(text, str(p))


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
        data = json.loads(text, object_pairs_hook=no_dupes)
    except json.JSONDecodeError as exc:
        raise InputError(
            [Problem(f"not valid JSON: {exc.msg}", file=file, line=exc.lineno)]
        ) from exc
    if dupes:
        load_text(text, file)  # raises with the line of each duplicate key
    return Located(data, file, None, text)


def _build(
    node: yaml.Node,
    path: str,
    lines: dict[str, int],
    problems: list[Problem],
    file: str,
    loader: yaml.SafeLoader,
) -> Any:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node, loader)
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
            out[key] = _build(value_node, child, lines, problems, file, loader)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [
            _build(item, f"{path}[{i}]", lines, problems, file, loader)
            for i, item in enumerate(node.value)
        ]
    return _scalar(node, loader)


def _scalar(node: yaml.Node, loader: yaml.SafeLoader) -> Any:
    if not isinstance(node, yaml.ScalarNode):
        return {} if isinstance(node, yaml.MappingNode) else []
    return loader.construct_object(node, deep=True)
