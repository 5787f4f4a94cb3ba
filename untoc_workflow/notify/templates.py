"""Jinja2 templates of the notices, one folder per UN language, and the check that every
rung's template exists and uses only fields a notice has.

A template `<lang>/<name>.j2` extends `<lang>/_notice.j2` (or `_digest.j2`) and fills the
blocks `subject`, `intro` and `action` with plain sentences; the layout writes them into the
text part and into the HTML part. The same source is rendered twice: once without escaping
(text), once autoescaped (HTML), both with StrictUndefined, so a misspelt field is an error,
never an empty string.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import jinja2
from jinja2 import meta, nodes
from markupsafe import Markup

from ..errors import Problem, did_you_mean
from ..languages import UN_LANGUAGES
from ..wording.form import install as install_form
from ..wording.languages import direction
from ..wording.words import WordingError
from ..wording.words import install as install_wording
from .context import (
    DIGEST_FIELDS,
    NOTICE_FIELDS,
    SampleStep,
    sample_digest_contexts,
    sample_notice_contexts,
    sample_steps,
)

if TYPE_CHECKING:
    from ..definitions import ProcessDefinition
    from ..yamlsource import Located

SUFFIX = ".j2"
LETTERS = "letters"
DIGEST_TEMPLATE = "monthly_digest"
_DICT_METHODS = frozenset(n for n in dir(dict) if not n.startswith("_"))
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


# -- the definition check -------------------------------------------------------------------


def check_template(
    templates: Templates, name: str, digest: bool = False, steps: tuple[SampleStep, ...] = ()
) -> list[str]:
    """Everything wrong with one template, in every language: missing files, unknown
    fields (found by reading the source, then by rendering sample notices about each of
    `steps`, by default the bundled default process's first)."""
    errors: list[str] = []
    known = DIGEST_FIELDS if digest else NOTICE_FIELDS

    def make_samples(language: str) -> list[dict[str, Any]]:
        if digest:
            return sample_digest_contexts(language, steps)
        return [c for s in (steps or (None,)) for c in sample_notice_contexts(language, step=s)]

    for language in UN_LANGUAGES:
        path = templates.path(name, language)
        if not path.is_file():
            errors.append(f"template {name!r} has no {language} version (expected {path})")
            continue
        try:
            for env in (templates.text_env,):  # both environments parse alike
                source = path.read_text(encoding="utf-8")
                for unknown, line in _unknown_fields(env, source, known):
                    candidates = _candidates(unknown, known)
                    hint = did_you_mean(unknown.split(".")[-1], candidates)
                    head = unknown.split(".")[0] if "." in unknown else "a notice"
                    errors.append(
                        f"{path}:{line}: unknown field {unknown!r}; {head} has: "
                        + ", ".join(candidates)
                        + (f" ({hint})" if hint else "")
                    )
                if errors:
                    break
            if errors:
                continue
            # samples built in the language, as the sweep builds them (names, dates)
            for sample in make_samples(language):
                templates.render(name, language, sample)
        except jinja2.TemplateSyntaxError as exc:
            errors.append(f"{exc.filename or path}:{exc.lineno}: {exc.message}")
        except jinja2.TemplateNotFound as exc:
            errors.append(f"{path}: includes a template that does not exist: {exc.name}")
        except jinja2.UndefinedError as exc:
            errors.append(f"{_template_line(exc, path)}: {exc.message}")
        except WordingError as exc:  # a term, form or Party the wording data lacks
            errors.append(f"{_template_line(exc, path)}: {exc}")
    return errors


def _unknown_fields(
    env: jinja2.Environment, source: str, known: Mapping[str, Any]
) -> Iterable[tuple[str, int]]:
    ast = env.parse(source)
    # Names a template binds itself ({% import %} at the top of a child template is not
    # seen inside its blocks by find_undeclared_variables).
    bound = {n.target for n in ast.find_all(nodes.Import)}
    for n in ast.find_all(nodes.FromImport):
        bound.update(x if isinstance(x, str) else x[-1] for x in n.names)
    for name in sorted(meta.find_undeclared_variables(ast)):
        if name not in known and name not in bound and name not in env.globals:
            yield name, _first_line(ast, name)
    for node in ast.find_all(nodes.Getattr):
        if isinstance(node.node, nodes.Name) and node.node.ctx == "load":
            if node.attr in _DICT_METHODS:
                # `x.items` on a dict finds the method, never the field: always a mistake
                yield f"{node.node.name}.{node.attr}", node.lineno
                continue
            fields = known.get(node.node.name)
            if isinstance(fields, (set, frozenset)) and node.attr not in fields:
                yield f"{node.node.name}.{node.attr}", node.lineno


def _first_line(ast: nodes.Template, name: str) -> int:
    lines = [n.lineno for n in ast.find_all(nodes.Name) if n.name == name]
    return min(lines) if lines else 1


def _candidates(unknown: str, known: Mapping[str, Any]) -> list[str]:
    if "." in unknown:
        head = unknown.split(".")[0]
        fields = known.get(head)
        return sorted(fields) if isinstance(fields, (set, frozenset)) else []
    return sorted(known)


def _template_line(exc: BaseException, path: Path) -> str:
    tb = exc.__traceback__
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(SUFFIX):
            line = (tb.tb_frame.f_code.co_filename, tb.tb_lineno)
        tb = tb.tb_next
    if line:
        return f"{line[0]}:{line[1]}"
    return str(path)


_check_cache: dict[tuple[str, str, SampleStep], list[str]] = {}


def check_definition_templates(definition: ProcessDefinition, located: Located) -> list[Problem]:
    """Definition check (registered in notify/__init__): each rung's template exists in the
    six languages and renders sample notices; problems point at the rung's line."""
    folder = templates_dir(Path(located.file).resolve().parent)
    names = sorted({r.template for s in definition.steps for r in s.ladder})
    marker = _passed_marker(folder, names)
    if marker is not None and marker.exists():
        return []  # these very sources passed before
    templates = Templates(folder)
    problems: list[Problem] = []
    # each rung's template renders letters about its own step (the step's own wording)
    own_step = {s.id: s for s in sample_steps(definition, every=True)}
    for i, step in enumerate(definition.steps):
        for j, rung in enumerate(step.ladder):
            own = own_step[step.id]
            cache_key = (str(folder), rung.template, own)
            if cache_key not in _check_cache:
                _check_cache[cache_key] = check_template(templates, rung.template, steps=(own,))
            errors = _check_cache[cache_key]
            if not errors:
                continue
            path = f"steps[{i}].ladder[{j}].template"
            hint = None
            if not templates.exists(rung.template, "en"):
                hint = did_you_mean(rung.template, templates.names("en"))
            for error in errors:
                problems.append(
                    Problem(
                        f"rung {rung.id!r} of step {step.id!r}: {error}",
                        path=path,
                        file=located.file,
                        line=located.line_of(path),
                        hint=hint,
                    )
                )
    digest_errors = check_template(
        templates, DIGEST_TEMPLATE, digest=True, steps=sample_steps(definition)
    )
    problems.extend(Problem(e, file=located.file) for e in digest_errors)
    if not problems and marker is not None:
        with contextlib.suppress(OSError):
            marker.touch()
    return problems


def _passed_marker(folder: Path, names: list[str]) -> Path | None:
    """A file named after a digest of every template source, the template names the
    definition uses, and this checking code: present when that exact set passed."""
    digest = hashlib.sha256()
    try:
        # the templates and the wording data they use (glossary, Party names)
        sources = [*folder.rglob(f"*{SUFFIX}"), *folder.glob("*.yaml")]
        for path in sorted(sources):
            digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
        here = Path(__file__)
        for own in (here, here.with_name("context.py"), here.parents[1] / "wording" / "words.py"):
            digest.update(own.read_bytes())
    except OSError:
        return None
    digest.update("\0".join(names).encode())
    cache = _bytecode_cache()
    if cache is None:
        return None
    return Path(cache.directory) / f"checked-{digest.hexdigest()[:32]}"


def clear_check_cache() -> None:
    """Forget earlier check results (tests edit templates between loads)."""
    _check_cache.clear()


__all__ = [
    "DIGEST_TEMPLATE",
    "Rendered",
    "Templates",
    "check_definition_templates",
    "check_template",
    "clear_check_cache",
    "templates_dir",
]
