"""Errors a person can act on: each problem carries file:line, a dotted path and a hint."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located as precisely as we can."""

    message: str
    path: str = ""
    file: str | None = None
    line: int | None = None
    hint: str | None = None

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = f"{self.file}:{self.line}" if self.line else self.file
        parts = [p for p in (where, self.path) if p]
        text = (": ".join(parts) + ": " if parts else "") + self.message
        if self.hint:
            text += f" ({self.hint})"
        return text


class InputError(Exception):
    """Bad input: a definition, a mechanism file, a decision or a command's arguments.

    Raised before anything is written, so the store is unchanged.
    """

    def __init__(self, problems: Sequence[Problem] | str, *, title: str | None = None):
        if isinstance(problems, str):
            problems = [Problem(problems)]
        self.problems: list[Problem] = list(problems)
        self.title = title
        super().__init__(self.render())

    def render(self) -> str:
        lines = [self.title] if self.title else []
        lines += [str(p) for p in self.problems]
        return "\n".join(lines)


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    choices = list(choices)
    # a code typed in the wrong case ("c1-g1-nor", "nga") is the commonest slip, and
    # difflib scores it too low to suggest
    folded = [c for c in choices if str(c).casefold() == str(word).casefold()]
    if folded:
        return f"did you mean {folded[0]!r}?"
    close = difflib.get_close_matches(str(word), choices, n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else None


def dotted(loc: Sequence[Any]) -> str:
    """('events', 17, 'review') -> 'events[17].review'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def problems_from_validation(
    exc: Any,
    *,
    file: str | None = None,
    lines: Mapping[str, int] | None = None,
    prefix: Sequence[Any] = (),
    allowed_keys: Any = None,
) -> list[Problem]:
    """Turn a pydantic ValidationError into located problems.

    `lines` maps dotted paths to source lines (from yamlsource); `allowed_keys(loc)` returns
    the keys allowed at a mapping so unknown keys can be listed with a suggestion.
    """
    lines = lines or {}
    problems: list[Problem] = []
    errors = exc.errors()
    below = {tuple(err["loc"][:k]) for err in errors for k in range(len(err["loc"]))}
    for err in errors:
        if err["type"] == "too_short" and tuple(err["loc"]) in below:
            continue  # a list left short because its items were refused: they say why
        loc = [*prefix, *[p for p in err["loc"] if not _is_union_tag(p)]]
        path = dotted(loc)
        line = _nearest_line(path, lines)
        msg = err["msg"]
        hint = None
        if err["type"] == "extra_forbidden":
            key = loc[-1] if loc else "?"
            allowed = sorted(allowed_keys(loc[:-1])) if allowed_keys else []
            msg = f"unknown key {key!r}"
            if allowed:
                msg += f"; allowed keys: {', '.join(allowed)}"
            hint = did_you_mean(str(key), allowed)
        elif err["type"] == "missing":
            msg = f"required key {loc[-1]!r} is missing" if loc else "a required key is missing"
        elif err["type"] in ("literal_error", "enum"):
            expected = err.get("ctx", {}).get("expected", "")
            got = err.get("input")
            msg = f"{got!r} is not allowed; expected {expected}"
            choices = [c.strip(" '\"") for c in str(expected).replace(" or ", ",").split(",")]
            hint = did_you_mean(str(got), [c for c in choices if c])
        elif err["type"] == "union_tag_invalid":
            ctx = err.get("ctx", {})
            msg = f"unknown type {ctx.get('tag')!r}; expected one of {ctx.get('expected_tags')}"
            tags = [t.strip(" '\"") for t in str(ctx.get("expected_tags", "")).split(",")]
            hint = did_you_mean(str(ctx.get("tag")), tags)
        elif msg.startswith("Value error, "):
            msg = msg[len("Value error, ") :]
        problems.append(Problem(msg, path=path, file=file, line=line, hint=hint))
    return problems


def _is_union_tag(part: Any) -> bool:
    # pydantic puts the discriminator value or function name into loc for tagged unions;
    # a person wants the data path only.
    return isinstance(part, str) and (part.startswith("function-") or part.startswith("tagged-"))


def _nearest_line(path: str, lines: Mapping[str, int]) -> int | None:
    while True:
        if path in lines:
            return lines[path]
        if not path:
            return None
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""
