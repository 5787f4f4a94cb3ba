"""Words of the report page and its charts, in English and French (the paper's glossary)."""

from __future__ import annotations

from ..errors import InputError, Problem

LANGUAGES = ("en", "fr")

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "State of the Review Mechanism of UNTOC and its Protocols",
        "as_of": "Status as of {date}",
        "generated": "Computed from the event log; every figure is as of the date above.",
        "key_counts": "Key figures",
        "figure": "Figure",
        "figure_table": "Numbers shown in the chart",
        "group": "Group",
        "total": "Total",
        "count": "Count",
        "reviews_total": "Country reviews",
        "reviews_under_way": "Reviews under way",
        "reviews_not_started": "Reviews not started",
        "reviews_blocked": "Reviews held up by missing focal points",
        "parties_without": "Parties without a focal point",
        "focal_points": "Focal points (persons)",
        "parties_with": "Parties with a focal point",
        "focal_points_women": "Focal points who are women",
        "parties_changed": "Parties that changed their focal point",
        "experts": "Governmental experts",
        "experts_women": "Governmental experts who are women",
        "consultations": "Preliminary consultations held",
        "saq_submitted": "Self-assessment questionnaires submitted",
        "feedback_late": "Reviews late at the written feedback",
        "group1_complete": "Group 1 reviews complete (70 % rule)",
        "next_cluster": "Next cluster may start",
        "yes": "yes",
        "no": "no",
        "fig1": "Reviews for which focal points are still to be named",
        "fig2": "Progress of country reviews, by group",
        "fig3": "Country reviews whose preliminary consultation was held",
        "fig4": "Working languages chosen for the reviews",
        "fig5": "State of the self-assessment questionnaires, by group",
        "fig6": "State of the written feedback, by group",
        "fig7": "Delays of the written feedback against the agreed schedule",
        "not_started": "Not started",
        "questionnaire": "Questionnaire",
        "written_feedback": "Written feedback",
        "observations": "List of observations",
        "completed": "Completed",
        "held": "Held",
        "not_held": "Not held",
        "single": "One language",
        "pairs": "Two languages",
        "triples": "Three languages",
        "no_agreement": "No agreement",
        "submitted": "Submitted",
        "in_preparation": "In preparation",
        "at_stage": "At the stage",
        "feedback_completed": "Completed",
        "not_late": "Not late",
        "late_up_to_6_months": "Late, up to 6 months",
        "late_6_12_months": "Late, 6 to 12 months",
        "late_over_1_year": "Late, more than a year",
        "saq_lateness": "Lateness of the submitted questionnaires",
        "on_time": "On time",
        "late_1_10_days": "1-10 days late",
        "late_11_days_3_months": "11 days to 3 months late",
        "late_3_6_months": "3 to 6 months late",
        "late_over_6_months": "More than 6 months late",
        "forecast": "Forecast: group 1 against the 70 % rule",
        "forecast_note": (
            "Monte-Carlo simulation from the delays observed so far ({runs} runs, seed {seed}); "
            "the band spans the 10th to 90th percentile."
        ),
        "forecast_threshold_date": "Date the threshold is reached (median, 10-90 %)",
        "share_complete": "Share of group 1 complete",
        "baseline": "As things stand",
        "what_if": "What if: {label}",
        "never": "after the 30-year horizon",
    },
    "fr": {
        "title": (
            "État de fonctionnement du Mécanisme d'examen de l'application de la Convention "
            "contre la criminalité transnationale organisée et des Protocoles s'y rapportant"
        ),
        "as_of": "Situation au {date}",
        "generated": "Calculé à partir du journal des événements ; chiffres à la date ci-dessus.",
        "key_counts": "Chiffres clés",
        "figure": "Figure",
        "figure_table": "Chiffres représentés",
        "group": "Groupe",
        "total": "Total",
        "count": "Nombre",
        "reviews_total": "Examens de pays",
        "reviews_under_way": "Examens en cours",
        "reviews_not_started": "Examens non commencés",
        "reviews_blocked": "Examens entravés faute de points de contact",
        "parties_without": "Parties sans point de contact",
        "focal_points": "Points de contact (personnes)",
        "parties_with": "Parties ayant un point de contact",
        "focal_points_women": "Points de contact : femmes",
        "parties_changed": "Parties ayant changé de point de contact",
        "experts": "Expertes et experts gouvernementaux",
        "experts_women": "Expertes gouvernementales",
        "consultations": "Consultations préliminaires tenues",
        "saq_submitted": "Questionnaires d'auto-évaluation soumis",
        "feedback_late": "Examens en retard aux observations écrites",
        "group1_complete": "Examens du premier groupe achevés (règle des 70 %)",
        "next_cluster": "L'axe thématique suivant peut commencer",
        "yes": "oui",
        "no": "non",
        "fig1": "Examens pour lesquels des points de contact restent à nommer",
        "fig2": "État d'avancement des examens de pays, par groupe",
        "fig3": (
            "Nombre d'examens de pays pour lesquels des consultations préliminaires ont été tenues"
        ),
        "fig4": "Langues retenues pour les examens",
        "fig5": "État d'avancement des questionnaires d'auto-évaluation, par groupe",
        "fig6": "État d'avancement des observations écrites, par groupe",
        "fig7": "Retards dans la présentation des observations écrites",
        "not_started": "Non commencé",
        "questionnaire": "Questionnaire",
        "written_feedback": "Observations écrites",
        "observations": "Liste d'observations",
        "completed": "Achevé",
        "held": "Tenues",
        "not_held": "Non tenues",
        "single": "Une langue",
        "pairs": "Deux langues",
        "triples": "Trois langues",
        "no_agreement": "Pas d'accord",
        "submitted": "Soumis",
        "in_preparation": "En cours d'élaboration",
        "at_stage": "À ce stade",
        "feedback_completed": "Terminées",
        "not_late": "Sans retard",
        "late_up_to_6_months": "Retard jusqu'à 6 mois",
        "late_6_12_months": "Retard de 6 à 12 mois",
        "late_over_1_year": "Retard de plus d'un an",
        "saq_lateness": "Retards des questionnaires soumis",
        "on_time": "Dans les délais",
        "late_1_10_days": "Retard de 1 à 10 jours",
        "late_11_days_3_months": "Retard de 11 jours à 3 mois",
        "late_3_6_months": "Retard de 3 à 6 mois",
        "late_over_6_months": "Retard de plus de 6 mois",
        "forecast": "Prévision : premier groupe et règle des 70 %",
        "forecast_note": (
            "Simulation de Monte-Carlo fondée sur les retards observés ({runs} tirages, "
            "graine {seed}) ; la bande couvre les 10e à 90e centiles."
        ),
        "forecast_threshold_date": "Date à laquelle le seuil est atteint (médiane, 10-90 %)",
        "share_complete": "Part des examens du premier groupe achevés",
        "baseline": "En l'état",
        "what_if": "Hypothèse : {label}",
        "never": "au-delà de l'horizon de 30 ans",
    },
}

LANGUAGE_NAMES = {
    "en": {
        "ar": "Arabic",
        "zh": "Chinese",
        "en": "English",
        "fr": "French",
        "ru": "Russian",
        "es": "Spanish",
    },
    "fr": {
        "ar": "arabe",
        "zh": "chinois",
        "en": "anglais",
        "fr": "français",
        "ru": "russe",
        "es": "espagnol",
    },
}


def words(lang: str) -> dict[str, str]:
    """The words of the page in `lang`; InputError naming the languages there are."""
    if lang not in TEXT:
        raise InputError(
            [Problem(f"no report in {lang!r}", path="--lang", hint=f"choose {', '.join(TEXT)}")]
        )
    return TEXT[lang]


def combo_label(key: str, lang: str) -> str:
    """'ar+en' -> 'Arabic + English'."""
    names = LANGUAGE_NAMES.get(lang, LANGUAGE_NAMES["en"])
    return " + ".join(names.get(code, code) for code in key.split("+"))
