"""The registry's pages: search for a person, and a person with their cases."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from consular.auth.models import WebSession
from consular.auth.permissions import Permission
from consular.auth.sessions import actor_of
from consular.cases.models import Case
from consular.cases.service import readable_cases
from consular.db import utcnow
from consular.errors import InvalidInput
from consular.fields import FieldError, TypedDate, read_typed_date
from consular.registry.export import export_registry
from consular.registry.models import Person
from consular.registry.service import get_person, mask_identifier, search_persons
from consular.screening.deployments import disagreeing_deployments
from consular.web.access import SignedIn
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
    """Search the registry by name (whole or partial, Hangul or Latin), date of birth (as
    people type it) or passport number."""
    page, _ = page_for(request, session)
    actor_of(session).require(Permission.PERSON_READ, "persons", None)
    found: Sequence[Person] | None = None
    error: object = None
    born: TypedDate | None = None
    if name.strip() or date_of_birth.strip() or passport_number.strip():
        try:
            born = read_typed_date(date_of_birth, month_first=month_first(session))
            found = search_persons(
                db,
                actor_of(session),
                name=name.strip() or None,
                date_of_birth=born.day if born else None,
                passport_number=passport_number.strip() or None,
            )
        except FieldError as exc:
            error = exc.message
        except InvalidInput as exc:
            error = exc
    return page.render(
        request,
        "persons.html",
        status_code=400 if error else 200,
        found=found,
        error=error,
        born=born,
        name=name,
        date_of_birth=date_of_birth,
        passport_number=passport_number,
        mask=mask_identifier,
        can_export=actor_of(session).can(Permission.REGISTRY_EXPORT),
    )


def _typed_day(value: str, session: WebSession) -> date | None:
    typed = read_typed_date(value, month_first=month_first(session))
    return typed.day if typed else None


def month_first(session: WebSession) -> bool:
    """Whether the user's post writes dates month first (as in the United States)."""
    post = session.user.post
    return post is not None and post.country == "USA"


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
            date_of_birth=_typed_day(date_of_birth, session),
            passport_number=passport_number.strip() or None,
        )
    except (FieldError, InvalidInput):
        return persons_page(request, db, session, name, date_of_birth, passport_number)
    return csv_download(table, f"registry-{utcnow():%Y%m%d-%H%M}.csv")


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
