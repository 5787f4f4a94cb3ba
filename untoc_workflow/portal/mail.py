"""The portal's emails, written as correspondence from the secretariat.

The sign-in link goes straight to the mail transport the project is configured with
(UNTOC_NOTIFY_URL, or the outbox folder) and is never written to the outbox table: a link
is a credential. The answer to a request for more time is an ordinary outbox row, delivered
like every notice and shown on the review's page.
"""

from __future__ import annotations

import html
import inspect
import logging
from dataclasses import dataclass
from datetime import date, datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Engine

from .i18n import long_date, translations
from .own_words import OwnWords

log = logging.getLogger("untoc.portal")
SIGNATURE = (
    "Secretariat of the Mechanism for the Review of the Implementation of the United Nations "
    "Convention against Transnational Organized Crime and the Protocols thereto\n"
    "United Nations Office on Drugs and Crime"
)


@dataclass(frozen=True)
class Letter:
    subject: str
    text: str
    html: str


def _letter(subject: str, paragraphs: list[str]) -> Letter:
    text = "\n\n".join(paragraphs) + "\n"
    body = "".join("<p>" + html.escape(p).replace("\n", "<br>") + "</p>\n" for p in paragraphs)
    return Letter(subject, text, f"<!doctype html><html><body>\n{body}</body></html>\n")


def sign_in_letter(name: str, link: str, language: str, own: OwnWords | None = None) -> Letter:
    """The single-use link, in the words of the body the portal serves (`own`: its
    mechanism and secretariat where its process declares them, else UNTOC's)."""
    _ = translations(language).gettext
    asked = (
        _("You asked to sign in to the review portal: %(mechanism)s.")
        % {"mechanism": own.mechanism}
        if own is not None and own.mechanism
        else _(
            "You asked to sign in to the portal of the Mechanism for the Review of the "
            "Implementation of the United Nations Convention against Transnational "
            "Organized Crime and the Protocols thereto."
        )
    )
    return _letter(
        _("Your link to sign in to the review portal"),
        [
            _("Dear %(name)s,") % {"name": name},
            asked,
            _("Please open the following link within 30 minutes. It can be used only once:"),
            link,
            _(
                "If you did not ask to sign in, no action is required: nobody can sign in "
                "without this link."
            ),
            (own.signature("\n") if own is not None else None) or _(SIGNATURE),
        ],
    )


def decision_letter(
    *,
    name: str,
    language: str,
    approved: bool,
    review: str,
    party_of: str,
    step_title: str,
    requested_on: date,
    due: date | None,
    answer: str | None,
    url: str,
    decided_on: date,
    gender: str | None = None,
    own: OwnWords | None = None,
    place: str | None = None,
) -> Letter:
    """The answer to a request for more time, in the form of the secretariat's other letters
    to persons: the place and date line (the day of the decision; `place`, the duty station
    its process declares, else Vienna), and the salutation by the gender the record holds
    for the focal point (wording/form.py). `own`: the words of the review's process where it
    names its reviews and its secretariat (its review is then "the review IR-2025-SEN", not
    a country review, and it signs the letter)."""
    from ..wording.form import dateline, salutation

    _ = translations(language).gettext
    values = {
        "review": review,
        "of_party": party_of,
        "step": step_title,
        "requested": long_date(requested_on, language),
        "due": long_date(due, language),
    }
    if own is not None and own.reviews:
        decided = (
            _(
                "The secretariat has agreed to your request of %(requested)s for more time "
                "for the step “%(step)s” of the review %(review)s. The new deadline is %(due)s."
            )
            if approved
            else _(
                "The secretariat regrets that it is unable to agree to your request of "
                "%(requested)s for more time for the step “%(step)s” of the review "
                "%(review)s. The deadline is unchanged."
            )
        )
    elif approved:
        decided = _(
            "The secretariat has agreed to your request of %(requested)s for more time for "
            "the step “%(step)s” of the country review %(of_party)s (%(review)s). "
            "The new deadline is %(due)s."
        )
    else:
        decided = _(
            "The secretariat regrets that it is unable to agree to your request of "
            "%(requested)s for more time for the step “%(step)s” of the country review "
            "%(of_party)s (%(review)s). The deadline is unchanged."
        )
    paragraphs = [
        dateline(language, long_date(decided_on, language), place),
        salutation({"kind": "focal_point", "name": name, "gender": gender}, language),
        decided % values,
    ]
    if answer:
        paragraphs.append(answer)
    paragraphs.append(_("The review's page in the portal: %(url)s") % {"url": url})
    paragraphs.append((own.signature("\n") if own is not None else None) or _(SIGNATURE))
    return _letter(_("Your request for more time: %(review)s") % values, paragraphs)


def send_now(
    project: Any,
    recipient: str,
    name: str,
    letter: Letter,
    key: str,
    now: datetime,
    language: str = "en",
    sender_name: str | None = None,
) -> None:
    """Hand one message to the mail transport at once (used for sign-in links only)."""
    from ..outbox import transport_for
    from ..outbox.message import build_message, message_id

    row = SimpleNamespace(
        key=key,
        message_id=message_id(key, project.sender),
        recipient=recipient,
        recipient_name=name,
        subject=letter.subject,
        language=language,
        notice="portal-sign-in",
        review_id=None,
        body_text=letter.text,
        body_html=letter.html,
        sender_name=sender_name,  # the secretariat the portal's process declares, if any
    )
    outgoing = build_message(
        row,
        sender=project.sender,
        sender_name=project.secretariat.name,
        reply_to=project.secretariat.email,
        now=now,
    )
    transport = transport_for(project)
    try:
        # Older transports take a "point of no return" callback (the outbox records its
        # state there); a link is not in the outbox, so there is nothing to record.
        extra = (lambda: None,) if len(inspect.signature(transport.send).parameters) > 2 else ()
        transport.send(outgoing, f"sign-in_{key[:16]}", *extra)
    finally:
        transport.close()


def queue_and_send(
    engine: Engine,
    project: Any,
    *,
    key: str,
    recipient: str,
    name: str,
    language: str,
    letter: Letter,
    review: str,
    step: str,
    party: str | None,
    today: date,
    now: datetime,
    sender_name: str | None = None,
) -> None:
    """Write one outbox row (once: the key decides) and deliver what is pending;
    `sender_name`: the secretariat the review's process declares, if any."""
    from ..outbox import transport_for
    from ..outbox.rows import drain, insert_rows, new_row, utc_naive

    stamp = utc_naive(now)
    row = new_row(
        key,
        recipient=SimpleNamespace(email=recipient, name=name),
        rendered=letter,
        language=language,
        sender=project.sender,
        stamp=stamp,
        notice=key,
        kind="portal",
        review_id=review,
        step=step,
        rung=None,
        occurrence=None,
        deadline_due=None,
        due_on=today,
        found_on=today,
        party=party,
        role="requester",
        copy_only=False,
        sender_name=sender_name,
    )
    with engine.begin() as conn:
        insert_rows(conn, [row])
    try:
        transport = transport_for(project)
    except Exception as exc:  # a bad mail setting: the row waits for the next sweep
        log.warning("the answer is in the outbox but was not sent: %s", exc)
        return
    try:
        drain(
            engine,
            transport,
            now,
            sender=project.sender,
            sender_name=project.secretariat.name,
            reply_to=project.secretariat.email,
        )
    finally:
        transport.close()
