"""The text message that gives a caller their family code.

The code is kept nowhere in clear but in this one outbox row: the family needs it in the
message, and the outbox stores a message's body as written until it is sent. The code's own
row keeps only its hash, the audit says only that the message was written, and the code
expires (and can be revoked) like any other.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from consular.cases.models import Case
from consular.i18n import LANGUAGES, translations
from consular.i18n.particles import with_particles
from consular.notifications.models import Notification
from consular.notifications.outbox import person_name
from consular.registry.models import EmergencyContact


def N_(message: str) -> str:
    """Mark a sentence for the catalogs; it is translated when the message is written."""
    return message


EVENT = "family_code"
SUBJECT = N_("%(post)s: status code for %(name)s")
BODY = N_(
    "%(post)s: the status code for %(name)s is %(code)s. Enter it with the date of birth on "
    "the consulate's status page. Questions: %(phone)s."
)


def write_code_sms(db: Session, case: Case, contact: EmergencyContact, code: str) -> Notification:
    """The SMS carrying ``code`` to ``contact``, in their language, into the outbox."""
    language = contact.language if contact.language in LANGUAGES else "ko"
    gettext = translations(language).gettext
    person = case.person
    post = case.incident.post
    parts = {
        "post": post.name_in(language),
        "name": person_name(
            person.family_name_hangul,
            person.given_name_hangul,
            person.family_name,
            person.given_name,
            language=language,
        ),
        "code": code,
        "phone": post.phone or "—",
    }
    notification = Notification(
        case_id=case.id,
        contact_id=contact.id,
        event=EVENT,
        channel="sms",
        recipient=contact.phone,
        language=language,
        subject=with_particles(gettext(SUBJECT) % parts),
        body=with_particles(gettext(BODY) % parts),
    )
    db.add(notification)
    return notification
