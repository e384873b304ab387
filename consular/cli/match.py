"""`consular match`: two spreadsheets in, one decision per list row out; no database needed."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from consular.cli.context import fail, in_language, progress_bar
from consular.cli.entry import skip_teardown
from consular.cli.imports import print_layout
from consular.cli.linking import link_all
from consular.columnar import read_columns
from consular.config import get_settings
from consular.errors import InvalidInput
from consular.exports import write_csv
from consular.fields import RowError
from consular.importing import command_line_limits
from consular.incidents.listcolumns import parse_columns
from consular.incidents.listrows import (
    ListLayout,
    ListRow,
    list_layout,
    list_warnings,
    parse_list,
    read_columns_option,
)
from consular.matching import Decision, Link, build_matcher
from consular.matching.columns import RecordColumns
from consular.tabular import Table, TableError, read_table

PROGRESS_THRESHOLD = 2000
COLUMNS = ("list_id", "registry_id", "decision", "probability", "explanation", "warnings")


def _rows(
    path: Path, what: str, date_format: str | None, columns: dict[str, str] | None = None
) -> tuple[list[ListRow], ListLayout]:
    try:
        table: Table = read_table(path, limits=command_line_limits(get_settings()))
    except TableError as exc:
        fail(str(exc), 2)
    layout = _layout(table, what, columns, date_format)
    rows, errors = parse_list(table, date_format=layout.date_format, columns=layout.columns)
    if what == "registry":
        # The registry keeps its strictness: what a list may keep with a warning, it refuses.
        errors = sorted([*errors, *list_warnings(rows)], key=lambda e: e.row)
    _refuse(what, table.source, errors)
    return rows, layout


def _registry(path: Path, date_format: str | None) -> RecordColumns:
    """The registry's records; a large plain CSV file is read by columns (the same records)."""
    table = read_columns(path, limits=command_line_limits(get_settings()))
    if table is None:
        rows, _ = _rows(path, "registry", date_format)
        return RecordColumns.of([row.record for row in rows])
    layout = _layout(table.head, "registry", None, date_format)
    read = parse_columns(table, date_format=layout.date_format, columns=layout.columns)
    # The registry keeps its strictness: what a list may keep with a warning, it refuses.
    _refuse("registry", table.source, sorted([*read.errors, *read.warnings], key=lambda e: e.row))
    return read.records


def _layout(
    table: Table, what: str, columns: dict[str, str] | None, date_format: str | None
) -> ListLayout:
    try:
        return list_layout(table, columns=columns, date_format=date_format)
    except InvalidInput as exc:
        fail(f"{what} {table.source}: {in_language(exc)}", 2)


def _refuse(what: str, source: str, errors: list[RowError]) -> None:
    header = [e for e in errors if e.row == 1]
    if header:
        fail(f"{what} {source}: {header[0].message}", 2)
    if errors:
        _report(what, source, errors)


def _report(what: str, source: str, errors: list[RowError]) -> None:
    shown = "; ".join(str(e) for e in errors[:5])
    more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
    fail(f"{what} {source}: {len(errors)} bad row(s): {shown}{more}", 2)


def match(
    registry: Annotated[Path, typer.Argument(help="Registry file (CSV or XLSX)")],
    list_file: Annotated[Path, typer.Argument(metavar="LIST", help="List file (CSV or XLSX)")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the CSV")],
    explain: Annotated[
        bool, typer.Option("--explain", help="Fill the explanation column, field by field")
    ] = False,
    dob_format: Annotated[
        str | None,
        typer.Option(
            "--dob-format",
            help="Date format of both files, e.g. %m/%d/%Y (guessed from each file's dates)",
        ),
    ] = None,
    columns: Annotated[
        str,
        typer.Option(
            help="Fields of the list's columns, over the guess from their headers: "
            "'Country of Citizenship=nationality,Booking Date=' (empty: not used)"
        ),
    ] = "",
) -> None:
    """Link each row of LIST to a person of REGISTRY: match, review or none, with a probability.

    Both files' columns are read by their header names (English or Korean), their dates in
    the format that reads them; how the list was read is printed.
    """
    try:
        chosen = read_columns_option(columns)
    except InvalidInput as exc:
        fail(in_language(exc), 2)
    people = _registry(registry, dob_format)
    listed, layout = _rows(list_file, "list", dob_format, chosen)
    ids = people.column("id") or ()
    if len(set(ids)) != len(ids):
        fail(f"registry {registry.name}: ids must be unique (give an id column)", 2)
    matcher = build_matcher(people)
    with progress_bar(len(listed), "matching", threshold=PROGRESS_THRESHOLD) as progress:
        links = link_all(matcher, [row.record for row in listed], progress)
    _write(output, links, listed, explain)
    _summarise(layout, listed, links, output)
    skip_teardown()  # the index is dropped with the process, not object by object


def _write(output: Path, links: list[Link], listed: list[ListRow], explain: bool) -> None:
    try:
        with output.open("w", newline="", encoding="utf-8") as out:
            written = (_row(link, row, explain) for link, row in zip(links, listed, strict=True))
            write_csv(out, [COLUMNS, *written])
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror}", 2)


def _summarise(layout: ListLayout, listed: list[ListRow], links: list[Link], output: Path) -> None:
    """How the list was read, what in it was doubtful, and how many rows got each decision."""
    print_layout(layout.columns, layout.date_format)
    warnings = list_warnings(listed)
    for warning in warnings[:5]:
        typer.echo(f"warning: {warning} (row kept)")
    if len(warnings) > 5:
        typer.echo(f"warning: and {len(warnings) - 5} more (see the warnings column)")
    counts = {d: sum(1 for link in links if link.decision is d) for d in Decision}
    typer.echo(
        f"{len(links)} rows: {counts[Decision.MATCH]} match, {counts[Decision.REVIEW]} review, "
        f"{counts[Decision.NONE]} none → {output}"
    )


def _row(link: Link, row: ListRow, explain: bool) -> list[str]:
    best = link.best if link.decision is not Decision.NONE else None
    return [
        link.record_id,
        best.registry_id if best else "",
        link.decision.value,
        f"{link.best.probability:.4f}" if link.best else "0",
        _explain(link) if explain else "",
        # The cell and what cannot be true in it; the row was matched without that value.
        " | ".join(f"{w.column}: {w.message}" for w in row.warnings),
    ]


def _explain(link: Link) -> str:
    """Why the row was held back, if it was, then each candidate's evidence."""
    shown = [f"{c.registry_id} ({c.probability:.3f}): {c.explanation()}" for c in link.candidates]
    return " | ".join([link.note, *shown] if link.note else shown)
