"""The facility directory's pages: the post's list, a new entry, an entry with its people
and the names to merge into it; and the case page's choice of facility."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from consular.auth.models import WebSession
from consular.auth.permissions import Permission
from consular.auth.sessions import actor_of
from consular.cases.models import Case
from consular.cases.pages import case_section
from consular.errors import DomainError, NotFound
from consular.facilities import service
from consular.facilities.models import Facility
from consular.fields import limit_of
from consular.phones import shown_phone
from consular.web.access import CheckedForm, Refusal, SignedIn, refused_with
from consular.web.common import page_for
from consular.web.deps import DB

router = APIRouter(include_in_schema=False)

DIRECTORY = "/facilities"
# What each field of an entry's form holds (the country is typed as a name or a code).
LIMITS = {key: limit_of(getattr(Facility, key)) for key in service.TYPED if key != "country"}
LIMITS["country"] = 60
LIMITS.update(dict.fromkeys(service.PHONES, 40))  # as typed, with spaces; stored shorter


def _typed(facility: Facility) -> dict[str, str]:
    """An entry's values as its form shows them (phones as their country writes them)."""
    typed = {key: str(getattr(facility, key) or "") for key in service.TYPED}
    for key in service.PHONES:
        typed[key] = shown_phone(typed[key])
    return typed


@router.get(DIRECTORY, response_class=HTMLResponse)
def directory_page(request: Request, db: DB, session: SignedIn) -> Response:
    """The post's facilities, each with how many people of open incidents it holds."""
    page, _ = page_for(request, session)
    actor = actor_of(session)
    actor.require(Permission.FACILITY_READ, "facility", "")
    facilities = service.directory(db, actor)
    held: dict[str, int] = {}
    for post_id in {facility.post_id for facility in facilities}:
        held |= service.held_counts(db, post_id)
    return page.render(
        request,
        "facilities.html",
        facilities=facilities,
        held=held,
        can_add=actor.can(Permission.FACILITY_WRITE) and actor.post_id is not None,
    )


def _new_page(
    request: Request,
    session: WebSession,
    *,
    status_code: int = 200,
    error: DomainError | None = None,
    typed: Mapping[str, str] | None = None,
) -> Response:
    page, _ = page_for(request, session)
    actor = actor_of(session)
    if not actor.can(Permission.FACILITY_WRITE) or actor.post_id is None:
        raise NotFound("facility", "new")
    return page.render(
        request,
        "facility_new.html",
        status_code=status_code,
        entry_limits=LIMITS,
        typed=typed or {},
        wrong=error.details.get("fields", {}) if error is not None else {},
        error=error,
    )


@router.get(f"{DIRECTORY}/new", response_class=HTMLResponse)
def new_page(request: Request, session: SignedIn) -> Response:
    return _new_page(request, session)


def _new_refused(refusal: Refusal) -> Response:
    return _new_page(
        refusal.request,
        refusal.session,
        status_code=refusal.error.status_code,
        error=refusal.error,
        typed=refusal.typed,
    )


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {key: str(form.get(key, "")) for key in service.TYPED if key in form}


@router.post(f"{DIRECTORY}/new", response_class=HTMLResponse)
@refused_with(_new_refused)
async def create(request: Request, db: DB, session: CheckedForm) -> Response:
    facility = service.create_facility(db, actor_of(session), await _form(request))
    return RedirectResponse(f"{DIRECTORY}/{facility.id}?saved=1", status_code=303)


def _facility_page(
    request: Request,
    db: Session,
    session: WebSession,
    facility_id: str,
    *,
    status_code: int = 200,
    error: DomainError | None = None,
    typed: Mapping[str, str] | None = None,
    merge_error: DomainError | None = None,
) -> Response:
    page, _ = page_for(request, session)
    actor = actor_of(session)
    facility = service.get_facility(db, actor, facility_id)
    may_merge = service.may_merge(actor, facility)
    return page.render(
        request,
        "facility.html",
        status_code=status_code,
        entry_limits=LIMITS,
        facility=facility,
        phone=shown_phone(facility.phone),
        field_office_phone=shown_phone(facility.field_office_phone),
        held=service.held_there(db, actor, facility),
        can_edit=service.may_edit(actor, facility),
        free_names=service.free_names(db, facility) if may_merge else [],
        can_merge=may_merge,
        typed=typed if typed is not None else _typed(facility),
        wrong=error.details.get("fields", {}) if error is not None else {},
        error=error,
        merge_error=merge_error,
        saved=request.query_params.get("saved") == "1" and error is None,
        merged=request.query_params.get("merged", "") if error is None else "",
    )


@router.get(DIRECTORY + "/{facility_id}", response_class=HTMLResponse)
def facility_page(request: Request, db: DB, session: SignedIn, facility_id: str) -> Response:
    return _facility_page(request, db, session, facility_id)


def _update_refused(refusal: Refusal) -> Response:
    return _facility_page(
        refusal.request,
        refusal.db,
        refusal.session,
        refusal.path_param("facility_id"),
        status_code=refusal.error.status_code,
        error=refusal.error,
        typed=refusal.typed,
    )


@router.post(DIRECTORY + "/{facility_id}", response_class=HTMLResponse)
@refused_with(_update_refused)
async def update(request: Request, db: DB, session: CheckedForm, facility_id: str) -> Response:
    form = await request.form()
    version = str(form.get("version", ""))
    service.update_facility(
        db,
        actor_of(session),
        facility_id,
        await _form(request),
        version=int(version) if version.isdigit() else -1,
    )
    return RedirectResponse(f"{DIRECTORY}/{facility_id}?saved=1", status_code=303)


def _merge_refused(refusal: Refusal) -> Response:
    return _facility_page(
        refusal.request,
        refusal.db,
        refusal.session,
        refusal.path_param("facility_id"),
        status_code=refusal.error.status_code,
        merge_error=refusal.error,
    )


@router.post(DIRECTORY + "/{facility_id}/merge", response_class=HTMLResponse)
@refused_with(_merge_refused)
async def merge(request: Request, db: DB, session: CheckedForm, facility_id: str) -> Response:
    form = await request.form()
    cases = service.merge_name(db, actor_of(session), facility_id, str(form.get("name", "")))
    return RedirectResponse(f"{DIRECTORY}/{facility_id}?merged={len(cases)}", status_code=303)


@case_section(5, "case_facility.html")
def case_facility(db: Session, session: WebSession, case: Case) -> dict[str, Any] | None:
    """The directory's names for the custody form, and the entry the case is held at."""
    actor = actor_of(session)
    if not actor.can(Permission.FACILITY_READ):
        return None
    post_id = case.incident.post_id
    return {
        "choices": [facility.name for facility in service.directory(db, actor, post_id)],
        "entry": case.facility_entry,
    }
