"""`consular reentry`: the re-entry assessment of a case, its facts, what happened after
return, and the assurances given on an incident."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import typer

from consular.auth.service import Actor
from consular.cli.context import checked_language, command_unit, fail
from consular.fields import FieldError, parse_date
from consular.reentry import service
from consular.reentry.report import report_lines

app = typer.Typer(no_args_is_help=True, help="Re-entry after return: assessment and outcomes.")

CaseId = Annotated[str, typer.Argument(help="The case's id")]
Lang = Annotated[str, typer.Option("--lang", help="Language: en or ko")]


def _day(option: str, value: str | None) -> date | None:
    try:
        return parse_date(value) if value else None
    except FieldError as exc:
        fail(f"{option}: {exc}", 2)


@app.command("assess")
def assess(
    case_id: CaseId,
    lang: Lang = "",
    record: Annotated[
        bool, typer.Option("--record/--no-record", help="Keep it in the case's history")
    ] = True,
) -> None:
    """Which bars apply, whether ESTA is still open, which waivers exist: the same as the
    case page shows. Kept in the case's history with the rule set's version."""
    language = checked_language(lang)
    with command_unit(write=record) as db:
        assessment = service.assess(db, Actor.operator(), case_id, record=record)
        lines = report_lines(assessment, language)
    typer.echo("\n".join(lines))


@app.command("facts")
def facts(
    case_id: CaseId,
    entry_status: Annotated[
        str | None, typer.Option(help="esta, b1, b2, b1b2, e2, l1, h1b, h2b or other")
    ] = None,
    entry_date: Annotated[str | None, typer.Option(help="YYYY-MM-DD")] = None,
    admitted_until: Annotated[str | None, typer.Option(help="The I-94 date, YYYY-MM-DD")] = None,
    departure_mode: Annotated[
        str | None,
        typer.Option(
            help="voluntary_departure, removal_order, expedited_removal, "
            "withdrawal_of_application, voluntary_return or released_remained"
        ),
    ] = None,
    departed_on: Annotated[str | None, typer.Option(help="YYYY-MM-DD")] = None,
    unlawful_presence_days: Annotated[
        int | None, typer.Option(help="Only when the dates cannot give it")
    ] = None,
    prior_removals: Annotated[int | None, typer.Option(help="Removals before this one")] = None,
    misrepresentation: Annotated[
        bool | None,
        typer.Option("--misrepresentation/--no-misrepresentation", help="A finding on record"),
    ] = None,
    status_violation: Annotated[
        str | None, typer.Option(help="yes, no or unknown: unauthorized work found or alleged")
    ] = None,
) -> None:
    """Record what the assessment takes as fact; options not given stay as they are."""
    changes: dict[str, Any] = {}
    for name, value in (
        ("entry_status", entry_status),
        ("departure_mode", departure_mode),
        ("unlawful_presence_days", unlawful_presence_days),
        ("prior_removals", prior_removals),
        ("misrepresentation_finding", misrepresentation),
    ):
        if value is not None:
            changes[name] = value
    for name, text in (
        ("entry_date", entry_date),
        ("admitted_until", admitted_until),
        ("departed_on", departed_on),
    ):
        if text is not None:
            changes[name] = _day(f"--{name.replace('_', '-')}", text)
    if status_violation is not None:
        answers = {"yes": True, "no": False, "unknown": None}
        if status_violation not in answers:
            fail("--status-violation must be yes, no or unknown", 2)
        changes["status_violation"] = answers[status_violation]
    if not changes:
        fail("give at least one fact to record (see --help)", 2)
    with command_unit() as db:
        service.record_facts(db, Actor.operator(), case_id, changes)
    typer.echo(f"recorded: {', '.join(sorted(changes))}")


@app.command("outcome")
def outcome(
    case_id: CaseId,
    kind: Annotated[str, typer.Option(help="re_entered, visa_issued, visa_refused, esta_denied")],
    on: Annotated[str, typer.Option("--on", help="When it happened, YYYY-MM-DD")],
    note: Annotated[str, typer.Option(help="What else is known")] = "",
) -> None:
    """Record what happened after return."""
    day = _day("--on", on)
    assert day is not None
    with command_unit() as db:
        service.record_outcome(db, Actor.operator(), case_id, kind, day, note)
    typer.echo(f"recorded: {kind} on {day.isoformat()}")


@app.command("assurance")
def assurance(
    incident_id: Annotated[str, typer.Argument(help="The incident's id")],
    given_on: Annotated[str, typer.Option(help="YYYY-MM-DD")],
    given_by: Annotated[str, typer.Option(help="Who gave it (office, person)")],
    statement: Annotated[str, typer.Option(help="What was said")],
    source: Annotated[str, typer.Option(help="Where it is recorded")] = "",
) -> None:
    """Record an assurance given about the incident's people, as a fact with its source."""
    day = _day("--given-on", given_on)
    assert day is not None
    with command_unit() as db:
        service.add_assurance(
            db,
            Actor.operator(),
            incident_id,
            given_on=day,
            given_by=given_by,
            statement=statement,
            source=source,
        )
    typer.echo(f"recorded the assurance of {given_on}")


@app.command("follow-up")
def follow_up(incident_id: Annotated[str, typer.Argument(help="The incident's id")]) -> None:
    """The incident's assurances against what actually happened after return."""
    with command_unit(write=False) as db:
        result = service.follow_up(db, Actor.operator(), incident_id)
    for item in result.assurances:
        typer.echo(f"assurance {item.given_on.isoformat()} {item.given_by}: {item.statement}")
    if not result.assurances:
        typer.echo("no assurance recorded")
    counts = ", ".join(f"{n} {kind}" for kind, n in result.outcomes.items())
    typer.echo(f"{result.returned} returned: {counts}, {result.without_outcome} without news")
