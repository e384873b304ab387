from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from consular.auth.service import Actor
from consular.cli.context import command_unit, fail
from consular.documents.service import DocumentEntry, parse_list, record_document, record_numbers

app = typer.Typer(no_args_is_help=True, help="Travel documents: passports and travel certificates.")


def _day(text: str, option: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"{option} {text!r} is not a date (YYYY-MM-DD)", 2)


@app.command("set")
def set_document(
    case: Annotated[str, typer.Argument(help="Case id")],
    kind: Annotated[str, typer.Option(help="passport, travel_certificate or other")] = "passport",
    number: Annotated[str, typer.Option(help="The document's number")] = "",
    passport: Annotated[
        str, typer.Option(help="Where the passport is: authority, consulate, person, unknown")
    ] = "unknown",
    issued: Annotated[str, typer.Option(help="Issue date, YYYY-MM-DD")] = "",
    expires: Annotated[str, typer.Option(help="Expiry date, YYYY-MM-DD")] = "",
    validity: Annotated[str, typer.Option(help="single_journey or one_year")] = "",
) -> None:
    """Record the document a case's person travels on (audited)."""
    entry = DocumentEntry(
        kind=kind,
        number=number,
        issued_on=_day(issued, "--issued"),
        expires_on=_day(expires, "--expires"),
        validity=validity,
        passport_whereabouts=passport,
    )
    with command_unit() as db:
        record = record_document(db, Actor.operator(), case, entry)
        typer.echo(f"case {record.case.number}: {record.case.travel_document or 'no document'}")


@app.command("import")
def import_numbers(
    incident: Annotated[str, typer.Option(help="Incident id")],
    file: Annotated[Path, typer.Argument(help="Lines 'case number or A-number, number'")],
    kind: Annotated[str, typer.Option(help="passport, travel_certificate or other")] = "passport",
    passport: Annotated[
        str | None, typer.Option(help="Where the passports are (default: as recorded)")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check every row, write nothing")] = (
        False
    ),
) -> None:
    """Record document numbers for many cases from a list, all or none."""
    try:
        listed = parse_list(file.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        fail(f"cannot read {file}: {exc.strerror or exc}", 2)
    with command_unit() as db:
        report = record_numbers(
            db,
            Actor.operator(),
            incident,
            listed,
            kind=kind,
            passport_whereabouts=passport,
            dry_run=dry_run,
        )
    verdict = "dry run, nothing written" if dry_run else "recorded"
    typer.echo(f"{len(report)} document numbers {verdict}")
