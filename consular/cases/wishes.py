"""The detainee's own choice about who is told of the detention (VCCR 36(1), rule CON-05).

A consular officer refrains from what the national expressly opposes. Each case records, once
asked (usually at the welfare interview), whether the family and the employer may be told:
``unknown`` until asked, ``yes`` or ``no``. Against a ``no``:

- no message is written to the person's family (``consular.notifications.outbox``), neither
  for a change of state nor for a broadcast;
- no family status code is issued for the case (``consular.families.service.issue_code``);
- the employer's HR is not shown that a case exists (``consular.screening.worker_cases``).

``unknown`` lets the family be told as before: the consulate informs families unless the
detainee has said no.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from consular import audit
from consular.audit.tags import AuditTag
from consular.auth.permissions import Permission
from consular.auth.service import Actor
from consular.cases.models import Case
from consular.cases.service import check_version, get_case
from consular.errors import unknown_value

NOTICES = ("unknown", "yes", "no")


def family_may_be_told(case: Case) -> bool:
    """Whether a message or a family code may reach the case's family."""
    return case.family_notice != "no"


def employer_may_be_told(case: Case) -> bool:
    """Whether the employer's HR may see that the case exists."""
    return case.employer_notice != "no"


def _notice(value: str | None, code: str) -> str | None:
    if value is None:
        return None
    if value not in NOTICES:
        raise unknown_value(code, value, NOTICES)
    return value


def record_wishes(
    db: Session,
    actor: Actor,
    case_id: str,
    *,
    family: str | None = None,
    employer: str | None = None,
    version: int | None = None,
) -> Case:
    """Record whom the detainee agrees to tell (``None`` leaves a choice as it is); audited
    with the values before and after. ``version`` is checked when given (a form sends it; the
    welfare interview, which locks the case, need not)."""
    actor.require(Permission.CASE_WRITE, "case", case_id)
    family = _notice(family, "case.unknown_family_notice")
    employer = _notice(employer, "case.unknown_employer_notice")
    case = get_case(db, actor, case_id, for_update=True)
    if version is not None:
        check_version(case, version)
    diff: dict[str, list[str]] = {}
    if family is not None and family != case.family_notice:
        diff["family_notice"] = [case.family_notice, family]
        case.family_notice = family
    if employer is not None and employer != case.employer_notice:
        diff["employer_notice"] = [case.employer_notice, employer]
        case.employer_notice = employer
    if not diff:
        return case
    db.flush()
    audit.record(
        db,
        actor=actor.name,
        tag=AuditTag.CASE_WISHES,
        target_type="case",
        target_id=case.id,
        case_id=case.id,
        diff=diff,
    )
    return case
