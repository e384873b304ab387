"""`consular match`: two spreadsheets in, one decision per list row out; no database needed."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from consular.cli.context import fail, progress_bar
from consular.config import get_settings
from consular.exports import write_csv
from consular.fields import RowError
from consular.importing import command_line_limits
from consular.incidents.listrows import ListRow, parse_list
from consular.matching import Decision, Link, build_matcher
from consular.tabular import Table, TableError, read_table

PROGRESS_THRESHOLD = 2000
COLUMNS = ("list_id", "registry_id", "decision", "probability", "explanation")


def _rows(path: Path, what: str, date_format: str) -> list[ListRow]:
    try:
        table: Table = read_table(path, limits=command_line_limits(get_settings()))
    except TableError as exc:
        fail(str(exc), 2)
    rows, errors = parse_list(table, date_format=date_format)
    header = [e for e in errors if e.row == 1]
    if header:
        fail(f"{what} {table.source}: {header[0].message}", 2)
    if errors:
        _report(what, table.source, errors)
    return rows


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
        str, typer.Option("--dob-format", help="Date format of both files, e.g. %m/%d/%Y")
    ] = "%Y-%m-%d",
) -> None:
    """Link each row of LIST to a person of REGISTRY: match, review or none, with a probability."""
    people = _rows(registry, "registry", dob_format)
    listed = _rows(list_file, "list", dob_format)
    ids = [row.record.id for row in people]
    if len(set(ids)) != len(ids):
        fail(f"registry {registry.name}: ids must be unique (give an id column)", 2)
    matcher = build_matcher(row.record for row in people)
    links: list[Link] = []
    with progress_bar(len(listed), "matching", threshold=PROGRESS_THRESHOLD) as progress:
        for done, row in enumerate(listed, start=1):
            links.append(matcher.link(row.record))
            if progress is not None and done % 100 == 0:
                progress(done)
    try:
        with output.open("w", newline="", encoding="utf-8") as out:
            write_csv(out, [COLUMNS, *(_row(link, explain) for link in links)])
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror}", 2)
    counts = {d: sum(1 for link in links if link.decision is d) for d in Decision}
    typer.echo(
        f"{len(links)} rows: {counts[Decision.MATCH]} match, {counts[Decision.REVIEW]} review, "
        f"{counts[Decision.NONE]} none → {output}"
    )


def _row(link: Link, explain: bool) -> list[str]:
    best = link.best if link.decision is not Decision.NONE else None
    return [
        link.record_id,
        best.registry_id if best else "",
        link.decision.value,
        f"{link.best.probability:.4f}" if link.best else "0",
        _explain(link) if explain else "",
    ]


def _explain(link: Link) -> str:
    """Why the row was held back, if it was, then each candidate's evidence."""
    shown = [f"{c.registry_id} ({c.probability:.3f}): {c.explanation()}" for c in link.candidates]
    return " | ".join([link.note, *shown] if link.note else shown)
