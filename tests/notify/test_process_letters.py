"""Letters that know their process: a process neither UNTOC's nor UNCAC's (the mutual
evaluation of tests/processes) gets letters that ask for its own steps by their titles, in
the recipients' languages, never "Please contact the secretariat"."""

from __future__ import annotations

import email
import email.policy
import shutil
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from untoc_workflow.definitions import load_definitions
from untoc_workflow.notify import Notifier, sweep
from untoc_workflow.notify.digest import record_digest
from untoc_workflow.outbox import EmlFolder

from .conftest import BUNDLED_DEFS, make_settings

PROCESS = Path(__file__).resolve().parents[1] / "processes" / "mutual_evaluation"
# what a letter said for a step its lexicon did not know
CONTACT = {
    "en": "Please contact the secretariat",
    "fr": "Veuillez prendre contact avec le secrétariat",
    "es": "Sírvase ponerse en contacto",
    "ar": "يُرجى الاتصال بالأمانة",
}


@pytest.fixture
def defs(tmp_path, monkeypatch) -> Path:
    # a user's folder replaces the bundled one today: the bundled files and the process
    folder = tmp_path / "defs"
    shutil.copytree(BUNDLED_DEFS, folder)
    shutil.copy(PROCESS / "mutual_evaluation.yaml", folder)
    monkeypatch.setenv("UNTOC_PROCESS_DEFS", str(folder))
    return folder


def test_a_step_without_its_own_wording_is_asked_for_by_its_title(store, tmp_path, defs):
    store.import_file(PROCESS / "mechanism.yaml")
    definitions = load_definitions(defs)
    notifier = Notifier(definitions, make_settings(tmp_path, None, defs))
    out = tmp_path / "out"
    transport = EmlFolder(out)
    day = date(2024, 5, 31)
    try:
        sweep(store, notifier, transport, day, datetime(2024, 5, 31, 6, tzinfo=UTC), go_live=day)
    finally:
        transport.close()
    letters = {}
    for path in sorted(out.glob("*.eml")):
        msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        letters[str(msg["Content-Language"])] = msg.get_body(("plain",)).get_content()
    assert {"en", "fr", "es", "ar"} <= set(letters)
    process = definitions.get("mutual_evaluation", 1)
    comments = next(s for s in process.steps if s.id == "country_comments")
    for language in ("fr", "es", "ar"):  # Morocco, Chile, Egypt: the step in its words
        text = letters[language]
        assert CONTACT[language] not in text
        assert comments.title[language] in text
    # Egypt's focal point is asked, in Arabic, for the step by its title
    assert f'يُرجى إنجاز مرحلة "{comments.title["ar"]}"' in letters["ar"]
    for text in letters.values():
        assert '""' not in text and "«  »" not in text  # never an empty title


def _sweep_letters(
    store, tmp_path: Path, defs: Path
) -> tuple[dict[str, list[tuple[str, str]]], dict[str, set[str]]]:
    """(subject, plain text) of every letter of a go-live sweep and the next months' sweeps,
    by language; and the From display names used in each language."""
    store.import_file(PROCESS / "mechanism.yaml")
    notifier = Notifier(load_definitions(defs), make_settings(tmp_path, None, defs))
    out = tmp_path / "out"
    transport = EmlFolder(out)
    day = date(2024, 5, 31)
    try:
        sweep(store, notifier, transport, day, datetime(2024, 5, 31, 6, tzinfo=UTC), go_live=day)
        # the daily notices after the opening, on the next working days
        for later in (date(2024, 6, 3), date(2024, 7, 1), date(2024, 10, 1)):
            if later.day == 1:  # the monthly summaries, delivered by that day's sweep
                record_digest(store, notifier, later, datetime.combine(later, time(5), UTC))
            sweep(
                store, notifier, transport, later, datetime.combine(later, datetime.min.time(), UTC)
            )
    finally:
        transport.close()
    letters: dict[str, list[tuple[str, str]]] = {}
    senders: dict[str, set[str]] = {}
    for path in sorted(out.glob("*.eml")):
        msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        body = msg.get_body(("plain",)).get_content()
        language = str(msg["Content-Language"])
        letters.setdefault(language, []).append((str(msg["Subject"]), body))
        senders.setdefault(language, set()).add(msg["From"].addresses[0].display_name)
    return letters, senders


# UNTOC's words, which a mutual evaluation's letters must never use
UNTOC_WORDS = {
    "en": ("UNTOC", "country review", "Country review", "Conference"),
    "fr": ("UNTOC", "examen de pays", "Examen de pays", "Conférence"),
    "es": ("UNTOC", "xamen del país", "xamen de país", "xámenes de", "Conferencia"),
}
OWN_WORDS = {"en": "mutual evaluation", "fr": "évaluation mutuelle", "es": "evaluación mutua"}


def test_a_process_s_letters_are_in_its_own_words(store, tmp_path, defs):
    letters, senders = _sweep_letters(store, tmp_path, defs)
    for language, words in UNTOC_WORDS.items():
        assert letters.get(language), f"no letter in {language}"
        said = "\n".join(f"{s}\n{t}" for s, t in letters[language])
        for word in words:
            assert word not in said, (language, word)
        assert OWN_WORDS[language] in said.lower()
        # the subject's tag is the process's, and the mechanism it declares ends the letter
        assert all(s.startswith("[ME") for s, _ in letters[language])
    # the monthly summaries too (Austria's focal point writes in English)
    monthly = [t for s, t in letters["en"] if s.startswith("[ME] Monthly status")]
    assert monthly and all("mutual evaluations" in t for t in monthly)
    mechanism = "Automatic message: Mutual Evaluation Mechanism of the Regional Body."
    assert all(mechanism in t for _, t in letters["en"])
    # the sender is named as the letter is signed, in its language, never in English alone
    assert senders["fr"] == {"Secrétariat du Mécanisme d'examen"}
    assert senders["ar"] == {"أمانة آلية الاستعراض"}
    assert senders["es"] == {"Secretaría del Mecanismo de Examen"}


def test_a_process_names_its_review_chair_and_body_in_each_language(defs):
    from untoc_workflow.notify.context import process_fields, process_term
    from untoc_workflow.wording.words import term

    catalog = load_definitions(defs)
    me = process_term(catalog.get("mutual_evaluation", 1), term)
    assert me("president", "fr") == "Président de la plénière"
    assert me("president", "en", cap=True) == "Chair of the Plenary"
    assert me("conference", "es") == "pleno"
    assert me("country_review", "ru", case="gen", number="other") == "взаимных оценок"
    assert me("country_review", "ru", case="gen") == "взаимной оценки"
    assert me("country_review", "zh", number="other") == "相互评估"  # one form: used for all
    assert me("country_review", "ar") == "التقييم المتبادل"
    assert me("secretariat", "fr") == term("secretariat", "fr")  # not the process's to name
    # UNTOC declares none of these: its letters keep the glossary's words, and its tag
    untoc = catalog.get("country_review", 1)
    assert process_term(untoc, term) is term
    assert process_fields(untoc, "fr")["tag"] == "UNTOC"
    # a process without a tag is headed by its title in the letter's language
    assert (
        process_fields(catalog.get("mutual_evaluation", 1).model_copy(update={"tag": None}), "fr")[
            "tag"
        ]
        == "Évaluation mutuelle"
    )


@pytest.mark.parametrize("language", ["en", "fr", "ru"])
def test_the_secretariat_reads_why_it_receives_notices(language):
    """Notices a rung addresses to the secretariat itself are not "referred" to it as if a
    Party could not be written to: that is said only when a Party was unreachable."""
    from untoc_workflow.notify.consolidate import sample_letter_contexts
    from untoc_workflow.notify.templates import Templates

    templates = Templates(BUNDLED_DEFS / "templates")
    referred = {"en": "could not be addressed", "fr": "n'ont pu être adressées", "ru": "не удалось"}
    own = {
        "en": "The following notices are addressed to the secretariat.",
        "fr": "Les notifications suivantes sont adressées au secrétariat.",
        "ru": "Следующие уведомления направлены секретариату.",
    }
    name, ctx = next(
        (n, c) for n, c in sample_letter_contexts(templates, language) if n == "secretariat"
    )
    assert ctx["sections"]  # the summary lists notices, with the sentence before them
    text = templates.render_letter(name, language, {**ctx, "referred": True}).text
    assert referred[language] in text and own[language] not in text
    text = templates.render_letter(name, language, {**ctx, "referred": False}).text
    assert own[language] in text and referred[language] not in text
