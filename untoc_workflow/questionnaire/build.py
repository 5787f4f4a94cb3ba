"""Build an XLSForm workbook from its readable YAML source (the bundled SAQ's is
process_defs/questionnaires/saq_cluster1.source.yaml): one column per language for every
text, so the workbook reads as any XLSForm does in ODK, KoboToolbox or a spreadsheet.

    python -m untoc_workflow.questionnaire.build [SOURCE.yaml [OUT.xlsx]]
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

from ..definitions.load import BUNDLED_DEFS

BUNDLED_SOURCES = BUNDLED_DEFS / "questionnaires"
_TEXTS = ("label", "hint", "constraint_message", "required_message")
_PLAIN = ("required", "relevant", "constraint", "technical_assistance")


def build(source: Path, out: Path) -> Path:
    """Write the workbook `out` from the YAML `source`; returns `out`."""
    import openpyxl

    data: dict[str, Any] = yaml.safe_load(source.read_text(encoding="utf-8"))
    languages: dict[str, str] = data["languages"]

    def columns(base: str) -> list[str]:
        return [f"{base}::{name} ({code})" for code, name in languages.items()]

    book = openpyxl.Workbook()
    survey = book.active
    assert survey is not None
    survey.title = "survey"
    header = ["type", "name", *(c for t in _TEXTS for c in columns(t)), *_PLAIN]
    survey.append(header)

    def texts(item: dict[str, Any]) -> list[str]:
        return [str((item.get(t) or {}).get(code, "")) for t in _TEXTS for code in languages]

    def plain(item: dict[str, Any]) -> list[str]:
        out = []
        for key in _PLAIN:
            value = item.get(key)
            out.append("yes" if value is True else "" if value in (None, False) else str(value))
        return out

    for section in data["sections"]:
        survey.append(["begin_group", section["name"], *texts(section), *plain({})])
        for q in section["questions"]:
            survey.append([q["type"], q["name"], *texts(q), *plain(q)])
        survey.append(["end_group", section["name"]])
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", *columns("label")])
    for list_name, items in data["choices"].items():
        for name, labels in items.items():
            if not isinstance(name, str):  # YAML 1.1 reads a bare yes/no key as a boolean
                raise ValueError(f"{source}: choice {name!r} of {list_name}: quote it")
            choices.append([list_name, str(name), *(labels[code] for code in languages)])
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id", "version", "default_language"])
    first = next(iter(languages.items()))
    settings.append(
        [data["form_title"], data["form_id"], str(data["version"]), f"{first[1]} ({first[0]})"]
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    book.save(out)
    return out


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args:
        source = Path(args[0])
        out = (
            Path(args[1])
            if len(args) > 1
            else source.with_name(source.name.replace(".source.yaml", ".xlsx"))
        )
        print(build(source, out))
        return 0
    for source in sorted(BUNDLED_SOURCES.glob("*.source.yaml")):
        print(build(source, source.with_name(source.name.replace(".source.yaml", ".xlsx"))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
