"""The portal in the six UN languages: every text of the pages and emails has a translation
in each catalog, with the same placeholders; Arabic pages run right to left."""

from __future__ import annotations

import re

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from untoc_workflow.portal import mail
from untoc_workflow.portal.i18n import LANGUAGES, LOCALE_DIR, translations

from .conftest import PEOPLE

PLACEHOLDER = re.compile(r"%\(\w+\)s")


def _source_texts() -> set[str]:
    found = {mail.SIGNATURE}
    method_map = [("templates/**.html", "jinja2"), ("mail.py", "python")]
    for _, _, message, _, _ in extract_from_dir(LOCALE_DIR.parent, method_map):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


@pytest.mark.parametrize("language", [x for x in LANGUAGES if x != "en"])
def test_every_text_has_a_translation_with_the_same_placeholders(language):
    with open(LOCALE_DIR / language / "LC_MESSAGES" / "portal.po", "rb") as fh:
        catalog = read_po(fh, locale=language)
    texts = _source_texts()
    assert len(texts) > 90
    for text in texts:
        entry = catalog.get(text)
        assert entry is not None and entry.string, f"{language}: no translation of {text!r}"
        wanted = set(PLACEHOLDER.findall(text))
        got = set(PLACEHOLDER.findall(entry.string))
        # a greeting may leave the name out (French writes "Madame, Monsieur,")
        assert got == wanted or (got < wanted and text.startswith("Dear")), (language, text)
    assert translations(language).gettext("Sign in") != "Sign in"


def test_pages_follow_the_language_asked_and_remember_it(rig):
    browser = rig.sign_in(PEOPLE["fp_nga"])
    arabic = browser.get("/reviews/C1-G1-NGA?lang=ar")
    assert '<html lang="ar" dir="rtl">' in arabic.text
    # months as UN Arabic documents (and the letters) write them, not CLDR's
    assert "الاستعراض القُطري" in arabic.text and "30 حزيران/يونيه 2023" in arabic.text
    # the Party's name as the UN writes it in the page's language, with its preposition
    assert "الاستعراض القُطري <bdi>لنيجيريا</bdi>" in arabic.text
    later = browser.get("/reviews")  # the choice is remembered
    assert '<html lang="ar" dir="rtl">' in later.text
    french = browser.get("/reviews/C1-G1-NGA?lang=fr")
    assert '<html lang="fr" dir="ltr">' in french.text and "30 juin 2023" in french.text
    assert "Examen de pays <bdi>du Nigéria</bdi>" in french.text
    chinese = browser.get("/reviews?lang=zh")
    assert "<bdi>尼日利亚</bdi>" in chinese.text and ">Nigeria<" not in chinese.text


def test_the_sign_in_email_is_in_the_focal_point_s_language(rig):
    rig.sign_in(PEOPLE["fp_fra"])  # C. Martin was recorded with language fr
    message = rig.mailbox.to(PEOPLE["fp_fra"])[-1]
    assert str(message["Subject"]) == "Votre lien de connexion au portail de l'examen"
    assert message["Content-Language"] == "fr"


def test_arabic_and_chinese_pages_use_their_own_punctuation(rig):
    browser = rig.sign_in(PEOPLE["fp_nga"])
    arabic = browser.get("/reviews/C1-G1-NGA?lang=ar").text
    assert "<bdi>غانا</bdi>، <bdi>ألمانيا</bdi>" in arabic
    assert "</bdi>, <bdi>" not in arabic
    chinese = browser.get("/reviews/C1-G1-NGA?lang=zh").text
    assert "：<bdi>加纳</bdi>、<bdi>德国</bdi>" in chinese
    assert "2023年6月30日" in chinese
    assert ": <bdi>" not in chinese


def test_a_step_that_started_after_its_deadline_says_so(rig):
    from datetime import date

    from untoc_workflow.yamlsource import Located

    # the SAQ (due 30 June 2023) arrives a year late; written feedback starts that day,
    # already past the deadline agreed for it
    rig.store.import_document(
        Located(
            {
                "format": "untoc-mechanism/1",
                "events": [
                    {
                        "on": "2023-01-20",
                        "type": "preliminary_consultation_held",
                        "review": "C1-G1-GHA",
                        "languages": ["en"],
                        "agreed": {"saq": "2023-02-01", "written_feedback": "2023-02-15"},
                    },
                    {"on": "2023-03-01", "type": "saq_submitted", "review": "C1-G1-GHA"},
                ],
            },
            "t",
            {},
        )
    )
    state = rig.app.state.portal.view.state("C1-G1-GHA")
    feedback = state.step("written_feedback")
    assert feedback.started_on == date(2023, 3, 1) and feedback.days_overdue == 14
    page = rig.sign_in(PEOPLE["fp_gha"]).get("/reviews/C1-G1-GHA").text
    row = page.split('id="steps"')[1].split("<td>Written feedback</td>")[1].split("</tr>")[0]
    assert "14 days late" in row
    # in the letters' words (templates/en/_lexicon.j2, began_late), not a phrasing of its own
    assert "it could begin only on 1 March 2023, after its deadline" in row
