"""Core values -> a mechanism-file document, and writing it as JSON or YAML."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

import yaml

from ..core.model import Event, Party, Review
from .convert import event_to_dict, party_to_dict, review_to_dict
from .models import FORMAT


def document_from_core(
    parties: Iterable[Party], reviews: Iterable[Review], events: Iterable[Event]
) -> dict[str, Any]:
    """The document that `parse_document` reads back into the same values."""
    return {
        "format": FORMAT,
        "parties": [party_to_dict(p) for p in parties],
        "reviews": [review_to_dict(r) for r in reviews],
        "events": [event_to_dict(e) for e in events],
    }


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Quotes strings YAML 1.1 would read as booleans (NO, on, off, yes) for other readers.
    libyaml's dumper when there is one: a million events in seconds, not minutes."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if value.lower() in {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="'")
    return dumper.represent_str(value)


_Dumper.add_representer(str, _str)


def write_document(document: dict[str, Any], path: str | Path) -> Path:
    """Write as JSON when the path ends in .json, else YAML (UTF-8)."""
    p = Path(path)
    tmp = p.with_name(p.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as f:
        if p.suffix.lower() == ".json":
            _write_json(document, f)
        else:
            yaml.dump(document, f, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    tmp.replace(p)  # a half-written export never takes the place of a good one
    return p


def _write_json(document: dict[str, Any], f: IO[str]) -> None:
    """Indented JSON with one event per line: readable, diffable, and a problem in it is
    reported at the line of its event. Streams: no million-event string in memory."""
    if not isinstance(document.get("events"), list):
        json.dump(document, f, ensure_ascii=False, indent=1)
        f.write("\n")
        return
    head = {k: v for k, v in document.items() if k != "events"}
    events = document["events"]
    if head:
        text = json.dumps(head, ensure_ascii=False, indent=1)
        f.write(text[: text.rfind("}")].rstrip() + ',\n "events": [')
    else:
        f.write('{\n "events": [')
    for i, e in enumerate(events):
        f.write("\n  " if i == 0 else ",\n  ")
        f.write(json.dumps(e, ensure_ascii=False, separators=(", ", ": ")))
    f.write("\n ]\n}\n" if events else "]\n}\n")
