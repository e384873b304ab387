"""The registry's pages: search for a person, and a person with their cases."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from consular.auth.permissions import Permission
from consular.auth.sessions import actor_of
from consular.cases.models import Case
from consular.cases.service import readable_cases
from consular.errors import InvalidInput
from consular.fields import FieldError, parse_date
from consular.registry.models import Person
from consular.registry.service import get_person, mask_identifier, search_persons
from consular.screening.deployments import disagreeing_deployments
from consular.web.access import SignedIn
from consular.web.common import page_for
from consular.web.deps import DB

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
    )


@router.get("/persons/{person_id}", response_class=HTMLResponse)
def person_page(request: Request, db: DB, session: SignedIn, person_id: str) -> Response:
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
    return page.render(
        request,
        "person.html",
        person=person,
        passport=mask_identifier(person.passport_number),
        cases=cases,
        disagreeing=disagreeing_deployments(db, actor, person),
    )
