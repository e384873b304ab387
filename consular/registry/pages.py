"""The registry's pages: search for a person, a person with their cases, and merging two
persons found to be the same (and undoing it)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from consular.auth.models import WebSession
from consular.auth.permissions import Permission
from consular.auth.sessions import actor_of
from consular.cases.models import Case
from consular.cases.service import readable_cases
from consular.db import utcnow
from consular.errors import Conflict, DomainError, InvalidInput
from consular.fields import FieldError, parse_date
from consular.registry.export import export_registry
from consular.registry.merge import (
    MergePlan,
    get_merge,
    live_merge_of,
    merge_persons,
    merges_into,
    plan_merge,
    unmerge,
)
from consular.registry.models import Person
from consular.registry.service import (
    get_person,
    mask_identifier,
    search_as_typed,
    search_persons,
)
from consular.screening.deployments import disagreeing_deployments
from consular.web.access import CheckedForm, Refusal, SignedIn, refused_with
from consular.web.common import page_for
from consular.web.deps import DB, csv_download

router = APIRouter(include_in_schema=False)


@router.get("/persons", response_class=HTMLResponse)
def persons_page(
    request: Request,
    db: DB,
    session: SignedIn,
    name: str = "",
    date_of_birth: str = "",
    passport_number: str = "",
) -> Response:
    """Search the registry by name (Hangul or Latin), date of birth or passport number."""
    page, _ = page_for(request, session)
    actor_of(session).require(Permission.PERSON_READ, "persons", None)
    found: Sequence[Person] | None = None
    error = None
    if name.strip() or date_of_birth.strip() or passport_number.strip():
        try:
            born = parse_date(date_of_birth)
            found = search_persons(
                db,
                actor_of(session),
                name=name.strip() or None,
                date_of_birth=born,
                passport_number=passport_number.strip() or None,
            )
        except FieldError:
            error = "bad_date"
        except InvalidInput:
            error = "bad_passport"
    return page.render(
        request,
        "persons.html",
        status_code=400 if error else 200,
        found=found,
        error=error,
        name=name,
        date_of_birth=date_of_birth,
        passport_number=passport_number,
        mask=mask_identifier,
        can_export=actor_of(session).can(Permission.REGISTRY_EXPORT),
    )


@router.get("/persons.csv")
def persons_csv(
    request: Request,
    db: DB,
    session: SignedIn,
    name: str = "",
    date_of_birth: str = "",
    passport_number: str = "",
) -> Response:
    """The registry extract: the persons the search finds (everyone without a search) as
    CSV in the page's language; the export is audited."""
    page, _ = page_for(request, session)
    actor_of(session).require(Permission.REGISTRY_EXPORT, "persons", None)
    try:
        table = export_registry(
            db,
            actor_of(session),
            page.language,
            name=name.strip() or None,
            date_of_birth=parse_date(date_of_birth),
            passport_number=passport_number.strip() or None,
        )
    except (FieldError, InvalidInput):
        return persons_page(request, db, session, name, date_of_birth, passport_number)
    return csv_download(table, f"registry-{utcnow():%Y%m%d-%H%M}.csv")


@router.get("/persons/{person_id}", response_class=HTMLResponse)
def person_page(request: Request, db: DB, session: SignedIn, person_id: str) -> Response:
    return _person_page(request, db, session, person_id)


def _person_page(
    request: Request,
    db: Session,
    session: WebSession,
    person_id: str,
    *,
    status_code: int = 200,
    error: DomainError | None = None,
) -> Response:
    """A person with their contacts, deployments and cases; a person merged into another
    says so, and an administrator may undo the merge."""
    page, _ = page_for(request, session)
    actor = actor_of(session)
    person = get_person(db, actor, person_id)
    cases = (
        db.scalars(
            readable_cases(actor).where(Case.person_id == person.id).order_by(Case.created_at)
        )
        .unique()
        .all()
        if actor.can(Permission.CASE_READ)
        else []
    )
    merged = live_merge_of(db, person.id) if person.merged_into_id else None
    return page.render(
        request,
        "person.html",
        status_code=status_code,
        error=error,
        person=person,
        passport=mask_identifier(person.passport_number),
        cases=cases,
        disagreeing=disagreeing_deployments(db, actor, person),
        merged=merged,
        merged_here=merges_into(db, person.id),
        can_merge=actor.can(Permission.PERSON_MERGE) and merged is None,
        can_unmerge=actor.can(Permission.PERSON_UNMERGE),
    )


@router.get("/persons/{person_id}/merge", response_class=HTMLResponse)
def merge_page(
    request: Request,
    db: DB,
    session: SignedIn,
    person_id: str,
    name: str = "",
    date_of_birth: str = "",
    passport_number: str = "",
    duplicate: str = "",
) -> Response:
    """Find the person who is the same as this one, see what would move, then confirm."""
    typed = {
        "name": name,
        "date_of_birth": date_of_birth,
        "passport_number": passport_number,
        "duplicate": duplicate,
    }
    return _merge_page(request, db, session, person_id, typed)


def _merge_page(
    request: Request,
    db: Session,
    session: WebSession,
    person_id: str,
    typed: Mapping[str, str],
    *,
    status_code: int = 200,
    error: DomainError | None = None,
) -> Response:
    page, _ = page_for(request, session)
    actor = actor_of(session)
    actor.require(Permission.PERSON_MERGE, "person", person_id)
    person = get_person(db, actor, person_id)
    found: Sequence[Person] | None = None
    plan: MergePlan | None = None
    name, born, passport = (typed.get(k, "") for k in ("name", "date_of_birth", "passport_number"))
    try:
        if typed.get("duplicate"):
            plan = plan_merge(db, actor, person.id, typed["duplicate"])
        elif (name + born + passport).strip():
            searched = search_as_typed(
                db, actor, name=name, date_of_birth=born, passport_number=passport
            )
            found = [p for p in searched if p.id != person.id]
    except (Conflict, InvalidInput) as exc:
        error = error or exc
        status_code = status_code if status_code != 200 else exc.status_code
    return page.render(
        request,
        "merge.html",
        status_code=status_code,
        error=error,
        person=person,
        typed=typed,
        found=found,
        plan=plan,
        mask=mask_identifier,
    )


def _merge_refused(refusal: Refusal) -> Response:
    return _merge_page(
        refusal.request,
        refusal.db,
        refusal.session,
        refusal.path_param("person_id"),
        {
            "duplicate": refusal.typed.get("duplicate_id", ""),
            "reason": refusal.typed.get("reason", ""),
        },
        status_code=refusal.error.status_code,
        error=refusal.error,
    )


@router.post("/persons/{person_id}/merge")
@refused_with(_merge_refused)
def merge_confirm(
    db: DB,
    session: CheckedForm,
    person_id: str,
    duplicate_id: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    merge_persons(db, actor_of(session), person_id, duplicate_id, reason=reason)
    return RedirectResponse(f"/persons/{person_id}", status_code=303)


def _unmerge_refused(refusal: Refusal) -> Response:
    merge = get_merge(refusal.db, actor_of(refusal.session), refusal.path_param("merge_id"))
    return _person_page(
        refusal.request,
        refusal.db,
        refusal.session,
        merge.duplicate_id,
        status_code=refusal.error.status_code,
        error=refusal.error,
    )


@router.post("/persons/merges/{merge_id}/undo")
@refused_with(_unmerge_refused)
def unmerge_confirm(
    db: DB, session: CheckedForm, merge_id: str, reason: Annotated[str, Form()] = ""
) -> Response:
    merge = unmerge(db, actor_of(session), merge_id, reason=reason)
    return RedirectResponse(f"/persons/{merge.duplicate_id}", status_code=303)
