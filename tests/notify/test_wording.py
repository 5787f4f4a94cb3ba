"""How the secretariat writes in the six languages: Party names, dates, numbers, punctuation,
terms, salutations, bidi isolation and fonts (untoc_workflow.wording.words)."""

from __future__ import annotations

import json
import re
from datetime import date

import jinja2
import pytest
import yaml

from untoc_workflow.wording import words as w
from untoc_workflow.wording.languages import UN_LANGUAGES

SAMPLE = w.TEMPLATES_DIR.parents[1] / "sample" / "mechanism.json"
OTHER_LANGUAGES = ("ar", "zh", "fr", "ru", "es")
LATIN = re.compile(r"[A-Za-z]")


def sample_parties() -> list[dict[str, object]]:
    parties: list[dict[str, object]] = json.loads(SAMPLE.read_text(encoding="utf-8"))["parties"]
    return parties


# -- Party names --------------------------------------------------------------------------


def test_the_sample_has_189_parties_and_each_has_a_name_in_every_language():
    parties = sample_parties()
    assert len(parties) == 189
    for p in parties:
        for lang in UN_LANGUAGES:
            assert w.party_name(str(p["code"]), lang).strip()
            assert w.party_name(str(p["code"]), lang, "of").strip()


@pytest.mark.parametrize("lang", ["ar", "zh", "ru"])
def test_no_latin_letter_in_a_party_name_in_a_non_latin_language(lang):
    assert sample_parties()
    for p in sample_parties():
        for form in ("name", "of"):
            name = w.party_name(str(p["code"]), lang, form)
            assert not LATIN.search(name), (p["code"], lang, name)


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_french_and_spanish_names_are_not_english_fallbacks(lang):
    """Where a French or Spanish name equals the English one (Canada, Mali...), it must be
    the language's own entry (CLDR for that locale or our UN list), never English left in."""
    from babel import Locale

    english_only = []
    for p in sample_parties():
        code = str(p["code"])
        english = w.party_name(code, "en")
        local = w.party_name(code, lang)
        if local == english:
            alpha2 = w._alpha2(code)
            own = w._override(code, lang) or {}
            cldr = Locale.parse(lang).territories.get(alpha2 or "", "").replace("\u2019", "'")
            if local not in (own.get("name"), cldr):
                english_only.append(code)
    assert english_only == []


def test_un_names_where_cldr_differs():
    assert w.party_name("GBR", "en") == "United Kingdom of Great Britain and Northern Ireland"
    assert w.party_name("USA", "fr") == "États-Unis d'Amérique"
    assert w.party_name("BOL", "es") == "Bolivia (Estado Plurinacional de)"
    assert w.party_name("RUS", "ru") == "Российская Федерация"
    assert w.party_name("KOR", "zh") == "大韩民国"
    assert w.party_name("PSE", "ar") == "دولة فلسطين"
    assert w.party_name("TUR", "en") == "Türkiye"
    assert w.party_name("EU", "zh") == "欧洲联盟"
    assert w.party_name("CIV", "en") == "Côte d'Ivoire"  # straight apostrophe, as the UN


def test_the_of_form_follows_each_languages_grammar():
    assert w.party_name("NER", "en", "of") == "of the Niger"
    assert w.party_name("BEL", "en", "of") == "of Belgium"
    assert w.party_name("BEL", "fr", "of") == "de la Belgique"
    assert w.party_name("CAN", "fr", "of") == "du Canada"
    assert w.party_name("ITA", "fr", "of") == "de l'Italie"
    assert w.party_name("ISR", "fr", "of") == "d'Israël"
    assert w.party_name("CUB", "fr", "of") == "de Cuba"
    assert w.party_name("PHL", "fr", "of") == "des Philippines"
    assert w.party_name("MEX", "fr", "of") == "du Mexique"
    assert w.party_name("PER", "es", "of") == "del Perú"
    assert w.party_name("ARG", "es", "of") == "de la Argentina"
    assert w.party_name("DEU", "ru", "of") == "Германии"
    assert w.party_name("CHN", "ru", "of") == "Китая"
    assert w.party_name("NZL", "ru", "of") == "Новой Зеландии"
    assert w.party_name("LKA", "ru", "of") == "Шри-Ланки"
    assert w.party_name("TGO", "ru", "of") == "Того"
    assert w.party_name("RUS", "ar", "of") == "للاتحاد الروسي"
    assert w.party_name("BEL", "ar", "of") == "لبلجيكا"


def test_an_unknown_party_or_language_is_a_clear_error():
    with pytest.raises(w.WordingError, match="XXX"):
        w.party_name("XXX", "fr")
    with pytest.raises(w.WordingError, match="unknown language 'de'"):
        w.party_name("BEL", "de")


# -- dates, numbers, punctuation --------------------------------------------------------


def test_dates_in_each_languages_un_style():
    d = date(2021, 10, 11)
    assert w.format_date(d, "en") == "11 October 2021"
    assert w.format_date(d, "fr") == "11 octobre 2021"
    assert w.format_date(date(2021, 6, 1), "fr") == "1er juin 2021"
    assert w.format_date(d, "es") == "11 de octubre de 2021"
    assert w.format_date(d, "ru") == "11 октября 2021 года"
    assert w.format_date(d, "zh") == "2021年10月11日"
    assert w.format_date(d, "ar") == "11 تشرين الأول/أكتوبر 2021"
    assert w.format_date(date(2024, 6, 3), "ar") == "3 حزيران/يونيه 2024"


def test_months_for_a_monthly_summary():
    d = date(2024, 4, 1)
    assert w.format_month(d, "en") == "April 2024"
    assert w.format_month(d, "ru") == "апрель 2024 года"
    assert w.format_month(d, "zh") == "2024年4月"
    assert w.format_month(d, "ar") == "نيسان/أبريل 2024"


def test_numbers_and_percentages():
    assert w.format_number(1163, "en") == "1,163"
    assert w.format_number(1163, "fr") == "1\u202f163"  # narrow no-break space, as CLDR
    assert w.format_number(1163, "ru") == "1\u00a0163"
    # Western digits, as UN Arabic documents, with the Arabic thousands separator (CLDR)
    assert w.format_number(1163, "ar") == "1\u066c163"
    assert w.percent(0.705, "en", 1) == "70.5 per cent"
    assert w.percent(0.705, "fr", 1) == "70,5\u00a0%"
    assert w.percent(0.7, "zh") == "70%"


def test_punctuation_per_language():
    assert w.colon("zh") == "："
    assert w.colon("ar") == ": "
    assert w.colon("fr") == "\u00a0: "
    assert w.comma("zh") == "，"
    assert w.comma("ar") == "، "
    assert w.list_join(["A", "B", "C"], "en") == "A, B and C"  # no serial comma
    assert w.list_join(["甲", "乙", "丙"], "zh") == "甲、乙和丙"
    assert w.enumeration(["甲", "乙"], "zh") == "甲、乙"
    assert w.enumeration(["أ", "ب"], "ar") == "أ، ب"
    assert w.list_join([], "fr") == ""


# -- the glossary ------------------------------------------------------------------------


def test_the_glossary_has_every_term_in_six_languages():
    terms = w.glossary_terms()
    assert len(terms) >= 25
    for key, entry in terms.items():
        for lang in UN_LANGUAGES:
            assert lang in entry, (key, lang)
            assert w.term(key, lang).strip()


def test_terms_as_unterm_writes_them():
    assert w.term("president", "zh") == "缔约方会议主席"  # not 主席团, the Bureau
    assert w.term("president", "en") == "President of the Conference"
    assert w.term("reviewed_party", "ru") == "государство-участник, проходящее обзор"
    assert w.term("focal_point", "fr") == "point de contact"
    assert w.term("saq", "es") == "cuestionario de autoevaluación"


def test_term_forms_plural_and_case():
    assert w.term("focal_point", "en", count=2) == "focal points"
    assert w.term("focal_point", "ru", count=2) == "координатора"
    assert w.term("focal_point", "ru", count=5) == "координаторов"
    assert w.term("focal_point", "ru", count=21) == "координатор"
    assert w.term("state_party", "fr", number="other") == "États parties"
    assert (
        w.term("permanent_mission", "ru", case="dat", cap=True) == "Постоянному представительству"
    )
    assert w.term("secretariat", "en", cap=True) == "Secretariat"
    with pytest.raises(w.WordingError, match="no term 'focal_pont'.*focal_point"):
        w.term("focal_pont", "en")
    with pytest.raises(w.WordingError, match="no 'abl' form"):
        w.term("focal_point", "ru", case="abl")


def test_no_wrong_term_is_a_glossary_spelling():
    data = yaml.safe_load(w.GLOSSARY_FILE.read_text(encoding="utf-8"))
    spelled = set()
    for entry in data["terms"].values():
        for lang in UN_LANGUAGES:
            spelled.update(_strings(entry[lang]))
    assert spelled and data["wrong"]
    for wrongs in data["wrong"].values():
        for wrong in wrongs:
            assert all(wrong not in s for s in spelled), wrong


def _strings(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    else:
        yield str(value)


# -- salutations -------------------------------------------------------------------------


def test_a_mission_receives_a_note_verbale():
    en = w.greeting("waiting.mission", "en", "BEL")
    assert en.startswith("The secretariat of the United Nations Office on Drugs and Crime")
    assert "presents its compliments to the Permanent Mission of Belgium" in en
    assert "has the honour" in en
    assert "Постоянному представительству Бельгии" in w.greeting("mission", "ru", "BEL")
    assert "مكتب الأمم المتحدة" in w.greeting("mission", "ar", "BEL")
    assert "比利时常驻联合国（维也纳）代表团" in w.greeting("mission", "zh", "BEL")
    assert "Mission permanente d'observation de l'État de Palestine" in w.greeting(
        "mission", "fr", "PSE"
    )
    assert "Delegation of the European Union" in w.greeting("mission", "en", "EU")
    assert "highest consideration" in w.closing("mission", "en", "BEL")


def test_the_president_is_addressed_as_excellency():
    assert w.greeting("cop_presidency", "en") == "Excellency,"
    assert w.greeting("cop_presidency", "fr") == "Excellence,"
    assert w.greeting("cop_presidency", "zh") == "阁下："
    for lang in UN_LANGUAGES:
        assert "Presidency" not in w.greeting("cop_presidency", lang)


def test_focal_point_and_secretariat_greetings():
    assert w.greeting("reviewed.focal_point", "en", name="A. Bello") == "Dear A. Bello,"
    assert w.greeting("focal_point", "fr") == "Madame, Monsieur,"
    assert w.greeting("secretariat", "es") == "Estimados colegas:"
    with pytest.raises(w.WordingError, match="no salutation for role 'ambassador'"):
        w.greeting("ambassador", "en")
    with pytest.raises(w.WordingError, match="needs the Party"):
        w.greeting("mission", "en")


# -- bidi, fonts, Jinja2 -----------------------------------------------------------------


def _env(autoescape: bool) -> jinja2.Environment:
    return w.install(jinja2.Environment(autoescape=autoescape, undefined=jinja2.StrictUndefined))


def test_bdi_isolates_latin_fragments():
    source = "{{ email | bdi }}"
    ctx = {"email": "a.bello@example.org", "language": "ar"}
    assert _env(False).from_string(source).render(ctx) == "\u2068a.bello@example.org\u2069"
    assert _env(False).from_string(source).render({**ctx, "language": "en"}) == (
        "a.bello@example.org"
    )
    html = _env(True).from_string(source).render({"email": "<x>@e.org", "language": "ar"})
    assert html == "<bdi>&lt;x&gt;@e.org</bdi>"  # isolated and still escaped


def test_install_registers_the_functions():
    env = _env(False)
    out = env.from_string(
        '{{ term("focal_point", "zh") }}{{ colon("zh") }}{{ "BEL" | party_name("fr") }}, '
        '{{ d | un_date("es") }}, {{ 1163 | number("en") }}'
    ).render(d=date(2021, 10, 11))
    assert out == "联络人：Belgique, 11 de octubre de 2021, 1,163"


def test_the_font_stack_names_latin_cjk_and_arabic_fonts():
    for family in ("Noto Sans", "Noto Sans CJK SC", "Noto Sans CJK TC", "Noto Naskh Arabic"):
        assert f'"{family}"' in w.FONT_STACK
    assert w.font_stack("zh").startswith('"Noto Sans CJK SC"')
    assert w.font_stack("ar").startswith('"Noto Naskh Arabic"')
    assert w.FONT_STACK.endswith("sans-serif")


def test_french_articles_where_the_ending_misleads():
    assert w.party_name("GNB", "fr", "of") == "de la Guinée-Bissau"
    assert w.party_name("MKD", "fr", "of") == "de la Macédoine du Nord"
    assert w.party_name("YEM", "fr", "of") == "du Yémen"
    assert w.party_name("OMN", "fr", "of") == "d'Oman"
    assert w.party_name("TTO", "es") == "Trinidad y Tabago"


def test_a_party_unknown_to_wording_keeps_the_stores_name():
    assert w.is_party("DEU") and w.is_party("EU") and not w.is_party("RUR")
    assert w.local_party_name("DEU", "zh", "Germany") == "德国"
    assert w.local_party_name("RUR", "zh", "Ruritania") == "Ruritania"
    assert w.local_party_name(None, "fr", None) == ""


def test_semicolons_per_language():
    assert w.semicolon("en") == "; "
    assert w.semicolon("zh") == "；"
    assert w.semicolon("ar") == "؛ "
    assert w.semicolon("fr") == "\u202f; "


def test_party_of_for_a_sentence_and_for_a_party_unknown_to_wording():
    assert w.local_party_of("NER", "en", "Niger") == "of the Niger"
    assert w.local_party_of("NGA", "fr", "Nigeria") == "du Nigéria"
    assert w.local_party_of("NGA", "ru", "Nigeria") == "Нигерии"
    assert w.local_party_of("RUR", "en", "Ruritania") == "of Ruritania"
    assert w.local_party_of("RUR", "ar", "Ruritania") == "لـRuritania"


def test_parens_full_width_in_chinese_and_escaped_in_html():
    assert w.parens("cluster 1", "en") == " (cluster 1)"
    assert w.parens("专题组 1", "zh") == "（专题组 1）"
    html = _env(True).from_string("x{{ v | parens('zh') }}").render(v="<b>")
    assert html == "x（&lt;b&gt;）"


def test_days_are_grouped_as_numbers():
    assert w.days(1163, "fr") == "1\u202f163\u00a0jours"  # not "1163 jours"
    assert w.days(-1163, "en") == "1,163 days"
    assert w.days(2, "ru") == "2 дня"
    assert w.days(1163, "zh") == "1,163天"


def test_party_the_for_a_subject_with_its_article():
    assert w.local_party_the("NER", "en", "Niger") == "the Niger"
    assert w.local_party_the("NGA", "en", "Nigeria") == "Nigeria"
    assert w.local_party_the("NGA", "fr", "Nigeria") == "le Nigéria"
    assert w.local_party_the("BEL", "fr", "Belgium") == "la Belgique"
    assert w.local_party_the("ITA", "fr", "Italy") == "l'Italie"
    assert w.local_party_the("PHL", "fr", "Philippines") == "les Philippines"
    assert w.local_party_the("CUB", "fr", "Cuba") == "Cuba"
    assert w.local_party_the("PER", "es", "Peru") == "el Perú"
    assert w.local_party_the("BEL", "es", "Belgium") == "Bélgica"
    assert w.local_party_the("DEU", "ru", "Germany") == "Германия"
    assert w.local_party_the("RUR", "fr", "Ruritanie") == "Ruritanie"


def test_a_latin_name_in_an_arabic_greeting_is_isolated():
    assert w.greeting("focal_point", "ar", name="A. Bello") == (
        "السيد/السيدة \u2068A. Bello\u2069 المحترم/المحترمة،"
    )
    text = _env(False).from_string("{{ n | bdi('ar') }}").render(n="A. Bello", language="en")
    assert text == "\u2068A. Bello\u2069"


def test_a_mission_is_named_by_its_title_in_the_letters_language():
    assert w.mission_name("NGA", "en") == (
        "Permanent Mission of Nigeria to the United Nations (Vienna)"
    )
    assert w.mission_name("NGA", "fr").startswith("Mission permanente du Nigéria auprès")
    assert w.mission_name("NGA", "ru").startswith("Постоянное представительство Нигерии")
    assert w.mission_name("EU", "en").startswith("Delegation of the European Union")
    assert w.mission_name("NGA", "zh") == "尼日利亚常驻联合国（维也纳）代表团"
