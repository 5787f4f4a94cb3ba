"""The settings: one model, read by every command, flow and the portal from three sources.

Precedence, highest first (`load_settings`):

1. the environment: `UNTOC_<NAME>` for each field below (`UNTOC_DATABASE_URL`, ...); an
   empty value counts as unset;
2. the settings file: `untoc.toml` in the current folder, or the file `UNTOC_SETTINGS` names;
   it may set only `FILE_KEYS` (the addresses of the secretariat and of the Presidency live
   only there);
3. the defaults (the database and outbox folder in the current folder, the bundled process
   definitions).

A bad value is an InputError naming where it came from (`UNTOC_FLOWS_LIMIT='many': ...` or
`untoc.toml:4: sender: ...`), never a traceback. Secrets (passwords inside
UNTOC_NOTIFY_URL or UNTOC_DATABASE_URL, UNTOC_PORTAL_SECRET) are kept out of every repr and
of every error message. They should come from the environment or a Prefect Secret block
(UNTOC_NOTIFY_URL_BLOCK), never from a committed file.

`UNTOC_DEBUG` is read by the command line's error handler straight from the environment: it
must work when the settings themselves are wrong.

Built directly (`Settings(database_url=..., ...)`, as tests do), the model takes the values
given and the defaults, and reads no source.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import (
    Field,
    PositiveFloat,
    PositiveInt,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from .errors import InputError, Problem, dotted

ENV_PREFIX = "UNTOC_"
SETTINGS_FILE_VAR = "UNTOC_SETTINGS"
DEFAULT_SETTINGS_FILE = "untoc.toml"


@dataclass(frozen=True)
class Contact:
    email: str
    name: str
    language: str = "en"


SECRETARIAT = Contact("untoc.review@example.org", "Secretariat of the Review Mechanism")
PRESIDENCY = Contact("cop.presidency@example.org", "Presidency of the Conference")

# What the settings file may set; the other fields come from the environment alone.
FILE_KEYS = frozenset(
    {
        "database_url",
        "notify_url",
        "process_defs",
        "outbox_dir",
        "secretariat",
        "cop_presidency",
        "sender",
        "portal_url",
        "note_series",
        "process_defs_only",
    }
)
# Set in the settings file alone (a table each, not one variable).
FILE_ONLY = frozenset({"secretariat", "cop_presidency"})
# What a refused value should look like, said after pydantic's own words.
EXPECTED = {
    "flows_limit": "a whole number of flow runs, 1 or more",
    "portal_max_upload_mb": "a size in MB, e.g. 20",
    "portal_secure_cookies": "1 or 0",
    "portal_url": "e.g. https://review.example.org",
    "portal_secret": "use at least 32 random characters",
    "portal_trusted_proxies": "e.g. 10.0.0.5,10.1.0.0/16",
}
# Values never printed, not even in an error message about them.
SECRET_FIELDS = frozenset({"database_url", "notify_url", "portal_secret"})


class Settings(BaseSettings):
    """Every setting of untoc; the environment variable of each is UNTOC_ + its name in
    capitals (see the README's "Settings")."""

    model_config = SettingsConfigDict(frozen=True, extra="forbid")

    database_url: str = Field(repr=False)  # may hold a database password
    # None: write .eml files into outbox_dir. It may hold a password: never in a repr (a
    # traceback, a log line or a Prefect parameter would print it).
    notify_url: str | None = Field(default=None, repr=False)
    process_defs: Path
    outbox_dir: Path
    secretariat: Contact = SECRETARIAT
    cop_presidency: Contact = PRESIDENCY
    sender: str = "untoc.review@example.org"
    # the Parties' portal: every notice and digest links to the review's page under it
    portal_url: str = "http://127.0.0.1:8400"
    # the series of the notes verbales' numbers ({year}, {number}): outbox/note_numbers.py
    note_series: str = "CTOC/RM/{year}/{number}"
    # Every folder of process definitions, in order: the user's (UNTOC_PROCESS_DEFS or
    # `process_defs`, several separated by ":"), then the bundled one. `process_defs` is the
    # first: where the user's templates, calendar, mechanism.yaml and decisions are looked
    # for before the bundled ones (definitions.load.defs_file).
    process_def_folders: tuple[Path, ...] = ()
    # UNTOC_PROCESS_DEFS_ONLY=1 / `process_defs_only = true`: the definitions are read from
    # the user's folders alone, not added to the bundled ones (a secretariat whose folder is
    # an edited copy of the bundled one, standing alone). Templates, calendar, mechanism.yaml
    # and decisions still fall back to the bundled ones.
    process_defs_only: bool = False
    # a Prefect Secret block holding the Apprise URL(s), read by flow runs (flows/_store.py)
    notify_url_block: str | None = None
    # flow runs `untoc flows serve` runs at once (None: two per core, flows/serve.py)
    flows_limit: PositiveInt | None = None
    # answers published with the reviewed Party's consent (questionnaire/publish.py)
    published_dir: Path = Path("untoc-published")
    # The Parties' portal (portal/config.py checks what only the portal needs: an http(s)
    # address, a secret long enough, addresses of proxies).
    portal_secret: SecretStr | None = None
    portal_secretariat: str | None = None  # addresses, comma-separated
    portal_max_upload_mb: PositiveFloat = 20
    portal_secure_cookies: bool | None = None  # None: on, except plain http on this machine
    # reverse proxies whose X-Forwarded-For names the client (addresses or networks,
    # comma-separated in UNTOC_PORTAL_TRUSTED_PROXIES)
    portal_trusted_proxies: tuple[IPv4Network | IPv6Network, ...] = ()
    documents_dir: Path | None = None  # None: ./untoc-documents

    @property
    def definitions_folders(self) -> tuple[Path, ...]:
        return self.process_def_folders or (self.process_defs,)

    @model_validator(mode="before")
    @classmethod
    def _with_bundled_folder(cls, data: Any) -> Any:
        """A list of folders (what the sources give) becomes the user's folders then the
        bundled one; a single folder given directly is taken as it is."""
        if isinstance(data, dict) and isinstance(data.get("process_defs"), list | tuple):
            folders = with_bundled(data["process_defs"])
            data = {**data, "process_defs": folders[0], "process_def_folders": folders}
        return data

    @field_validator("portal_url")
    @classmethod
    def _web_address(cls, value: str) -> str:
        # every letter links to it: a wrong one would be sent to every Party
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("not an http(s) address")
        return value.rstrip("/")

    @field_validator("portal_secret")
    @classmethod
    def _long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < 32:
            raise ValueError("too short")
        return value

    @field_validator("portal_trusted_proxies", mode="before")
    @classmethod
    def _networks(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        networks = []
        for item in value.split(","):
            if item.strip():
                try:
                    networks.append(ip_network(item.strip(), strict=False))
                except ValueError:
                    raise ValueError(f"{item.strip()!r} is not an address") from None
        return tuple(networks)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Built directly, the values given alone: load_settings names the sources it reads.
        return (init_settings,)


def env_name(field: str) -> str:
    return ENV_PREFIX + field.upper()


# Every variable the environment may set, by field (the derived folders list is not one).
ENV_FIELDS = {
    name: env_name(name)
    for name in Settings.model_fields
    if name not in FILE_ONLY and name != "process_def_folders"
}


class _Source(PydanticBaseSettingsSource):
    """A source whose values are read once, when it is made."""

    values: dict[str, Any]

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return self.values.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return dict(self.values)


class EnvironmentSource(_Source):
    """UNTOC_<NAME> for every field the environment may set; an empty value is unset."""

    def __init__(self, env: Mapping[str, str], cwd: Path) -> None:
        super().__init__(Settings)
        self.values = {}
        self.names: dict[str, str] = {}
        for field, var in ENV_FIELDS.items():
            value = env.get(var)
            if value is None or not value.strip():
                continue
            self.names[field] = var
            self.values[field] = folders(value, cwd) if field == "process_defs" else value


class FileSource(_Source):
    """The settings file (TOML), with the line of each key for the error messages."""

    def __init__(self, path: Path, cwd: Path) -> None:
        super().__init__(Settings)
        self.path = path
        self.lines: dict[str, int] = {}
        self.values = {}
        if not path.exists():
            return
        text = path.read_text(encoding="utf-8")
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            at = re.search(r"at line (\d+)", str(exc))
            raise InputError(
                [Problem(f"not valid TOML: {exc}", file=str(path), line=int(at[1]) if at else None)]
            ) from exc
        self.lines = key_lines(text)
        unknown = sorted(set(data) - FILE_KEYS)
        if unknown:
            allowed = ", ".join(sorted(FILE_KEYS))
            raise InputError(
                [
                    Problem(
                        f"unknown setting {k!r}; allowed: {allowed}",
                        file=str(path),
                        line=self.lines.get(k),
                        hint=_env_only_hint(k),
                    )
                    for k in unknown
                ]
            )
        for key, value in data.items():
            if key == "process_defs" and _is_folders(value):
                value = folders(value, cwd)
            elif key in FILE_ONLY and isinstance(value, dict):
                # a contact's name may be left out: the default one's
                default = SECRETARIAT if key == "secretariat" else PRESIDENCY
                value = {"name": default.name, **value}
            self.values[key] = value


class DefaultsSource(_Source):
    """The defaults that depend on the current folder."""

    def __init__(self, cwd: Path) -> None:
        super().__init__(Settings)
        self.values = {
            "database_url": f"sqlite:///{cwd / 'untoc.db'}",
            "outbox_dir": cwd / "untoc-outbox",
            "process_defs": [],
        }


def load_settings(env: Mapping[str, str] | None = None, cwd: Path | None = None) -> Settings:
    """The settings: the environment over the settings file over the defaults."""
    env = os.environ if env is None else env
    cwd = cwd or Path.cwd()
    file_path = Path(env.get(SETTINGS_FILE_VAR) or cwd / DEFAULT_SETTINGS_FILE)
    environment = EnvironmentSource(env, cwd)
    file = FileSource(file_path, cwd)
    try:
        # the sources in their order of precedence, made for this call (mypy sees only the
        # fields in the model's __init__, not BaseSettings' own arguments)
        sources = (environment, file, DefaultsSource(cwd))
        return Settings(_build_sources=(sources, {}))  # type: ignore[call-arg]
    except ValidationError as exc:
        raise InputError(_problems(exc, environment, file), title="bad settings") from None


def _problems(
    exc: ValidationError, environment: EnvironmentSource, file: FileSource
) -> list[Problem]:
    """Each refused value, located where it came from; a secret's value is never shown."""
    problems = []
    for err in exc.errors(include_url=False, include_input=False):
        loc = list(err["loc"])
        field = str(loc[0]) if loc else ""
        from_env = field in environment.names
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "missing":
            message = f"required key {loc[-1]!r} is missing"
        elif err["type"] in ("bool_parsing", "bool_type"):
            message = "say 1 or 0" if from_env else "must be true or false"
        if from_env:
            var = environment.names[field]
            shown = "" if field in SECRET_FIELDS else f" {env_value(environment, field)!r}:"
            problems.append(Problem(f"{var}:{shown} {message}", hint=EXPECTED.get(field)))
        else:
            path = dotted(loc)
            line = file.lines.get(path) or file.lines.get(field)
            problems.append(
                Problem(
                    message, path=path, file=str(file.path), line=line, hint=EXPECTED.get(field)
                )
            )
    return problems


def env_value(environment: EnvironmentSource, field: str) -> Any:
    value = environment.values[field]
    return os.pathsep.join(map(str, value)) if isinstance(value, list) else value


def _env_only_hint(key: str) -> str | None:
    if key in ENV_FIELDS and key not in FILE_KEYS:
        return f"{key} is set in the environment only: {ENV_FIELDS[key]}"
    return None


def key_lines(text: str) -> dict[str, int]:
    """The line of each key of a TOML text, as a dotted path (`sender`, `secretariat.email`):
    tomllib keeps no positions, and an error names the line to edit."""
    lines: dict[str, int] = {}
    table = ""
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        header = re.match(r"\[\s*([\w.-]+)\s*\]", stripped)
        if header and not stripped.startswith("[["):
            table = header[1]
            lines.setdefault(table, number)
            continue
        key = re.match(r"""["']?([\w.-]+)["']?\s*=""", stripped)
        if key:
            lines.setdefault(f"{table}.{key[1]}" if table else key[1], number)
    return lines


def _is_folders(value: object) -> bool:
    return isinstance(value, str) or (
        isinstance(value, list) and all(isinstance(v, str) for v in value)
    )


def folders(value: str | list[str], base: Path) -> list[Path]:
    """The folders a setting names (a ":"-separated string, or a list in untoc.toml), a
    relative one taken from `base` (the current folder)."""
    parts = value if isinstance(value, list) else value.split(os.pathsep)
    out: list[Path] = []
    for part in parts:
        if part.strip():
            path = Path(part.strip()).expanduser()
            out.append(path if path.is_absolute() else base / path)
    return out


def with_bundled(paths: list[Path] | tuple[Path, ...]) -> tuple[Path, ...]:
    """`paths` each once, in order, then the bundled folder (unless named already)."""
    from .definitions.load import BUNDLED_DEFS

    out: list[Path] = []
    for path in map(Path, paths):
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
