"""Visits to the facilities from the command line: plan one, list an incident's, print a
roster (a page or a PDF; its printing audited, as from the workspace)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from consular.auth.service import Actor
from consular.cli.context import checked_language, command_unit, fail
from consular.flights.fonts import PdfFontMissing
from consular.incidents.models import Incident
from consular.visits import service
from consular.visits.models import VisitPlan
from consular.visits.pages import render_roster
from consular.visits.roster_pdf import roster_pdf

app = typer.Typer(no_args_is_help=True, help="Visits to the facilities: plan, list, roster.")


@app.command("plan")
def plan(
    incident: Annotated[str, typer.Option(help="Incident id")],
    facility: Annotated[str, typer.Option(help="As the directory or the cases name it")],
    day: Annotated[str, typer.Option("--date", help="YYYY-MM-DD, the post's calendar")],
    officer: Annotated[list[str], typer.Option(help="An officer going (repeat for more)")],
    interpreter: Annotated[str, typer.Option(help="The interpreter's name, if one goes")] = "",
    with_interpreter: Annotated[
        bool, typer.Option("--with-interpreter", help="An interpreter goes (name unknown)")
    ] = False,
    notes: Annotated[str, typer.Option(help="Notes for the officers")] = "",
) -> None:
    """Plan a visit: it starts with every case held at the facility; prints its id."""
    try:
        visit_date = date.fromisoformat(day)
    except ValueError:
        fail(f"--date {day!r} is not a date (YYYY-MM-DD)", 2)
    data = service.PlanInput(
        facility, visit_date, officer, bool(interpreter) or with_interpreter, interpreter, notes
    )
    with command_unit() as db:
        made = service.create_plan(db, Actor.operator(), incident, data)
        count = len(service.get_plan(db, Actor.operator(), made.id).cases)
    typer.echo(made.id)
    typer.echo(f"{made.facility_name} on {made.visit_date}: {count} cases to see", err=True)


@app.command("list")
def list_plans(incident: Annotated[str, typer.Argument(help="Incident id")]) -> None:
    """The incident's visits by day and facility: id, date, facility, cases, state."""
    with command_unit(write=False) as db:
        for found, count in service.plans_of(db, Actor.operator(), incident):
            officers = ", ".join(found.officers)
            line = (found.id, str(found.visit_date), found.facility_name, str(count), found.state)
            typer.echo("\t".join((*line, officers)))


@app.command("roster")
def roster(
    visit: Annotated[str, typer.Argument(help="Visit plan id")],
    pdf: Annotated[Path | None, typer.Option("--pdf", help="Write the PDF to this file")] = None,
    output: Annotated[
        Path | None, typer.Option("-o", help="Without --pdf: the page's file (default: stdout)")
    ] = None,
    sort: Annotated[
        service.Sort, typer.Option(help="a_number or name, as the facility lists them")
    ] = service.Sort.A_NUMBER,
    language: Annotated[
        str, typer.Option("--lang", "--language", help="ko or en (default: consular --lang)")
    ] = "",
) -> None:
    """The visit's roster: a PDF (--pdf FILE) or a page to print; its printing is audited."""
    language = checked_language(language)

    def render(found: VisitPlan, rows: list[dict[str, str]]) -> bytes:
        if pdf is not None:
            return roster_pdf(found, db.get_one(Incident, found.incident_id), rows, language)
        return render_roster(db, found, rows, language).encode()

    kind = "pdf" if pdf is not None else "html"
    with command_unit() as db:
        try:
            content = service.export_roster(db, Actor.operator(), visit, kind, sort.value, render)
        except PdfFontMissing as exc:
            fail(str(exc))
    target = pdf or output
    if target is None:
        sys.stdout.buffer.write(content)
    else:
        target.write_bytes(content)
