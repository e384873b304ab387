"""The flights' pages: create a flight, give seats, lock, depart, print the manifest.

The manifest page is rendered here for the command line too (``consular flight manifest``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from consular.auth.models import WebSession
from consular.auth.permissions import Permission
from consular.auth.sessions import actor_of
from consular.cases.models import Case
from consular.cases.states import CaseState
from consular.errors import DomainError, InvalidInput
from consular.flights.changes import cancel, delay, open_flights_besides
from consular.flights.fonts import PdfFontMissing
from consular.flights.models import Flight, FlightSeat
from consular.flights.pdf import manifest_pdf
from consular.flights.service import (
    FlightPlan,
    assign,
    create_flight,
    depart,
    export_manifest,
    flights_of,
    get_flight,
    lock,
    manifest_table,
    problems,
    unassign,
)
from consular.i18n import LANGUAGES, N_
from consular.i18n.message import Message
from consular.incidents.models import Incident
from consular.incidents.pages import CasesShown, FlightForm, case_filters, render_incident
from consular.web.access import CheckedForm, Refusal, SignedIn, on_page, refused_with
from consular.web.common import page_for
from consular.web.deps import DB, csv_download, download
from consular.web.pages import STATIC, Page, environment

router = APIRouter(include_in_schema=False)

STYLESHEET = STATIC / "manifest.css"


def render_manifest(
    db: Session,
    flight: Flight,
    rows: list[dict[str, str]],
    language: str,
    *,
    standalone: bool = True,
) -> str:
    """The manifest page; ``standalone`` inlines its style (a file), else links it (served)."""
    incident = db.get(Incident, flight.incident_id)
    assert incident is not None
    page = Page(language if language in LANGUAGES else "ko", time_zone=incident.post.time_zone)
    return (
        environment(page.language)
        .get_template("manifest.html")
        .render(
            page=page,
            flight=flight,
            incident=incident,
            rows=rows,
            stylesheet=STYLESHEET.read_text(encoding="utf-8") if standalone else "",
        )
    )


def _flight_page(
    request: Request,
    db: Session,
    session: WebSession,
    flight_id: str,
    *,
    status_code: int = 200,
    error: DomainError | None = None,
) -> Response:
    page, _ = page_for(request, session)
    actor = actor_of(session)
    flight = get_flight(db, actor, flight_id)
    incident = db.get(Incident, flight.incident_id)
    seated = select(FlightSeat.case_id)
    waiting = (
        db.scalars(
            select(Case)
            .where(
                Case.incident_id == flight.incident_id,
                Case.state == CaseState.DEPARTURE_SCHEDULED.value,
                Case.id.not_in(seated),
            )
            .order_by(Case.number)
        ).all()
        if flight.state == "open"
        else []
    )
    return page.render(
        request,
        "flight.html",
        status_code=status_code,
        flight=flight,
        incident=incident,
        waiting=waiting,
        problems=problems(flight) if flight.state == "open" else [],
        other_flights=open_flights_besides(flights_of(db, actor, flight.incident_id), flight),
        can_move=actor.can(Permission.CASE_TRANSITION),
        error=error,
    )


@router.get("/flights/{flight_id}", response_class=HTMLResponse)
def flight_page(request: Request, db: DB, session: SignedIn, flight_id: str) -> Response:
    return _flight_page(request, db, session, flight_id)


def _departure(text: str, time_zone: str) -> datetime | None:
    """The departure time as typed, in the post's time zone unless it says its own."""
    try:
        local = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return local if local.tzinfo else local.replace(tzinfo=ZoneInfo(time_zone))


def _flight_plan(typed: Mapping[str, str], time_zone: str) -> FlightPlan:
    """The flight as typed; a time or a count that cannot be read is refused by its field."""
    departs_at = _departure(typed.get("departs_at", ""), time_zone)
    seats = typed.get("seats", "").strip()
    wrong: dict[str, Message] = {}
    if departs_at is None:
        wrong["departs_at"] = Message(
            "flights.departs_at",
            N_("Give the departure time as YYYY-MM-DDTHH:MM, in the post's time zone."),
        )
    if not (seats.isdigit() and int(seats) >= 1):
        wrong["seats"] = Message(
            "flights.seats", N_("Give the seats as a whole number, 1 or more.")
        )
    if wrong or departs_at is None:
        raise InvalidInput(
            "flights.form",
            N_("The flight was not created: correct the marked fields."),
            details={"fields": wrong},
        )
    return FlightPlan(
        typed.get("carrier", ""),
        typed.get("number", ""),
        typed.get("origin", ""),
        typed.get("destination", ""),
        departs_at,
        int(seats),
    )


def _flight_form_refused(refusal: Refusal) -> Response:
    """The incident again, its flight form open with what was typed and what is wrong."""
    return render_incident(
        refusal.request,
        refusal.db,
        refusal.session,
        refusal.path_param("incident_id"),
        CasesShown(case_filters()),
        flight_form=FlightForm(refusal.typed, refusal.error),
    )


@router.post("/incidents/{incident_id}/flights", response_class=HTMLResponse)
@refused_with(_flight_form_refused)
def flight_create(
    request: Request,
    db: DB,
    session: CheckedForm,
    incident_id: str,
    carrier: Annotated[str, Form()] = "",
    number: Annotated[str, Form()] = "",
    origin: Annotated[str, Form()] = "",
    destination: Annotated[str, Form()] = "",
    departs_at: Annotated[str, Form()] = "",
    seats: Annotated[str, Form()] = "",
) -> Response:
    """Create a flight; the departure time is read in the post's time zone."""
    page, _ = page_for(request, session)
    typed = {
        "carrier": carrier,
        "number": number,
        "origin": origin,
        "destination": destination,
        "departs_at": departs_at,
        "seats": seats,
    }
    plan = _flight_plan(typed, page.time_zone)
    flight = create_flight(db, actor_of(session), incident_id, plan)
    return RedirectResponse(f"/flights/{flight.id}", status_code=303)


_flight_refused = on_page(_flight_page, "flight_id", status_code=409)


def _changed(flight_id: str) -> Response:
    return RedirectResponse(f"/flights/{flight_id}", status_code=303)


@router.post("/flights/{flight_id}/seats")
@refused_with(_flight_refused)
async def flight_assign(request: Request, db: DB, session: CheckedForm, flight_id: str) -> Response:
    """Seats for the chosen cases, all or none."""
    form = await request.form()
    actor = actor_of(session)
    for case_id in form.getlist("case_id"):
        assign(db, actor, flight_id, str(case_id))
    return _changed(flight_id)


@router.post("/flights/{flight_id}/seats/{case_id}/remove")
@refused_with(_flight_refused)
def flight_unassign(db: DB, session: CheckedForm, flight_id: str, case_id: str) -> Response:
    unassign(db, actor_of(session), flight_id, case_id)
    return _changed(flight_id)


@router.post("/flights/{flight_id}/lock")
@refused_with(_flight_refused)
def flight_lock(db: DB, session: CheckedForm, flight_id: str) -> Response:
    lock(db, actor_of(session), flight_id)
    return _changed(flight_id)


@router.post("/flights/{flight_id}/depart")
@refused_with(_flight_refused)
def flight_depart(db: DB, session: CheckedForm, flight_id: str) -> Response:
    depart(db, actor_of(session), flight_id)
    return _changed(flight_id)


@router.post("/flights/{flight_id}/delay")
@refused_with(_flight_refused)
def flight_delay(
    request: Request,
    db: DB,
    session: CheckedForm,
    flight_id: str,
    departs_at: Annotated[str, Form()] = "",
) -> Response:
    """A later departure time, read in the post's time zone; the seats stay."""
    page, _ = page_for(request, session)
    when = _departure(departs_at, page.time_zone)
    if when is None:
        raise InvalidInput(
            "flights.departs_at",
            N_("Give the departure time as YYYY-MM-DDTHH:MM, in the post's time zone."),
        )
    delay(db, actor_of(session), flight_id, when)
    return _changed(flight_id)


@router.post("/flights/{flight_id}/cancel")
@refused_with(_flight_refused)
def flight_cancel(
    db: DB,
    session: CheckedForm,
    flight_id: str,
    reason: Annotated[str, Form()] = "",
    move_to: Annotated[str, Form()] = "",
) -> Response:
    """Cancel the flight; its passengers move to the chosen flight, or lose their seats."""
    cancel(db, actor_of(session), flight_id, reason=reason, move_to=move_to or None)
    return _changed(flight_id)


def _manifest_export(
    request: Request, db: Session, session: WebSession, flight_id: str, kind: str
) -> Response:
    page, _ = page_for(request, session)

    def render(flight: Flight, rows: list[dict[str, str]]) -> Response:
        when = f"{flight.departs_at:%Y%m%d}"
        name = f"manifest-{flight.number.replace(' ', '')}-{when}"
        if kind == "pdf":
            incident = db.get_one(Incident, flight.incident_id)
            content = manifest_pdf(flight, incident, rows, page.language)
            return download(content, f"{name}.pdf", "application/pdf")
        if kind == "html":
            response: Response = HTMLResponse(
                render_manifest(db, flight, rows, page.language, standalone=False)
            )
            response.headers["Cache-Control"] = "no-store"
            return response
        return csv_download(manifest_table(rows, page.language), f"{name}.csv")

    try:
        return export_manifest(db, actor_of(session), flight_id, kind, render)
    except PdfFontMissing:
        # The server's set-up, not the officer's doing: say so, and export nothing.
        return page.render(
            request, "error.html", status_code=503, kind="pdf_font", flight_id=flight_id
        )


@router.get("/flights/{flight_id}/manifest", response_class=HTMLResponse)
def flight_manifest_page(request: Request, db: DB, session: SignedIn, flight_id: str) -> Response:
    """The manifest as a page to print, in the reader's language; the export is audited."""
    return _manifest_export(request, db, session, flight_id, "html")


@router.get("/flights/{flight_id}/manifest.pdf")
def flight_manifest_pdf(request: Request, db: DB, session: SignedIn, flight_id: str) -> Response:
    return _manifest_export(request, db, session, flight_id, "pdf")


@router.get("/flights/{flight_id}/manifest.csv")
def flight_manifest_csv(request: Request, db: DB, session: SignedIn, flight_id: str) -> Response:
    return _manifest_export(request, db, session, flight_id, "csv")
