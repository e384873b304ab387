"""The employer's page: its deployments by verdict with what to fix before departure, and
the forms to register a worker (a passport zone may be pasted) or a file of them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from consular.auth.models import WebSession
from consular.auth.permissions import Permission
from consular.auth.sessions import actor_of
from consular.errors import DomainError, InvalidInput, NotFound
from consular.fields import FIELD_LABELS, RowError
from consular.i18n import N_
from consular.importing import read_upload
from consular.rules import ruleset
from consular.screening import deployments as service
from consular.screening.service import parse_plan, result_rows, screen
from consular.web.common import not_found, page_for, signed_in, signed_in_form
from consular.web.deps import DB, ReadDB, csv_download
from consular.web.limits import UploadLimits

router = APIRouter(include_in_schema=False)

VERDICTS = {
    "not_permitted": N_("Not permitted"),
    "refer": N_("Ask a lawyer"),
    "caution": N_("Allowed, with care"),
    "permitted": N_("Permitted"),
    "not_screened": N_("Not screened (no plan recorded)"),
}
YES_NO = (
    "equipment_purchased_abroad",
    "contract_requires_seller_service",
    "specialized_knowledge",
    "paid_by_us_source",
    "hands_on",
    "prior_us_refusal_or_violation",
    "briefing_conceals_activity",
)


def _deployments_page(
    request: Request,
    db: DB,
    session: WebSession,
    *,
    status_code: int = 200,
    errors: list[RowError] | None = None,
    error: str | DomainError | None = None,
    typed: dict[str, str] | None = None,
) -> Response:
    page, _ = page_for(request, session)
    actor = actor_of(session)
    if not actor.can(Permission.DEPLOYMENT_READ):
        return not_found(request, page)
    views = service.deployments_of(db, actor)
    screen = ruleset("screen")
    return page.render(
        request,
        "deployments.html",
        status_code=status_code,
        views=views,
        counts=service.counts_by_outcome(views),
        verdicts=VERDICTS,
        fields=FIELD_LABELS,
        yes_no=YES_NO,
        screen=screen,
        version=screen.version,
        entry_statuses=screen.facts["entry_status"].choices,
        activities=screen.facts["activity"].choices,
        can_register=actor.can(Permission.DEPLOYMENT_WRITE) and actor.employer_id is not None,
        errors=errors or [],
        error=error,
        typed=typed or {},
    )


@router.get("/deployments", response_class=HTMLResponse)
def deployments_page(request: Request, db: DB) -> Response:
    session = signed_in(request, db)
    if isinstance(session, Response):
        return session
    return _deployments_page(request, db, session)


@router.post("/deployments", response_class=HTMLResponse)
async def deployment_register(request: Request, db: DB) -> Response:
    # The form has two dozen fields: read it whole, then work off the event loop.
    form = await request.form()
    typed = {name: str(value) for name, value in form.items() if isinstance(value, str)}
    for name in YES_NO:
        typed[name] = "yes" if typed.get(name) == "yes" else "no"
    return await run_in_threadpool(_register, request, db, typed)


def _register(request: Request, db: DB, typed: dict[str, str]) -> Response:
    session = signed_in_form(request, db, typed.get("csrf_token", ""))
    if isinstance(session, Response):
        return session
    registration, errors = service.parse_registration(typed, 1)
    if errors:
        return _deployments_page(request, db, session, status_code=422, errors=errors, typed=typed)
    try:
        service.register(db, actor_of(session), registration)
    except NotFound:
        db.rollback()
        return not_found(request, page_for(request, session)[0])
    except InvalidInput as exc:
        db.rollback()
        return _deployments_page(request, db, session, status_code=422, error=exc, typed=typed)
    return RedirectResponse("/deployments", status_code=303)


@router.post("/deployments/import", response_class=HTMLResponse)
def deployment_import(
    request: Request,
    db: DB,
    limits: UploadLimits,
    file: Annotated[UploadFile | None, File()] = None,
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    session = signed_in_form(request, db, csrf_token)
    if isinstance(session, Response):
        return session
    if file is None or not file.filename:
        return _deployments_page(request, db, session, status_code=422, error="no_file")
    try:
        service.import_deployments(
            db, actor_of(session), read_upload(file.file, file.filename, limits)
        )
    except NotFound:
        db.rollback()
        return not_found(request, page_for(request, session)[0])
    except InvalidInput as exc:
        db.rollback()
        report = exc.details.get("report") or {}
        rows = [RowError.from_dict(e) for e in report.get("errors", [])]
        return _deployments_page(
            request, db, session, status_code=422, errors=rows, error=None if rows else exc
        )
    return RedirectResponse("/deployments", status_code=303)


@router.post("/deployments/screen")
def plan_screen(
    request: Request,
    db: ReadDB,
    limits: UploadLimits,
    file: Annotated[UploadFile | None, File()] = None,
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Screen a plan file as `consular screen` does and hand the result back as a CSV to
    download, in the page's language; nothing is saved."""
    session = signed_in_form(request, db, csrf_token)
    if isinstance(session, Response):
        return session
    page, _ = page_for(request, session)
    if not actor_of(session).can(Permission.DEPLOYMENT_READ):
        return not_found(request, page)
    if file is None or not file.filename:
        return _deployments_page(request, db, session, status_code=422, error="no_file")
    try:
        table = read_upload(file.file, file.filename, limits)
    except InvalidInput as exc:
        return _deployments_page(request, db, session, status_code=422, error=exc)
    trips, errors = parse_plan(table)
    if errors:
        return _deployments_page(request, db, session, status_code=422, errors=errors)
    name = table.source.rsplit(".", 1)[0]
    return csv_download(result_rows(table, screen(trips), page.language), f"{name}-screened.csv")
