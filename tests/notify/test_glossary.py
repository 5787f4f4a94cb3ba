"""The glossary (process_defs/templates/glossary.yaml) is the one source of the domain terms:
no template under process_defs/templates spells a glossary term itself (terms come only
through term()), and the wrong terms found in earlier versions never appear.

A template's literal text and the string literals in its expressions are read with Jinja's
own lexer (names of fields such as `recipient.party` are not text); each language's
files are searched for every form of every checked term in that language, longest first,
so 缔约方会议主席 is one term and not also 缔约方会议.
"""

from __future__ import annotations

import re
from pathlib import Path

import jinja2
import pytest
import yaml

from untoc_workflow.wording.languages import UN_LANGUAGES
from untoc_workflow.wording.words import GLOSSARY_FILE

from .conftest import BUNDLED_DEFS

TEMPLATES_DIR = BUNDLED_DEFS / "templates"
GLOSSARY = yaml.safe_load(GLOSSARY_FILE.read_text(encoding="utf-8"))
_LEXER = jinja2.Environment()
_WORDLIKE = re.compile(r"\w", re.UNICODE)
_IDENTIFIER = re.compile(r"[a-z_.]+")


def _forms(value: object) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _forms(v)]
    return [str(value)]


def _spellings(lang: str) -> list[tuple[str, str]]:
    """(spelling, term key) for every form of every checked term, longest first."""
    out = {
        (form, key)
        for key, entry in GLOSSARY["terms"].items()
        if entry.get("check", True)
        for form in _forms(entry[lang])
    }
    return sorted(out, key=lambda sk: (-len(sk[0]), sk[0]))


def _pattern(spelling: str, lang: str) -> re.Pattern[str]:
    if lang == "zh":
        return re.compile(re.escape(spelling))
    if lang == "ar":  # و ف ب ك ل are written joined to the word they precede
        start = r"(?:(?<!\w)|(?<=(?<!\w)[وفبكل]))"
        return re.compile(rf"{start}{re.escape(spelling)}(?!\w)")
    return re.compile(rf"(?<!\w){re.escape(spelling)}(?!\w)", re.IGNORECASE)


def _texts(path: Path) -> list[tuple[int, str]]:
    """(line, text) of the template's literal text and string literals, comments left out."""
    source = path.read_text(encoding="utf-8")
    return [
        (line, value)
        for line, kind, value in _LEXER.lex(source)
        if kind in ("data", "string") and _WORDLIKE.search(value) and not _key(kind, value)
    ]


def _key(kind: str, value: str) -> bool:
    """A string literal that is an identifier ("secretariat" in term("secretariat", ...),
    role == "cop_presidency"), not words a reader sees."""
    return kind == "string" and _IDENTIFIER.fullmatch(value[1:-1]) is not None


def _files(lang: str, folder: Path = TEMPLATES_DIR) -> list[Path]:
    """The language's own templates and the layouts every language shares."""
    return sorted([*(folder / lang).glob("*.j2"), *folder.glob("*.j2")])


def literal_terms(lang: str, folder: Path = TEMPLATES_DIR) -> list[str]:
    """Every place a template spells a glossary term itself, as file:line: what."""
    found = []
    spellings = [(s, k, _pattern(s, lang)) for s, k in _spellings(lang)]
    for path in _files(lang, folder):
        for line, text in _texts(path):
            rest = text
            for _spelling, key, pattern in spellings:
                for m in pattern.finditer(rest):
                    at = line + text[: m.start()].count("\n")
                    found.append(
                        f"{path}:{at}: {m.group(0)!r} is the glossary term {key!r}; "
                        f'write {{{{ term("{key}", language) }}}}'
                    )
                rest = pattern.sub(lambda m: "\0" * len(m.group(0)), rest)
    return found


def wrong_terms(lang: str, folder: Path = TEMPLATES_DIR) -> list[str]:
    found = []
    for wrong, why in (GLOSSARY["wrong"].get(lang) or {}).items():
        pattern = re.compile(re.escape(wrong), re.IGNORECASE)
        for path in _files(lang, folder):
            for line, text in _texts(path):
                for m in pattern.finditer(text):
                    at = line + text[: m.start()].count("\n")
                    found.append(f"{path}:{at}: {wrong!r}: {why}")
    return found


@pytest.mark.parametrize("lang", UN_LANGUAGES)
def test_no_template_spells_a_glossary_term_itself(lang):
    assert literal_terms(lang) == []


@pytest.mark.parametrize("lang", UN_LANGUAGES)
def test_no_template_uses_a_wrong_term(lang):
    assert wrong_terms(lang) == []


def test_the_wrong_terms_named_in_the_issue_are_listed():
    wrong = {w for words in GLOSSARY["wrong"].values() for w in words}
    assert {"主席团", "Signalement", "Ссылка", "проверяемое государство"} <= wrong


def test_the_checks_find_a_literal_term_and_a_wrong_one(tmp_path):
    """The same checks, on a copy of the templates with a term and a wrong term spelled
    out, name the file and line."""
    for lang in ("zh", "fr"):
        (tmp_path / lang).mkdir()
    (tmp_path / "zh" / "bad.j2").write_text(
        '{{ term("president", language) }}\n请缔约方会议主席团注意。{{ "联络人" }}\n',
        encoding="utf-8",
    )
    (tmp_path / "fr" / "bad.j2").write_text(
        "{# point de contact, in a comment, is not text #}{{ recipient.party }}\n"
        "Signalement : le point de contact de l'État partie examiné.\n",
        encoding="utf-8",
    )
    zh = literal_terms("zh", tmp_path)
    assert len(zh) == 2 and all(":2:" in f for f in zh)
    assert any("'联络人' is the glossary term 'focal_point'" in f for f in zh)
    # the longest term found wins: 缔约方会议主席, not also 缔约方会议
    assert any("'缔约方会议主席' is the glossary term 'president'" in f for f in zh)
    assert any("主席团" in f for f in wrong_terms("zh", tmp_path))
    fr = literal_terms("fr", tmp_path)
    assert sorted(f.split(": ", 1)[1].split(" is")[0] for f in fr) == [
        "'point de contact'",
        "'État partie examiné'",
    ]
    assert any("Signalement" in f for f in wrong_terms("fr", tmp_path))


def test_an_arabic_term_behind_a_joined_conjunction_is_found(tmp_path):
    (tmp_path / "ar").mkdir()
    (tmp_path / "ar" / "bad.j2").write_text("يُرجى إبلاغ الدولة الطرف والأمانة.\n", encoding="utf-8")
    found = literal_terms("ar", tmp_path)
    assert any("'الأمانة' is the glossary term 'secretariat'" in f for f in found)
    assert any("'الدولة الطرف'" in f for f in found)


@pytest.mark.parametrize("step_id", ["preliminary_consultation", "saq", "written_feedback"])
def test_a_term_that_names_a_step_is_the_step_title_of_the_definition(step_id):
    """One source for a step's name: the glossary's term (what the letters' sentences use)
    is the title the process definition gives the step (what headings and forms show), in
    every language, so a letter never calls one step by two names."""
    from untoc_workflow.definitions import load_definitions

    step = load_definitions(BUNDLED_DEFS).get("country_review", 1).step(step_id)
    assert step.title
    for lang in UN_LANGUAGES:
        entry = GLOSSARY["terms"][step_id][lang]
        nominative = entry.get("one", entry) if isinstance(entry, dict) else entry
        assert nominative.casefold() == step.title[lang].casefold(), lang


@pytest.mark.parametrize("lang", UN_LANGUAGES)
def test_no_notice_as_rendered_holds_a_wrong_term(lang):
    """The source check above cannot see a wrong term put together from a right one and a
    literal (term("president") followed by 团 is 主席团, the Bureau): the rendered notices
    are checked too."""
    from untoc_workflow.notify.templates import Templates
    from untoc_workflow.specimens import sample_notice_contexts

    from .test_templates import RUNG_TEMPLATES

    templates = Templates(TEMPLATES_DIR)
    wrong = GLOSSARY["wrong"].get(lang) or {}
    found = []
    for name in RUNG_TEMPLATES:
        for ctx in sample_notice_contexts():
            out = templates.render(name, lang, ctx)
            for term in wrong:
                if term.casefold() in (out.subject + out.text).casefold():
                    found.append(f"{name}: {term!r}")
    assert found == []


def test_the_presidents_notice_asks_nothing_of_the_president_that_a_focal_point_owes():
    """The President may remind a Party of its obligations; "Please submit your written
    feedback", the focal point's request, does not belong in a notice to the President."""
    from untoc_workflow.notify.templates import Templates
    from untoc_workflow.specimens import sample_notice_contexts

    templates = Templates(TEMPLATES_DIR)
    checked = 0
    for lang in UN_LANGUAGES:
        for ctx in sample_notice_contexts():
            if ctx["recipient"]["kind"] != "focal_point":
                continue
            item, _ = templates.render_item("step_due", lang, ctx)
            # an item's last line is "What to do: <the request>"
            request = re.split(r"[:：]\s*", item.strip().splitlines()[-1], maxsplit=1)[-1]
            assert len(request) > 10, (lang, item)
            president = templates.render("escalation_presidency", lang, ctx)
            assert request not in president.text and request not in president.html, lang
            checked += 1
    assert checked >= len(UN_LANGUAGES)


def _forms(entry: object) -> list[str]:
    """Every spelling of a glossary entry in one language (numbers and cases)."""
    if isinstance(entry, str):
        return [entry]
    if isinstance(entry, dict):
        return [f for v in entry.values() for f in _forms(v)]
    return []


def _bare(text: str) -> str:
    # Arabic short vowels (القُطري / القطري) are a spelling's marks, not another term
    return re.sub("[\u064b-\u065f]", "", text).casefold()


def _holds(title: str, term: str, lang: str) -> bool:
    if lang != "ru":
        return term in title
    # Russian declines the term in a title beyond the glossary's cases ("о страновом
    # обзоре"): each of its words is found by its stem, in order
    stems = [w[:-2] if len(w) > 5 else w for w in term.split()]
    return re.search(r"\w*\W+".join(map(re.escape, stems)), title) is not None


def test_a_glossary_term_in_a_step_title_is_the_glossary_s_in_every_language():
    """A step title and a letter's sentence name one thing alike: where a bundled step's
    English title holds a glossary term ("Nomination of focal points"), its title in each
    language holds that term's spelling in the glossary (es "coordinadores", never "puntos
    de contacto"; ar "جهات الوصل", never "جهات الاتصال")."""
    from untoc_workflow.definitions import load_definitions
    from untoc_workflow.definitions.catalog import definitions_of

    checked = []
    for definition in definitions_of(load_definitions(BUNDLED_DEFS)):
        for step in definition.steps:
            english = step.title.get("en", "").casefold()
            for key, entry in GLOSSARY["terms"].items():
                if entry.get("check") is False:
                    continue
                if not any(
                    re.search(rf"\b{re.escape(f.casefold())}\b", english)
                    for f in _forms(entry["en"])
                ):
                    continue
                for lang, title in step.title.items():
                    if lang == "en" or lang not in entry:
                        continue
                    forms = [_bare(f) for f in _forms(entry[lang])]
                    assert any(_holds(_bare(title), f, lang) for f in forms), (
                        f"{definition.process} {step.id} {lang}: {title!r} lacks the glossary's"
                        f" {key!r} ({' / '.join(forms)})"
                    )
                    checked.append((step.id, key, lang))
    # the focal points' nomination is among the titles checked, in Spanish and Arabic
    assert ("focal_points", "focal_point", "es") in checked
    assert ("focal_points", "focal_point", "ar") in checked
