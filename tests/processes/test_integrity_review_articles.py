"""The group's own roles as its letters write them with an article: "membre évalué" takes
"le", which no template can know. A definition gives the role with its article
(`roles: reviewed_the`), or the letter names the member itself, with its own article, and
the role after it; never "l'membre évalué", never UNTOC's "l'État partie examiné".

A copy of the integrity review (tests/processes/integrity_review) whose country report's
late reminder is the notice of an overdue consultation, the one letter that names the
reviewed and the reviewing parties with their articles."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.processes.conftest import group_cli, letters, text_of
from untoc_workflow.definitions import load_process
from untoc_workflow.errors import InputError
from untoc_workflow.store.fingerprints import fingerprint

HERE = Path(__file__).parent / "integrity_review"
ROLES_END = (
    "  reviewer_other: {en: assessing members, fr: membres évaluateurs, es: miembros evaluadores}\n"
)
WITH_ARTICLES = (
    ROLES_END + "  reviewed_the: {fr: le membre évalué, es: el miembro evaluado}\n"
    "  reviewer_other_the: {es: los miembros evaluadores}\n"
)


def _group_folder(
    tmp_path: Path,
    roles_end: str = ROLES_END,
    language: str = "fr",
    name: str = "csacg",
    rung: str = "consultation_overdue",
) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    text = (HERE / "integrity_review.yaml").read_text(encoding="utf-8")
    late = "{id: late, at: +5 days, every: 1 month, times: 3, to: [waiting.focal_point],"
    assert text.count(f"{late} template: step_overdue}}") == 1 and ROLES_END in text
    text = text.replace(f"{late} template: step_overdue}}", f"{late} template: {rung}}}")
    (folder / "integrity_review.yaml").write_text(text.replace(ROLES_END, roles_end), "utf-8")
    shutil.copy(HERE / "mechanism.yaml", folder)
    members = (HERE / "members.yaml").read_text(encoding="utf-8")
    diop = "gender: female, language: fr}"  # Senegal's liaison officer
    assert members.count(diop) == 1
    (folder / "members.yaml").write_text(
        members.replace(diop, f"gender: female, language: {language}}}"), "utf-8"
    )
    return folder


def _overdue_letter(untoc_cli, tmp_path: Path, folder: Path) -> str:
    """The plain text of the letter to Senegal's liaison officer on 9 May 2025, five days
    after its country report was due."""
    cli = group_cli(untoc_cli, tmp_path, folder)
    cli("sweep", "--as-of", "2025-03-10")
    cli("sweep", "--as-of", "2025-05-09")
    found = [
        text_of(message)
        for message in letters(tmp_path, "2025-05-09").values()
        if "a.diop@example.org" in str(message["To"])
    ]
    assert len(found) == 1, found
    return " ".join(found[0].split())


@pytest.mark.parametrize(
    ("language", "roles_end", "said"),
    [
        (
            "fr",
            ROLES_END,
            "tant que le Sénégal (membre évalué) et les membres évaluateurs (Ghana et Guinée"
            " équatoriale) ne sont pas convenus",
        ),
        (
            "fr",
            WITH_ARTICLES,
            "tant que le membre évalué et les membres évaluateurs (Ghana et Guinée équatoriale)"
            " ne sont pas convenus",
        ),
        (
            "es",
            ROLES_END,
            "hasta que el Senegal (miembro evaluado) y Ghana y Guinea Ecuatorial (miembros"
            " evaluadores) acuerden",
        ),
        (
            "es",
            WITH_ARTICLES,
            "hasta que el miembro evaluado y los miembros evaluadores (Ghana y Guinea"
            " Ecuatorial) acuerden",
        ),
    ],
    ids=["fr-no-article-given", "fr-reviewed_the", "es-no-article-given", "es-reviewed_the"],
)
def test_the_reviewed_member_is_named_with_a_true_article(
    untoc_cli, tmp_path, language, roles_end, said
):
    folder = _group_folder(tmp_path, roles_end, language)
    text = _overdue_letter(untoc_cli, tmp_path, folder)
    assert said in text, text
    for untrue in ("l'membre", "el membre", "État partie", "Estado parte", "Estados partes"):
        assert untrue not in text, (untrue, text)


@pytest.mark.parametrize(
    ("roles_end", "needle", "expected"),
    [
        (
            ROLES_END + "  reviewed_the: {fr: membre évalué}\n",
            "  reviewed_the:",
            "roles.reviewed_the: fr: 'membre évalué' does not begin with a definite article",
        ),
        (
            ROLES_END + "  reviewed_the: {fr: la membre évaluée}\n",
            "  reviewed_the:",
            "roles.reviewed_the: fr: 'la membre évaluée' is not 'reviewed' ('membre évalué')"
            " with its article",
        ),
        (
            ROLES_END + "  reviewed_the: {ru: оцениваемый член}\n",
            "  reviewed_the:",
            "roles.reviewed_the: ru: the letters put no article before a role in ru",
        ),
        (
            ROLES_END + "  chair_other_the: {fr: les Présidents}\n",
            "  chair_other_the:",
            "roles.chair_other_the: the definite form of a role the process does not name",
        ),
        (
            ROLES_END.replace("fr: membres évaluateurs", "fr: les membres évaluateurs"),
            "  reviewer_other:",
            "roles.reviewer_other: fr: 'les membres évaluateurs' begins with an article",
        ),
    ],
    ids=["no-article", "another-title", "russian", "undeclared-role", "title-with-article"],
)
def test_a_wrong_definite_form_is_refused_at_its_line(tmp_path, roles_end, needle, expected):
    folder = _group_folder(tmp_path, roles_end)
    path = folder / "integrity_review.yaml"
    line = next(
        n for n, text in enumerate(path.read_text("utf-8").splitlines(), 1) if needle in text
    )
    with pytest.raises(InputError) as refused:
        load_process(path)
    assert f"{path}:{line}: {expected}" in str(refused.value), str(refused.value)


def test_a_definite_form_changes_only_the_roles_it_adds(tmp_path):
    """The fingerprint of a definition is its content: one that gives no definite form reads
    as it did (no new key of its own appears), and one that gives it differs by that role."""
    plain = load_process(_group_folder(tmp_path, name="plain") / "integrity_review.yaml")
    with_articles = load_process(
        _group_folder(tmp_path, WITH_ARTICLES, name="articles") / "integrity_review.yaml"
    )
    assert "reviewed_the" not in plain.model_dump_json()
    without = with_articles.model_dump()
    for role in ("reviewed_the", "reviewer_other_the"):
        del without["roles"][role]
    assert without == plain.model_dump()
    assert fingerprint(plain) != fingerprint(with_articles)


@pytest.mark.parametrize(
    ("language", "roles_end", "said"),
    [
        ("es", ROLES_END, "La etapa «Informe nacional» del examen del Senegal vencía"),
        (
            "es",
            ROLES_END + "  review_the: {es: el examen de integridad}\n",
            "La etapa «Informe nacional» del examen de integridad del Senegal vencía",
        ),
        (
            "fr",
            ROLES_END + "  review_the: {fr: l'examen d'intégrité}\n",
            "L'étape « Rapport national » de l'examen d'intégrité du Sénégal devait",
        ),
    ],
    ids=["es-no-article-given", "es-review_the", "fr-elided"],
)
def test_a_step_of_the_groups_review_is_of_its_own_review(
    untoc_cli, tmp_path, language, roles_end, said
):
    """Spanish letters wrote "del examen de país" whatever the process: the group's review
    is "el examen de integridad" when it says so, else the Spanish word for any review."""
    folder = _group_folder(tmp_path, roles_end, language, rung="step_overdue")
    text = _overdue_letter(untoc_cli, tmp_path, folder)
    assert said in text, text
    assert "examen de país" not in text and "examen de pays" not in text


@pytest.mark.parametrize(
    ("title", "language", "plural", "expected"),
    [
        ("membre évalué", "fr", False, ""),  # le or la: only its gender tells
        ("État membre", "fr", False, "l'État membre"),
        ("hôte", "fr", False, ""),  # "l'hôte" but "le héros": never guessed before h
        ("yaourt", "fr", False, ""),
        ("membres évaluateurs", "fr", True, "les membres évaluateurs"),
        ("miembro evaluado", "es", False, ""),
        ("assessing member", "en", False, "the assessing member"),
        ("оцениваемый член", "ru", False, "оцениваемый член"),
    ],
)
def test_an_article_is_given_only_where_the_title_shows_it(title, language, plural, expected):
    from untoc_workflow.wording.articles import definite

    assert definite(title, language, plural=plural) == expected


@pytest.mark.parametrize(
    ("preposition", "form", "language", "expected"),
    [
        ("de", "le membre évalué", "fr", "du membre évalué"),
        ("de", "la Partie évaluée", "fr", "de la Partie évaluée"),
        ("de", "l'examen d'intégrité", "fr", "de l'examen d'intégrité"),
        ("à", "les membres", "fr", "aux membres"),
        ("de", "el examen de integridad", "es", "del examen de integridad"),
        ("a", "el miembro evaluado", "es", "al miembro evaluado"),
        ("de", "la evaluación", "es", "de la evaluación"),
    ],
)
def test_a_preposition_and_its_article_are_written_as_the_language_joins_them(
    preposition, form, language, expected
):
    from untoc_workflow.wording.articles import after

    assert after(preposition, form, language) == expected
