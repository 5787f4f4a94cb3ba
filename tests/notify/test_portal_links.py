"""Every message and the monthly summary link to the review's page in the Parties' portal
(UNTOC_PORTAL_URL); the link carries no credential, the page opens after sign-in."""

from __future__ import annotations

import pytest

from untoc_workflow.notify.templates import Templates, templates_dir
from untoc_workflow.settings import load_settings
from untoc_workflow.specimens import sample_digest_contexts, sample_letter_contexts
from untoc_workflow.wording.languages import UN_LANGUAGES

from .conftest import BUNDLED_DEFS

PORTAL = "https://portal.untoc.example.org"


@pytest.fixture(scope="module")
def templates() -> Templates:
    return Templates(templates_dir(BUNDLED_DEFS), PORTAL)


@pytest.mark.parametrize("language", UN_LANGUAGES)
@pytest.mark.parametrize("letter", ["daily", "opening", "secretariat"])
def test_a_letter_links_each_review_it_lists_to_its_page_in_the_portal(templates, letter, language):
    contexts = [c for name, c in sample_letter_contexts(templates, language) if name == letter]
    checked = 0
    for ctx in contexts:
        rendered = templates.render_letter(letter, language, ctx)
        reviews = [r["id"] for r in ctx.get("sections") or ctx.get("lines") or []]
        for review in reviews:
            url = f"{PORTAL}/reviews/{review}"
            assert url in rendered.text, rendered.text
            assert f'href="{url}"' in rendered.html
            checked += 1
    assert checked, f"no {letter} letter listing a review"


@pytest.mark.parametrize("language", UN_LANGUAGES)
def test_the_monthly_summary_links_each_review_to_its_page(templates, language):
    ctx = sample_digest_contexts(language)[0]
    rendered = templates.render("monthly_digest", language, ctx)
    assert ctx["reviews"]
    for review in (r["id"] for r in ctx["reviews"]):
        assert f"{PORTAL}/reviews/{review}" in rendered.text
        assert f'href="{PORTAL}/reviews/{review}"' in rendered.html


def test_the_portal_address_is_a_setting(tmp_path):
    env = {"UNTOC_PORTAL_URL": "https://portal.example.org/"}
    assert load_settings(env, cwd=tmp_path).portal_url == "https://portal.example.org"
    assert load_settings({}, cwd=tmp_path).portal_url == "http://127.0.0.1:8400"
