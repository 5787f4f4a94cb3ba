"""The definition check of a process's letters: each rung's template exists in the six
languages and renders the sample notices about its own step, and the digest renders too;
a problem points at the rung's line. Passed sources are remembered by a digest of them."""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from jinja2 import meta, nodes

from ..errors import Problem, did_you_mean
from ..languages import UN_LANGUAGES
from ..notify.context import DIGEST_FIELDS, NOTICE_FIELDS
from ..notify.templates import DIGEST_TEMPLATE, SUFFIX, Templates, _bytecode_cache, templates_dir
from ..wording.words import WordingError
from .contexts import (
    SampleStep,
    agreed_elsewhere,
    sample_digest_contexts,
    sample_notice_contexts,
    sample_steps,
)

if TYPE_CHECKING:
    from ..definitions import ProcessDefinition
    from ..yamlsource import Located

_DICT_METHODS = frozenset(n for n in dir(dict) if not n.startswith("_"))


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
            samples = sample_digest_contexts(language, steps)
        else:
            samples = [
                c for s in (steps or (None,)) for c in sample_notice_contexts(language, step=s)
            ]
        # and a deadline agreed at a fact of a process other than UNTOC's, named by its title
        return [*samples, agreed_elsewhere(samples[0])]

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
        package = Path(__file__).parents[1]
        for own in (
            Path(__file__),
            package / "specimens" / "contexts.py",
            package / "notify" / "context.py",
            package / "notify" / "templates.py",
            package / "wording" / "words.py",
        ):
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
