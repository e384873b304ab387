"""The workspace's pages: sign in and out, the language, the dashboard."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func, select

from consular import audit
from consular.api_schema import MAX_PAGE
from consular.audit.service import case_history
from consular.auth.models import Post, User, WebSession
from consular.auth.permissions import Permission, Role
from consular.auth.service import Actor, create_user, deactivate_user, generate_password
from consular.auth.sessions import (
    actor_of,
    clear_sign_in_failures,
    recent_failures,
    sign_in,
    sign_out,
    unlockable_by,
)
from consular.cases.models import Case
from consular.cases.service import (
    CASE_SORTS,
    add_note,
    complete_milestone,
    count_overdue,
    describe,
    get_case,
    list_cases,
    readable_cases,
    record_custody,
    record_disposition,
    reveal_host_identifier,
    transition,
)
from consular.cases.states import CaseState, Disposition
from consular.db import utcnow
from consular.errors import Conflict, InvalidInput, NotFound, Throttled, Unauthenticated
from consular.families.service import codes_of, issue_code, revoke_code
from consular.fields import FieldError, parse_date
from consular.flights.service import TRAVEL_DOCUMENTS, accounting, flights_of, set_travel
from consular.i18n import LANGUAGE_COOKIE, LANGUAGES
from consular.incidents.models import Incident, SourceList, SourceRecord
from consular.incidents.schemas import ReviewItem
from consular.incidents.scope import readable_incidents
from consular.incidents.service import case_counts, decide, get_incident, review_queue
from consular.notifications.service import failures, send_again
from consular.notifications.service import of_case as notifications_of_case
from consular.registry.models import Deployment, Employer, Person
from consular.registry.service import get_person, mask_identifier, search_persons
from consular.screening.deployments import disagreeing_deployments
from consular.web.common import (
    SESSION_COOKIE,
    client_address,
    expired,
    form_ok,
    not_found,
    page_for,
    session_of,
    settings_of,
    signed_in,
    signed_in_form,
    submit,
    with_form_cookie,
)
from consular.web.deps import DB, csv_download
from consular.workspace.chart import COLOURS, states_by_day

ONE_YEAR_S = 365 * 24 * 3600

router = APIRouter(include_in_schema=False)


def _safe_next(target: str) -> str:
    # Only a path on this site: never an address elsewhere (open redirect).
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_form(request: Request, db: DB, next: str = "/") -> Response:
    session = session_of(request, db)
    if session is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    page, fresh = page_for(request, None)
    response = page.render(request, "sign_in.html", name="", next=_safe_next(next))
    return with_form_cookie(request, response, fresh)


@router.post("/sign-in", response_class=HTMLResponse)
def sign_in_submit(
    request: Request,
    db: DB,
    name: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    page, fresh = page_for(request, None)
    if not form_ok(request, None, csrf_token):
        return with_form_cookie(request, expired(request, page), fresh)
    client = client_address(request)
    try:
        signed = sign_in(db, settings_of(request), name, password, client)
    except Throttled as exc:
        response = page.render(
            request,
            "sign_in.html",
            status_code=429,
            name=name,
            next=_safe_next(next),
            error="throttled",
            minutes=max(1, (exc.retry_after_s + 59) // 60),
        )
        response.headers["Retry-After"] = str(exc.retry_after_s)
        return response
    except Unauthenticated:
        return page.render(
            request,
            "sign_in.html",
            status_code=401,
            name=name,
            next=_safe_next(next),
            error="wrong",
        )
    redirect = RedirectResponse(_safe_next(next), status_code=303)
    redirect.set_cookie(
        SESSION_COOKIE,
        signed.token,
        httponly=True,
        samesite="lax",
        secure=settings_of(request).secure_cookies,
    )
    return redirect


@router.post("/sign-out")
def sign_out_submit(request: Request, db: DB, csrf_token: Annotated[str, Form()] = "") -> Response:
    session = signed_in(request, db)
    if isinstance(session, Response):
        return session
    if not form_ok(request, session, csrf_token):
        page, _ = page_for(request, session)
        return expired(request, page)
    sign_out(db, session)
    response = RedirectResponse("/sign-in", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.post("/language")
def choose_language_submit(
    request: Request,
    db: DB,
    language: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    session = session_of(request, db)
    page, fresh = page_for(request, session)
    if not form_ok(request, session, csrf_token) or language not in LANGUAGES:
        return with_form_cookie(request, expired(request, page), fresh)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(LANGUAGE_COOKIE, language, max_age=ONE_YEAR_S, samesite="lax")
    return response


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
        tag="incidents:cases:export",
        target_type="incident",
        target_id=incident_id,
        diff={"rows": total, **{k: v for k, v in filters.items() if v and k != "sort"}},
    )
    name = f"cases-{incident_id[:8]}-{now:%Y%m%d-%H%M}.csv"
    return csv_download([CSV_COLUMNS, *rows], name)


def _case_page(
    request: Request,
    db: DB,
    session: WebSession,
    case_id: str,
    *,
    status_code: int = 200,
    error: str | None = None,
    revealed: str | None = None,
    issued_code: tuple[str, str] | None = None,
) -> Response:
    page, _ = page_for(request, session)
    actor = actor_of(session)
    try:
        case = get_case(db, actor, case_id)
    except NotFound:
        return not_found(request, page)
    history = case_history(db, case.id) if actor.can(Permission.AUDIT_READ) else []
    return page.render(
        request,
        "case.html",
        status_code=status_code,
        case=case,
        view=describe(case),
        history=history,
        error=error,
        revealed=revealed,
        can_reveal=actor.can(Permission.IDENTIFIER_REVEAL),
        can_move=actor.can(Permission.CASE_TRANSITION),
        can_complete=actor.can(Permission.MILESTONE_COMPLETE),
        can_write=actor.can(Permission.CASE_WRITE),
        dispositions=[str(d) for d in Disposition],
        can_family=actor.can(Permission.FAMILY_CODE),
        family_codes=codes_of(db, case) if actor.can(Permission.FAMILY_CODE) else [],
        messages=notifications_of_case(db, case.id),
        issued_code=issued_code,
        now=utcnow(),
        # Release is recorded by moving the case to released, not here.
        custody_kinds=("booked", "transferred"),
        travel_documents=TRAVEL_DOCUMENTS,
    )


def _change_case(
    request: Request,
    db: DB,
    case_id: str,
    csrf_token: str,
    change: Callable[[Actor], object],
    *,
    refused_before: str | None = None,
) -> Response:
    """Change a case and show it again; a refusal shows the case with the reason."""

    def refused(session: WebSession, reason: str, status: int) -> Response:
        return _case_page(request, db, session, case_id, status_code=status, error=reason)

    if refused_before is not None:
        session = signed_in_form(request, db, csrf_token)
        if isinstance(session, Response):
            return session
        return refused(session, refused_before, 400)
    return submit(
        request,
        db,
        csrf_token,
        change,
        f"/cases/{case_id}",
        # Bad input (422) is told apart from a case that moved on meanwhile (409).
        lambda session, error: refused(session, str(error), error.status_code),
    )


@router.get("/cases/{case_id}", response_class=HTMLResponse)
def case_page(request: Request, db: DB, case_id: str) -> Response:
    session = signed_in(request, db)
    if isinstance(session, Response):
        return session
    return _case_page(request, db, session, case_id)


@router.post("/cases/{case_id}/transition")
def case_transition(
    request: Request,
    db: DB,
    case_id: str,
    to: Annotated[str, Form()] = "",
    version: Annotated[int, Form()] = 0,
    note: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    return _change_case(
        request,
        db,
        case_id,
        csrf_token,
        lambda actor: transition(db, actor, case_id, to, version=version, note=note.strip()),
    )


@router.post("/cases/{case_id}/milestones/{kind}")
def case_milestone_done(
    request: Request,
    db: DB,
    case_id: str,
    kind: str,
    evidence: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    return _change_case(
        request,
        db,
        case_id,
        csrf_token,
        lambda actor: complete_milestone(db, actor, case_id, kind, evidence=evidence.strip()),
    )


@router.post("/cases/{case_id}/notes")
def case_note(
    request: Request,
    db: DB,
    case_id: str,
    body: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    return _change_case(
        request,
        db,
        case_id,
        csrf_token,
        lambda actor: add_note(db, actor, case_id, body.strip()),
        refused_before=None if body.strip() else "empty_note",
    )


@router.post("/cases/{case_id}/disposition")
def case_disposition(
    request: Request,
    db: DB,
    case_id: str,
    disposition: Annotated[str, Form()] = "",
    version: Annotated[int, Form()] = 0,
    note: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    return _change_case(
        request,
        db,
        case_id,
        csrf_token,
        lambda actor: record_disposition(
            db, actor, case_id, disposition=disposition, version=version, note=note.strip()
        ),
    )


@router.post("/cases/{case_id}/custody")
def case_custody(
    request: Request,
    db: DB,
    case_id: str,
    facility: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "booked",
    version: Annotated[int, Form()] = 0,
    note: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    return _change_case(
        request,
        db,
        case_id,
        csrf_token,
        lambda actor: record_custody(
            db, actor, case_id, facility=facility, kind=kind, version=version, note=note.strip()
        ),
    )


@router.post("/cases/{case_id}/travel")
def case_travel(
    request: Request,
    db: DB,
    case_id: str,
    travel_document: Annotated[str, Form()] = "",
    special_needs: Annotated[str, Form()] = "",
    version: Annotated[int, Form()] = 0,
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    return _change_case(
        request,
        db,
        case_id,
        csrf_token,
        lambda actor: set_travel(
            db,
            actor,
            case_id,
            travel_document=travel_document,
            special_needs=special_needs,
            version=version,
        ),
    )


@router.post("/cases/{case_id}/reveal", response_class=HTMLResponse)
def case_reveal(
    request: Request, db: DB, case_id: str, csrf_token: Annotated[str, Form()] = ""
) -> Response:
    """Show the host authority's number once, on this answer only; the reveal is audited."""
    session = signed_in_form(request, db, csrf_token)
    if isinstance(session, Response):
        return session
    actor = actor_of(session)
    try:
        revealed = reveal_host_identifier(db, actor, case_id)
    except NotFound:
        page, _ = page_for(request, session)
        return not_found(request, page)
    return _case_page(request, db, session, case_id, revealed=revealed or "")


@router.post("/cases/{case_id}/family-codes", response_class=HTMLResponse)
def case_family_code(
    request: Request,
    db: DB,
    case_id: str,
    contact: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Issue a family status code; it is shown on this answer only."""
    session = signed_in_form(request, db, csrf_token)
    if isinstance(session, Response):
        return session
    try:
        issued = issue_code(db, actor_of(session), settings_of(request), case_id, contact)
    except NotFound:
        db.rollback()
        page, _ = page_for(request, session)
        return not_found(request, page)
    except InvalidInput as exc:
        db.rollback()
        return _case_page(request, db, session, case_id, status_code=422, error=str(exc))
    return _case_page(
        request,
        db,
        session,
        case_id,
        status_code=201,
        issued_code=(issued.code, issued.family_code.contact_name),
    )


@router.post("/cases/{case_id}/family-codes/{code_id}/revoke")
def case_family_code_revoke(
    request: Request,
    db: DB,
    case_id: str,
    code_id: str,
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    return _change_case(
        request,
        db,
        case_id,
        csrf_token,
        lambda actor: revoke_code(db, actor, code_id, case_id),
    )


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
    )


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


def _failures_page(
    request: Request,
    db: DB,
    session: WebSession,
    *,
    status_code: int = 200,
    error: str | None = None,
) -> Response:
    page, _ = page_for(request, session)
    try:
        rows = failures(db, actor_of(session))
    except NotFound:
        return not_found(request, page)
    return page.render(request, "failures.html", status_code=status_code, rows=rows, error=error)


@router.get("/messages/failures", response_class=HTMLResponse)
def failures_page(request: Request, db: DB) -> Response:
    """Messages to families that failed: given up, or waiting to be tried again."""
    session = signed_in(request, db)
    if isinstance(session, Response):
        return session
    return _failures_page(request, db, session)


@router.post("/messages/{notification_id}/retry")
def message_retry(
    request: Request, db: DB, notification_id: str, csrf_token: Annotated[str, Form()] = ""
) -> Response:
    return submit(
        request,
        db,
        csrf_token,
        lambda actor: send_again(db, actor, notification_id),
        "/messages/failures",
        lambda session, error: _failures_page(
            request, db, session, status_code=409, error=str(error)
        ),
    )


def _admin_page(
    request: Request,
    db: DB,
    session: WebSession,
    *,
    status_code: int = 200,
    error: str | None = None,
    created: tuple[str, str] | None = None,
) -> Response:
    page, _ = page_for(request, session)
    actor = actor_of(session)
    # Administrators manage users; supervisors only unlock those of their own post.
    if not (actor.can(Permission.USER_ADMIN) or actor.can(Permission.SIGN_IN_UNLOCK)):
        return not_found(request, page)
    users = db.scalars(select(User).order_by(User.name)).all()
    return page.render(
        request,
        "admin_users.html",
        status_code=status_code,
        users=[user for user in users if unlockable_by(actor, user)],
        manages_users=actor.can(Permission.USER_ADMIN),
        failures=recent_failures(db, settings_of(request)),
        posts=db.scalars(select(Post.name).order_by(Post.name)).all(),
        employers=db.scalars(select(Employer.name).order_by(Employer.name)).all(),
        employer_names={
            ident: name for ident, name in db.execute(select(Employer.id, Employer.name))
        },
        roles=[str(role) for role in Role],
        error=error,
        created=created,
    )


@router.get("/admin/users", response_class=HTMLResponse)
def admin_users(request: Request, db: DB) -> Response:
    session = signed_in(request, db)
    if isinstance(session, Response):
        return session
    return _admin_page(request, db, session)


@router.post("/admin/users", response_class=HTMLResponse)
def admin_create_user(
    request: Request,
    db: DB,
    name: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    post: Annotated[str, Form()] = "",
    employer: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Create a user; the new password is shown on this answer only."""
    session = signed_in_form(request, db, csrf_token)
    if isinstance(session, Response):
        return session
    password = generate_password()
    try:
        create_user(
            db,
            actor_of(session),
            name=name.strip(),
            role=role,
            password=password,
            post=post or None,
            employer=employer or None,
        )
    except NotFound:
        db.rollback()
        page, _ = page_for(request, session)
        return not_found(request, page)
    except (Conflict, InvalidInput) as exc:
        db.rollback()
        return _admin_page(request, db, session, status_code=409, error=str(exc))
    return _admin_page(request, db, session, status_code=201, created=(name.strip(), password))


@router.post("/admin/users/{user_id}/deactivate")
def admin_deactivate_user(
    request: Request, db: DB, user_id: str, csrf_token: Annotated[str, Form()] = ""
) -> Response:
    return submit(
        request,
        db,
        csrf_token,
        lambda actor: deactivate_user(db, actor, user_id),
        "/admin/users",
        lambda session, error: _admin_page(request, db, session, status_code=409, error=str(error)),
    )


@router.post("/admin/users/{user_id}/unlock")
def admin_unlock_user(
    request: Request, db: DB, user_id: str, csrf_token: Annotated[str, Form()] = ""
) -> Response:
    """Forget a user's failed sign-ins, so the user may sign in again at once."""

    def unlock(actor: Actor) -> None:
        user = db.get(User, user_id)
        if user is None:
            raise NotFound("user", user_id)
        clear_sign_in_failures(db, actor, user.name)

    return submit(
        request,
        db,
        csrf_token,
        unlock,
        "/admin/users",
        lambda session, error: _admin_page(request, db, session, status_code=409, error=str(error)),
    )
