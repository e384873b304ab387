from __future__ import annotations

import sys
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from consular.auth.service import Actor
from consular.cli.context import checked_language, command_unit, fail
from consular.exports import csv_text
from consular.flights import changes, service
from consular.flights.fonts import PdfFontMissing
from consular.flights.models import Flight
from consular.flights.pages import render_manifest
from consular.flights.pdf import manifest_pdf
from consular.incidents.models import Incident

app = typer.Typer(no_args_is_help=True, help="Flights home: create, fill, check, depart.")


class ManifestFormat(StrEnum):
    CSV = "csv"
    HTML = "html"
    PDF = "pdf"


@app.command("create")
def create(
    incident: Annotated[str, typer.Option(help="Incident id")],
    carrier: Annotated[str, typer.Option(help="Airline, e.g. 'Korean Air'")],
    number: Annotated[str, typer.Option(help="Flight number, e.g. KE036")],
    origin: Annotated[str, typer.Option("--from", help="Departure airport")],
    destination: Annotated[str, typer.Option("--to", help="Arrival airport")],
    departs: Annotated[str, typer.Option(help="ISO time with offset: 2025-09-11T14:00-04:00")],
    seats: Annotated[int, typer.Option(help="Seats for the incident's people")],
) -> None:
    """Create a flight for an incident; prints its id."""
    try:
        when = datetime.fromisoformat(departs)
    except ValueError:
        fail(f"--departs {departs!r} is not an ISO date-time", 2)
    plan = service.FlightPlan(carrier, number, origin, destination, when, seats)
    with command_unit() as db:
        flight = service.create_flight(db, Actor.operator(), incident, plan)
    typer.echo(flight.id)


@app.command("assign")
def assign(
    flight: Annotated[str, typer.Argument(help="Flight id")],
    cases: Annotated[list[str], typer.Argument(help="Case ids")],
) -> None:
    """Give cases scheduled to depart a seat on the flight (all or none)."""
    with command_unit() as db:
        for case_id in cases:
            service.assign(db, Actor.operator(), flight, case_id)
        seated = service.get_flight(db, Actor.operator(), flight)
        typer.echo(f"{seated.number}: {len(seated.passengers)} of {seated.seats} seats taken")


@app.command("lock")
def lock(flight: Annotated[str, typer.Argument(help="Flight id")]) -> None:
    """Check the flight (seats, travel documents, states) and fix its passengers."""
    with command_unit() as db:
        locked = service.lock(db, Actor.operator(), flight)
        typer.echo(f"{locked.number} locked with {len(locked.passengers)} passengers")


@app.command("depart")
def depart(flight: Annotated[str, typer.Argument(help="Flight id")]) -> None:
    """Mark a locked flight departed: every passenger's case moves to departed."""
    with command_unit() as db:
        gone = service.depart(db, Actor.operator(), flight)
        typer.echo(f"{gone.number} departed; {len(gone.passengers)} cases moved to departed")


def _when(text: str, option: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        fail(f"{option} {text!r} is not an ISO date-time", 2)


@app.command("delay")
def delay(
    flight: Annotated[str, typer.Argument(help="Flight id")],
    departs: Annotated[str, typer.Option(help="New ISO time with offset: 2025-09-12T10:30-04:00")],
) -> None:
    """Delay a flight that has not departed; its passengers keep their seats and their
    families are told the new time."""
    when = _when(departs, "--departs")
    with command_unit() as db:
        delayed = changes.delay(db, Actor.operator(), flight, when)
        typer.echo(f"{delayed.number} now departs {delayed.departs_at.isoformat()}")


@app.command("cancel")
def cancel(
    flight: Annotated[str, typer.Argument(help="Flight id")],
    reason: Annotated[str, typer.Option(help="Why the flight is cancelled")],
    move_to: Annotated[
        str, typer.Option("--move-to", help="Another open flight for every passenger")
    ] = "",
) -> None:
    """Cancel a flight that has not departed: its passengers move to --move-to, or lose their
    seats (their cases stay scheduled to depart); their families are told."""
    with command_unit() as db:
        count = len(service.get_flight(db, Actor.operator(), flight).passengers)
        gone = changes.cancel(db, Actor.operator(), flight, reason=reason, move_to=move_to or None)
        where = f"moved to {move_to}" if move_to else "lost their seats"
        typer.echo(f"{gone.number} cancelled; {count} passengers {where}")


@app.command("manifest")
def manifest(
    flight: Annotated[str, typer.Argument(help="Flight id")],
    format: Annotated[ManifestFormat, typer.Option("--format", help="csv, html or pdf")] = (
        ManifestFormat.CSV
    ),
    language: Annotated[
        str,
        typer.Option(
            "--lang",
            "--language",
            help="The export's language: ko or en (default: consular --lang)",
        ),
    ] = "",
    output: Annotated[Path | None, typer.Option("-o", help="File to write (default: stdout)")] = (
        None
    ),
) -> None:
    """The passenger manifest: CSV, a page to print, or a PDF (Korean or English); the
    export is audited, as from the workspace."""
    language = checked_language(language)

    def render(found: Flight, rows: list[dict[str, str]]) -> bytes:
        if format is ManifestFormat.PDF:
            return manifest_pdf(found, db.get_one(Incident, found.incident_id), rows, language)
        if format is ManifestFormat.HTML:
            return render_manifest(db, found, rows, language).encode()
        return csv_text(service.manifest_table(rows, language)).encode()

    with command_unit() as db:
        try:
            content = service.export_manifest(db, Actor.operator(), flight, format.value, render)
        except PdfFontMissing as exc:
            fail(str(exc))
    if output is None:
        sys.stdout.buffer.write(content)
    else:
        output.write_bytes(content)
