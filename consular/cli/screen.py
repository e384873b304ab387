"""`consular screen`: a deployment plan in, each row's verdict under the visa rules out."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from consular.cli.context import checked_language, fail
from consular.config import get_settings
from consular.exports import write_table
from consular.fields import FieldError, parse_date
from consular.importing import command_line_limits
from consular.rules import ruleset
from consular.screening.service import parse_plan, result_rows, screen
from consular.tabular import TableError, read_table

SHOWN_ERRORS = 20


def screen_plan(
    plan: Annotated[Path, typer.Argument(metavar="PLAN", help="Plan file (CSV or XLSX)")],
    output: Annotated[
        Path, typer.Option("-o", "--output", help="Where to write the result (.csv or .xlsx)")
    ],
    lang: Annotated[
        str,
        typer.Option("--lang", help="Language of the reasons: en or ko (default: consular --lang)"),
    ] = "",
    on: Annotated[
        str | None, typer.Option("--on", help="Screen with the rules in force on this date")
    ] = None,
) -> None:
    """Screen each planned trip against the visa rules: permitted, caution, not_permitted or
    refer, with the rules that fired and why. An explanation, not legal advice."""
    lang = checked_language(lang)
    if output.suffix.lower() not in (".csv", ".xlsx"):
        fail(f"--output {output.name}: use a .csv or .xlsx file name", 2)
    try:
        day: date | None = parse_date(on) if on else None
        table = read_table(plan, limits=command_line_limits(get_settings()))
    except (FieldError, TableError) as exc:
        fail(f"--on: {exc}" if isinstance(exc, FieldError) else str(exc), 2)
    trips, errors = parse_plan(table)
    if errors:
        for error in errors[:SHOWN_ERRORS]:
            typer.echo(f"  {error}", err=True)
        more = (
            f" ({len(errors) - SHOWN_ERRORS} more not shown)" if len(errors) > SHOWN_ERRORS else ""
        )
        fail(f"{table.source}: {len(errors)} error(s){more}; nothing was screened", 2)
    screened = screen(trips, day)
    try:
        write_table(output, result_rows(table, screened, lang), title="screen")
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror}", 2)
    counts = {outcome: 0 for outcome in ruleset("screen").outcomes}
    for item in screened:
        counts[item.verdict.outcome] += 1
    summary = ", ".join(f"{n} {outcome}" for outcome, n in counts.items())
    typer.echo(
        f"{len(screened)} trips screened with rule set {ruleset('screen').version}: {summary} "
        f"→ {output}\nAn explanation of the rules, not legal advice: a lawyer should confirm "
        "refer and not_permitted outcomes."
    )
