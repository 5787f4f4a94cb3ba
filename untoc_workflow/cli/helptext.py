"""The help a person reads: paragraphs that wrap where the terminal ends, not where the
docstring's source line ended, and `untoc record FACT --help` listing the options of that
fact (read from its model: the mechanism file's for the engine's facts, the definition's
for a process's)."""

from __future__ import annotations

import inspect
from typing import Any, Literal, get_args, get_origin

import typer
from typer.core import TyperCommand


def reflow(text: str | None) -> str | None:
    """`text` with the line breaks inside each paragraph joined: the help renderer keeps a
    docstring's single line breaks after its first paragraph, which cut phrases in two
    ("`--languages` / en,fr`"). A line starting a list item ("- ", "* ") or indented keeps
    its break, as does a paragraph marked "\\b" (click's "do not rewrap")."""
    if not text:
        return text
    paragraphs = []
    for paragraph in inspect.cleandoc(text).split("\n\n"):
        if paragraph.startswith("\b"):
            paragraphs.append(paragraph)
            continue
        lines: list[str] = []
        for line in paragraph.split("\n"):
            if lines and not line.startswith((" ", "\t", "- ", "* ")):
                lines[-1] = f"{lines[-1].rstrip()} {line.strip()}"
            else:
                lines.append(line.rstrip())
        paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


def reflow_help(app: typer.Typer) -> None:
    """Reflow the help of every command and group of `app`, its sub-apps included."""
    app.info.help = reflow(app.info.help)  # type: ignore[arg-type]
    for command in app.registered_commands:
        command.help = reflow(command.help or inspect.getdoc(command.callback))
    for group in app.registered_groups:
        group.help = reflow(group.help)  # type: ignore[arg-type]
        if group.typer_instance is not None:
            reflow_help(group.typer_instance)


# Fields of a fact that `record` takes under another name, or not at all: the date is --on,
# the nominated person's fields are options of their own (--name, --email...).
_COMMON = ("on", "id", "note", "type")
_PERSON = "person"
_AGREED = "agreed"


def fact_options(
    kind: str, helps: dict[str, str] | None = None
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]] | None:
    """The options `untoc record KIND` takes as (option, what) pairs: (required, optional);
    None when no loaded process or the mechanism file knows the fact. `helps`: the help of
    the command's own options, by option name, for fields that have no description."""
    helps = helps or {}
    from ..definitions import load_definitions
    from ..mechanism_file.facts import EventVocabulary
    from ..settings import load_settings

    catalog = load_definitions(load_settings().process_defs)
    model = EventVocabulary(catalog).models.get(kind)
    if model is None:
        return None
    required: list[tuple[str, str]] = []
    optional: list[tuple[str, str]] = []
    agreed_steps = [s for d in catalog.processes_declaring(kind) for s in d.agreed_steps(kind)]
    for name, field in model.model_fields.items():
        if name in _COMMON:
            continue
        if name == _PERSON:
            for sub, subfield in field.annotation.model_fields.items():  # type: ignore[union-attr]
                target = required if subfield.is_required() else optional
                target.append((_option(sub), _what(sub, subfield, helps)))
            continue
        if name == _AGREED:
            optional.extend(
                (f"--agreed-{s.replace('_', '-')}", f"the date agreed for the step {s}")
                for s in dict.fromkeys(agreed_steps)
            )
            continue
        (required if field.is_required() else optional).append(
            (_option(name), _what(name, field, helps))
        )
    optional += [
        ("--on", "the date of the fact (default today)"),
        ("--id", "a unique id (a repeat is skipped)"),
        ("--note", "a note kept with the fact"),
        ("--recorded-by", "who records it (default your login name)"),
    ]
    return required, optional


def _option(field: str) -> str:
    return "--" + field.replace("_", "-")


def _literals(annotation: Any) -> list[str]:
    """The values a Literal allows, inside an Optional or a list too."""
    if get_origin(annotation) is Literal:
        return [str(a) for a in get_args(annotation)]
    return [v for arg in get_args(annotation) for v in _literals(arg)]


def _what(name: str, field: Any, helps: dict[str, str]) -> str:
    if field.description:
        return str(field.description)
    if _option(name) in helps:
        return helps[_option(name)]
    annotation = str(field.annotation)
    choices = _literals(field.annotation)
    if choices and "list" in annotation:
        return f"comma-separated, of {', '.join(choices)}"
    if choices:
        return " | ".join(choices)
    if "date" in annotation:
        return "a date (YYYY-MM-DD)"
    if "int" in annotation:
        return "a whole number"
    return name.replace("_", " ")


class RecordCommand(TyperCommand):
    """`untoc record` whose `--help` after a fact's name lists that fact's options."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        # --help is handled before the arguments are read: keep the fact named, for it
        ctx.meta["record.words"] = [a for a in args if not a.startswith("-")]
        ctx.meta["record.first"] = args[0] if args and not args[0].startswith("-") else None
        return super().parse_args(ctx, args)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        # the fact is the first word that names one (`--review C1-G1-ALB saq_submitted`)
        words = ctx.meta.get("record.words") or []
        kind = next((w for w in words if fact_options(w) is not None), None)
        helps = {
            opt: param.help
            for param in self.params
            if getattr(param, "param_type_name", "") == "option" and getattr(param, "help", None)
            for opt in param.opts
        }
        options = fact_options(kind, helps) if kind else None
        if options is None:
            super().format_help(ctx, formatter)
            unknown = ctx.meta.get("record.first")
            if unknown:
                typer.echo(f"\n{unknown!r} is not a fact of any loaded process; `untoc processes`")
                typer.echo("lists every fact with its options.")
            return
        required, optional = options
        typer.echo(f"Usage: untoc record {kind} [OPTIONS]\n")
        typer.echo(f"Records the fact {kind}. Its options:\n")
        width = max(len(o) for o, _ in required + optional) + 2
        if required:
            typer.echo("required:")
            for option, what in required:
                typer.echo(f"  {option.ljust(width)}{what}")
        typer.echo("optional:")
        for option, what in optional:
            typer.echo(f"  {option.ljust(width)}{what}")
        typer.echo("\n`untoc record --help` describes the command; `untoc processes` every fact.")
