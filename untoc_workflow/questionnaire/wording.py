"""The words of the questionnaire pages, in the six languages of the United Nations."""

from __future__ import annotations

from typing import Any

TEXTS: dict[str, dict[str, str]] = {
    "sections": {
        "en": "Sections",
        "fr": "Sections",
        "es": "Secciones",
        "ar": "الأقسام",
        "zh": "部分",
        "ru": "Разделы",
    },
    "all": {
        "en": "All sections",
        "fr": "Toutes les sections",
        "es": "Todas las secciones",
        "ar": "جميع الأقسام",
        "zh": "所有部分",
        "ru": "Все разделы",
    },
    "save": {
        "en": "Save the draft",
        "fr": "Enregistrer le projet",
        "es": "Guardar el borrador",
        "ar": "حفظ المسودة",
        "zh": "保存草稿",
        "ru": "Сохранить черновик",
    },
    "submit": {
        "en": "Submit the answers",
        "fr": "Soumettre les réponses",
        "es": "Presentar las respuestas",
        "ar": "تقديم الإجابات",
        "zh": "提交答复",
        "ru": "Представить ответы",
    },
    "submit_feedback": {
        "en": "Submit the written feedback",
        "fr": "Soumettre les observations écrites",
        "es": "Presentar las observaciones por escrito",
        "ar": "تقديم الملاحظات الكتابية",
        "zh": "提交书面反馈",
        "ru": "Представить письменные замечания",
    },
    # the button of feedback a process calls otherwise ("Desk analysis by the assessing
    # members"): its step's title after it
    "submit_step": {
        "en": "Submit: {step}",
        "fr": "Soumettre : {step}",
        "es": "Presentar: {step}",
        "ar": "تقديم: {step}",
        "zh": "提交：{step}",
        "ru": "Представить: {step}",
    },
    "saved": {
        "en": "The draft is saved.",
        "fr": "Le projet est enregistré.",
        "es": "El borrador se ha guardado.",
        "ar": "تم حفظ المسودة.",
        "zh": "草稿已保存。",
        "ru": "Черновик сохранен.",
    },
    "submitted": {
        "en": "The answers are submitted; they can no longer be changed.",
        "fr": "Les réponses sont soumises ; elles ne peuvent plus être modifiées.",
        "es": "Las respuestas se han presentado; ya no pueden modificarse.",
        "ar": "تم تقديم الإجابات؛ ولم يعد من الممكن تغييرها.",
        "zh": "答复已提交，不能再修改。",
        "ru": "Ответы представлены; изменить их больше нельзя.",
    },
    "feedback_submitted": {
        "en": "The written feedback is submitted.",
        "fr": "Les observations écrites sont soumises.",
        "es": "Las observaciones por escrito se han presentado.",
        "ar": "تم تقديم الملاحظات الكتابية.",
        "zh": "书面反馈已提交。",
        "ru": "Письменные замечания представлены.",
    },
    "not_yet": {
        "en": "The answers have not been submitted yet.",
        "fr": "Les réponses n'ont pas encore été soumises.",
        "es": "Las respuestas aún no se han presentado.",
        "ar": "لم تُقدَّم الإجابات بعد.",
        "zh": "答复尚未提交。",
        "ru": "Ответы еще не представлены.",
    },
    "problems": {
        "en": "Some answers need attention; each is marked beside its question.",
        "fr": "Certaines réponses sont à revoir ; chacune est signalée à côté de sa question.",
        "es": "Algunas respuestas requieren atención; cada una se señala junto a su pregunta.",
        "ar": "بعض الإجابات تحتاج إلى مراجعة؛ وقد أُشير إلى كل منها بجانب سؤالها.",
        "zh": "部分答复需要修改，已在相应问题旁标出。",
        "ru": "Некоторые ответы требуют внимания; каждый отмечен рядом с вопросом.",
    },
    "no_answer": {
        "en": "(no answer)",
        "fr": "(pas de réponse)",
        "es": "(sin respuesta)",
        "ar": "(لا إجابة)",
        "zh": "（未作答）",
        "ru": "(нет ответа)",
    },
    "feedback": {
        "en": "Written feedback",
        "fr": "Observations écrites",
        "es": "Observaciones por escrito",
        "ar": "الملاحظات الكتابية",
        "zh": "书面反馈",
        "ru": "Письменные замечания",
    },
    "consent_q": {
        "en": "Publish these answers on the country profile?",
        "fr": "Publier ces réponses sur le profil du pays ?",
        "es": "¿Publicar estas respuestas en el perfil del país?",
        "ar": "هل تُنشر هذه الإجابات في الموجز القطري؟",
        "zh": "是否在国家概况中公布这些答复？",
        "ru": "Опубликовать эти ответы в страновом профиле?",
    },
    "consent_yes": {
        "en": "Yes, publish",
        "fr": "Oui, publier",
        "es": "Sí, publicar",
        "ar": "نعم، تُنشر",
        "zh": "是，公布",
        "ru": "Да, опубликовать",
    },
    "consent_no": {
        "en": "No, do not publish",
        "fr": "Non, ne pas publier",
        "es": "No, no publicar",
        "ar": "لا، لا تُنشر",
        "zh": "否，不公布",
        "ru": "Нет, не публиковать",
    },
    "published": {
        "en": "Published with the consent of the State party.",
        "fr": "Publiées avec le consentement de l'État partie.",
        "es": "Publicadas con el consentimiento del Estado parte.",
        "ar": "نُشرت بموافقة الدولة الطرف.",
        "zh": "经缔约国同意公布。",
        "ru": "Опубликовано с согласия государства-участника.",
    },
    "consent_done": {
        "en": "Your answer on publication is recorded.",
        "fr": "Votre réponse sur la publication est enregistrée.",
        "es": "Su respuesta sobre la publicación ha quedado registrada.",
        "ar": "تم تسجيل ردكم بشأن النشر.",
        "zh": "您关于公布的答复已记录。",
        "ru": "Ваш ответ о публикации записан.",
    },
    "answers_of": {
        "en": "Answers of",
        "fr": "Réponses de",
        "es": "Respuestas de",
        "ar": "إجابات",
        "zh": "答复方：",
        "ru": "Ответы:",
    },
    "yes_mark": {
        "en": "(required)",
        "fr": "(obligatoire)",
        "es": "(obligatoria)",
        "ar": "(إلزامي)",
        "zh": "（必答）",
        "ru": "(обязательно)",
    },
    "attach": {
        "en": "Supporting documents",
        "fr": "Pièces justificatives",
        "es": "Documentos justificativos",
        "ar": "الوثائق الداعمة",
        "zh": "佐证文件",
        "ru": "Подтверждающие документы",
    },
    "attach_to": {
        "en": "Attach to the question",
        "fr": "Joindre à la question",
        "es": "Adjuntar a la pregunta",
        "ar": "إرفاق بالسؤال",
        "zh": "附于问题",
        "ru": "Приложить к вопросу",
    },
    "attach_button": {
        "en": "Attach the document",
        "fr": "Joindre le document",
        "es": "Adjuntar el documento",
        "ar": "إرفاق الوثيقة",
        "zh": "附上文件",
        "ru": "Приложить документ",
    },
    "attached": {
        "en": "The document is attached to the draft.",
        "fr": "Le document est joint au projet.",
        "es": "El documento se ha adjuntado al borrador.",
        "ar": "أُرفقت الوثيقة بالمسودة.",
        "zh": "文件已附于草稿。",
        "ru": "Документ приложен к черновику.",
    },
    "no_file": {
        "en": "Choose a question and a file.",
        "fr": "Choisissez une question et un fichier.",
        "es": "Elija una pregunta y un archivo.",
        "ar": "يرجى اختيار سؤال وملف.",
        "zh": "请选择问题和文件。",
        "ru": "Выберите вопрос и файл.",
    },
    "too_large": {
        "en": "The file is too large.",
        "fr": "Le fichier est trop volumineux.",
        "es": "El archivo es demasiado grande.",
        "ar": "الملف كبير جدا.",
        "zh": "文件过大。",
        "ru": "Файл слишком велик.",
    },
    "wrong_type": {
        "en": "The file is not a PDF, Word (.docx) or OpenDocument (.odt) document.",
        "fr": "Le fichier n'est pas un document PDF, Word (.docx) ou OpenDocument (.odt).",
        "es": "El archivo no es un documento PDF, Word (.docx) u OpenDocument (.odt).",
        "ar": "الملف ليس وثيقة PDF أو Word (.docx) أو OpenDocument (.odt).",
        "zh": "文件不是PDF、Word（.docx）或OpenDocument（.odt）文档。",
        "ru": "Файл не является документом PDF, Word (.docx) или OpenDocument (.odt).",
    },
    "empty": {
        "en": "The file is empty.",
        "fr": "Le fichier est vide.",
        "es": "El archivo está vacío.",
        "ar": "الملف فارغ.",
        "zh": "文件为空。",
        "ru": "Файл пуст.",
    },
    "online": {
        "en": "answers online",
        "fr": "réponses en ligne",
        "es": "respuestas en línea",
        "ar": "الإجابات على الإنترنت",
        "zh": "在线答复",
        "ru": "ответы онлайн",
    },
    "back": {
        "en": "Back to the review",
        "fr": "Retour à l'examen",
        "es": "Volver al examen",
        "ar": "العودة إلى الاستعراض",
        "zh": "返回审议",
        "ru": "Вернуться к обзору",
    },
}


def texts(language: str, feedback_step: Any = None) -> dict[str, str]:
    """The page's words in `language`. The reviewers' feedback is named by the step that
    receives it (`feedback_step`): UNTOC's "Written feedback", a regional body's "Desk
    analysis by the assessing members", never the one for the other."""
    words = {key: values.get(language) or values["en"] for key, values in TEXTS.items()}
    title = feedback_step.label(language) if feedback_step is not None else None
    if title and title != words["feedback"]:
        words["feedback"] = title
        words["submit_feedback"] = words["submit_step"].format(step=title)
    return words
