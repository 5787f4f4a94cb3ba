"""The document store: files kept in a folder under their SHA-256, checked first.

A file is accepted when its content is one of the formats the secretariat works with (PDF,
Word .docx, OpenDocument text), whatever its name says, and when it is no larger than the
limit. The name the browser sends is only shown, never used as a path: the file lives at
`<folder>/<first two hex digits>/<sha256><extension>`, so `../../etc/passwd` is harmless.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

CHUNK = 64 * 1024

# What the content must be: (content type, extension shown and stored), by kind of file.
FORMATS = {
    "pdf": ("application/pdf", ".pdf"),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".docx",
    ),
    "odt": ("application/vnd.oasis.opendocument.text", ".odt"),
}


class UploadRefused(Exception):
    """A file the store does not take; `reason` is one of: empty, too_large, wrong_type."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(detail or reason)
        self.reason = reason


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    content_type: str
    stored_as: str  # relative to the document store


def clean_name(name: str | None, extension: str) -> str:
    """The browser's file name made safe to show and to offer back: its last path part,
    without control characters, at most 120 characters, with the real extension."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip(" .")
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = stem[:120] or "document"
    return stem + extension


def sniff(path: Path) -> str | None:
    """The format of the file's content (a key of FORMATS), or None."""
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if not head.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            if "word/document.xml" in names and "[Content_Types].xml" in names:
                return "docx"
            odt = FORMATS["odt"][0].encode()
            if (
                names
                and names[0] == "mimetype"
                and archive.getinfo("mimetype").file_size < 100
                and archive.read("mimetype").strip() == odt
            ):
                return "odt"
    except (zipfile.BadZipFile, KeyError, OSError):
        return None
    return None


class DocumentStore:
    """A folder of submitted files."""

    def __init__(self, folder: Path, max_size: int):
        self.folder = Path(folder)
        self.max_size = max_size

    def keep(self, stream: BinaryIO) -> StoredFile:
        """Read an upload (stopping past the limit), check it, and keep it."""
        incoming = self.folder / ".incoming"
        incoming.mkdir(parents=True, exist_ok=True)
        tmp = incoming / secrets.token_hex(16)
        sha, size = hashlib.sha256(), 0
        try:
            with open(tmp, "wb") as out:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    if size > self.max_size:
                        raise UploadRefused("too_large")
                    sha.update(chunk)
                    out.write(chunk)
            if size == 0:
                raise UploadRefused("empty")
            kind = sniff(tmp)
            if kind is None:
                raise UploadRefused("wrong_type")
            content_type, extension = FORMATS[kind]
            digest = sha.hexdigest()
            relative = f"{digest[:2]}/{digest}{extension}"
            final = self.folder / relative
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, final)  # same content, same name: a second copy changes nothing
            return StoredFile(digest, size, content_type, relative)
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()

    def path(self, stored_as: str) -> Path:
        """Where a kept file is; the stored name comes from our own table, checked anyway."""
        path = (self.folder / stored_as).resolve()
        if self.folder.resolve() not in path.parents:
            raise FileNotFoundError(stored_as)
        return path
