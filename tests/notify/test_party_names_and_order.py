"""Party names as the UN writes them (the reviewed cases of party_names.yaml) and lists in
the order of each language's UN documents (collation.py)."""

from __future__ import annotations

import pytest

from untoc_workflow.definitions import load_process
from untoc_workflow.notify.presidency import late_parties
from untoc_workflow.wording.form import waited_from
from untoc_workflow.wording.words import local_party_name, party_name

from .test_letters_as_read import _late_state


@pytest.mark.parametrize(
    ("code", "language", "name", "of"),
    [
        ("SLB", "ru", "Соломоновы Острова", "Соломоновых Островов"),
        ("ZAF", "ru", "Южная Африка", "Южной Африки"),
        ("BTN", "es", "Bhután", "de Bhután"),
        ("PNG", "es", "Papua Nueva Guinea", "de Papua Nueva Guinea"),
        ("DOM", "ar", "الجمهورية الدومينيكية", "للجمهورية الدومينيكية"),
        ("MDV", "ar", "ملديف", "لملديف"),
        ("URY", "ar", "أوروغواي", "لأوروغواي"),
        ("STP", "ar", "سان تومي وبرينسيبي", "لسان تومي وبرينسيبي"),
        ("GNB", "ar", "غينيا - بيساو", "لغينيا - بيساو"),
        ("LKA", "ar", "سري لانكا", "لسري لانكا"),
    ],
)
def test_a_party_is_named_as_the_un_names_it(code, language, name, of):
    assert party_name(code, language) == name
    assert party_name(code, language, "of") == of


@pytest.mark.parametrize(
    ("code", "genitive"),
    [
        ("BOL", "Боливии (Многонационального Государства)"),
        ("VEN", "Венесуэлы (Боливарианской Республики)"),
        ("NLD", "Нидерландов (Королевства)"),
        ("FSM", "Микронезии (Федеративных Штатов)"),
        ("USA", "Соединенных Штатов Америки"),
        ("ARE", "Объединенных Арабских Эмиратов"),
        ("GBR", "Соединенного Королевства Великобритании и Северной Ирландии"),
        ("KOR", "Республики Корея"),
        ("PSE", "Государства Палестина"),
        ("COK", "Островов Кука"),
        ("BHS", "Багамских Островов"),
        ("VAT", "Святейшего Престола"),
        ("EU", "Европейского союза"),
        ("PNG", "Папуа — Новой Гвинеи"),
        ("DEU", "Германии"),
        ("PER", "Перу"),
        ("PHL", "Филиппин"),
    ],
)
def test_the_parties_a_step_waits_for_are_named_in_the_russian_genitive(code, genitive):
    """ "Ожидается от" governs the genitive: a name with its form in brackets, a plural, an
    adjective or a head noun with its complement each decline as the UN writes them."""
    assert waited_from([party_name(code, "ru")], "ru") == [genitive]


@pytest.mark.parametrize(
    ("language", "codes"),
    [
        # the article ال ignored: Argentina (أ), Jordan (أ), Algeria (ج), Egypt (م ص), Morocco
        # (م غ), Saudi Arabia (م م)
        ("ar", ["ARG", "JOR", "DZA", "EGY", "MAR", "SAU"]),
        # the order of the English original
        ("zh", ["ALB", "DZA", "BRA", "CHN", "ZAF"]),
        # ñ a letter of its own after n
        ("es", ["ECU", "EGY", "ESP", "NER", "NGA"]),
        ("ru", ["AUT", "DEU", "EGY", "ZAF"]),
    ],
)
def test_the_president_reads_the_parties_in_the_order_of_the_language(language, codes):
    steps = {s.id: s for s in load_process().steps}
    states = {f"C1-G3-{c}": _late_state(f"C1-G3-{c}", c, "saq", (c,)) for c in reversed(codes)}
    names = [p["party"] for p in late_parties(steps, states, {}, language)]
    assert names == [local_party_name(c, language) for c in codes], names
