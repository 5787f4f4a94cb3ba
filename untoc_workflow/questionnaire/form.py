"""A questionnaire as an XLSForm workbook (sheets `survey`, `choices`, `settings`), read
with pyxform and checked row by row: what the project supports is kept, anything else is
refused with its sheet and row, never ignored.

Project extension (a column pyxform passes through): `technical_assistance` = yes on a
select question marks the answer as a need for technical assistance (any answer but
`no`/`none`), which the list of observations flags per section (an article).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError, Problem
from .expressions import Expression, ExpressionError, parse

# Question types answered in the portal, and the rows that only shape the form.
ANSWERED = ("select_one", "select_multiple", "text", "integer", "decimal", "date")
SHAPES = ("note", "begin_group", "end_group")
SURVEY_COLUMNS = frozenset(
    {
        "type",
        "name",
        "label",
        "hint",
        "required",
        "required_message",
        "constraint",
        "constraint_message",
        "relevant",
        "technical_assistance",
        "appearance",
    }
)
CHOICE_COLUMNS = frozenset({"list_name", "name", "label"})
SETTINGS_COLUMNS = frozenset({"form_title", "form_id", "version", "default_language", "style"})
_TRANSLATED = frozenset({"label", "hint", "constraint_message", "required_message"})
_LANGUAGE = re.compile(r"^(?P<name>.*?)\s*\((?P<code>[a-z]{2,3})\)\s*$")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
YES = ("yes", "true", "true()", "1")
NO = ("", "no", "false", "false()", "0")
ARABIC_SCRIPT = ("ar", "fa", "ur", "he")


@dataclass(frozen=True)
class Choice:
    name: str
    labels: dict[str, str]

    def label(self, language: str) -> str:
        return _pick(self.labels, language) or self.name


@dataclass(frozen=True)
class Question:
    """One row the portal shows: a question, or a note (no answer)."""

    name: str
    type: str
    row: int
    labels: dict[str, str]
    hints: dict[str, str] = field(default_factory=dict)
    required: bool = False
    required_messages: dict[str, str] = field(default_factory=dict)
    constraint: Expression | None = None
    constraint_messages: dict[str, str] = field(default_factory=dict)
    relevant: Expression | None = None
    choices: tuple[Choice, ...] = ()
    list_name: str | None = None
    section: str = ""
    technical_assistance: bool = False

    @property
    def answered(self) -> bool:
        return self.type != "note"

    @property
    def multiple(self) -> bool:
        return self.type == "select_multiple"

    def label(self, language: str) -> str:
        return _pick(self.labels, language) or self.name

    def hint(self, language: str) -> str:
        return _pick(self.hints, language)

    def choice_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.choices)


@dataclass(frozen=True)
class Section:
    """A top-level group (for a SAQ: an article of the Convention); answered one at a time."""

    name: str
    labels: dict[str, str]
    questions: tuple[Question, ...]

    def label(self, language: str) -> str:
        return _pick(self.labels, language) or self.name


@dataclass(frozen=True)
class Form:
    file: str
    form_id: str
    version: str
    titles: dict[str, str]
    languages: tuple[str, ...]
    sections: tuple[Section, ...]

    @property
    def questions(self) -> tuple[Question, ...]:
        """Every question that takes an answer, in order."""
        return tuple(q for s in self.sections for q in s.questions if q.answered)

    def question(self, name: str) -> Question | None:
        return next((q for q in self.questions if q.name == name), None)

    def title(self, language: str) -> str:
        return _pick(self.titles, language) or self.form_id

    def language_for(self, language: str) -> str:
        """The form's language closest to the page's (English when it lacks one)."""
        if language in self.languages:
            return language
        return "en" if "en" in self.languages else self.languages[0]


def _pick(values: dict[str, str], language: str) -> str:
    return values.get(language) or values.get("en") or next(iter(values.values()), "")


def _column(header: str) -> tuple[str, str | None, str | None]:
    """`label::Français (fr)` -> ("label", "fr", None); a problem as third item."""
    base, sep, lang = header.partition("::")
    base = base.strip()
    if not sep:
        return base, None, None
    m = _LANGUAGE.match(lang.strip())
    if m is None:
        return base, None, f"column {header!r}: name the language as `{base}::Name (code)`"
    return base, m.group("code"), None


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _translated(row: dict[str, Any], base: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for header, value in row.items():
        col, lang, _ = _column(str(header))
        if col == base and _text(value):
            out[lang or "default"] = _text(value)
    return out


def read_form(path: str | Path, shown_as: str | None = None) -> Form:
    """Read and check an XLSForm. InputError lists every problem as
    `FILE.xlsx: survey row N: ...`; nothing is returned when any is found."""
    from pyxform.errors import PyXFormError
    from pyxform.xls2json_backends import xlsx_to_dict

    path = Path(path)
    name = shown_as or str(path)
    try:
        book = xlsx_to_dict(str(path))
    except (PyXFormError, OSError, ValueError, KeyError) as exc:
        raise InputError([Problem(f"not a readable XLSForm workbook: {exc}", file=name)]) from None
    reader = _Reader(name, book)
    form = reader.read()
    if reader.problems:
        raise InputError(reader.problems, title=f"{name}: the questionnaire has errors")
    _pyxform_gate(path, name)
    return form


def _pyxform_gate(path: Path, name: str) -> None:
    """pyxform's own conversion, so a workbook the project accepts is one ODK accepts."""
    from pyxform.errors import PyXFormError
    from pyxform.xls2json import parse_file_to_json

    try:
        parse_file_to_json(str(path), warnings=[])
    except PyXFormError as exc:
        text = str(exc)
        m = re.search(r"\[row\s*:\s*(\d+)\]", text)
        where = f"survey row {m.group(1)}" if m else "survey"
        raise InputError(
            [Problem(re.sub(r"\[row\s*:\s*\d+\]\s*", "", text).strip(), path=where, file=name)]
        ) from None


class _Reader:
    def __init__(self, file: str, book: dict[str, Any]):
        self.file = file
        self.book = book
        self.problems: list[Problem] = []
        self.languages: set[str] = set()

    def problem(self, sheet: str, row: int | None, message: str) -> None:
        where = f"{sheet} row {row}" if row is not None else sheet
        self.problems.append(Problem(message, path=where, file=self.file))

    def headers(self, sheet: str, allowed: frozenset[str]) -> None:
        for header in (self.book.get(f"{sheet}_header") or [{}])[0]:
            col, lang, bad = _column(str(header))
            if bad:
                self.problem(sheet, 1, bad)
            elif col not in allowed:
                self.problem(sheet, 1, f"column {header!r} is not supported")
            elif lang is not None and col in _TRANSLATED:
                self.languages.add(lang)
            elif lang is not None:
                self.problem(sheet, 1, f"column {header!r}: only texts take a language")
            elif col in _TRANSLATED and sheet != "settings":
                self.problem(
                    sheet, 1, f"column {header!r}: give each language, e.g. `{col}::English (en)`"
                )

    def read(self) -> Form:
        if "survey" not in self.book:
            self.problem("survey", None, "the workbook has no `survey` sheet")
            return Form(self.file, "", "", {}, (), ())
        self.headers("survey", SURVEY_COLUMNS)
        self.headers("choices", CHOICE_COLUMNS)
        self.headers("settings", SETTINGS_COLUMNS)
        languages = tuple(sorted(self.languages))
        if not languages:
            self.problem("survey", 1, "no `label::Language (code)` column")
        choices = self.choices(languages)
        settings = (self.book.get("settings") or [{}])[0]
        titles = {lang: _text(settings.get("form_title")) for lang in languages}
        sections = self.survey(languages, choices)
        form_id = _text(settings.get("form_id")) or Path(self.file).stem
        return Form(
            self.file,
            form_id,
            _text(settings.get("version")) or "1",
            titles,
            languages,
            sections,
        )

    def choices(self, languages: tuple[str, ...]) -> dict[str, list[Choice]]:
        lists: dict[str, list[Choice]] = {}
        for i, row in enumerate(self.book.get("choices") or [], start=2):
            if not any(_text(v) for v in row.values()):
                continue
            list_name, name = _text(row.get("list_name")), _text(row.get("name"))
            if not list_name or not name:
                self.problem("choices", i, "a choice needs a `list_name` and a `name`")
                continue
            if not _NAME.match(name):
                self.problem("choices", i, f"choice name {name!r}: letters, digits and _ only")
            labels = _translated(row, "label")
            for lang in languages:
                if lang not in labels:
                    self.problem("choices", i, f"choice {name!r} has no label in {lang}")
            found = lists.setdefault(list_name, [])
            if any(c.name == name for c in found):
                self.problem("choices", i, f"choice {name!r} is twice in list {list_name!r}")
            found.append(Choice(name, labels))
        return lists

    def survey(
        self, languages: tuple[str, ...], lists: dict[str, list[Choice]]
    ) -> tuple[Section, ...]:
        sections: list[Section] = []
        loose: list[Question] = []
        stack: list[tuple[str, dict[str, str], int]] = []
        current: list[Question] = []
        seen: dict[str, int] = {}
        for i, row in enumerate(self.book.get("survey") or [], start=2):
            if not any(_text(v) for v in row.values()):
                continue
            kind, _, list_name = _text(row.get("type")).partition(" ")
            list_name = list_name.strip()
            name = _text(row.get("name"))
            if kind in ("begin_group", "begin group"):
                if not _NAME.match(name):
                    self.problem(
                        "survey", i, f"a group needs a name (letters, digits, _): {name!r}"
                    )
                if stack:
                    self.problem("survey", i, "groups within groups are not supported")
                stack.append((name, _translated(row, "label"), i))
                current = []
                continue
            if kind in ("end_group", "end group"):
                if not stack:
                    self.problem("survey", i, "end_group without a begin_group")
                    continue
                gname, glabels, _ = stack.pop()
                sections.append(Section(gname, glabels, tuple(current)))
                current = []
                continue
            if kind not in ANSWERED and kind != "note":
                self.problem(
                    "survey",
                    i,
                    f"type {kind or '(empty)'!r} is not supported "
                    f"(supported: {', '.join(ANSWERED + SHAPES)})",
                )
                continue
            question = self.question(i, row, kind, list_name, name, languages, lists, seen)
            if question is None:
                continue
            seen[name] = i
            question = _in_section(question, stack[-1][0] if stack else "")
            (current if stack else loose).append(question)
        for gname, _, row_no in stack:
            self.problem("survey", row_no, f"group {gname!r} has no end_group")
        if loose:
            sections.insert(0, Section("", {}, tuple(loose)))
        if not any(q.answered for s in sections for q in s.questions):
            self.problem("survey", None, "no question to answer")
        return tuple(sections)

    def question(
        self,
        i: int,
        row: dict[str, Any],
        kind: str,
        list_name: str,
        name: str,
        languages: tuple[str, ...],
        lists: dict[str, list[Choice]],
        seen: dict[str, int],
    ) -> Question | None:
        if not _NAME.match(name):
            self.problem("survey", i, f"name {name!r}: letters, digits and _, not first a digit")
            return None
        if name in seen:
            self.problem("survey", i, f"name {name!r} is already used on row {seen[name]}")
            return None
        labels = _translated(row, "label")
        for lang in languages:
            if lang not in labels:
                self.problem("survey", i, f"{name}: no label in {lang}")
        choices: tuple[Choice, ...] = ()
        if kind.startswith("select_"):
            if not list_name:
                self.problem(
                    "survey", i, f"{name}: `{kind}` needs a list name, e.g. `{kind} yes_no`"
                )
            elif list_name not in lists:
                self.problem("survey", i, f"{name}: no choices list {list_name!r}")
            else:
                choices = tuple(lists[list_name])
        elif list_name:
            self.problem("survey", i, f"{name}: `{kind}` takes no list name")
        required = _text(row.get("required")).lower()
        if required not in YES + NO:
            self.problem("survey", i, f"{name}: required must be yes or no, not {required!r}")
        relevant = self.expression(i, name, row.get("relevant"), seen, "relevant", lists)
        constraint = self.expression(i, name, row.get("constraint"), seen, "constraint", lists)
        if relevant is not None and relevant.uses_self:
            self.problem("survey", i, f"{name}: relevant cannot read the answer itself ('.')")
        ta = _text(row.get("technical_assistance")).lower()
        if ta not in YES + NO:
            self.problem("survey", i, f"{name}: technical_assistance must be yes or no")
        if ta in YES and not kind.startswith("select_"):
            self.problem("survey", i, f"{name}: technical_assistance marks a select question")
        if kind == "note" and (required in YES or constraint is not None):
            self.problem("survey", i, f"{name}: a note takes no answer, so no required/constraint")
        return Question(
            name=name,
            type=kind,
            row=i,
            labels=labels,
            hints=_translated(row, "hint"),
            required=required in YES,
            required_messages=_translated(row, "required_message"),
            constraint=constraint,
            constraint_messages=_translated(row, "constraint_message"),
            relevant=relevant,
            choices=choices,
            list_name=list_name or None,
            technical_assistance=ta in YES,
        )

    def expression(
        self,
        i: int,
        name: str,
        text: Any,
        seen: dict[str, int],
        what: str,
        lists: dict[str, list[Choice]],
    ) -> Expression | None:
        source = _text(text)
        if not source:
            return None
        try:
            parsed = parse(source)
        except ExpressionError as exc:
            self.problem("survey", i, f"{name}: {what}: {exc}")
            return None
        for ref in parsed.refs:
            if ref not in seen:
                self.problem(
                    "survey",
                    i,
                    f"{name}: {what} reads ${{{ref}}}, which is not an earlier question",
                )
        return parsed


def _in_section(q: Question, section: str) -> Question:
    from dataclasses import replace

    return replace(q, section=section)
