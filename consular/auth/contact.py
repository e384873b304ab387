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
from consular.fields import FieldError, limit_of
from consular.i18n import N_
from consular.i18n.message import Message
from consular.phones import HOME_REGION, parse_phone, region_of

# One @, no spaces, a dot in the domain: what every mail relay accepts (the mailbox is the
# relay's to check).
EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")


def _email_problem(email: str) -> Message | None:
    limit = limit_of(User.email)
    if len(email) > limit:
        return Message("user.email_too_long", N_("At most %(limit)s characters."), limit=limit)
    if email and not EMAIL.fullmatch(email):
        return Message(
            "user.email_invalid",
            N_("“%(value)s” is not an e-mail address: write it as name@example.org."),
            value=email,
        )
    return None


def checked_contact(email: str, phone: str, region: str = HOME_REGION) -> tuple[str, str]:
    """The e-mail and the phone (E.164, read in ``region`` without a country code) as
    stored, or every problem beside its field (``fields``)."""
    email = email.strip()
    problems: dict[str, Message] = {}
    if (wrong := _email_problem(email)) is not None:
        problems["email"] = wrong
    try:
        phone = parse_phone(phone, region)
    except FieldError as exc:
        problems["phone"] = exc.message
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
    post = user.post
    email, phone = checked_contact(email, phone, region_of(post.country if post else None))
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
