"""The flights' pages: create a flight, give seats, lock, depart, print the manifest.

The manifest page is rendered here for the command line too (``consular flight manifest``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from consular.auth.models import WebSession
from consular.auth.permissions import Permission
from consular.auth.service import Actor
from consular.auth.sessions import actor_of
from consular.cases.models import Case
from consular.cases.states import CaseState
from consular.errors import InvalidInput, NotFound
from consular.flights.fonts import PdfFontMissing
from consular.flights.models import Flight, FlightSeat
from consular.flights.pdf import manifest_pdf
from consular.flights.service import (
    FlightPlan,
    assign,
    create_flight,
    depart,
    export_manifest,
    get_flight,
    lock,
    manifest_table,
    problems,
    unassign,
)
from consular.i18n import LANGUAGES
from consular.incidents.models import Incident
from consular.web.common import not_found, page_for, signed_in, signed_in_form, submit
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
    db: DB,
    session: WebSession,
    flight_id: str,
    *,
    status_code: int = 200,
    error: str | None = None,
) -> Response:
    page, _ = page_for(request, session)
    actor = actor_of(session)
    try:
        flight = get_flight(db, actor, flight_id)
    except NotFound:
        return not_found(request, page)
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
        can_move=actor.can(Permission.CASE_TRANSITION),
        error=error,
    )


@router.get("/flights/{flight_id}", response_class=HTMLResponse)
def flight_page(request: Request, db: DB, flight_id: str) -> Response:
    session = signed_in(request, db)
    if isinstance(session, Response):
        return session
    return _flight_page(request, db, session, flight_id)


@router.post("/incidents/{incident_id}/flights", response_class=HTMLResponse)
def flight_create(
    request: Request,
    db: DB,
    incident_id: str,
    carrier: Annotated[str, Form()] = "",
    number: Annotated[str, Form()] = "",
    origin: Annotated[str, Form()] = "",
    destination: Annotated[str, Form()] = "",
    departs_at: Annotated[str, Form()] = "",
    seats: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Create a flight; the departure time is read in the post's time zone."""
    session = signed_in_form(request, db, csrf_token)
    if isinstance(session, Response):
        return session
    page, _ = page_for(request, session)
    try:
        local = datetime.fromisoformat(departs_at.strip())
        when = local if local.tzinfo else local.replace(tzinfo=ZoneInfo(page.time_zone))
        count = int(seats)
    except ValueError:
        return page.render(
            request, "error.html", status_code=422, kind="flight_input", incident_id=incident_id
        )
    try:
        flight = create_flight(
            db,
            actor_of(session),
            incident_id,
            FlightPlan(carrier, number, origin, destination, when, count),
        )
    except NotFound:
        db.rollback()
        return not_found(request, page)
    except InvalidInput as exc:
        db.rollback()
        return page.render(
            request,
            "error.html",
            status_code=422,
            kind="flight_input",
            incident_id=incident_id,
            reason=exc,
        )
    return RedirectResponse(f"/flights/{flight.id}", status_code=303)


def _change_flight(
    request: Request,
    db: DB,
    flight_id: str,
    csrf_token: str,
    change: Callable[[Actor], object],
) -> Response:
    return submit(
        request,
        db,
        csrf_token,
        change,
        f"/flights/{flight_id}",
        lambda session, error: _flight_page(
            request, db, session, flight_id, status_code=409, error=str(error)
        ),
    )


@router.post("/flights/{flight_id}/seats")
async def flight_assign(request: Request, db: DB, flight_id: str) -> Response:
    """Seats for the chosen cases, all or none."""
    form = await request.form()
    chosen = [str(value) for value in form.getlist("case_id")]

    def change(actor: Actor) -> None:
        for case_id in chosen:
            assign(db, actor, flight_id, case_id)

    return _change_flight(request, db, flight_id, str(form.get("csrf_token", "")), change)


@router.post("/flights/{flight_id}/seats/{case_id}/remove")
def flight_unassign(
    request: Request,
    db: DB,
    flight_id: str,
    case_id: str,
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    return _change_flight(
        request, db, flight_id, csrf_token, lambda actor: unassign(db, actor, flight_id, case_id)
    )


@router.post("/flights/{flight_id}/lock")
def flight_lock(
    request: Request, db: DB, flight_id: str, csrf_token: Annotated[str, Form()] = ""
) -> Response:
    return _change_flight(
        request, db, flight_id, csrf_token, lambda actor: lock(db, actor, flight_id)
    )


@router.post("/flights/{flight_id}/depart")
def flight_depart(
    request: Request, db: DB, flight_id: str, csrf_token: Annotated[str, Form()] = ""
) -> Response:
    return _change_flight(
        request, db, flight_id, csrf_token, lambda actor: depart(db, actor, flight_id)
    )


def _manifest_export(request: Request, db: DB, flight_id: str, kind: str) -> Response:
    session = signed_in(request, db)
    if isinstance(session, Response):
        return session
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
        return csv_download(manifest_table(rows), f"{name}.csv")

    try:
        return export_manifest(db, actor_of(session), flight_id, kind, render)
    except NotFound:
        return not_found(request, page)
    except PdfFontMissing:
        # The server's set-up, not the officer's doing: say so, and export nothing.
        return page.render(
            request, "error.html", status_code=503, kind="pdf_font", flight_id=flight_id
        )


@router.get("/flights/{flight_id}/manifest", response_class=HTMLResponse)
def flight_manifest_page(request: Request, db: DB, flight_id: str) -> Response:
    """The manifest as a page to print, in the reader's language; the export is audited."""
    return _manifest_export(request, db, flight_id, "html")


@router.get("/flights/{flight_id}/manifest.pdf")
def flight_manifest_pdf(request: Request, db: DB, flight_id: str) -> Response:
    return _manifest_export(request, db, flight_id, "pdf")


@router.get("/flights/{flight_id}/manifest.csv")
def flight_manifest_csv(request: Request, db: DB, flight_id: str) -> Response:
    return _manifest_export(request, db, flight_id, "csv")
