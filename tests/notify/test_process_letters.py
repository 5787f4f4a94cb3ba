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
from untoc_workflow.wording.languages import UN_LANGUAGES
from untoc_workflow.wording.words import term

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
    assert process_fields(untoc, "fr")["mechanism"] is None  # the glossary's footer
    # a process that names its own roles but no mechanism is not footed as UNTOC's: its
    # automatic letters name it by its title
    me_def = catalog.get("mutual_evaluation", 1)
    no_mechanism = me_def.model_copy(
        update={"roles": {k: v for k, v in me_def.roles.items() if k != "mechanism"}}
    )
    assert process_fields(no_mechanism, "fr")["mechanism"] == "Évaluation mutuelle"
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
    from untoc_workflow.notify.templates import Templates
    from untoc_workflow.specimens import sample_letter_contexts

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


# -- a process's own secretariat and mechanism, in French and Arabic --------------------------

V2 = Path(__file__).resolve().parents[1] / "processes" / "mutual_evaluation_v2"
# what the regional body would add to version 2 for its French- and Arabic-speaking members
V2_ROLES = """roles:
  review: {fr: évaluation mutuelle, ar: التقييم المتبادل}
  review_other: {fr: évaluations mutuelles, ar: التقييمات المتبادلة}
  review_yours_other: {ar: تقييماتكم المتبادلة}
  mechanism:
    fr: Mécanisme d'évaluation mutuelle de l'Organisme régional
    ar: آلية التقييم المتبادل للهيئة الإقليمية
  secretariat: {fr: secrétariat de l'Organisme régional, ar: أمانة الهيئة الإقليمية}
"""
BODY = {"fr": "Organisme régional", "ar": "الهيئة الإقليمية"}  # in the signature
# the UNTOC Review Mechanism's words and its office, which these letters must never say
UNTOC_SIGNED = {
    "fr": ("Mécanisme d'examen", "Office des Nations Unies", "examens de pays", "UNTOC"),
    "ar": ("آلية الاستعراض", "مكتب الأمم المتحدة", "الاستعراضات القُطرية", "استعراضاتكم", "UNTOC"),
}


def _letters(process, language: str) -> list[tuple[str, str, object]]:
    """(letter, its rendering, the context) of every sample letter, as the sweep composes a
    review's letters: the process's fields and its words in place of the glossary's."""
    from untoc_workflow.notify.context import process_fields, process_term
    from untoc_workflow.notify.templates import Templates
    from untoc_workflow.specimens import sample_letter_contexts

    templates = Templates(BUNDLED_DEFS / "templates")
    term = process_term(process, templates.text_env.globals["term"])
    out = []
    for name, ctx in sample_letter_contexts(templates, language):
        ctx = {**ctx, "process": process_fields(process, language), "term": term}
        out.append((name, templates.render_letter(name, language, ctx), ctx))
    return out


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_mutual_evaluation_letter_names_its_own_body_in_subject_and_signature(tmp_path, language):
    folder = tmp_path / "defs"
    folder.mkdir()
    source = (V2 / "mutual_evaluation_v2.yaml").read_text(encoding="utf-8")
    assert "\nroles:\n" in source
    (folder / "mutual_evaluation_v2.yaml").write_text(
        source.replace("\nroles:\n", "\n" + V2_ROLES, 1), encoding="utf-8"
    )
    process = load_definitions(folder).get("mutual_evaluation", 2)
    letters = _letters(process, language)
    assert {name for name, _, _ in letters} == {"daily", "opening", "presidency", "secretariat"}
    signature = process.role_title("secretariat", language)
    for name, letter, _ in letters:
        said = f"{letter.subject}\n{letter.text}\n{letter.html}"
        for word in UNTOC_SIGNED[language]:
            assert word not in said, (name, word)
        # the subject is headed by the process and names its mechanism (the President's
        # summary: the reviews the late States take part in)
        assert letter.subject.startswith(f"[{process.title[language]}]"), letter.subject
        named = "review_other" if name == "presidency" else "mechanism"
        assert process.role_title(named, language) in letter.subject, (name, letter.subject)
        # signed by the body's own secretariat, with no office of UNODC's under it
        assert signature[1:] in letter.text and BODY[language] in letter.text.split("--")[-1]
    # a daily letter to a focal point closes with the secretariat's title as its signature
    daily = next(letter for name, letter, ctx in letters if name == "daily")
    closing = daily.text.split("--")[0].rstrip().splitlines()[-1]
    assert closing == signature[:1].upper() + signature[1:]
    # the pending steps of one's own reviews, said with Arabic's possessive
    if language == "ar":
        opening = next(letter for name, letter, ctx in letters if name == "opening")
        assert "تقييماتكم المتبادلة" in opening.subject


# UNTOC's subjects and signatures, as its letters have always said them
UNTOC_LETTERS = {
    "fr": (
        "[UNTOC] Examens de pays du Mécanisme d'examen",
        "Secrétariat du Mécanisme d'examen\nOffice des Nations Unies contre la drogue et le crime",
    ),
    "ar": (
        "[UNTOC] الاستعراضات القُطرية لآلية الاستعراض",
        "أمانة آلية الاستعراض\nمكتب الأمم المتحدة المعني بالمخدرات والجريمة",
    ),
}


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_untoc_s_letters_keep_the_review_mechanism_s_subject_and_signature(language):
    untoc = load_definitions(BUNDLED_DEFS).get("country_review", 1)
    subject, signature = UNTOC_LETTERS[language]
    daily = next(letter for name, letter, _ in _letters(untoc, language) if name == "daily")
    assert daily.subject.startswith(subject), daily.subject
    assert signature in daily.text
    if language == "ar":
        opening = next(letter for name, letter, _ in _letters(untoc, "ar") if name == "opening")
        assert "استعراضاتكم القُطرية" in opening.subject


def test_a_role_the_letters_do_not_read_is_refused_where_it_is_declared(tmp_path):
    from untoc_workflow.errors import InputError

    folder = tmp_path / "defs"
    folder.mkdir()
    source = (V2 / "mutual_evaluation_v2.yaml").read_text(encoding="utf-8")
    (folder / "mutual_evaluation_v2.yaml").write_text(
        source.replace("\nroles:\n", "\nroles:\n  secretariate: {fr: secrétariat}\n", 1),
        encoding="utf-8",
    )
    with pytest.raises(InputError) as refused:
        load_definitions(folder)
    message = str(refused.value)
    assert "mutual_evaluation_v2.yaml:" in message and "roles" in message
    assert "'secretariate'" in message and "did you mean 'secretariat'" in message


def test_a_process_with_its_own_secretariat_sends_its_letters_under_that_name(
    store, tmp_path, defs
):
    # the mutual evaluation's body signs its letters itself: the From line says the same
    source = (defs / "mutual_evaluation.yaml").read_text(encoding="utf-8")
    own = (
        "  secretariat: {en: secretariat of the Regional Body,"
        " fr: secrétariat de l'Organisme régional,"
        " es: secretaría del Organismo Regional, ar: أمانة الهيئة الإقليمية}\n"
    )
    (defs / "mutual_evaluation.yaml").write_text(
        source.replace("\nroles:\n", "\nroles:\n" + own, 1), encoding="utf-8"
    )
    letters, senders = _sweep_letters(store, tmp_path, defs)
    assert senders["fr"] == {"Secrétariat de l'Organisme régional"}
    assert senders["ar"] == {"أمانة الهيئة الإقليمية"}
    assert senders["es"] == {"Secretaría del Organismo Regional"}
    assert senders["en"] == {"Secretariat of the Regional Body"}
    # and each letter is signed by the same name
    assert all("Organisme régional" in text for _, text in letters["fr"])


# -- where an agreed deadline was agreed --------------------------------------------------

COUNCIL = Path(__file__).resolve().parents[1] / "processes" / "silk_road_council"
# the Council's inception meeting, as its definition titles it (none in Spanish: English)
INCEPTION = {
    "en": "Inception meeting held",
    "fr": "Réunion de lancement tenue",
    "es": "Inception meeting held",
    "ru": "Вступительное совещание проведено",
    "ar": "عقد الاجتماع الاستهلالي",
    "zh": "已举行启动会议",
}
# the deadline's source beside it, as a notice and the monthly summary say it
AGREED = {
    "en": "agreed (Inception meeting held)",
    "fr": "convenue (Réunion de lancement tenue)",
    "es": "acordado (Inception meeting held)",
    "ru": "согласован (Вступительное совещание проведено)",
    "ar": "متفق عليه (\u2068عقد الاجتماع الاستهلالي\u2069)",
    "zh": "已商定（已举行启动会议）",
}
# UNTOC's: agreed at its preliminary consultation, word for word as it always was
UNTOC_AGREED = {
    "en": "agreed at the preliminary consultation",
    "fr": "convenue lors de la consultation préliminaire",
    "es": "acordado en la consulta preliminar",
    "ru": "согласован на предварительных консультациях",
    "ar": "متفق عليه في المشاورات الأولية",
    "zh": "在初步磋商中商定",
}


@pytest.mark.parametrize("language", UN_LANGUAGES)
def test_a_deadline_agreed_at_another_process_s_meeting_is_said_agreed_there(language):
    """A step's `agreed_at:` names the fact whose agreed dates set it: a letter of a process
    other than UNTOC's names that fact by the title its definition gives it in the letter's
    language (else English), never UNTOC's preliminary consultation; UNTOC's letters say
    what they always said."""
    from untoc_workflow.notify.context import agreed_at
    from untoc_workflow.notify.templates import DIGEST_TEMPLATE, Templates
    from untoc_workflow.specimens import (
        agreed_elsewhere,
        sample_digest_contexts,
        sample_notice_contexts,
    )

    catalog = load_definitions(COUNCIL)
    council = catalog.get("peer_assessment", 1)
    assert agreed_at(council, "self_assessment", language) == INCEPTION[language]
    assert agreed_at(council, "statistics_annex", language) is None  # agreed at no fact
    assert agreed_at(catalog.get("country_review", 1), "saq", language) is None

    templates = Templates(BUNDLED_DEFS / "templates")
    notice = sample_notice_contexts(language)[1]
    assert notice["deadline"]["source"] == "agreed"
    untoc = templates.render("step_overdue", language, notice)
    assert UNTOC_AGREED[language] in untoc.text
    summary = sample_digest_contexts(language)[0]
    for name, ctx in (("step_overdue", notice), (DIGEST_TEMPLATE, summary)):
        rendered = templates.render(name, language, agreed_elsewhere(ctx, INCEPTION[language]))
        assert AGREED[language] in rendered.text, rendered.text
        assert UNTOC_AGREED[language] not in rendered.text + rendered.html
        assert term("preliminary_consultation", language) not in rendered.text + rendered.html
