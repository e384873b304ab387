"""Users, passwords, API tokens, and who is acting."""

from __future__ import annotations

import getpass
import hashlib
import secrets
from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from consular import audit
from consular.audit.tags import AuditTag
from consular.auth.models import ApiToken, Post, User
from consular.auth.permissions import Permission, Role, has_permission
from consular.db import utcnow
from consular.errors import Conflict, InvalidInput, NotFound, Unauthenticated, unknown_value
from consular.fields import FieldError, parse_country
from consular.i18n import N_
from consular.registry.models import Employer

_hasher = PasswordHasher()
TOKEN_PREFIX = "csl_"
# The start of a token that names it in the audit log and for revocation; not a secret.
PREFIX_LENGTH = 10


@dataclass(frozen=True)
class Actor:
    """Who is acting: a signed-in user, or the operator at the command line."""

    name: str
    role: Role
    post_id: str | None = None
    employer_id: str | None = None
    user_id: str | None = None

    def can(self, permission: Permission) -> bool:
        return has_permission(self.role, permission)

    def require(self, permission: Permission, what: str, ident: object) -> None:
        """Refuse with exactly the answer an unknown ``what`` ``ident`` would get."""
        # Not allowed looks like not there: the caller learns nothing about what exists.
        if not self.can(permission):
            raise NotFound(what, ident)

    @classmethod
    def from_user(cls, user: User) -> Actor:
        return cls(user.name, Role(user.role), user.post_id, user.employer_id, user.id)

    @classmethod
    def operator(cls) -> Actor:
        """The person running the CLI on the server: full access, named in the audit log."""
        try:
            who = getpass.getuser()
        except (KeyError, OSError):
            who = "unknown"
        return cls(f"cli:{who}", Role.ADMIN)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def _dummy_hash() -> str:
    # Made once per process, with the hasher's own cost, on first use (not at import).
    return _hasher.hash(secrets.token_urlsafe(16))


def generate_password() -> str:
    return secrets.token_urlsafe(12)


def _post_country(name: str, country: str, time_zone: str) -> str:
    """The country code of a new post, once its name, country and time zone are valid."""
    try:
        code = parse_country(country)
        ZoneInfo(time_zone)
    except FieldError as exc:
        raise InvalidInput(exc.message) from None
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(
            "post.unknown_time_zone",
            N_("“%(value)s” is not a time zone: use an IANA name like America/New_York."),
            value=time_zone,
        ) from None
    if not name.strip() or code is None:
        raise InvalidInput("post.incomplete", N_("A post needs a name and a country."))
    return code


def get_or_create_post(
    db: Session,
    name: str,
    *,
    name_ko: str = "",
    country: str = "USA",
    city: str = "",
    time_zone: str = "UTC",
    phone: str = "",
    actor: Actor | None = None,
) -> Post:
    """The post of this English name (``name_ko``: its Korean name), added (and audited) if
    it is new."""
    post = db.scalar(select(Post).where(Post.name == name))
    if post is not None:
        return post
    actor = actor or Actor.operator()
    actor.require(Permission.USER_ADMIN, "post", name)
    code = _post_country(name, country, time_zone)
    post = Post(
        name=name.strip(),
        name_ko=name_ko.strip(),
        country=code,
        city=city,
        time_zone=time_zone,
        phone=phone,
    )
    db.add(post)
    db.flush()
    audit.record(
        db,
        actor=actor.name,
        tag=AuditTag.POST_CREATE,
        target_type="post",
        target_id=post.id,
        diff={
            "name": post.name,
            "name_ko": post.name_ko,
            "country": code,
            "city": city,
            "time_zone": time_zone,
        },
    )
    return post


def _place_of(
    db: Session, role: Role, post: str | None, employer: str | None
) -> tuple[str | None, str | None]:
    """The post's and the employer's ids a new user of ``role`` belongs to."""
    if role is Role.EMPLOYER_HR:
        if not employer:
            raise InvalidInput(
                "user.employer_missing", N_("An employer HR user needs an employer.")
            )
        found = db.scalar(select(Employer).where(Employer.name == employer))
        if found is None:
            raise InvalidInput(
                "user.unknown_employer", N_("There is no employer named %(name)s."), name=employer
            )
        return None, found.id
    if post:
        found_post = db.scalar(select(Post).where(Post.name == post))
        if found_post is None:
            raise InvalidInput(
                "user.unknown_post", N_("There is no post named %(name)s."), name=post
            )
        return found_post.id, None
    if role in (Role.OFFICER, Role.VIEWER):
        raise InvalidInput(
            "user.post_missing", N_("This role needs a post."), details={"role": role.value}
        )
    return None, None


def create_user(
    db: Session,
    actor: Actor,
    *,
    name: str,
    role: str,
    password: str,
    post: str | None = None,
    employer: str | None = None,
) -> User:
    actor.require(Permission.USER_ADMIN, "user", name)
    try:
        role_enum = Role(role)
    except ValueError:
        raise unknown_value("user.unknown_role", role, [r.value for r in Role]) from None
    if not name.strip():
        raise InvalidInput("user.name_missing", N_("A user name is required."))
    if len(password) < 8:
        raise InvalidInput(
            "user.short_password", N_("The password must have at least 8 characters.")
        )
    if db.scalar(select(User).where(User.name == name)) is not None:
        raise Conflict("user.name_taken", N_("A user named %(name)s already exists."), name=name)
    post_id, employer_id = _place_of(db, role_enum, post, employer)
    user = User(
        name=name,
        role=role_enum.value,
        post_id=post_id,
        employer_id=employer_id,
        password_hash=hash_password(password),
    )
    db.add(user)
    db.flush()
    audit.record(
        db,
        actor=actor.name,
        tag=AuditTag.USER_CREATE,
        target_type="user",
        target_id=user.id,
        diff={"name": name, "role": role_enum.value, "post": post, "employer": employer},
    )
    return user


def deactivate_user(db: Session, actor: Actor, user_id: str) -> User:
    """Stop a user from signing in or using tokens; the account and its history stay."""
    actor.require(Permission.USER_ADMIN, "user", user_id)
    user = db.get(User, user_id)
    if user is None:
        raise NotFound("user", user_id)
    if user.id == actor.user_id:
        raise Conflict("user.deactivate_self", N_("You cannot deactivate your own account."))
    if not user.active:
        raise Conflict(
            "user.already_deactivated", N_("%(name)s is already deactivated."), name=user.name
        )
    user.active = False
    audit.record(
        db,
        actor=actor.name,
        tag=AuditTag.USER_DEACTIVATE,
        target_type="user",
        target_id=user.id,
        diff={"name": user.name},
    )
    return user


def create_token(db: Session, actor: Actor, user_name: str) -> str:
    """Create an API token for a user; returns the token, which is shown once and stored hashed."""
    user = db.scalar(select(User).where(User.name == user_name))
    if user is None or (user.id != actor.user_id and not actor.can(Permission.USER_ADMIN)):
        raise NotFound("user", user_name)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, token_hash=_token_hash(token), prefix=token[:PREFIX_LENGTH])
    db.add(row)
    db.flush()
    audit.record(
        db,
        actor=actor.name,
        tag=AuditTag.TOKEN_CREATE,
        target_type="api_token",
        target_id=row.id,
        diff={"user": user.name, "prefix": row.prefix},
    )
    return token


def _token_hash(token: str) -> str:
    # Tokens carry 256 random bits, so a fast hash is enough; passwords get argon2.
    return hashlib.sha256(token.encode()).hexdigest()


def authenticate_token(db: Session, token: str) -> Actor:
    row = db.scalar(
        select(ApiToken).where(
            ApiToken.token_hash == _token_hash(token), ApiToken.revoked_at.is_(None)
        )
    )
    if row is None or not row.user.active:
        raise Unauthenticated("auth.bad_token", N_("The API token is invalid or revoked."))
    return Actor.from_user(row.user)


def authenticate_password(db: Session, name: str, password: str) -> Actor:
    user = db.scalar(select(User).where(User.name == name))
    if user is None or not user.active:
        # The same argon2 work as for a real user, so the answer's time says nothing of
        # which names exist.
        verify_password(_dummy_hash(), password)
        raise _wrong_password()
    if not verify_password(user.password_hash, password):
        raise _wrong_password()
    return Actor.from_user(user)


def _wrong_password() -> Unauthenticated:
    return Unauthenticated(
        "auth.wrong_password", N_("Wrong user name or password. Check both and try again.")
    )


def revoke_token(db: Session, actor: Actor, prefix: str) -> None:
    prefix = prefix[:PREFIX_LENGTH]  # the whole token works as well as its start
    row = db.scalar(select(ApiToken).where(ApiToken.prefix == prefix))
    if row is None or (row.user_id != actor.user_id and not actor.can(Permission.USER_ADMIN)):
        raise NotFound("token", prefix)
    if row.revoked_at is not None:
        raise Conflict(
            "auth.token_revoked",
            N_("Token %(prefix)s was already revoked on %(at)s UTC."),
            prefix=prefix,
            at=f"{row.revoked_at:%Y-%m-%d %H:%M}",
        )
    row.revoked_at = utcnow()
    audit.record(
        db,
        actor=actor.name,
        tag=AuditTag.TOKEN_REVOKE,
        target_type="api_token",
        target_id=row.id,
        diff={"prefix": prefix},
    )
