"""Reading a file a person names: a regular file, within a size limit, as UTF-8 text.

Everything the secretariat gives the system (mechanism files, Conference decisions, process
definitions) comes through here first, so a folder, a device such as /dev/zero, a file of
several gigabytes or a file saved as UTF-16 is refused with a message before any parser
sees it, and nothing is read past the limit.
"""

from __future__ import annotations

import stat
from pathlib import Path

from .errors import InputError, Problem

MB = 1024 * 1024
# YAML is parsed node by node in Python (about 50 times its size in memory); a large
# mechanism is exported and imported as JSON, which is read one event at a time.
MAX_YAML_BYTES = 16 * MB
MAX_JSON_BYTES = 1024 * MB

_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)
_UTF8_BOM = b"\xef\xbb\xbf"


def limit_for(path: str | Path) -> int:
    return MAX_JSON_BYTES if Path(path).suffix.lower() == ".json" else MAX_YAML_BYTES


def read_input(path: str | Path, limit: int | None = None) -> str:
    """The text of `path`; InputError (file and, where it helps, line) when it cannot be."""
    p = Path(path)
    file = str(p)
    limit = limit_for(p) if limit is None else limit
    try:
        info = p.stat()
    except FileNotFoundError:
        raise InputError([Problem("file not found", file=file)]) from None
    except OSError as exc:
        raise InputError([Problem(f"cannot be read: {exc.strerror}", file=file)]) from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError([Problem("is a folder, not a file; name the file inside it", file=file)])
    if not stat.S_ISREG(info.st_mode):
        raise InputError(
            [
                Problem(
                    "is not a regular file (a device, a pipe or a socket); name a file", file=file
                )
            ]
        )
    if info.st_size > limit:
        raise InputError([_too_large(file, info.st_size, limit)])
    try:
        with p.open("rb") as f:
            # read(size) allocates `size` at once: ask for what stat promised, one more byte
            # tells whether the file grew meanwhile
            data = f.read(info.st_size + 1)
    except OSError as exc:
        raise InputError([Problem(f"cannot be read: {exc.strerror}", file=file)]) from None
    if len(data) > info.st_size:
        raise InputError(
            [Problem("grew while it was read; try again once it is written", file=file)]
        )
    return decode(data, file)


def decode(data: bytes, file: str) -> str:
    """UTF-8 text (a UTF-8 byte-order mark is dropped); anything else is refused."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            raise InputError([_not_utf8(file, f"is {name} text")])
    if data.startswith(_UTF8_BOM):
        data = data[len(_UTF8_BOM) :]
    nul = data.find(b"\x00")
    if nul >= 0:
        if _looks_like_utf16(data):
            raise InputError([_not_utf8(file, "is UTF-16 text (without a byte-order mark)")])
        raise InputError(
            [
                Problem(
                    "contains a NUL character, which no text file has",
                    file=file,
                    line=data.count(b"\n", 0, nul) + 1,
                    hint="was a binary file given by mistake?",
                )
            ]
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            [
                Problem(
                    "is not UTF-8 text",
                    file=file,
                    line=data.count(b"\n", 0, exc.start) + 1,
                    hint="save it as UTF-8",
                )
            ]
        ) from None


def _looks_like_utf16(data: bytes) -> bool:
    # ASCII saved as UTF-16 has a NUL in every other byte
    sample = data[:4096]
    return len(sample) >= 4 and (
        sample[1::2].count(0) > len(sample) // 4 or sample[0::2].count(0) > len(sample) // 4
    )


def _not_utf8(file: str, what: str) -> Problem:
    return Problem(f"{what}; these files are read as UTF-8", file=file, hint="save it as UTF-8")


def _too_large(file: str, size: int, limit: int) -> Problem:
    hint = "write a large mechanism as JSON, which is read one event at a time"
    if limit >= MAX_JSON_BYTES:
        hint = "split it into several files, each imported in turn"
    return Problem(
        f"is {size / MB:,.0f} MB, more than the {limit / MB:,.0f} MB these files may have",
        file=file,
        hint=hint,
    )
