"""Process versions are never changed in place once reviews ran on them: the store keeps a
fingerprint of each (process, version) the first time a fact of one of its reviews is
admitted, and refuses to admit facts with a definition that no longer matches it."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, text

from ..errors import InputError, Problem

if TYPE_CHECKING:
    from ..definitions import ProcessDefinition


def fingerprint(definition: ProcessDefinition) -> str:
    """The definition's content, not its file's layout: comments and key order do not count."""
    return hashlib.sha256(definition.model_dump_json().encode("utf-8")).hexdigest()


def check_fingerprints(conn: Connection, catalog: Any, keys: Iterable[tuple[str, int]]) -> None:
    """Record the fingerprint of each (process, version) met for the first time; raise
    InputError naming the file when a stored one differs (within the caller's transaction:
    nothing is imported)."""
    wanted = sorted(set(keys))
    if not wanted or not hasattr(catalog, "get"):
        return
    stored = {
        (str(p), int(v)): (str(h), s)
        for p, v, h, s in conn.execute(
            text("SELECT process, version, sha256, source FROM definition_fingerprint")
        )
    }
    files = getattr(catalog, "files", {}) or {}
    problems: list[Problem] = []
    now = datetime.now(UTC).replace(tzinfo=None)
    for process, version in wanted:
        definition = catalog.get(process, version)
        if definition is None:
            continue  # not loaded: the fold says so
        digest = fingerprint(definition)
        where = files.get((process, version))
        found = stored.get((process, version))
        if found is None:
            conn.execute(
                text(
                    "INSERT INTO definition_fingerprint (process, version, sha256, source,"
                    " first_used_at) VALUES (:p, :v, :h, :s, :t)"
                ),
                {"p": process, "v": version, "h": digest, "s": str(where or ""), "t": now},
            )
        elif found[0] != digest:
            problems.append(_changed(process, version, found[1], where))
    if problems:
        raise InputError(problems, title=_TITLE)


_TITLE = "a process version was changed in place"


def _changed(process: str, version: int, source: str | None, where: Any) -> Problem:
    return Problem(
        f"{process}@{version} was changed in place after reviews ran on it"
        + (f" (first used as read from {source})" if source else ""),
        path="version",
        file=str(where) if where else None,
        hint=f"put version {version} back as it was, add version {version + 1}"
        f" and migrate the reviews (`untoc migrate`)",
    )


def verify_fingerprints(conn: Connection, catalog: Any) -> None:
    """Refuse to fold reviews with a loaded (process, version) that no longer matches the
    fingerprint the store kept for it: read-only, one hash per stored version (the table
    holds one row per version ever used, a handful), so every command that folds reviews
    (status, report, sweep...) can afford it."""
    if not hasattr(catalog, "get"):
        return
    files = getattr(catalog, "files", {}) or {}
    problems: list[Problem] = []
    for process, version, digest, source in conn.execute(
        text("SELECT process, version, sha256, source FROM definition_fingerprint")
    ):
        definition = catalog.get(str(process), int(version))
        if definition is None:
            continue  # not loaded: the fold says so for the reviews that run it
        if fingerprint(definition) != str(digest):
            where = files.get((str(process), int(version)))
            problems.append(_changed(str(process), int(version), source, where))
    if problems:
        raise InputError(sorted(problems, key=lambda p: p.message), title=_TITLE)
