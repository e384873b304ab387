from __future__ import annotations

from typing import Annotated

import typer

from consular.auth.service import Actor
from consular.cli.context import command_unit
from consular.config import get_settings
from consular.families import service

app = typer.Typer(no_args_is_help=True, help="Status codes for detained people's families.")


@app.command("issue")
def issue(
    case_id: Annotated[str, typer.Argument(help="The case's id")],
    contact: Annotated[str, typer.Option(help="Who receives the code (the contact's name)")],
) -> None:
    """Issue a status code for a case to a named contact; prints the code (shown only now)."""
    with command_unit() as db:
        issued = service.issue_code(db, Actor.operator(), get_settings(), case_id, contact)
        expires = issued.family_code.expires_at
        name = issued.family_code.contact_name
    typer.echo(f"code:     {issued.code}")
    typer.echo(f"for:      {name}")
    typer.echo(f"valid to: {expires:%Y-%m-%d %H:%M} UTC")
    typer.echo("The family enters it with the person's date of birth at /status.")


@app.command("list")
def index(case_id: Annotated[str, typer.Argument(help="The case's id")]) -> None:
    """List a case's codes (never the codes themselves)."""
    with command_unit(write=False) as db:
        for item in service.codes_of_case(db, Actor.operator(), case_id):
            if item.revoked_at is not None:
                state = f"revoked by {item.revoked_by}"
            else:
                state = f"valid to {item.expires_at:%Y-%m-%d %H:%M} UTC"
            typer.echo(f"{item.id}  {item.contact_name}  issued {item.issued_at:%Y-%m-%d} {state}")


@app.command("revoke")
def revoke(code_id: Annotated[str, typer.Argument(help="The code's id (from `list`)")]) -> None:
    """Stop a code working at once."""
    with command_unit() as db:
        item = service.revoke_code(db, Actor.operator(), code_id)
        typer.echo(f"revoked the code of {item.contact_name}")
