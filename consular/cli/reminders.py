"""`consular reminders`: the officers' deadline reminders, written into the outbox."""

from __future__ import annotations

from typing import Annotated

import typer

from consular.auth.service import Actor
from consular.cli.context import command_unit
from consular.config import get_settings
from consular.notifications.reminders import scan

app = typer.Typer(no_args_is_help=True, help="Reminders of checklist deadlines to officers.")


@app.command("scan")
def reminders_scan(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Say who would be told of what; write nothing")
    ] = False,
) -> None:
    """Write a digest for each officer with items due soon or breached (the worker does
    this on its own every CONSULAR_REMINDER_SCAN_MINUTES)."""
    settings = get_settings()
    with command_unit(write=not dry_run) as db:
        report = scan(db, settings, actor=Actor.operator().name, dry_run=dry_run)
    verb = "would write" if dry_run else "wrote"
    for digest in report.digests:
        hearings = f", {len(digest.hearings)} hearing(s)" if digest.hearings else ""
        typer.echo(
            f"{digest.user_name}: {len(digest.owed)} item(s), {digest.breached} breached"
            f"{hearings} ({', '.join(digest.channels)})"
        )
    for name in report.held_back:
        typer.echo(f"{name}: told within the last {settings.reminder_digest_minutes} min, waits")
    for name in report.unreachable:
        typer.echo(f"{name}: no e-mail or phone on the user record, sees the count only")
    typer.echo(f"{verb} {report.messages} message(s) to {len(report.digests)} user(s)")
