"""A case's page and the changes made from it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from consular.audit.service import case_history
from consular.auth.models import WebSession
from consular.auth.permissions import Permission
from consular.auth.sessions import actor_of, show_once, take_shown_once
from consular.cases.assignment import assign_case
from consular.cases.labels import NOTICES
from consular.cases.models import Case
from consular.cases.reveal import Revealed, reveal_identifier
from consular.cases.service import (
    add_note,
    complete_milestone,
    describe,
    get_case,
    record_custody,
    record_disposition,
    transition,
)
from consular.cases.states import Disposition
from consular.cases.wishes import record_wishes
from consular.db import utcnow
from consular.errors import DomainError
from consular.families.service import codes_of, issue_code, revoke_code
from consular.flights.service import TRAVEL_DOCUMENTS, set_travel
from consular.incidents.lifecycle import CLOSED
from consular.incidents.team import team
from consular.notifications.service import of_case as notifications_of_case
from consular.web.access import CheckedForm, SignedIn, on_page, refused_with
from consular.web.common import page_for, settings_of
from consular.web.deps import DB

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class CaseSection:
    """A section another domain adds to the case page (the welfare interview, referrals):
    ``read`` gives its template's values for the case and its reader, or ``None`` to show
    nothing. Its template sees the case page's values and ``section``, what ``read`` gave."""

    order: int
    template: str
    read: Callable[[Session, WebSession, Case], Mapping[str, Any] | None]


_SECTIONS: list[CaseSection] = []


def case_section(
    order: int, template: str
) -> Callable[
    [Callable[[Session, WebSession, Case], Mapping[str, Any] | None]],
    Callable[[Session, WebSession, Case], Mapping[str, Any] | None],
]:
    """Register a section of the case page, shown after custody in ``order``; a domain's
    pages module registers its own at import, so the case page needs no import of it."""

    def register(
        read: Callable[[Session, WebSession, Case], Mapping[str, Any] | None],
    ) -> Callable[[Session, WebSession, Case], Mapping[str, Any] | None]:
        _SECTIONS.append(CaseSection(order, template, read))
        _SECTIONS.sort(key=lambda section: (section.order, section.template))
        return read

    return register


def _sections(db: Session, session: WebSession, case: Case) -> list[tuple[str, Mapping[str, Any]]]:
    shown = []
    for section in _SECTIONS:
        values = section.read(db, session, case)
        if values is not None:
            shown.append((section.template, values))
    return shown


def _taken(session: WebSession, kind: str, case_id: str, name: str) -> str | None:
    held = take_shown_once(session, kind, case_id=case_id)
    return None if held is None else held[name]


def _case_page(
    request: Request,
    db: Session,
    session: WebSession,
    case_id: str,
    *,
    status_code: int = 200,
    error: DomainError | str | None = None,
    kept: Mapping[str, Mapping[str, str]] | None = None,
) -> Response:
    """The case; ``kept`` fills a refused form (by its action) again with what was typed."""
    page, _ = page_for(request, session)
    actor = actor_of(session)
    case = get_case(db, actor, case_id)
    history = case_history(db, case.id) if actor.can(Permission.AUDIT_READ) else []
    return page.render(
        request,
        "case.html",
        status_code=status_code,
        case=case,
        view=describe(case),
        history=history,
        error=error,
        kept=kept or {},
        revealed=_taken(session, "host_identifier", case_id, "value"),
        can_reveal=actor.can(Permission.IDENTIFIER_REVEAL),
        can_move=actor.can(Permission.CASE_TRANSITION),
        can_complete=actor.can(Permission.MILESTONE_COMPLETE),
        can_write=actor.can(Permission.CASE_WRITE),
        dispositions=[str(d) for d in Disposition],
        can_family=actor.can(Permission.FAMILY_CODE),
        family_codes=codes_of(db, case) if actor.can(Permission.FAMILY_CODE) else [],
        messages=notifications_of_case(db, case.id),
        issued_code=take_shown_once(session, "family_code", case_id=case_id),
        now=utcnow(),
        # Release is recorded by moving the case to released, not here.
        custody_kinds=("booked", "transferred"),
        travel_documents=TRAVEL_DOCUMENTS,
        sections=_sections(db, session, case),
        **_assignment(db, session, case, error, kept or {}),
    )


# The assignment's refusals said beside the officer they name (else beside the second).
_BESIDE_A_FIELD = frozenset(
    {"case.officer_not_on_team", "case.second_without_officer", "case.second_same_officer"}
)


def _assignment(
    db: Session,
    session: WebSession,
    case: Case,
    error: DomainError | str | None,
    kept: Mapping[str, Mapping[str, str]],
) -> dict[str, object]:
    """What the case's officers block needs: the team to choose from, whether the reader may
    assign or take the case, and beside which field a refused assignment is said."""
    actor = actor_of(session)
    may_assign = case.incident.status != CLOSED and actor.can(Permission.CASE_ASSIGN)
    names = [user.name for user in team(db, case.incident)] if may_assign else []
    typed = kept.get(f"/cases/{case.id}/assignment", {})
    wrong = None
    if isinstance(error, DomainError) and typed and error.code in _BESIDE_A_FIELD:
        named = error.params.get("name")
        wrong = "officer" if named and named == typed.get("officer", "").strip() else "second"
    return {
        "can_assign": may_assign,
        "team_names": names,
        "can_take": may_assign and case.assigned_to_id is None and actor.name in names,
        "kept_assignment": typed,
        "assignment_wrong": wrong,
    }


# Bad input (422) is told apart from a case that moved on meanwhile (409).
_refused = on_page(_case_page, "case_id", kept=True)
# The same, for the forms of the sections other domains add to the case page.
refused_on_case = _refused
# Other domains' changes made from the case page are refused on it too.
refused_on_case_page = _refused


def _changed(case_id: str) -> Response:
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


@router.get("/cases/{case_id}", response_class=HTMLResponse)
def case_page(request: Request, db: DB, session: SignedIn, case_id: str) -> Response:
    return _case_page(request, db, session, case_id)


@router.post("/cases/{case_id}/transition")
@refused_with(_refused)
def case_transition(
    db: DB,
    session: CheckedForm,
    case_id: str,
    to: Annotated[str, Form()] = "",
    version: Annotated[int, Form()] = 0,
    note: Annotated[str, Form()] = "",
) -> Response:
    transition(db, actor_of(session), case_id, to, version=version, note=note.strip())
    return _changed(case_id)


@router.post("/cases/{case_id}/milestones/{kind}")
@refused_with(_refused)
def case_milestone_done(
    db: DB,
    session: CheckedForm,
    case_id: str,
    kind: str,
    evidence: Annotated[str, Form()] = "",
) -> Response:
    complete_milestone(db, actor_of(session), case_id, kind, evidence=evidence.strip())
    return _changed(case_id)


@router.post("/cases/{case_id}/notes")
@refused_with(_refused)
def case_note(
    request: Request,
    db: DB,
    session: CheckedForm,
    case_id: str,
    body: Annotated[str, Form()] = "",
) -> Response:
    if not body.strip():
        # Nothing was changed: the case is shown again in the same unit of work.
        return _case_page(request, db, session, case_id, status_code=400, error="empty_note")
    add_note(db, actor_of(session), case_id, body.strip())
    return _changed(case_id)


@router.post("/cases/{case_id}/disposition")
@refused_with(_refused)
def case_disposition(
    db: DB,
    session: CheckedForm,
    case_id: str,
    disposition: Annotated[str, Form()] = "",
    version: Annotated[int, Form()] = 0,
    note: Annotated[str, Form()] = "",
) -> Response:
    record_disposition(
        db, actor_of(session), case_id, disposition=disposition, version=version, note=note.strip()
    )
    return _changed(case_id)


@case_section(90, "case_wishes.html")
def _wishes(db: Session, session: WebSession, case: Case) -> Mapping[str, Any]:
    """Whom the detainee agrees to tell (the template says the choices in the reader's words)."""
    return {"labels": NOTICES}


@router.post("/cases/{case_id}/wishes")
@refused_with(_refused)
def case_wishes(
    db: DB,
    session: CheckedForm,
    case_id: str,
    family: Annotated[str, Form()] = "",
    employer: Annotated[str, Form()] = "",
    version: Annotated[int, Form()] = 0,
) -> Response:
    record_wishes(
        db,
        actor_of(session),
        case_id,
        family=family or None,
        employer=employer or None,
        version=version,
    )
    return RedirectResponse(f"/cases/{case_id}#wishes", status_code=303)


@router.post("/cases/{case_id}/custody")
@refused_with(_refused)
def case_custody(
    db: DB,
    session: CheckedForm,
    case_id: str,
    facility: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "booked",
    version: Annotated[int, Form()] = 0,
    note: Annotated[str, Form()] = "",
) -> Response:
    record_custody(
        db,
        actor_of(session),
        case_id,
        facility=facility,
        kind=kind,
        version=version,
        note=note.strip(),
    )
    return _changed(case_id)


@router.post("/cases/{case_id}/travel")
@refused_with(_refused)
def case_travel(
    db: DB,
    session: CheckedForm,
    case_id: str,
    travel_document: Annotated[str, Form()] = "",
    special_needs: Annotated[str, Form()] = "",
    version: Annotated[int, Form()] = 0,
) -> Response:
    set_travel(
        db,
        actor_of(session),
        case_id,
        travel_document=travel_document,
        special_needs=special_needs,
        version=version,
    )
    return _changed(case_id)


@router.post("/cases/{case_id}/assignment")
@refused_with(_refused)
def case_assignment(
    db: DB,
    session: CheckedForm,
    case_id: str,
    officer: Annotated[str, Form()] = "",
    second: Annotated[str, Form()] = "",
    version: Annotated[int, Form()] = 0,
) -> Response:
    """Assign, reassign or unassign the case's officer and second officer ("" is nobody)."""
    assign_case(db, actor_of(session), case_id, officer=officer, second=second, version=version)
    return _changed(case_id)


@router.post("/cases/{case_id}/take")
@refused_with(_refused)
def case_take(
    db: DB, session: CheckedForm, case_id: str, version: Annotated[int, Form()] = 0
) -> Response:
    """The signed-in officer takes a case nobody holds."""
    actor = actor_of(session)
    case = get_case(db, actor, case_id)
    second = case.second_officer.name if case.second_officer else None
    # The second officer taking the case moves up: nobody is both.
    second = None if second == actor.name else second
    assign_case(db, actor, case_id, officer=actor.name, second=second, version=version)
    return _changed(case_id)


@router.post("/cases/{case_id}/reveal")
def case_reveal(db: DB, session: CheckedForm, case_id: str) -> Response:
    """Reveal the host authority's number (audited); the case's page shows it once."""
    revealed = reveal_identifier(db, actor_of(session), Revealed.CASE, case_id)
    show_once(session, "host_identifier", case_id=case_id, value=revealed or "")
    return RedirectResponse(f"/cases/{case_id}#host-identifier", status_code=303)


@router.post("/cases/{case_id}/family-codes")
@refused_with(_refused)
def case_family_code(
    request: Request,
    db: DB,
    session: CheckedForm,
    case_id: str,
    contact: Annotated[str, Form()] = "",
) -> Response:
    """Issue a family status code; the case's page shows it once, at its top."""
    issued = issue_code(db, actor_of(session), settings_of(request), case_id, contact)
    show_once(
        session,
        "family_code",
        case_id=case_id,
        code=issued.code,
        contact=issued.family_code.contact_name,
    )
    return RedirectResponse(f"/cases/{case_id}#issued-code", status_code=303)


@router.post("/cases/{case_id}/family-codes/{code_id}/revoke")
@refused_with(_refused)
def case_family_code_revoke(db: DB, session: CheckedForm, case_id: str, code_id: str) -> Response:
    revoke_code(db, actor_of(session), code_id, case_id)
    return _changed(case_id)
