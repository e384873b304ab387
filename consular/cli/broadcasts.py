from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from consular.auth.service import Actor
from consular.cli.context import command_unit
from consular.notifications.broadcasts import Draft, Preview, preview, send

app = typer.Typer(
    no_args_is_help=True, help="One message to all the families or employers of an incident."
)


class Audience(StrEnum):
    FAMILIES = "families"
    EMPLOYERS = "employers"


class Scope(StrEnum):
    INCIDENT = "incident"
    FLIGHT = "flight"
    FACILITY = "facility"


def _said(shown: Preview) -> str:
    left = shown.left_out
    return (
        f"{shown.scope_label}: {shown.cases} cases; "
        f"{shown.messages['email']} e-mails, {shown.messages['sms']} SMS "
        f"({shown.by_language['ko']} in Korean, {shown.by_language['en']} in English); "
        f"left out: {left['opted_out']} opted out, {left['withheld']} withheld by the "
        f"detainee's wish, {left['no_address']} without e-mail or phone, "
        f"{left['no_contact']} with nobody on record"
    )


@app.command("send")
def send_broadcast(
    incident: Annotated[str, typer.Option(help="Incident id")],
    subject_ko: Annotated[str, typer.Option("--subject-ko", help="Subject in Korean")],
    body_ko: Annotated[str, typer.Option("--body-ko", help="Message in Korean")],
    subject_en: Annotated[str, typer.Option("--subject-en", help="Subject in English")],
    body_en: Annotated[str, typer.Option("--body-en", help="Message in English")],
    audience: Annotated[Audience, typer.Option(help="families or employers")] = (Audience.FAMILIES),
    scope: Annotated[Scope, typer.Option(help="incident, flight or facility")] = Scope.INCIDENT,
    of: Annotated[str, typer.Option("--of", help="The flight's or the facility's id")] = "",
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Say whom it reaches; send nothing")
    ] = (False),
) -> None:
    """Write the broadcast's messages into the outbox (or, with --dry-run, only count them)."""
    draft = Draft(audience.value, scope.value, of or None, subject_ko, body_ko, subject_en, body_en)
    with command_unit(write=not dry_run) as db:
        shown = preview(db, Actor.operator(), incident, draft)
        if dry_run:
            typer.echo(_said(shown))
            if shown.reaches_nobody:
                typer.echo("This broadcast would reach nobody: it cannot be sent.")
            return
        sent = send(db, Actor.operator(), incident, draft)
        typer.echo(f"{sent.id}: {_said(shown)}")
