"""The incidents' pages: the dashboard, an incident with its cases, a list, the review queue."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from consular.api_schema import MAX_PAGE
from consular.auth.models import WebSession
from consular.auth.permissions import Permission
from consular.auth.service import Actor
from consular.auth.sessions import actor_of
from consular.cases.bulk_actions import bulk_choices
from consular.cases.chart import COLOURS, states_by_day
from consular.cases.export import export_cases
from consular.cases.models import Case
from consular.cases.service import CASE_SORTS, count_overdue, list_cases
from consular.cases.states import CaseState
from consular.cases.worklist import work_counts
from consular.db import utcnow
from consular.errors import DomainError, InvalidInput, NotFound
from consular.facilities.service import held_per_facility
from consular.flights.service import accounting, flights_of
from consular.incidents.lifecycle import CLOSED
from consular.incidents.models import Incident, SourceList, SourceRecord
from consular.incidents.schemas import ReviewItem
from consular.incidents.scope import readable_incidents
from consular.incidents.service import case_counts, decide, get_incident, review_queue
from consular.incidents.team import team
from consular.interviews.aggregates import incident_view as interview_view
from consular.registry.models import Deployment, Employer, Person
from consular.registry.service import mask_identifier, search_as_typed
from consular.web.access import CheckedForm, SignedIn, on_page, refused_with
from consular.web.common import page_for
from consular.web.deps import DB, csv_download

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, db: DB, session: SignedIn) -> Response:
    page, _ = page_for(request, session)
    actor = actor_of(session)
    if actor.employer_id is not None:
        # An employer has no incident of its own: its page is its workers and deployments.
        return RedirectResponse("/deployments", status_code=303)
    incidents = db.scalars(
        readable_incidents(actor)
        .where(Incident.status == "open")
        .order_by(Incident.started_at.desc())
    ).all()
    ids = [incident.id for incident in incidents]
    charts = states_by_day(db, ids, page.time_zone, utcnow())
    mine = work_counts(db, actor)
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
                "mine": mine.get(incident.id),
            }
        )
    # Incidents with overdue rights deadlines first (the sort keeps the newest first otherwise).
    rows.sort(key=lambda row: 0 if row["overdue"] else 1)
    return page.render(
        request,
        "dashboard.html",
        rows=rows,
        colours=COLOURS,
        can_open=actor.can(Permission.INCIDENT_WRITE),
    )


PAGE_SIZE = 50
# Rows per page an officer may choose; 500 shows a whole incident of the model case's size.
PAGE_SIZES = (50, 100, 500)
_STATES = {str(state) for state in CaseState}


def case_filters(
    state: str | None = None,
    facility: str | None = None,
    overdue: str | None = None,
    employer: str | None = None,
    sort: str | None = None,
    officer: str | None = None,
) -> dict[str, Any]:
    return {
        "state": state if state in _STATES else None,
        "facility": (facility or "").strip() or None,
        "overdue": overdue == "1",
        "employer_id": (employer or "").strip() or None,
        "officer": (officer or "").strip() or None,
        "sort": sort if sort in CASE_SORTS else "number",
    }


def _query_string(filters: dict[str, Any]) -> str:
    """The filters as the page's own query string (the default order left out)."""
    named = {"employer": filters["employer_id"], **filters}
    del named["employer_id"]
    if named["sort"] == "number":
        del named["sort"]
    return urlencode({k: ("1" if v is True else v) for k, v in named.items() if v})


@dataclass(frozen=True)
class CasesShown:
    """Which cases of an incident its page shows: the filters, the order, the page."""

    filters: dict[str, Any]
    page_number: int = 1
    size: int = PAGE_SIZE

    @property
    def query(self) -> str:
        return _query_string(self.filters)

    @property
    def paged(self) -> str:
        size = f"per_page={self.size}" if self.size != PAGE_SIZE else ""
        return "&".join(filter(None, [self.query, size]))


@dataclass(frozen=True)
class FlightForm:
    """The add-a-flight form sent back refused: what was typed, and what is wrong."""

    typed: Mapping[str, str]
    error: DomainError


@router.get("/incidents/{incident_id}", response_class=HTMLResponse)
def incident_page(
    request: Request,
    db: DB,
    session: SignedIn,
    incident_id: str,
    state: str | None = None,
    facility: str | None = None,
    overdue: str | None = None,
    employer: str | None = None,
    sort: str | None = None,
    page_number: Annotated[int, Query(alias="page", ge=1, le=MAX_PAGE)] = 1,
    per_page: int = PAGE_SIZE,
    imported: str | None = None,
    officer: str | None = None,
) -> Response:
    shown = CasesShown(
        case_filters(state, facility, overdue, employer, sort, officer),
        page_number,
        per_page if per_page in PAGE_SIZES else PAGE_SIZE,
    )
    return render_incident(request, db, session, incident_id, shown, imported=imported)


def render_incident(
    request: Request,
    db: Session,
    session: WebSession,
    incident_id: str,
    shown: CasesShown,
    *,
    imported: str | None = None,
    flight_form: FlightForm | None = None,
    status_code: int = 200,
    error: DomainError | None = None,
) -> Response:
    """An incident with its lists, flights and a page of its cases (the flight form refused,
    if ``flight_form``; closing or reopening it refused, if ``error``)."""
    page, _ = page_for(request, session)
    actor = actor_of(session)
    total, cases = list_cases(
        db,
        actor,
        incident_id,
        **shown.filters,
        limit=shown.size,
        offset=(shown.page_number - 1) * shown.size,
    )
    last_page = max(1, (total + shown.size - 1) // shown.size)
    if shown.page_number > last_page:
        # A bookmark or a link from before cases were closed or filtered: the last page,
        # not an empty table.
        last = f"page={last_page}" if last_page > 1 else ""
        target = "&".join(filter(None, [shown.paged, last]))
        return RedirectResponse(f"{request.url.path}?{target}#cases", status_code=303)
    return page.render(
        request,
        "incident.html",
        status_code=422 if flight_form else status_code,
        error=error,
        cases=cases,
        total=total,
        filters=shown.filters,
        page_number=shown.page_number,
        last_page=last_page,
        per_page=shown.size,
        query=shown.query,
        paged=shown.paged,
        flight_form=flight_form,
        **_around_the_cases(db, actor, incident_id, imported),
    )


def incident_refused(
    request: Request,
    db: Session,
    session: WebSession,
    incident_id: str,
    *,
    status_code: int,
    error: DomainError,
) -> Response:
    """The incident's page saying why closing or reopening it was refused."""
    shown = CasesShown(case_filters(), 1, PAGE_SIZE)
    return render_incident(
        request, db, session, incident_id, shown, status_code=status_code, error=error
    )


def _around_the_cases(
    db: Session, actor: Actor, incident_id: str, imported: str | None
) -> dict[str, Any]:
    """What the incident's page shows besides its cases: its lists, flights, the choices."""
    lists = _source_lists(db, incident_id)
    incident = db.get(Incident, incident_id)
    # A closed incident takes no change: the forms it would refuse are not shown.
    is_open = incident is not None and incident.status != CLOSED
    return {
        "incident": incident,
        "lists": lists,
        "just_imported": next((item for item in lists if item.id == imported), None),
        "flights": flights_of(db, actor, incident_id),
        "accounted": accounting(db, actor, incident_id),
        "held_per_facility": held_per_facility(db, incident_id),
        "can_move": is_open and actor.can(Permission.CASE_TRANSITION),
        "can_import": is_open and actor.can(Permission.LIST_IMPORT),
        "can_review": is_open and actor.can(Permission.REVIEW_DECIDE),
        "can_close": actor.can(Permission.INCIDENT_WRITE),
        "can_see_changes": actor.can(Permission.AUDIT_READ),
        "can_hotline": actor.can(Permission.HOTLINE_READ),
        "sorts": list(CASE_SORTS),
        "states": [str(state) for state in CaseState],
        "page_sizes": PAGE_SIZES,
        **_filter_choices(db, incident_id),
        "officers": [user.name for user in team(db, incident)] if incident else [],
        "interviews": interview_view(db, actor, incident_id),
        **(bulk_choices(db, actor, incident) if is_open and incident else {"bulk_kinds": []}),
    }


def _source_lists(db: Session, incident_id: str) -> Sequence[SourceList]:
    return db.scalars(
        select(SourceList)
        .where(SourceList.incident_id == incident_id)
        .order_by(SourceList.imported_at)
    ).all()


def _filter_choices(db: Session, incident_id: str) -> dict[str, Any]:
    """The facilities and employers the incident's cases may be filtered by."""
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
    return {"facilities": facilities, "employers": employers}


@router.get("/incidents/{incident_id}/lists/{list_id}", response_class=HTMLResponse)
def source_list_page(
    request: Request, db: DB, session: SignedIn, incident_id: str, list_id: str
) -> Response:
    """One imported list: its whole report, and every row left out with its errors."""
    page, _ = page_for(request, session)
    incident = get_incident(db, actor_of(session), incident_id)
    source = db.get(SourceList, list_id)
    if source is None or source.incident_id != incident.id:
        raise NotFound("source list", list_id)
    decisions = dict(
        db.execute(
            select(SourceRecord.decision, func.count())
            .where(SourceRecord.source_list_id == source.id)
            .group_by(SourceRecord.decision)
        ).all()
    )
    return page.render(
        request,
        "source_list.html",
        incident=incident,
        source=source,
        decisions=decisions,
        can_review=actor_of(session).can(Permission.REVIEW_DECIDE),
    )


@router.get("/incidents/{incident_id}/cases.csv")
def incident_cases_csv(
    request: Request,
    db: DB,
    session: SignedIn,
    incident_id: str,
    state: str | None = None,
    facility: str | None = None,
    overdue: str | None = None,
    employer: str | None = None,
    sort: str | None = None,
    officer: str | None = None,
) -> Response:
    """The filtered cases table as CSV (all pages); the export is audited."""
    page, _ = page_for(request, session)
    filters = case_filters(state, facility, overdue, employer, sort, officer)
    table = export_cases(db, actor_of(session), incident_id, page.language, **filters)
    return csv_download(table, f"cases-{incident_id[:8]}-{utcnow():%Y%m%d-%H%M}.csv")


@dataclass(frozen=True)
class RegistrySearch:
    """A search of the registry typed for one row of the review queue, and what it found."""

    row: str = ""
    name: str = ""
    date_of_birth: str = ""
    passport_number: str = ""
    found: Sequence[Person] | None = None
    error: DomainError | None = None


def _search_for_row(db: Session, actor: Actor, typed: RegistrySearch) -> RegistrySearch:
    """The registry searched as the officer typed it (the registry page's search)."""
    if not typed.row:
        return typed
    try:
        found = search_as_typed(
            db,
            actor,
            name=typed.name,
            date_of_birth=typed.date_of_birth,
            passport_number=typed.passport_number,
            limit=20,
        )
    except InvalidInput as exc:
        return dataclasses.replace(typed, error=exc)
    return dataclasses.replace(typed, found=found)


def _review_page(
    request: Request,
    db: Session,
    session: WebSession,
    incident_id: str,
    *,
    status_code: int = 200,
    error: DomainError | None = None,
    search: RegistrySearch | None = None,
) -> Response:
    page, _ = page_for(request, session)
    actor = actor_of(session)
    records = review_queue(db, actor, incident_id)
    return page.render(
        request,
        "review.html",
        status_code=status_code,
        incident=db.get(Incident, incident_id),
        items=[ReviewItem.of(r) for r in records],
        error=error,
        search=_search_for_row(db, actor, search or RegistrySearch()),
        # The row's own name and birth date start each search: the officer edits from there.
        typed={r.id: _as_typed(r) for r in records},
        mask=mask_identifier,
    )


def _as_typed(record: SourceRecord) -> RegistrySearch:
    latin = " ".join(p for p in (record.family_name, record.given_name) if p)
    born = record.date_of_birth.isoformat() if record.date_of_birth else ""
    return RegistrySearch(record.id, latin or record.full_name_hangul or "", born)


_review_refused = on_page(_review_page, "incident_id", status_code=409)


@router.get("/incidents/{incident_id}/review", response_class=HTMLResponse)
def review_page(
    request: Request,
    db: DB,
    session: SignedIn,
    incident_id: str,
    row: str = "",
    name: str = "",
    date_of_birth: str = "",
    passport_number: str = "",
) -> Response:
    """The rows waiting for a decision; ``row`` with a name, a date of birth or a passport
    number searches the registry for that row."""
    search = RegistrySearch(row, name, date_of_birth, passport_number)
    return _review_page(request, db, session, incident_id, search=search)


@router.post("/incidents/{incident_id}/review/{record_id}")
@refused_with(_review_refused)
def review_decide(
    db: DB,
    session: CheckedForm,
    incident_id: str,
    record_id: str,
    action: Annotated[str, Form()] = "",
    person_id: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    decide(
        db,
        actor_of(session),
        incident_id,
        record_id,
        action,
        person_id=person_id or None,
        note=note.strip(),
    )
    return RedirectResponse(f"/incidents/{incident_id}/review", status_code=303)
