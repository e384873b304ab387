"""The employer's page: its workers with a case in an open incident (a coarse status only),
its deployments by verdict with what to fix before departure, and the forms to register a
worker (a passport zone may be pasted) or a file of them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from consular.auth.models import WebSession
from consular.auth.permissions import Permission
from consular.auth.sessions import actor_of
from consular.errors import DomainError
from consular.fields import FIELD_LABELS, RowError
from consular.i18n import N_
from consular.importing import read_upload
from consular.rules import ruleset
from consular.screening import deployments as service
from consular.screening.service import VERDICT_NAMES, parse_plan, result_rows, screen
from consular.screening.worker_cases import worker_cases
from consular.web.access import (
    CheckedForm,
    ReadingCheckedForm,
    Refusal,
    SignedIn,
    on_page,
    refused_with,
)
from consular.web.common import page_for
from consular.web.deps import DB, ReadDB, csv_download
from consular.web.limits import UploadLimits

router = APIRouter(include_in_schema=False)

VERDICTS = {**VERDICT_NAMES, "not_screened": N_("Not screened (no plan recorded)")}
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
    db: Session,
    session: WebSession,
    *,
    status_code: int = 200,
    errors: list[RowError] | None = None,
    error: DomainError | str | None = None,
    typed: Mapping[str, str] | None = None,
) -> Response:
    page, _ = page_for(request, session)
    actor = actor_of(session)
    actor.require(Permission.DEPLOYMENT_READ, "deployments", None)
    views = service.deployments_of(db, actor)
    screen = ruleset("screen")
    return page.render(
        request,
        "deployments.html",
        status_code=status_code,
        views=views,
        worker_cases=worker_cases(db, actor),
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
def deployments_page(request: Request, db: DB, session: SignedIn) -> Response:
    return _deployments_page(request, db, session)


def _yes_no(typed: Mapping[str, str]) -> dict[str, str]:
    """The form as typed, each yes-or-no box answered (an unticked box is not sent)."""
    return {**typed, **{name: "yes" if typed.get(name) == "yes" else "no" for name in YES_NO}}


def _registration_refused(refusal: Refusal) -> Response:
    return _deployments_page(
        refusal.request,
        refusal.db,
        refusal.session,
        status_code=422,
        error=refusal.error,
        typed=_yes_no(refusal.typed),
    )


@router.post("/deployments", response_class=HTMLResponse)
@refused_with(_registration_refused)
async def deployment_register(request: Request, db: DB, session: CheckedForm) -> Response:
    # The form has two dozen fields: read it whole, then work off the event loop.
    form = await request.form()
    typed = _yes_no({name: value for name, value in form.items() if isinstance(value, str)})
    return await run_in_threadpool(_register, request, db, session, typed)


def _register(
    request: Request, db: Session, session: WebSession, typed: dict[str, str]
) -> Response:
    registration, errors = service.parse_registration(typed, 1)
    if errors:
        # Nothing was changed: the form is shown again, each error by its field.
        return _deployments_page(request, db, session, status_code=422, errors=errors, typed=typed)
    service.register(db, actor_of(session), registration)
    return RedirectResponse("/deployments", status_code=303)


def _import_refused(refusal: Refusal) -> Response:
    report = refusal.error.details.get("report") or {}
    rows = [RowError.from_dict(e) for e in report.get("errors", [])]
    return _deployments_page(
        refusal.request,
        refusal.db,
        refusal.session,
        status_code=422,
        errors=rows,
        error=None if rows else refusal.error,
    )


@router.post("/deployments/import", response_class=HTMLResponse)
@refused_with(_import_refused)
def deployment_import(
    request: Request,
    db: DB,
    session: CheckedForm,
    limits: UploadLimits,
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    if file is None or not file.filename:
        return _deployments_page(request, db, session, status_code=422, error="no_file")
    service.import_deployments(db, actor_of(session), read_upload(file.file, file.filename, limits))
    return RedirectResponse("/deployments", status_code=303)


_screen_refused = on_page(_deployments_page, status_code=422)


@router.post("/deployments/screen")
@refused_with(_screen_refused)
def plan_screen(
    request: Request,
    db: ReadDB,
    session: ReadingCheckedForm,
    limits: UploadLimits,
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Screen a plan file as `consular screen` does and hand the result back as a CSV to
    download, in the page's language; nothing is saved."""
    page, _ = page_for(request, session)
    actor_of(session).require(Permission.DEPLOYMENT_READ, "deployments", None)
    if file is None or not file.filename:
        return _deployments_page(request, db, session, status_code=422, error="no_file")
    table = read_upload(file.file, file.filename, limits)
    trips, errors = parse_plan(table)
    if errors:
        return _deployments_page(request, db, session, status_code=422, errors=errors)
    name = table.source.rsplit(".", 1)[0]
    return csv_download(result_rows(table, screen(trips), page.language), f"{name}-screened.csv")
