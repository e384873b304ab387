"""Visit plans through the API: an incident's plans, planning one, one plan with its cases,
adding cases by a list, and its roster as a PDF."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Query, status
from fastapi.responses import Response
from pydantic import BaseModel, Field

from consular.api_schema import SIGNED_IN, TAKES_BODY, Language, answers
from consular.errors import Conflict
from consular.flights.fonts import PdfFontMissing
from consular.i18n import N_
from consular.incidents.models import Incident
from consular.visits.models import VisitPlan
from consular.visits.roster_pdf import roster_pdf
from consular.visits.service import (
    PlanInput,
    Sort,
    add_cases,
    create_plan,
    export_roster,
    get_plan,
    interview_link,
    plans_of,
)
from consular.web.deps import DB, CurrentActor, download

router = APIRouter(tags=["visits"], responses=answers(*SIGNED_IN))


class VisitCreate(BaseModel):
    facility: str = Field(max_length=200, description="As the directory or the cases name it")
    visit_date: date = Field(description="The day, on the post's calendar")
    officers: list[str] = Field(description="User names, all on the incident's team")
    interpreter: bool = False
    interpreter_name: str = Field("", max_length=120)
    notes: str = Field("", max_length=2000)


class CasesAdd(BaseModel):
    numbers: str = Field(
        max_length=200_000,
        description="Case numbers or A-numbers, one or more a line (commas, semicolons, tabs)",
    )


class VisitCaseRead(BaseModel):
    case_id: str
    number: int
    name: str
    state: str


class VisitRead(BaseModel):
    id: str
    incident_id: str
    facility: str
    facility_id: str | None
    visit_date: date
    officers: list[str]
    interpreter: bool
    interpreter_name: str
    notes: str
    state: str
    case_count: int
    interviews: str = Field(description="The interview screen for this visit's cases")
    cases: list[VisitCaseRead] | None = None


def _read(plan: VisitPlan, count: int | None = None, *, with_cases: bool = False) -> VisitRead:
    cases = sorted((seen.case for seen in plan.cases), key=lambda c: c.number)
    return VisitRead(
        id=plan.id,
        incident_id=plan.incident_id,
        facility=plan.facility_name,
        facility_id=plan.facility_id,
        visit_date=plan.visit_date,
        officers=list(plan.officers),
        interpreter=plan.interpreter,
        interpreter_name=plan.interpreter_name,
        notes=plan.notes,
        state=plan.state,
        case_count=len(cases) if count is None else count,
        interviews=interview_link(plan) if with_cases else "",
        cases=[
            VisitCaseRead(case_id=c.id, number=c.number, name=c.person.display_name, state=c.state)
            for c in cases
        ]
        if with_cases
        else None,
    )


@router.get(
    "/incidents/{incident_id}/visits",
    response_model=list[VisitRead],
    summary="The incident's visit plans, by day and facility",
    responses=answers(404, 422),
)
def list_visits(incident_id: str, db: DB, actor: CurrentActor) -> list[VisitRead]:
    return [_read(plan, count) for plan, count in plans_of(db, actor, incident_id)]


@router.post(
    "/incidents/{incident_id}/visits",
    response_model=VisitRead,
    status_code=status.HTTP_201_CREATED,
    summary="Plan a visit: it starts with every case held at the facility",
    responses=answers(*TAKES_BODY, 404, 409),
)
def plan_visit(incident_id: str, body: VisitCreate, db: DB, actor: CurrentActor) -> VisitRead:
    plan = create_plan(
        db,
        actor,
        incident_id,
        PlanInput(
            facility=body.facility,
            visit_date=body.visit_date,
            officers=body.officers,
            interpreter=body.interpreter,
            interpreter_name=body.interpreter_name,
            notes=body.notes,
        ),
    )
    return _read(get_plan(db, actor, plan.id), with_cases=True)


@router.get(
    "/visits/{plan_id}",
    response_model=VisitRead,
    summary="A visit plan and its cases",
    responses=answers(404, 422),
)
def read_visit(plan_id: str, db: DB, actor: CurrentActor) -> VisitRead:
    return _read(get_plan(db, actor, plan_id), with_cases=True)


@router.post(
    "/visits/{plan_id}/cases",
    response_model=VisitRead,
    summary="Add the cases a list names, all or none (each refused entry by its line)",
    responses=answers(*TAKES_BODY, 404, 409),
)
def add_visit_cases(plan_id: str, body: CasesAdd, db: DB, actor: CurrentActor) -> VisitRead:
    add_cases(db, actor, plan_id, body.numbers)
    return _read(get_plan(db, actor, plan_id), with_cases=True)


@router.get(
    "/visits/{plan_id}/roster.pdf",
    summary="The visit's roster as a PDF to print (its printing is audited)",
    responses={
        **answers(404, 409, 422),
        200: {"content": {"application/pdf": {}}, "description": "The roster"},
    },
    response_class=Response,
)
def visit_roster_pdf(
    plan_id: str,
    db: DB,
    actor: CurrentActor,
    sort: Sort = Query(Sort.A_NUMBER, description="As the facility lists its detainees"),
    lang: Language = Query(Language.EN, description="Language of the roster"),
) -> Response:
    def render(plan: VisitPlan, rows: list[dict[str, str]]) -> Response:
        incident = db.get_one(Incident, plan.incident_id)
        content = roster_pdf(plan, incident, rows, lang.value)
        return download(content, f"roster-{plan.visit_date:%Y%m%d}.pdf", "application/pdf")

    try:
        return export_roster(db, actor, plan_id, "pdf", sort.value, render)
    except PdfFontMissing:
        raise Conflict(
            "visits.pdf_font",
            N_("The server has no font with Hangul and Latin letters to embed in the PDF."),
        ) from None
