from __future__ import annotations

import json
import sys
from enum import StrEnum
from typing import Annotated

import typer

from consular.auth.service import Actor
from consular.cases import service
from consular.cases.assignment import assign_case
from consular.cases.export import export_cases
from consular.cli.context import checked_language, command_unit
from consular.exports import write_csv
from consular.incidents.team import officers_of

app = typer.Typer(no_args_is_help=True, help="Consular cases.")


class Format(StrEnum):
    TABLE = "table"
    CSV = "csv"
    JSON = "json"


COLUMNS = (
    "number",
    "id",
    "person_name",
    "date_of_birth",
    "state",
    "facility",
    "disposition",
    "overdue",
)


@app.command("list")
def index(
    incident: Annotated[str, typer.Option(help="Incident id")],
    status: Annotated[str | None, typer.Option(help="Only cases in this state")] = None,
    overdue: Annotated[
        bool, typer.Option("--overdue", help="Only cases with overdue milestones")
    ] = False,
    format: Annotated[Format, typer.Option("--format", help="table, csv or json")] = Format.TABLE,
    lang: Annotated[
        str, typer.Option("--lang", help="The CSV's language: ko or en (default: consular --lang)")
    ] = "",
) -> None:
    """List an incident's cases; as CSV, an export in ``--lang``, audited as from the page."""
    if format is Format.CSV:
        language = checked_language(lang)
        with command_unit() as db:
            table = export_cases(
                db, Actor.operator(), incident, language, state=status, overdue=overdue
            )
        write_csv(sys.stdout, table)
        return
    with command_unit(write=False) as db:
        _total, cases = service.list_cases(
            db, Actor.operator(), incident, state=status, overdue=overdue, limit=1_000_000
        )
        rows = [c.model_dump(mode="json") for c in cases]
    if format is Format.JSON:
        typer.echo(
            json.dumps([{k: r[k] for k in COLUMNS} for r in rows], ensure_ascii=False, indent=1)
        )
        return
    for r in rows:
        overdue_items = ",".join(r["overdue"])
        typer.echo(
            f"{r['number']:>4}  {r['id']}  {r['state']:<20} "
            f"{(r['facility'] or '-')[:28]:<28} {r['person_name'][:34]:<34} {overdue_items}"
        )
    typer.echo(f"{len(rows)} case(s)")


@app.command("show")
def show(case_id: str) -> None:
    """Show one case as JSON: state, checklist, custody, notes."""
    with command_unit(write=False) as db:
        described = service.describe(service.get_case(db, Actor.operator(), case_id))
    typer.echo(described.model_dump_json(indent=1))


@app.command("transition")
def transition(
    case_id: str,
    to: Annotated[str, typer.Option(help="Target state")],
    version: Annotated[int, typer.Option(help="The case version you saw")],
    note: Annotated[str, typer.Option(help="Why")] = "",
) -> None:
    """Move a case to another state."""
    with command_unit() as db:
        case = service.transition(db, Actor.operator(), case_id, to, version=version, note=note)
        typer.echo(f"case {case.number}: {case.state} (version {case.version})")


@app.command("assign")
def assign(
    case_id: Annotated[str, typer.Option("--case", help="Case id")],
    officer: Annotated[str, typer.Option(help="The officer's user name ('' for nobody)")],
    second: Annotated[str, typer.Option(help="The second officer's user name")] = "",
    version: Annotated[
        int | None, typer.Option(help="The case version you saw (default: the current one)")
    ] = None,
) -> None:
    """Set a case's officer and second officer; both must be on the incident's team."""
    actor = Actor.operator()
    with command_unit() as db:
        if version is None:
            version = service.get_case(db, actor, case_id).version
        case = assign_case(db, actor, case_id, officer=officer, second=second, version=version)
        first, other = officers_of(case)
        typer.echo(
            f"case {case.number}: officer {first or '-'}, second {other or '-'} "
            f"(version {case.version})"
        )


@app.command("complete")
def complete(
    case_id: str,
    kind: Annotated[str, typer.Argument(help="Milestone, e.g. consular_visit")],
    evidence: Annotated[str, typer.Option(help="What shows it was done")] = "",
) -> None:
    """Record a rights-checklist item as done now."""
    with command_unit() as db:
        milestone = service.complete_milestone(
            db, Actor.operator(), case_id, kind, evidence=evidence
        )
        typer.echo(f"{milestone.kind} done at {milestone.done_at:%Y-%m-%d %H:%M} UTC")
