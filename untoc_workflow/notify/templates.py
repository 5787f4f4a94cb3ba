"""Jinja2 templates of the notices, one folder per UN language. (The definition check that
every rung's template exists and uses only fields a notice has: untoc_workflow.specimens.)

A template `<lang>/<name>.j2` extends `<lang>/_notice.j2` (or `_digest.j2`) and fills the
blocks `subject`, `intro` and `action` with plain sentences; the layout writes them into the
text part and into the HTML part. The same source is rendered twice: once without escaping
(text), once autoescaped (HTML), both with StrictUndefined, so a misspelt field is an error,
never an empty string.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import jinja2
from markupsafe import Markup

from ..wording.form import install as install_form
from ..wording.languages import direction
from ..wording.words import install as install_wording

if TYPE_CHECKING:
    pass

SUFFIX = ".j2"
LETTERS = "letters"
DIGEST_TEMPLATE = "monthly_digest"
_BLANK_LINES = re.compile(r"\n{3,}")


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def _bytecode_cache(flavour: str = "text") -> jinja2.FileSystemBytecodeCache | None:
    """Compiled templates kept between processes (keyed by a checksum of the source), so
    each command does not recompile the 60 files; none if no private folder can be made.
    One file pattern per environment: Jinja's key ignores the environment's options, and
    code compiled without autoescape must never serve the HTML part."""
    folder = Path(tempfile.gettempdir()) / f"untoc-jinja-{os.getuid()}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        if folder.stat().st_uid != os.getuid():
            return None  # somebody else's folder: do not load code from it
    except OSError:
        return None
    # Compiled code also depends on how the filters take their arguments (a filter that
    # becomes context-aware compiles differently from the same source): the key carries a
    # fingerprint of the code that builds the environment, so an upgrade never loads stale code.
    return jinja2.FileSystemBytecodeCache(
        str(folder), pattern=f"__untoc_{flavour}_{_environment_fingerprint()}_%s.cache"
    )


@functools.lru_cache(maxsize=1)
def _environment_fingerprint() -> str:
    digest = hashlib.sha256(jinja2.__version__.encode())
    for module in (Path(__file__), Path(__file__).parents[1] / "wording" / "words.py"):
        digest.update(module.read_bytes())
    return digest.hexdigest()[:12]


def templates_dir(process_defs: Path) -> Path:
    from ..definitions.load import defs_file

    return defs_file("templates", Path(process_defs))  # the bundled ones if it has none


class Templates:
    """The templates of one `process_defs/templates` folder, compiled once."""

    def __init__(self, folder: Path, portal_url: str = "http://127.0.0.1:8400"):
        self.folder = Path(folder)
        common: dict[str, Any] = {
            "loader": jinja2.FileSystemLoader(str(self.folder)),
            "undefined": jinja2.StrictUndefined,
            "trim_blocks": True,
            "lstrip_blocks": True,
            "keep_trailing_newline": False,
            "auto_reload": False,
        }
        self.text_env = jinja2.Environment(
            autoescape=False, bytecode_cache=_bytecode_cache("text"), **common
        )
        self.html_env = jinja2.Environment(
            autoescape=True, bytecode_cache=_bytecode_cache("html"), **common
        )
        # names, dates, numbers, terms, salutations, bidi, fonts (wording/words.py)
        install_wording(self.text_env, self.folder)
        install_wording(self.html_env, self.folder)
        for env in (self.text_env, self.html_env):
            install_form(env)  # place and date line, salutation, signature (form.py)
        # every notice and digest links to the review's page in the Parties' portal (the
        # page opens only after sign-in: the link carries no credential)
        base = portal_url.rstrip("/")
        for env in (self.text_env, self.html_env):
            env.globals["review_url"] = lambda review: f"{base}/reviews/{quote(review, safe='')}"

    def path(self, name: str, language: str) -> Path:
        return self.folder / language / f"{name}{SUFFIX}"

    def exists(self, name: str, language: str) -> bool:
        return self.path(name, language).is_file()

    def names(self, language: str = "en") -> list[str]:
        folder = self.folder / language
        if not folder.is_dir():
            return []
        return sorted(p.name[: -len(SUFFIX)] for p in folder.glob(f"[!_]*{SUFFIX}"))

    def render_item(self, name: str, language: str, context: Mapping[str, Any]) -> tuple[str, str]:
        """One notice as a section of a consolidated message: (text, HTML fragment)."""
        template_name = f"{language}/{name}{SUFFIX}"
        ctx = {**context, "language": language, "dir": direction(language)}
        text = self.text_env.get_template(template_name).render(ctx, part="item_text")
        html = self.html_env.get_template(template_name).render(ctx, part="item_html")
        return text.strip("\n"), html.strip()

    def render_letter(self, name: str, language: str, context: Mapping[str, Any]) -> Rendered:
        """A consolidated message (`letters/<name>.j2`): the day's notices to one address,
        the go-live opening, the President's summary, the secretariat's summary. Items in
        `context` carry pre-rendered `text` and `html` (already escaped) fragments."""
        template_name = f"{LETTERS}/{name}{SUFFIX}"
        ctx = {**context, "language": language, "dir": direction(language)}
        text_t = self.text_env.get_template(template_name)
        html_t = self.html_env.get_template(template_name)
        subject = " ".join(text_t.render(ctx, part="subject").split())
        text = text_t.render(ctx, part="text")
        text = _BLANK_LINES.sub("\n\n", "\n".join(line.rstrip() for line in text.splitlines()))
        html = html_t.render(_markup_fragments(ctx), part="html")
        return Rendered(subject=subject, text=text.strip() + "\n", html=html.strip() + "\n")

    def render(self, name: str, language: str, context: Mapping[str, Any]) -> Rendered:
        """Subject, text and HTML of template `name` in `language`; raises on unknown fields."""
        template_name = f"{language}/{name}{SUFFIX}"
        ctx = dict(context)
        ctx["language"] = language
        ctx["dir"] = direction(language)
        text_t = self.text_env.get_template(template_name)
        html_t = self.html_env.get_template(template_name)
        subject = " ".join(text_t.render(ctx, part="subject").split())
        text = text_t.render(ctx, part="text")
        text = _BLANK_LINES.sub("\n\n", "\n".join(line.rstrip() for line in text.splitlines()))
        html = html_t.render(ctx, part="html")
        return Rendered(subject=subject, text=text.strip() + "\n", html=html.strip() + "\n")


def _markup_fragments(value: Any) -> Any:
    """Item fragments were rendered by the autoescaping environment: mark their `html` safe
    so the letter does not escape them twice (everything else is escaped as usual)."""
    if isinstance(value, dict):
        return {
            k: (Markup(v) if k == "html" and isinstance(v, str) else _markup_fragments(v))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_markup_fragments(v) for v in value]
    return value


__all__ = [
    "DIGEST_TEMPLATE",
    "Rendered",
    "Templates",
    "templates_dir",
]
