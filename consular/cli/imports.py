from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from consular.auth.service import Actor
from consular.cli.context import command_unit, fail, in_language, progress_bar
from consular.config import get_settings
from consular.errors import InvalidInput
from consular.fields import shown_format
from consular.importing import ImportReport, command_line_limits
from consular.incidents.listrows import read_columns_option
from consular.incidents.service import import_list
from consular.registry.service import import_registry
from consular.tabular import Table, TableError, read_table

app = typer.Typer(no_args_is_help=True, help="Import registry files and source lists (CSV, XLSX).")

FileArg = Annotated[Path, typer.Argument(help="CSV or XLSX file")]
SkipOption = Annotated[
    bool, typer.Option("--skip-invalid", help="Import the good rows and list the bad ones")
]


def _read(path: Path) -> Table:
    try:
        return read_table(path, limits=command_line_limits(get_settings()))
    except TableError as exc:
        fail(str(exc), 2)


def print_report(report: ImportReport) -> None:
    lines = [
        ("file", report.file_name),
        ("rows read", report.rows_read),
        ("imported", report.imported),
        ("linked", report.linked),
        ("updated", report.updated),
        ("new persons", report.new_persons),
        ("review", report.review),
        ("out of scope", report.out_of_scope),
        ("cases created", report.cases_created),
        ("skipped", report.skipped),
        ("errors", len(report.errors)),
    ]
    if report.warnings:
        lines.append(("warnings", f"{len(report.warnings)} (rows kept; see below)"))
    for label, value in lines:
        typer.echo(f"{label + ':':<15}{value}")
    for error in report.errors:
        typer.echo(f"  row {error['row']}, column {error['column']}: {error['message']}")
    for warning in report.warnings:
        typer.echo(
            f"  warning: row {warning['row']}, column {warning['column']}: {warning['message']}"
            " (row kept, the value as written)"
        )
    print_layout(report.columns, report.date_format, unused_note=" (kept with each row as read)")


def print_layout(
    columns: dict[str, str], date_format: str | None, *, unused_note: str = ""
) -> None:
    """How a list was read: which field each column held, the unused ones, the date format."""
    if not columns:
        return
    used = [f"{column} → {field}" for column, field in columns.items() if field]
    unused = [column for column, field in columns.items() if not field]
    typer.echo(f"{'columns:':<15}{', '.join(used)}")
    if unused:
        typer.echo(f"{'not used:':<15}{', '.join(unused)}{unused_note}")
    if date_format:
        typer.echo(f"{'date format:':<15}{shown_format(date_format)}")


@app.command("registry")
def registry(file: FileArg, skip_invalid: SkipOption = False) -> None:
    """Import persons (with employers and deployments) into the registry."""
    table = _read(file)
    with progress_bar(len(table.rows), "importing") as progress, command_unit() as db:
        report = import_registry(
            db, Actor.operator(), table, skip_invalid=skip_invalid, progress=progress
        )
    print_report(report)


@app.command("list")
def source_list(
    file: FileArg,
    incident: Annotated[str, typer.Option(help="Incident id")],
    kind: Annotated[
        str, typer.Option(help="host_authority, employer, family or consular_interview")
    ],
    skip_invalid: SkipOption = False,
    date_format: Annotated[
        str | None,
        typer.Option(
            help="Date format of date_of_birth, e.g. %m/%d/%Y (guessed from the dates if not given)"
        ),
    ] = None,
    columns: Annotated[
        str,
        typer.Option(
            help="Fields of columns, over the guess from their headers: "
            "'Country of Citizenship=nationality,Booking Date=' (empty: not used)"
        ),
    ] = "",
) -> None:
    """Import a source list into an incident and reconcile it against the registry.

    The columns are read by their header names (English or Korean) and the dates in the
    format that reads them, both printed in the report.
    """
    try:
        chosen = read_columns_option(columns)
    except InvalidInput as exc:
        fail(in_language(exc), 2)
    table = _read(file)
    with progress_bar(len(table.rows), "importing") as progress, command_unit() as db:
        report = import_list(
            db,
            Actor.operator(),
            incident,
            kind,
            table,
            skip_invalid=skip_invalid,
            date_format=date_format,
            columns=chosen,
            progress=progress,
        )
    print_report(report)
