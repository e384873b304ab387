from __future__ import annotations

import json
import sys
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from consular.auth.service import Actor
from consular.cases import service
from consular.cases.assignment import assign_case
from consular.cases.bulk import BulkReport, Mode, Selection, apply_bulk
from consular.cases.bulk_actions import BulkAction
from consular.cases.bulk_schemas import BulkReportRead
from consular.cases.export import export_cases
from consular.cli.context import checked_language, command_unit, fail, in_language
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


@app.command("bulk")
def bulk(
    incident: Annotated[str, typer.Option(help="Incident id")],
    action: Annotated[
        str,
        typer.Option(help="transition, disposition, custody, travel, milestone, assign or seat"),
    ],
    cases_file: Annotated[
        Path | None,
        typer.Option(help="A file of case numbers and/or A-numbers, one or more a line"),
    ] = None,
    state: Annotated[str | None, typer.Option(help="All cases in this state")] = None,
    where_facility: Annotated[str | None, typer.Option(help="All cases at this facility")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="All overdue cases")] = False,
    assigned: Annotated[
        str | None, typer.Option(help="All cases of this officer (user name, or none)")
    ] = None,
    to: Annotated[str, typer.Option(help="transition: the target state")] = "",
    disposition: Annotated[str, typer.Option(help="disposition: e.g. voluntary_departure")] = "",
    facility: Annotated[str, typer.Option(help="custody: the facility")] = "",
    custody_kind: Annotated[str, typer.Option(help="custody: transferred or booked")] = (
        "transferred"
    ),
    travel_document: Annotated[str, typer.Option(help="travel: e.g. passport_held")] = "",
    milestone: Annotated[str, typer.Option(help="milestone: e.g. consular_visit")] = "",
    evidence: Annotated[str, typer.Option(help="milestone: what shows it was done")] = "",
    at: Annotated[
        str, typer.Option(help="custody or milestone: when, ISO 8601 with its UTC offset")
    ] = "",
    officer: Annotated[str, typer.Option(help="assign: the officer's user name")] = "",
    second: Annotated[str, typer.Option(help="assign: the second officer's user name")] = "",
    flight: Annotated[str, typer.Option(help="seat: the flight id")] = "",
    note: Annotated[str, typer.Option(help="Why")] = "",
    mode: Annotated[Mode, typer.Option(help="all_or_nothing or where_allowed")] = (
        Mode.ALL_OR_NOTHING
    ),
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check each case, write nothing")] = (
        False
    ),
    format: Annotated[Format, typer.Option("--format", help="table or json")] = Format.TABLE,
) -> None:
    """Apply one action to many cases of an incident; print each case applied or refused."""
    filters = None
    if state or where_facility or overdue or assigned:
        filters = {
            "state": state,
            "facility": where_facility,
            "overdue": overdue,
            "officer": assigned,
        }
    pasted = cases_file.read_text(encoding="utf-8") if cases_file else ""
    if filters is None and not pasted:
        fail("say which cases: --cases-file, or a filter (--state, --where-facility, …)", 2)
    chosen = BulkAction(
        kind=action,
        to=to,
        disposition=disposition,
        facility=facility,
        custody_kind=custody_kind,
        at=_moment(at),
        travel_document=travel_document,
        milestone=milestone,
        evidence=evidence,
        officer=officer,
        second=second,
        flight_id=flight,
        note=note,
    )
    with command_unit() as db:
        report = apply_bulk(
            db,
            Actor.operator(),
            incident,
            Selection(filters=filters, pasted=pasted),
            chosen,
            mode=mode,
            dry_run=dry_run,
        )
    _print_report(report, format)
    if report.refused and not report.written and not dry_run:
        raise typer.Exit(1)


def _moment(text: str) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        fail(f"--at {text!r} is not an ISO 8601 date and time", 2)
    if moment.tzinfo is None:
        fail("--at needs its UTC offset, e.g. 2025-09-06T15:00-04:00", 2)
    return moment


def _print_report(report: BulkReport, format: Format) -> None:
    if format is Format.JSON:
        typer.echo(BulkReportRead.of(report).model_dump_json(indent=1))
        return
    for problem in report.problems:
        typer.echo(f"line {problem.line}: {in_language(problem.reason)}")
    for outcome in report.outcomes:
        said = "applied" if outcome.applied else f"refused: {in_language(outcome.reason)}"
        typer.echo(f"{outcome.number:>4}  {outcome.name[:34]:<34} {said}")
    if report.dry_run:
        verdict = "dry run, nothing written"
    elif report.written:
        verdict = "written"
    else:
        verdict = "nothing written (all or nothing)"
    typer.echo(f"{len(report.applied)} applied, {len(report.refused)} refused: {verdict}")
