"""`consular registry export`: the registry extract, in Korean or English, audited as from
the registry's page."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from consular.auth.service import Actor
from consular.cli.context import checked_language, command_unit, fail
from consular.exports import write_csv, write_table
from consular.fields import FieldError, parse_date
from consular.registry.export import export_registry

app = typer.Typer(no_args_is_help=True, help="The registry of nationals.")


@app.command("export")
def export(
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="A .csv or .xlsx file (default: stdout)")
    ] = None,
    lang: Annotated[
        str,
        typer.Option("--lang", help="The extract's language: ko or en (default: consular --lang)"),
    ] = "",
    name: Annotated[str | None, typer.Option(help="Only persons of this name")] = None,
    date_of_birth: Annotated[str | None, typer.Option(help="Only persons born that day")] = None,
) -> None:
    """The persons of the registry (or those of a name or birth date), with their codes
    beside their words; the export is recorded in the audit log."""
    language = checked_language(lang)
    try:
        born = parse_date(date_of_birth) if date_of_birth else None
    except FieldError as exc:
        fail(f"--date-of-birth: {exc}", 2)
    with command_unit() as db:
        table = export_registry(db, Actor.operator(), language, name=name, date_of_birth=born)
    if output is None:
        write_csv(sys.stdout, table)
    else:
        write_table(output, table, title="registry")
    typer.echo(f"{len(table) - 1} person(s)", err=output is None)
