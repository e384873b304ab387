from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Annotated

import typer
from sqlalchemy import select
from sqlalchemy.orm import Session

from consular.auth.service import Actor
from consular.cli.context import command_unit, fail
from consular.incidents import lifecycle, listdiff, service
from consular.incidents.listdiff import DiffRow, compare_lists
from consular.incidents.models import SourceList
from consular.incidents.schemas import IncidentCreate, ListKind

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
    worksite: Annotated[
        str, typer.Option(help="The worksite raided, as employers' deployments name it")
    ] = "",
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
                worksite=worksite,
                started_at=started,
                post=post,
            ),
        )
    typer.echo(incident.id)


@app.command("close")
def close(
    incident: Annotated[str, typer.Option(help="Incident id")],
    note: Annotated[str, typer.Option(help="Why it is closed")],
) -> None:
    """Close an incident: its lists and cases take no change until it is reopened."""
    with command_unit() as db:
        lifecycle.close_incident(db, Actor.operator(), incident, note)
    typer.echo(f"closed {incident}")


@app.command("reopen")
def reopen(
    incident: Annotated[str, typer.Option(help="Incident id")],
    note: Annotated[str, typer.Option(help="Why it is reopened")],
) -> None:
    """Reopen a closed incident."""
    with command_unit() as db:
        lifecycle.reopen_incident(db, Actor.operator(), incident, note)
    typer.echo(f"reopened {incident}")


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
    action: Annotated[str, typer.Option(help="accept, link, reject or new_person")],
    person: Annotated[str | None, typer.Option(help="Person id (accept, link)")] = None,
    note: Annotated[str, typer.Option(help="Why")] = "",
) -> None:
    """Decide a review item."""
    with command_unit() as db:
        decided = service.decide(
            db, Actor.operator(), incident, record, action, person_id=person, note=note
        )
    typer.echo(f"{decided.decision} case={decided.case_id or '-'}")


def _latest_host_list(db: Session, incident: str) -> str:
    latest = db.scalars(
        select(SourceList.id)
        .where(SourceList.incident_id == incident, SourceList.kind == ListKind.HOST_AUTHORITY)
        .order_by(SourceList.imported_at.desc())
        .limit(1)
    ).first()
    if latest is None:
        fail(f"incident {incident} has no host authority list", 1)
    return latest


def _print_rows(title: str, rows: list[DiffRow], show: Callable[[DiffRow], str]) -> None:
    typer.echo(f"{title}: {len(rows)}")
    for row in rows:
        case = f"case {row.case_number}" if row.case_number else "no case yet"
        typer.echo(f"  {case:<12} {row.name}: {show(row)}")


@app.command("changes")
def changes(
    incident: Annotated[str, typer.Option(help="Incident id")],
    list_id: Annotated[
        str | None, typer.Option("--list", help="Source list id (default: the latest host list)")
    ] = None,
    against: Annotated[
        str | None, typer.Option(help="The earlier list's id (default: the one before)")
    ] = None,
    record_transfers: Annotated[
        bool, typer.Option("--record-transfers", help="Record each facility change as a transfer")
    ] = False,
) -> None:
    """Show a host list against the previous one: new, gone, moved, written differently."""
    actor = Actor.operator()
    with command_unit(write=record_transfers) as db:
        chosen = list_id or _latest_host_list(db, incident)
        diff = compare_lists(db, actor, incident, chosen, against=against)
        if diff.previous is None:
            typer.echo(
                f"{diff.source_list.file_name}: the first list of its kind, nothing to compare"
            )
            return
        typer.echo(f"{diff.source_list.file_name} against {diff.previous.file_name}")
        _print_rows("new", diff.new, lambda r: f"row {r.row}, {r.facility or 'no facility'}")
        _print_rows("gone", diff.gone, lambda r: f"last at {r.facility or 'no facility'}")
        _print_rows("moved", diff.moved, lambda r: f"{r.previous_facility} → {r.facility}")
        _print_rows(
            "changed",
            diff.changed,
            lambda r: "; ".join(f"{k}: {a} → {b}" for k, (a, b) in r.changes.items()),
        )
        typer.echo(f"unchanged: {diff.unchanged}")
        typer.echo(f"not comparable (no person, no A-number): {diff.not_comparable}")
        if record_transfers:
            for result in listdiff.record_transfers(db, actor, incident, chosen, against=against):
                outcome = (
                    f"→ {result.facility}" if result.applied else f"not recorded: {result.reason}"
                )
                typer.echo(f"transfer case {result.case_number}: {outcome}")
