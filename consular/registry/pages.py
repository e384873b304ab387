"""The registry's pages: search for a person, and a person with their cases."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from consular.auth.permissions import Permission
from consular.auth.sessions import actor_of
from consular.cases.models import Case
from consular.cases.service import readable_cases
from consular.db import utcnow
from consular.errors import InvalidInput, NotFound
from consular.fields import FieldError, parse_date
from consular.registry.export import export_registry
from consular.registry.models import Person
from consular.registry.service import get_person, mask_identifier, search_persons
from consular.screening.deployments import disagreeing_deployments
from consular.web.common import not_found, page_for, signed_in
from consular.web.deps import DB, csv_download

router = APIRouter(include_in_schema=False)


@router.get("/persons", response_class=HTMLResponse)
def persons_page(
    request: Request,
    db: DB,
    name: str = "",
    date_of_birth: str = "",
    passport_number: str = "",
) -> Response:
    """Search the registry by name (Hangul or Latin), date of birth or passport number."""
    session = signed_in(request, db)
    if isinstance(session, Response):
        return session
    page, _ = page_for(request, session)
    if not actor_of(session).can(Permission.PERSON_READ):
        return not_found(request, page)
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
    request: Request, db: DB, name: str = "", date_of_birth: str = "", passport_number: str = ""
) -> Response:
    """The registry extract: the persons the search finds (everyone without a search) as
    CSV in the page's language; the export is audited."""
    session = signed_in(request, db)
    if isinstance(session, Response):
        return session
    page, _ = page_for(request, session)
    if not actor_of(session).can(Permission.REGISTRY_EXPORT):
        return not_found(request, page)
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
        return persons_page(request, db, name, date_of_birth, passport_number)
    return csv_download(table, f"registry-{utcnow():%Y%m%d-%H%M}.csv")


@router.get("/persons/{person_id}", response_class=HTMLResponse)
def person_page(request: Request, db: DB, person_id: str) -> Response:
    session = signed_in(request, db)
    if isinstance(session, Response):
        return session
    page, _ = page_for(request, session)
    actor = actor_of(session)
    try:
        person = get_person(db, actor, person_id)
    except NotFound:
        return not_found(request, page)
    cases = (
        db.scalars(
            readable_cases(actor).where(Case.person_id == person.id).order_by(Case.created_at)
        )
        .unique()
        .all()
        if actor.can(Permission.CASE_READ)
        else []
    )
    return page.render(
        request,
        "person.html",
        person=person,
        passport=mask_identifier(person.passport_number),
        cases=cases,
        disagreeing=disagreeing_deployments(db, actor, person),
    )
