"""The status report in the six UN languages: every message of its catalog is translated in
each language with the same placeholders, the page in each language has no English left
from the catalog, uses the glossary's terms, and the Arabic page runs right to left; the
Arabic and Chinese pages pass axe-core in Chromium and their charts draw every glyph."""

from __future__ import annotations

import re
import warnings
from datetime import date
from html import escape
from typing import Any

import pytest
import yaml

from untoc_workflow import catalogs
from untoc_workflow.definitions.load import BUNDLED_DEFS
from untoc_workflow.languages import DEFAULT_LANGUAGE, UN_LANGUAGES
from untoc_workflow.reports import status_report, step_titles
from untoc_workflow.reports.forecast import draw_forecast, forecast
from untoc_workflow.reports.html import render_page, write_html
from untoc_workflow.reports.i18n import DOMAIN, LOCALE_DIR, TEMPLATE, languages, source_text, words

from .conftest import axe_violations

PAPER_DATE = date(2024, 4, 16)
TRANSLATED = [lang for lang in UN_LANGUAGES if lang != DEFAULT_LANGUAGE]
PLACEHOLDER = re.compile(r"\{\w+\}")
GLOSSARY = BUNDLED_DEFS / "templates" / "glossary.yaml"


def _catalog(lang: str) -> Any:
    return catalogs.read_catalog(catalogs.po_path(LOCALE_DIR, DOMAIN, lang), lang, DOMAIN)


def test_the_report_is_written_in_the_six_un_languages():
    assert languages() == UN_LANGUAGES
    assert len(source_text()) > 80  # the template was read, not an empty file


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_has_a_translation_with_the_same_placeholders(lang):
    template = catalogs.read_catalog(TEMPLATE)
    catalog = _catalog(lang)
    wanted = {(m.context, m.id) for m in template if m.id}
    present = {(m.context, m.id) for m in catalog if m.id}
    assert len(wanted) > 80
    assert wanted - present == set(), f"{lang}: messages of reports.pot missing"
    assert present - wanted == set(), f"{lang}: messages reports.pot no longer has"
    untranslated = [
        m.context for m in catalog if m.id and (not m.string or m.fuzzy)
    ]  # a fuzzy translation is not compiled: the page would show the English
    assert untranslated == [], f"{lang}: untranslated {untranslated}"
    wrong = [
        m.context
        for m in catalog
        if m.id and set(PLACEHOLDER.findall(m.id)) != set(PLACEHOLDER.findall(m.string))
    ]
    assert wrong == [], f"{lang}: placeholders differ in {wrong}"


@pytest.fixture(scope="module")
def paper(process, sample) -> dict[str, Any]:
    report = status_report(process, sample, PAPER_DATE)
    return {
        "report": report,
        "forecast": forecast(process, sample, PAPER_DATE, seed=0, chart=False),
    }


def _render(paper: dict[str, Any], process: Any, lang: str) -> str:
    fc = dict(paper["forecast"])
    fc["png"] = draw_forecast(fc, lang)
    html, figs = render_page(paper["report"], lang, fc, step_titles(process, lang))
    assert len(figs) == 8 and all(f.png[:4] == b"\x89PNG" for f in figs)
    return re.sub(r'src="data:image/png;base64,[^"]*"', 'src=""', html)  # text only


@pytest.mark.parametrize("lang", UN_LANGUAGES)
def test_the_page_in_each_language_has_no_english_left_from_the_catalog(paper, process, lang):
    page = _render(paper, process, lang)
    w = words(lang)
    assert f'<html lang="{lang}"' in page
    assert f"<h1>{escape(w['title'])}</h1>" in page
    assert escape(w["key_counts"]) in page and escape(w["fig4"]) in page
    english = words(DEFAULT_LANGUAGE)
    left = []
    for key, text in source_text():
        *groups, name = key.split(".")
        translated = w
        for group in groups:
            translated = translated[group]
        if lang == DEFAULT_LANGUAGE or translated[name] == text:
            continue  # the same word in both languages (Total, Questionnaire...)
        for part in PLACEHOLDER.split(text):
            part = part.strip(" :;,.()")
            if len(part) >= 3 and re.search(rf"(?<!\w){re.escape(escape(part))}(?!\w)", page):
                left.append((key, part))
    assert left == [], f"{lang}: English left on the page: {left}"
    if lang != DEFAULT_LANGUAGE:
        assert escape(english["title"]) not in page


@pytest.mark.parametrize("lang", UN_LANGUAGES)
def test_the_arabic_page_runs_right_to_left_and_the_others_left_to_right(paper, process, lang):
    page = _render(paper, process, lang)
    if lang == "ar":
        assert '<html lang="ar" dir="rtl">' in page
        assert "16 نيسان/أبريل 2024" in page  # the date as UN Arabic documents write it
    else:
        assert f'<html lang="{lang}">' in page and 'dir="rtl"' not in page


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["ar", "zh"])
def test_the_arabic_and_chinese_pages_pass_axe_core_in_chromium(
    paper, process, lang, chromium, tmp_path
):
    fc = dict(paper["forecast"])
    fc["png"] = draw_forecast(fc, lang)
    page = write_html(paper["report"], tmp_path / "page", lang, fc, step_titles(process, lang))
    chromium.get(page.as_uri())
    html = chromium.find_element("tag name", "html")
    assert html.get_attribute("dir") == ("rtl" if lang == "ar" else "")
    assert axe_violations(chromium) == []


@pytest.mark.parametrize("lang", ["zh", "ar", "ru"])
def test_the_charts_have_a_glyph_for_every_character(paper, process, lang):
    from matplotlib import font_manager

    if "Noto Sans CJK SC" not in {f.name for f in font_manager.fontManager.ttflist}:
        pytest.skip("the Noto CJK fonts are not installed (Debian: fonts-noto-cjk)")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _render(paper, process, lang)
    missing = {str(w.message) for w in caught if "missing from font" in str(w.message)}
    assert missing == set()


def _forms(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [form for v in value.values() for form in _forms(v)]


def _stem(word: str, lang: str) -> str:
    return word[2:] if lang == "ar" and word.startswith("ال") and len(word) > 4 else word


def _uses(text: str, form: str, lang: str) -> bool:
    """Whether `text` writes the glossary's `form`, allowing for inflection: each word of the
    form begins a word of the text, in order, up to its last two letters (письменных
    замечаний for письменные замечания, consultas preliminares, an Arabic noun without its
    article in a construct)."""
    if form.lower() in text.lower():
        return True
    want = [_stem(w, lang) for w in re.findall(r"\w+", form.lower())]
    have = [_stem(w, lang) for w in re.findall(r"\w+", text.lower())]

    def close(a: str, b: str) -> bool:
        need = max(len(a) - 2, min(len(a), 4))
        common = 0
        for x, y in zip(a, b, strict=False):
            if x != y:
                break
            common += 1
        return common >= need

    return any(
        all(close(w, h) for w, h in zip(want, have[i : i + len(want)], strict=True))
        for i in range(len(have) - len(want) + 1)
    )


def test_the_catalogs_use_the_glossary_s_terms():
    glossary = yaml.safe_load(GLOSSARY.read_text(encoding="utf-8"))
    terms = {k: t for k, t in glossary["terms"].items() if t.get("check", True)}
    checked: list[tuple[str, str, str]] = []
    missing: list[tuple[str, str, str]] = []
    for lang in ["fr", *[x for x in TRANSLATED if x != "fr"]]:
        catalog = _catalog(lang)
        for message in catalog:
            if not message.id:
                continue
            for key, term in terms.items():
                if not any(_uses(message.id, f, "en") for f in _forms(term["en"])):
                    continue
                checked.append((lang, message.context, key))
                if not any(_uses(message.string, f, lang) for f in _forms(term[lang])):
                    missing.append((lang, message.context, key))
            for spelling, why in (glossary.get("wrong") or {}).get(lang, {}).items():
                assert spelling not in message.string, (lang, message.context, why)
    assert len(checked) > 5 * 15  # focal points, SAQ, written feedback... in every language
    assert missing == []


@pytest.mark.parametrize(
    ("language", "stage", "step"),
    [("fr", "Stade", "Étape"), ("ru", "Стадия", "Этап")],
)
def test_a_stage_and_a_step_are_named_as_the_french_original_names_them(language, stage, step):
    """The status paper says "au stade des observations" of a stage and "cette étape de
    l'examen" of a step (seeds/): the tables of each process head its stages and its steps
    so, and the heading of its stages says the same word."""
    w = words(language)
    assert (w["stage"], w["step"]) == (stage, step)
    assert stage.lower()[:4] in w["stages_of"].lower()
