"""The incidents' pages: the dashboard, an incident with its cases, a list, the review queue."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func, select

from consular import audit
from consular.api_schema import MAX_PAGE
from consular.audit.tags import AuditTag
from consular.auth.models import WebSession
from consular.auth.permissions import Permission
from consular.auth.sessions import actor_of
from consular.cases.chart import COLOURS, states_by_day
from consular.cases.models import Case
from consular.cases.service import CASE_SORTS, count_overdue, list_cases
from consular.cases.states import CaseState
from consular.db import utcnow
from consular.errors import NotFound
from consular.flights.service import accounting, flights_of
from consular.incidents.models import Incident, SourceList, SourceRecord
from consular.incidents.schemas import ReviewItem
from consular.incidents.scope import readable_incidents
from consular.incidents.service import case_counts, decide, get_incident, review_queue
from consular.registry.models import Deployment, Employer
from consular.web.common import not_found, page_for, signed_in, submit
from consular.web.deps import DB, csv_download

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, db: DB) -> Response:
    session = signed_in(request, db)
    if isinstance(session, Response):
        return session
    page, _ = page_for(request, session)
    actor = actor_of(session)
    incidents = db.scalars(
        readable_incidents(actor)
        .where(Incident.status == "open")
        .order_by(Incident.started_at.desc())
    ).all()
    ids = [incident.id for incident in incidents]
    charts = states_by_day(db, ids, page.time_zone, utcnow())
    rows = []
    for incident in incidents:
        counts = case_counts(db, incident.id)
        rows.append(
            {
                "incident": incident,
                "total": sum(counts.values()),
                "states": [(str(state), counts.get(str(state), 0)) for state in CaseState],
                "overdue": count_overdue(db, incident.id),
                "chart": charts[incident.id],
            }
        )
    # Incidents with overdue rights deadlines first (the sort keeps the newest first otherwise).
    rows.sort(key=lambda row: 0 if row["overdue"] else 1)
    return page.render(request, "dashboard.html", rows=rows, colours=COLOURS)


PAGE_SIZE = 50
# Rows per page an officer may choose; 500 shows a whole incident of the model case's size.
PAGE_SIZES = (50, 100, 500)
_STATES = {str(state) for state in CaseState}


def _case_filters(
    state: str | None,
    facility: str | None,
    overdue: str | None,
    employer: str | None = None,
    sort: str | None = None,
) -> dict[str, Any]:
    return {
        "state": state if state in _STATES else None,
        "facility": (facility or "").strip() or None,
        "overdue": overdue == "1",
        "employer_id": (employer or "").strip() or None,
        "sort": sort if sort in CASE_SORTS else "number",
    }


def _query_string(filters: dict[str, Any]) -> str:
    """The filters as the page's own query string (the default order left out)."""
    named = {"employer": filters["employer_id"], **filters}
    del named["employer_id"]
    if named["sort"] == "number":
        del named["sort"]
    return urlencode({k: ("1" if v is True else v) for k, v in named.items() if v})


@router.get("/incidents/{incident_id}", response_class=HTMLResponse)
def incident_page(
    request: Request,
    db: DB,
    incident_id: str,
    state: str | None = None,
    facility: str | None = None,
    overdue: str | None = None,
    employer: str | None = None,
    sort: str | None = None,
    page_number: Annotated[int, Query(alias="page", ge=1, le=MAX_PAGE)] = 1,
    per_page: int = PAGE_SIZE,
    imported: str | None = None,
) -> Response:
    session = signed_in(request, db)
    if isinstance(session, Response):
        return session
    page, _ = page_for(request, session)
    actor = actor_of(session)
    filters = _case_filters(state, facility, overdue, employer, sort)
    size = per_page if per_page in PAGE_SIZES else PAGE_SIZE
    try:
        total, cases = list_cases(
            db, actor, incident_id, **filters, limit=size, offset=(page_number - 1) * size
        )
    except NotFound:
        return not_found(request, page)
    query = _query_string(filters)
    paged = "&".join(filter(None, [query, f"per_page={size}" if size != PAGE_SIZE else ""]))
    last_page = max(1, (total + size - 1) // size)
    if page_number > last_page:
        # A bookmark or a link from before cases were closed or filtered: the last page,
        # not an empty table.
        last = f"page={last_page}" if last_page > 1 else ""
        target = "&".join(filter(None, [paged, last]))
        return RedirectResponse(f"{request.url.path}?{target}#cases", status_code=303)
    incident = db.get(Incident, incident_id)
    lists = db.scalars(
        select(SourceList)
        .where(SourceList.incident_id == incident_id)
        .order_by(SourceList.imported_at)
    ).all()
    facilities = db.scalars(
        select(Case.facility)
        .where(Case.incident_id == incident_id, Case.facility.is_not(None))
        .distinct()
        .order_by(Case.facility)
    ).all()
    employers = db.execute(
        select(Employer.id, Employer.name)
        .join(Deployment, Deployment.employer_id == Employer.id)
        .join(Case, Case.person_id == Deployment.person_id)
        .where(Case.incident_id == incident_id)
        .distinct()
        .order_by(Employer.name)
    ).all()
    just_imported = next((item for item in lists if item.id == imported), None)
    return page.render(
        request,
        "incident.html",
        incident=incident,
        lists=lists,
        cases=cases,
        total=total,
        filters=filters,
        facilities=facilities,
        employers=employers,
        sorts=list(CASE_SORTS),
        states=[str(state) for state in CaseState],
        page_number=page_number,
        last_page=last_page,
        per_page=size,
        page_sizes=PAGE_SIZES,
        just_imported=just_imported,
        flights=flights_of(db, actor, incident_id),
        accounted=accounting(db, actor, incident_id),
        can_move=actor.can(Permission.CASE_TRANSITION),
        can_import=actor.can(Permission.LIST_IMPORT),
        query=query,
        paged=paged,
    )


@router.get("/incidents/{incident_id}/lists/{list_id}", response_class=HTMLResponse)
def source_list_page(request: Request, db: DB, incident_id: str, list_id: str) -> Response:
    """One imported list: its whole report, and every row left out with its errors."""
    session = signed_in(request, db)
    if isinstance(session, Response):
        return session
    page, _ = page_for(request, session)
    try:
        incident = get_incident(db, actor_of(session), incident_id)
    except NotFound:
        return not_found(request, page)
    source = db.get(SourceList, list_id)
    if source is None or source.incident_id != incident.id:
        return not_found(request, page)
    decisions = dict(
        db.execute(
            select(SourceRecord.decision, func.count())
            .where(SourceRecord.source_list_id == source.id)
            .group_by(SourceRecord.decision)
        ).all()
    )
    return page.render(
        request, "source_list.html", incident=incident, source=source, decisions=decisions
    )


CSV_COLUMNS = ("number", "name", "date_of_birth", "state", "facility", "disposition", "overdue")


@router.get("/incidents/{incident_id}/cases.csv")
def incident_cases_csv(
    request: Request,
    db: DB,
    incident_id: str,
    state: str | None = None,
    facility: str | None = None,
    overdue: str | None = None,
    employer: str | None = None,
    sort: str | None = None,
) -> Response:
    """The filtered cases table as CSV (all pages); the export is audited."""
    session = signed_in(request, db)
    if isinstance(session, Response):
        return session
    page, _ = page_for(request, session)
    actor = actor_of(session)
    filters = _case_filters(state, facility, overdue, employer, sort)
    try:
        total, cases = list_cases(db, actor, incident_id, **filters, limit=100_000)
    except NotFound:
        return not_found(request, page)
    now = utcnow()
    rows = [
        [
            summary.number,
            summary.person_name,
            summary.date_of_birth or "",
            summary.state,
            summary.facility or "",
            summary.disposition or "",
            " ".join(summary.overdue),
        ]
        for summary in cases
    ]
    audit.record(
        db,
        actor=actor.name,
        tag=AuditTag.CASES_EXPORT,
        target_type="incident",
        target_id=incident_id,
        diff={"rows": total, **{k: v for k, v in filters.items() if v and k != "sort"}},
    )
    name = f"cases-{incident_id[:8]}-{now:%Y%m%d-%H%M}.csv"
    return csv_download([CSV_COLUMNS, *rows], name)


def _review_page(
    request: Request,
    db: DB,
    session: WebSession,
    incident_id: str,
    *,
    status_code: int = 200,
    error: str | None = None,
) -> Response:
    page, _ = page_for(request, session)
    try:
        items = [ReviewItem.of(r) for r in review_queue(db, actor_of(session), incident_id)]
    except NotFound:
        return not_found(request, page)
    return page.render(
        request,
        "review.html",
        status_code=status_code,
        incident=db.get(Incident, incident_id),
        items=items,
        error=error,
    )


@router.get("/incidents/{incident_id}/review", response_class=HTMLResponse)
def review_page(request: Request, db: DB, incident_id: str) -> Response:
    session = signed_in(request, db)
    if isinstance(session, Response):
        return session
    return _review_page(request, db, session, incident_id)


@router.post("/incidents/{incident_id}/review/{record_id}")
def review_decide(
    request: Request,
    db: DB,
    incident_id: str,
    record_id: str,
    action: Annotated[str, Form()] = "",
    person_id: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    return submit(
        request,
        db,
        csrf_token,
        lambda actor: decide(
            db,
            actor,
            incident_id,
            record_id,
            action,
            person_id=person_id or None,
            note=note.strip(),
        ),
        f"/incidents/{incident_id}/review",
        lambda session, error: _review_page(
            request, db, session, incident_id, status_code=409, error=str(error)
        ),
    )
