from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated

import typer

from consular.auth.service import Actor
from consular.cli.context import command_unit, fail
from consular.incidents import service
from consular.incidents.schemas import IncidentCreate

app = typer.Typer(no_args_is_help=True, help="Incidents and their review queues.")


@app.command("create")
def create(
    title: Annotated[str, typer.Option(help="Short title, e.g. 'Ellabell worksite raid'")],
    place: Annotated[str, typer.Option(help="Where it happened")],
    started_at: Annotated[
        str, typer.Option(help="ISO time with offset, e.g. 2025-09-04T10:00-04:00")
    ],
    post: Annotated[str, typer.Option(help="Post in charge")],
    country: Annotated[str, typer.Option(help="Host country, ISO alpha-3")] = "USA",
    agency: Annotated[str, typer.Option(help="Host agency")] = "",
) -> None:
    """Open an incident."""
    try:
        started = datetime.fromisoformat(started_at)
    except ValueError:
        fail(f"--started-at {started_at!r} is not an ISO date-time", 2)
    if started.tzinfo is None:
        fail(f"--started-at {started_at!r} needs a UTC offset, e.g. 2025-09-04T10:00-04:00", 2)
    with command_unit() as db:
        incident = service.create_incident(
            db,
            Actor.operator(),
            IncidentCreate(
                title=title,
                host_country=country,
                place=place,
                agency=agency,
                started_at=started,
                post=post,
            ),
        )
    typer.echo(incident.id)


@app.command("list")
def index() -> None:
    """List incidents with their case counts."""
    with command_unit(write=False) as db:
        for incident in service.list_incidents(db, Actor.operator()):
            counts = service.case_counts(db, incident.id)
            typer.echo(
                f"{incident.id}  {incident.started_at:%Y-%m-%d}  {incident.title} "
                f"({incident.place}) cases={sum(counts.values())}"
            )


@app.command("review")
def review(incident: Annotated[str, typer.Option(help="Incident id")]) -> None:
    """Show the rows waiting for an officer's decision, with their candidates (JSON lines)."""
    with command_unit(write=False) as db:
        queue = service.review_queue(db, Actor.operator(), incident)
        if not queue:
            typer.echo("no rows are waiting for review", err=True)
        for record in queue:
            typer.echo(
                json.dumps(
                    {
                        "id": record.id,
                        "row": record.row_number,
                        "list": record.source_list.file_name,
                        "raw": record.raw,
                        "candidates": record.candidates,
                    },
                    ensure_ascii=False,
                )
            )


@app.command("decide")
def decide(
    record: Annotated[str, typer.Argument(help="Review item id")],
    incident: Annotated[str, typer.Option(help="Incident id")],
    action: Annotated[str, typer.Option(help="accept, reject or new_person")],
    person: Annotated[str | None, typer.Option(help="Person id (accept)")] = None,
    note: Annotated[str, typer.Option(help="Why")] = "",
) -> None:
    """Decide a review item."""
    with command_unit() as db:
        decided = service.decide(
            db, Actor.operator(), incident, record, action, person_id=person, note=note
        )
    typer.echo(f"{decided.decision} case={decided.case_id or '-'}")
