"""An officer's own e-mail and phone: where reminders of their deadlines reach them."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from consular import audit
from consular.audit.tags import AuditTag
from consular.auth.models import User
from consular.auth.permissions import Permission
from consular.auth.service import Actor
from consular.errors import InvalidInput, NotFound
from consular.fields import limit_of
from consular.i18n import N_
from consular.i18n.message import Message

# One @, no spaces, a dot in the domain: what every mail relay accepts (the mailbox is the
# relay's to check). A phone: digits with the usual separators, an optional leading +.
_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")
_PHONE = re.compile(r"\+?[0-9][0-9 ().-]*")
_PHONE_DIGITS = (7, 15)  # E.164 allows at most 15 digits; no real number has fewer than 7


def _email_problem(email: str) -> Message | None:
    limit = limit_of(User.email)
    if len(email) > limit:
        return Message("user.email_too_long", N_("At most %(limit)s characters."), limit=limit)
    if email and not _EMAIL.fullmatch(email):
        return Message(
            "user.email_invalid",
            N_("“%(value)s” is not an e-mail address: write it as name@example.org."),
            value=email,
        )
    return None


def _phone_problem(phone: str) -> Message | None:
    digits = sum(ch.isdigit() for ch in phone)
    low, high = _PHONE_DIGITS
    if phone and (not _PHONE.fullmatch(phone) or not low <= digits <= high):
        return Message(
            "user.phone_invalid",
            N_(
                "“%(value)s” is not a phone number: write 7 to 15 digits, with the country "
                "code after a + (+1-404-555-0100)."
            ),
            value=phone,
        )
    return None


def checked_contact(email: str, phone: str) -> tuple[str, str]:
    """The e-mail and phone as stored, or every problem beside its field (``fields``)."""
    email, phone = email.strip(), phone.strip()
    problems = {
        name: problem
        for name, problem in (("email", _email_problem(email)), ("phone", _phone_problem(phone)))
        if problem is not None
    }
    if problems:
        first = next(iter(problems.values()))
        raise InvalidInput(first, details={"fields": problems, "problems": list(problems.values())})
    return email, phone


def set_contact(db: Session, actor: Actor, user_name: str, *, email: str, phone: str) -> User:
    """Set a user's e-mail and phone ("" for none): one's own, or anyone's for an
    administrator; audited with what changed."""
    user = db.scalar(select(User).where(User.name == user_name.strip()))
    own = user is not None and user.id == actor.user_id
    if user is None or not (own or actor.can(Permission.USER_ADMIN)):
        raise NotFound("user", user_name)
    email, phone = checked_contact(email, phone)
    diff: dict[str, object] = {}
    if email != user.email:
        diff["email"] = [bool(user.email), bool(email)]
        user.email = email
    if phone != user.phone:
        diff["phone"] = [bool(user.phone), bool(phone)]
        user.phone = phone
    if diff:
        audit.record(
            db,
            actor=actor.name,
            tag=AuditTag.USER_CONTACT,
            target_type="user",
            target_id=user.id,
            diff={"name": user.name, **diff},
        )
    return user
