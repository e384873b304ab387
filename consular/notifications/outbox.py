"""Writing messages into the outbox, in the transaction of the change they report."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from consular.cases.models import Case
from consular.notifications import messages
from consular.notifications.models import Notification

# Case states whose reaching a family hears about (consular_visit is a checklist item).
STATE_EVENTS = {
    "located": "located",
    "departure_scheduled": "departure_scheduled",
    "departed": "departed",
    "released": "released",
}


def person_name(
    family_hangul: str | None,
    given_hangul: str | None,
    family: str | None,
    given: str | None,
    *,
    language: str,
) -> str:
    """A person's name as a reader of ``language`` writes it: Hangul for Korean."""
    hangul = "".join(p for p in (family_hangul, given_hangul) if p)
    latin = " ".join(p for p in (family, given) if p)
    if language == "ko":
        return hangul or latin or "?"
    return latin or hangul or "?"


def _name(case: Case, language: str) -> str:
    p = case.person
    return person_name(
        p.family_name_hangul, p.given_name_hangul, p.family_name, p.given_name, language=language
    )


# An event's own value: the same for every reader, or written for the reader's language.
Value = str | Callable[[str], str]


def enqueue(db: Session, case: Case, event: str, **more: Value) -> list[Notification]:
    """One message per channel of each contact who has not opted out; none is sent here, and
    none at all when the detainee refused that the family be told (CON-05). ``more``: the
    event's own values (a flight's number, time and airport)."""
    # (consular.cases.wishes.family_may_be_told, which imports the case service that imports
    # this module.)
    if event not in messages.EVENTS or case.family_notice == "no":
        return []
    post = case.incident.post
    written = []
    for contact in case.person.contacts:
        if contact.opted_out:
            continue
        message = messages.write(
            event,
            contact.language,
            name=_name(case, contact.language),
            facility=case.facility,
            post=post.name_in(contact.language),
            phone=post.phone,
            **{
                key: value(contact.language) if callable(value) else value
                for key, value in more.items()
            },
        )
        for channel, recipient in (("email", contact.email), ("sms", contact.phone)):
            if not recipient.strip():
                continue
            notification = Notification(
                case_id=case.id,
                contact_id=contact.id,
                event=event,
                channel=channel,
                recipient=recipient.strip(),
                language=contact.language,
                subject=message.subject,
                body=message.body,
            )
            db.add(notification)
            written.append(notification)
    return written
