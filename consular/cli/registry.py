"""`consular registry export`: the registry extract, in Korean or English, audited as from
the registry's page; `consular registry merge` and `unmerge`: two persons found to be the
same, and undoing that."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from consular.auth.service import Actor
from consular.cli.context import checked_language, command_unit, fail
from consular.exports import write_csv, write_table
from consular.fields import FieldError, parse_date
from consular.registry.export import export_registry
from consular.registry.merge import live_merge_of, merge_persons, plan_merge, unmerge
from consular.registry.models import Person, PersonMerge

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


def _person_id(db: Session, reference: str) -> str:
    """A person named by their id or their registry reference."""
    found = db.scalar(
        select(Person.id).where(or_(Person.id == reference, Person.registry_ref == reference))
    )
    if found is None:
        fail(f"no person {reference}", 1)
    return found


@app.command("merge")
def merge(
    keep: Annotated[str, typer.Option("--keep", help="The person kept: id or registry reference")],
    duplicate: Annotated[
        str, typer.Option("--duplicate", help="The person merged into it: id or reference")
    ],
    reason: Annotated[str, typer.Option("--reason", help="Why they are the same person")] = "",
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would move")] = False,
) -> None:
    """Merge two persons found to be the same: everything of the duplicate (cases, list
    rows, deployments, emergency contacts, spellings) moves onto the person kept; audited."""
    with command_unit(write=not dry_run) as db:
        kept_id, duplicate_id = _person_id(db, keep), _person_id(db, duplicate)
        if dry_run:
            plan = plan_merge(db, Actor.operator(), kept_id, duplicate_id)
            moved = plan.counts
        else:
            done = merge_persons(db, Actor.operator(), kept_id, duplicate_id, reason=reason)
            moved = done.counts
    said = ", ".join(f"{kind}: {count}" for kind, count in moved.items())
    typer.echo(f"{'would move' if dry_run else 'moved'}: {said}")
    if not dry_run:
        typer.echo(f"merge {done.id}")


@app.command("unmerge")
def unmerge_command(
    merge_or_person: Annotated[
        str, typer.Argument(help="The merge's id, or the merged person's id or reference")
    ],
    reason: Annotated[str, typer.Option("--reason", help="Why the merge is undone")] = "",
) -> None:
    """Undo a merge: exactly the rows it moved go back to the merged person; refused, with
    the reason, when something changed since that makes it unsafe."""
    with command_unit() as db:
        merge_id = merge_or_person
        if db.get(PersonMerge, merge_id) is None:
            found = live_merge_of(db, _person_id(db, merge_or_person))
            if found is None:
                fail(f"no merge of {merge_or_person}", 1)
            merge_id = found.id
        undone = unmerge(db, Actor.operator(), merge_id, reason=reason)
        moved = undone.counts
    typer.echo("moved back: " + ", ".join(f"{kind}: {count}" for kind, count in moved.items()))
