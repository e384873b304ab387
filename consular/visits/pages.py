"""The visits' pages: an incident's plans, a new plan, one plan with its cases, the roster.

The roster page is rendered here for the command line too (``consular visits roster``).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from consular.auth.models import WebSession
from consular.auth.permissions import Permission
from consular.auth.sessions import actor_of
from consular.cases.models import Case
from consular.cases.pages import case_section
from consular.errors import DomainError, InvalidInput
from consular.flights.fonts import PdfFontMissing
from consular.i18n import LANGUAGES, N_
from consular.i18n.message import Message
from consular.importing import read_upload
from consular.incidents.models import Incident
from consular.incidents.service import get_incident
from consular.incidents.team import team
from consular.visits.models import VisitCase, VisitPlan
from consular.visits.roster import BOXES, heading_lines, language_name
from consular.visits.roster_pdf import roster_pdf
from consular.visits.service import (
    PlanInput,
    Sort,
    add_cases,
    add_file,
    create_plan,
    export_roster,
    facility_choices,
    get_plan,
    interview_link,
    local_start,
    plans_of,
    remove_case,
    set_state,
)
from consular.web.access import CheckedForm, Refusal, SignedIn, on_page, refused_with
from consular.web.common import page_for
from consular.web.deps import DB, download
from consular.web.limits import UploadLimits
from consular.web.pages import STATIC, Page, environment

router = APIRouter(include_in_schema=False)


@case_section(70, "case_visits.html")
def _case_visits(db: Session, session: WebSession, case: Case) -> dict[str, object] | None:
    """The visits the case is on, by day: nothing shown when it is on none."""
    plans = list(
        db.scalars(
            select(VisitPlan)
            .join(VisitCase, VisitCase.plan_id == VisitPlan.id)
            .where(VisitCase.case_id == case.id)
            .order_by(VisitPlan.visit_date, VisitPlan.facility_name)
        )
    )
    return {"plans": plans} if plans else None


STYLESHEET = STATIC / "roster.css"


@router.get("/incidents/{incident_id}/visits", response_class=HTMLResponse)
def visits_page(request: Request, db: DB, session: SignedIn, incident_id: str) -> Response:
    """The incident's visits by day and facility, with their counts of cases."""
    page, _ = page_for(request, session)
    actor = actor_of(session)
    incident = get_incident(db, actor, incident_id)
    days: dict[date, list[tuple[VisitPlan, int]]] = {}
    for plan, count in plans_of(db, actor, incident.id):
        days.setdefault(plan.visit_date, []).append((plan, count))
    return page.render(
        request,
        "visits.html",
        incident=incident,
        days=days,
        can_plan=actor.can(Permission.CASE_WRITE) and incident.status != "closed",
    )


def _new_page(
    request: Request,
    db: Session,
    session: WebSession,
    incident_id: str,
    *,
    status_code: int = 200,
    error: DomainError | None = None,
    typed: dict[str, str] | None = None,
    chosen: list[str] | None = None,
) -> Response:
    page, _ = page_for(request, session)
    actor = actor_of(session)
    actor.require(Permission.CASE_WRITE, "incident", incident_id)
    incident = get_incident(db, actor, incident_id)
    fields = error.details.get("fields", []) if error is not None else []
    wrong: dict[str, list[Message]] = {}
    for field in fields:
        wrong.setdefault(str(field["field"]), []).append(field["reason"])
    return page.render(
        request,
        "visit_new.html",
        status_code=status_code,
        incident=incident,
        facilities=facility_choices(db, incident),
        officers=team(db, incident),
        start=local_start(incident),
        typed=typed or {},
        chosen=set(chosen if chosen is not None else [session.user.name]),
        wrong=wrong,
        error=error,
    )


@router.get("/incidents/{incident_id}/visits/new", response_class=HTMLResponse)
def visit_new(request: Request, db: DB, session: SignedIn, incident_id: str) -> Response:
    return _new_page(request, db, session, incident_id)


def _new_refused(refusal: Refusal) -> Response:
    return _new_page(
        refusal.request,
        refusal.db,
        refusal.session,
        refusal.path_param("incident_id"),
        status_code=refusal.error.status_code,
        error=refusal.error,
        typed=dict(refusal.typed),
        chosen=list(refusal.error.details.get("officers_typed", [])),
    )


def _visit_date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        reason = Message("visits.date_unreadable", N_("Give the visit date as YYYY-MM-DD."))
        fields = [{"field": "visit_date", "reason": reason}]
        raise InvalidInput(reason, details={"fields": fields}) from None


@router.post("/incidents/{incident_id}/visits", response_class=HTMLResponse)
@refused_with(_new_refused)
async def visit_create(
    request: Request, db: DB, session: CheckedForm, incident_id: str
) -> Response:
    """Plan a visit; its cases are those held at the facility."""
    form = await request.form()
    officers = [str(name) for name in form.getlist("officer")]
    try:
        plan = create_plan(
            db,
            actor_of(session),
            incident_id,
            PlanInput(
                facility=str(form.get("facility", "")),
                visit_date=_visit_date(str(form.get("visit_date", ""))),
                officers=officers,
                interpreter=form.get("interpreter") == "yes",
                interpreter_name=str(form.get("interpreter_name", "")),
                notes=str(form.get("notes", "")),
            ),
        )
    except DomainError as refused:
        refused.details["officers_typed"] = officers
        raise
    return RedirectResponse(f"/visits/{plan.id}", status_code=303)


def _visit_page(
    request: Request,
    db: Session,
    session: WebSession,
    plan_id: str,
    *,
    status_code: int = 200,
    error: DomainError | None = None,
    notice: str = "",
) -> Response:
    page, _ = page_for(request, session)
    actor = actor_of(session)
    plan = get_plan(db, actor, plan_id)
    incident = db.get_one(Incident, plan.incident_id)
    cases = sorted((seen.case for seen in plan.cases), key=lambda case: case.number)
    return page.render(
        request,
        "visit.html",
        status_code=status_code,
        plan=plan,
        incident=incident,
        cases=cases,
        interview=interview_link(plan),
        sorts=[Sort.A_NUMBER.value, Sort.NAME.value],
        can_change=actor.can(Permission.CASE_WRITE)
        and plan.state == "planned"
        and incident.status != "closed",
        error=error,
        rows=error.details.get("rows", []) if error is not None else [],
        notice=notice,
    )


@router.get("/visits/{plan_id}", response_class=HTMLResponse)
def visit_page(request: Request, db: DB, session: SignedIn, plan_id: str) -> Response:
    return _visit_page(request, db, session, plan_id)


_visit_refused = on_page(_visit_page, "plan_id")


def _changed(plan_id: str) -> Response:
    return RedirectResponse(f"/visits/{plan_id}", status_code=303)


@router.post("/visits/{plan_id}/cases")
@refused_with(_visit_refused)
def visit_add(
    db: DB, session: CheckedForm, plan_id: str, numbers: Annotated[str, Form()] = ""
) -> Response:
    """Add the cases a pasted list names, all or none."""
    add_cases(db, actor_of(session), plan_id, numbers)
    return _changed(plan_id)


@router.post("/visits/{plan_id}/cases/file")
@refused_with(_visit_refused)
def visit_add_file(
    db: DB,
    session: CheckedForm,
    plan_id: str,
    limits: UploadLimits,
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Add the cases a roster file (CSV or XLSX) names, all or none."""
    if file is None or not file.filename:
        raise InvalidInput("visits.no_file", N_("Choose a file of A-numbers or case numbers."))
    add_file(db, actor_of(session), plan_id, read_upload(file.file, file.filename, limits))
    return _changed(plan_id)


@router.post("/visits/{plan_id}/cases/{case_id}/remove")
@refused_with(_visit_refused)
def visit_remove(db: DB, session: CheckedForm, plan_id: str, case_id: str) -> Response:
    remove_case(db, actor_of(session), plan_id, case_id)
    return _changed(plan_id)


@router.post("/visits/{plan_id}/state")
@refused_with(_visit_refused)
def visit_state(
    db: DB, session: CheckedForm, plan_id: str, state: Annotated[str, Form()] = ""
) -> Response:
    set_state(db, actor_of(session), plan_id, state)
    return _changed(plan_id)


def render_roster(
    db: Session,
    plan: VisitPlan,
    rows: list[dict[str, str]],
    language: str,
    *,
    standalone: bool = True,
) -> str:
    """The roster page; ``standalone`` inlines its style (a file), else links it (served)."""
    incident = db.get_one(Incident, plan.incident_id)
    page = Page(language if language in LANGUAGES else "ko", time_zone=incident.post.time_zone)
    return (
        environment(page.language)
        .get_template("roster.html")
        .render(
            page=page,
            plan=plan,
            heading=heading_lines(plan, incident, len(rows), page.language),
            rows=rows,
            boxes=BOXES,
            language_name=lambda code: language_name(code, page.language),
            stylesheet=STYLESHEET.read_text(encoding="utf-8") if standalone else "",
        )
    )


def _roster_export(
    request: Request, db: Session, session: WebSession, plan_id: str, kind: str, sort: str
) -> Response:
    page, _ = page_for(request, session)

    def render(plan: VisitPlan, rows: list[dict[str, str]]) -> Response:
        if kind == "pdf":
            incident = db.get_one(Incident, plan.incident_id)
            content = roster_pdf(plan, incident, rows, page.language)
            return download(content, f"roster-{plan.visit_date:%Y%m%d}.pdf", "application/pdf")
        response: Response = HTMLResponse(
            render_roster(db, plan, rows, page.language, standalone=False)
        )
        response.headers["Cache-Control"] = "no-store"
        return response

    try:
        return export_roster(db, actor_of(session), plan_id, kind, sort, render)
    except PdfFontMissing:
        # The server's set-up, not the officer's doing: say so, and export nothing.
        refusal = InvalidInput(
            "visits.pdf_font",
            N_(
                "The server has no font with Hangul and Latin letters to embed in the PDF: "
                "print the roster page instead, and ask your system operator to install one."
            ),
        )
        return _visit_page(request, db, session, plan_id, status_code=503, error=refusal)


@router.get("/visits/{plan_id}/roster", response_class=HTMLResponse)
def visit_roster(
    request: Request,
    db: DB,
    session: SignedIn,
    plan_id: str,
    sort: Annotated[str, Query()] = Sort.A_NUMBER.value,
) -> Response:
    """The roster as a page to print, in the reader's language; the printing is audited."""
    return _roster_export(request, db, session, plan_id, "html", sort)


@router.get("/visits/{plan_id}/roster.pdf")
def visit_roster_pdf(
    request: Request,
    db: DB,
    session: SignedIn,
    plan_id: str,
    sort: Annotated[str, Query()] = Sort.A_NUMBER.value,
) -> Response:
    return _roster_export(request, db, session, plan_id, "pdf", sort)
