"""Writing messages into the outbox, in the transaction of the change they report."""

from __future__ import annotations

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


def _name(case: Case, language: str) -> str:
    person = case.person
    hangul = "".join(p for p in (person.family_name_hangul, person.given_name_hangul) if p)
    latin = " ".join(p for p in (person.family_name, person.given_name) if p)
    if language == "ko":
        return hangul or latin or "?"
    return latin or hangul or "?"


def enqueue(db: Session, case: Case, event: str) -> list[Notification]:
    """One message per channel of each contact who has not opted out; none is sent here."""
    if event not in messages.EVENTS:
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
