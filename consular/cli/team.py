"""An incident's team from the command line: list it with each officer's workload, add and
remove members from elsewhere."""

from __future__ import annotations

from typing import Annotated

import typer

from consular.auth.service import Actor
from consular.cli.context import command_unit
from consular.db import utcnow
from consular.incidents.service import get_incident
from consular.incidents.team import add_member, remove_member, team_rows

app = typer.Typer(no_args_is_help=True, help="An incident's team and each officer's workload.")

Incident = Annotated[str, typer.Option("--incident", help="Incident id")]
UserName = Annotated[str, typer.Option("--user", help="User name")]


@app.command("list")
def index(incident: Incident) -> None:
    """The team: each officer's open cases (as officer / as second), items due within 24
    hours and past due; then the cases nobody holds."""
    with command_unit(write=False) as db:
        actor = Actor.operator()
        rows, unassigned = team_rows(db, get_incident(db, actor, incident), utcnow())
        typer.echo(f"{'officer':<28} {'post':<44} officer second due24h overdue")
        for row in rows:
            post = row.user.post.name if row.user.post else "-"
            where = f"{post[:36]} (added)" if row.added else post[:44]
            work = row.work
            typer.echo(
                f"{row.user.name:<28} {where:<44} {work.officer:>7} {work.second:>6} "
                f"{work.due_soon:>6} {work.overdue:>7}"
            )
        typer.echo(
            f"{'(nobody)':<28} {'':<44} {unassigned.officer:>7} {'-':>6} "
            f"{unassigned.due_soon:>6} {unassigned.overdue:>7}"
        )


@app.command("add")
def add(incident: Incident, user: UserName) -> None:
    """Add an officer of another post or of headquarters to the incident's team."""
    with command_unit() as db:
        add_member(db, Actor.operator(), incident, user)
    typer.echo(f"added {user}")


@app.command("remove")
def remove(incident: Incident, user: UserName) -> None:
    """Take a member off the team; the cases they held are left without them."""
    with command_unit() as db:
        unassigned = remove_member(db, Actor.operator(), incident, user)
    typer.echo(f"removed {user}; {unassigned} case(s) left without them")
