"""The six UN languages are listed in one place, untoc_workflow/languages.py: no other module
of the system writes the list (or their names, or which is right to left) again."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from untoc_workflow import languages
from untoc_workflow.languages import ENGLISH_NAMES, NATIVE_NAMES, UN_LANGUAGES, direction

ROOT = Path(__file__).resolve().parents[2]
CODE = ROOT / "untoc_workflow"
HOME = Path(languages.__file__).resolve()
NAMES = set(ENGLISH_NAMES.values()) | set(NATIVE_NAMES.values())
RTL_BY_HAND = re.compile(r"""["']rtl["'][^\n]*==\s*["']ar["']|["']ar["']\s*==[^\n]*["']rtl["']""")


def _strings(nodes: list[ast.expr | None]) -> list[str]:
    return [n.value for n in nodes if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def lists_of_languages(path: Path) -> list[str]:
    """Where `path` writes the languages by hand: a tuple, list or set (or Literal[...])
    holding five or more of the six codes, a mapping from the six codes to their names, or
    right-to-left decided by comparing with "ar"."""
    text = path.read_text(encoding="utf-8")
    found = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            codes = set(_strings(list(node.elts))) & set(UN_LANGUAGES)
            if len(codes) >= 5:
                found.append(f"{path.name}:{node.lineno}: a list of {len(codes)} language codes")
        elif isinstance(node, ast.Dict):
            keys = set(_strings(list(node.keys)))
            if set(UN_LANGUAGES) <= keys and NAMES & set(_strings(list(node.values))):
                found.append(f"{path.name}:{node.lineno}: the languages' names")
    for m in RTL_BY_HAND.finditer(text):
        found.append(f"{path.name}:{text.count(chr(10), 0, m.start()) + 1}: rtl decided by hand")
    return found


def test_the_check_finds_the_list_where_it_is():
    found = lists_of_languages(HOME)
    assert any("a list of 6 language codes" in f for f in found), found
    assert any("the languages' names" in f for f in found), found


def test_the_six_languages_are_listed_in_languages_py_only():
    modules = [p for p in CODE.rglob("*.py") if p.resolve() != HOME]
    assert len(modules) > 100
    found = [f for p in modules for f in lists_of_languages(p)]
    assert found == []


def test_the_list_is_the_six_un_languages_and_arabic_runs_right_to_left():
    assert UN_LANGUAGES == ("ar", "zh", "en", "fr", "ru", "es")
    assert set(ENGLISH_NAMES) == set(NATIVE_NAMES) == set(UN_LANGUAGES)
    assert [direction(x) for x in UN_LANGUAGES] == ["rtl", "ltr", "ltr", "ltr", "ltr", "ltr"]


def test_every_layer_takes_its_languages_from_the_one_list():
    from untoc_workflow import un_style
    from untoc_workflow.mechanism_file import models
    from untoc_workflow.orchestration import forms
    from untoc_workflow.portal import i18n as portal
    from untoc_workflow.reports import i18n as report
    from untoc_workflow.wording import languages as letters

    assert letters.UN_LANGUAGES is UN_LANGUAGES and portal.LANGUAGES is UN_LANGUAGES
    assert un_style.UN_LANGUAGES is UN_LANGUAGES and forms.LANGUAGE_NAMES is ENGLISH_NAMES
    assert models.Language is languages.Language and portal.NATIVE_NAMES is NATIVE_NAMES
    assert report.languages() == UN_LANGUAGES
