"""Settings from the environment, and an optional settings file that adds to them.

Environment variables win over the file. Secrets (SMTP passwords inside UNTOC_NOTIFY_URL)
come only from the environment or a Prefect Secret block, never from a committed file.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError, Problem

SETTINGS_FILE_VAR = "UNTOC_SETTINGS"
DEFAULT_SETTINGS_FILE = "untoc.toml"


@dataclass(frozen=True)
class Contact:
    email: str
    name: str
    language: str = "en"


@dataclass(frozen=True)
class Settings:
    database_url: str = field(repr=False)  # may hold a database password too
    # None: write .eml files into outbox_dir. It may hold a password: never in a repr (a
    # traceback, a log line or a Prefect parameter would print it).
    notify_url: str | None = field(repr=False)
    process_defs: Path
    outbox_dir: Path
    secretariat: Contact = field(
        default_factory=lambda: Contact(
            "untoc.review@example.org", "Secretariat of the Review Mechanism"
        )
    )
    cop_presidency: Contact = field(
        default_factory=lambda: Contact(
            "cop.presidency@example.org", "Presidency of the Conference"
        )
    )
    sender: str = "untoc.review@example.org"
    # the Parties' portal: every notice and digest links to the review's page under it
    portal_url: str = "http://127.0.0.1:8400"
    # the series of the notes verbales' numbers ({year}, {number}): notify/note_numbers.py
    note_series: str = "CTOC/RM/{year}/{number}"
    # Every folder of process definitions, in order: the user's (UNTOC_PROCESS_DEFS or
    # `process_defs`, several separated by ":"), then the bundled one. `process_defs` is the
    # first: where the user's templates, calendar, mechanism.yaml and decisions are looked
    # for before the bundled ones (definitions.load.defs_file).
    process_def_folders: tuple[Path, ...] = ()

    @property
    def definitions_folders(self) -> tuple[Path, ...]:
        return self.process_def_folders or (self.process_defs,)


def split_folders(value: object, base: Path) -> tuple[Path, ...]:
    """The definitions folders a setting names (a ":"-separated string, or a list in
    untoc.toml), then the bundled folder; each once, in order."""
    from .definitions.load import BUNDLED_DEFS

    if isinstance(value, list | tuple):
        parts = [str(v) for v in value]
    else:
        parts = str(value or "").split(os.pathsep)
    out: list[Path] = []
    for part in parts:
        if part.strip():
            path = Path(part.strip()).expanduser()
            path = path if path.is_absolute() else base / path
            if path not in out:
                out.append(path)
    if not any(_same(p, BUNDLED_DEFS) for p in out):
        out.append(BUNDLED_DEFS)
    return tuple(out)


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def load_settings(env: dict[str, str] | None = None, cwd: Path | None = None) -> Settings:
    """Read settings: environment first, then `untoc.toml` (or $UNTOC_SETTINGS), then defaults."""
    from .definitions.load import BUNDLED_DEFS

    env = dict(os.environ if env is None else env)
    cwd = cwd or Path.cwd()
    file_path = Path(env.get(SETTINGS_FILE_VAR) or cwd / DEFAULT_SETTINGS_FILE)
    data: dict[str, object] = {}
    if file_path.exists():
        try:
            data = tomllib.loads(file_path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise InputError([Problem(f"not valid TOML: {exc}", file=str(file_path))]) from exc
    allowed = {
        "database_url",
        "notify_url",
        "process_defs",
        "outbox_dir",
        "secretariat",
        "cop_presidency",
        "sender",
        "portal_url",
        "note_series",
    }
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise InputError(
            [
                Problem(
                    f"unknown setting {k!r}; allowed: {', '.join(sorted(allowed))}",
                    file=str(file_path),
                )
                for k in unknown
            ]
        )

    def pick(var: str, key: str, default: str | None) -> str | None:
        value = env.get(var)
        if value:
            return value
        file_value = data.get(key)
        return str(file_value) if file_value is not None else default

    def contact(key: str, default: Contact) -> Contact:
        raw = data.get(key)
        if raw is None:
            return default
        if not isinstance(raw, dict) or "email" not in raw:
            raise InputError([Problem(f"[{key}] needs at least `email`", file=str(file_path))])
        return Contact(
            str(raw["email"]), str(raw.get("name", default.name)), str(raw.get("language", "en"))
        )

    defaults = Settings("", None, BUNDLED_DEFS, cwd / "untoc-outbox")
    raw_defs = env.get("UNTOC_PROCESS_DEFS") or data.get("process_defs")
    folders = split_folders(raw_defs, cwd)
    return Settings(
        database_url=pick("UNTOC_DATABASE_URL", "database_url", f"sqlite:///{cwd / 'untoc.db'}")
        or "",
        notify_url=pick("UNTOC_NOTIFY_URL", "notify_url", None),
        process_defs=folders[0],
        process_def_folders=folders,
        outbox_dir=Path(
            pick("UNTOC_OUTBOX_DIR", "outbox_dir", str(cwd / "untoc-outbox")) or "untoc-outbox"
        ),
        secretariat=contact("secretariat", defaults.secretariat),
        cop_presidency=contact("cop_presidency", defaults.cop_presidency),
        sender=pick("UNTOC_SENDER", "sender", defaults.sender) or defaults.sender,
        portal_url=(
            pick("UNTOC_PORTAL_URL", "portal_url", defaults.portal_url) or defaults.portal_url
        ).rstrip("/"),
        note_series=pick("UNTOC_NOTE_SERIES", "note_series", defaults.note_series)
        or defaults.note_series,
    )
