from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from consular.auth.models import Post
from consular.auth.service import Actor
from consular.cli.context import command_unit, fail
from consular.facilities import service
from consular.facilities.models import Facility
from consular.facilities.service import TYPED
from consular.phones import shown_phone

app = typer.Typer(no_args_is_help=True, help="The posts' directories of detention facilities.")

Text = Annotated[str | None, typer.Option()]


def _post(db: Session, post: str) -> Post:
    found = db.scalar(select(Post).where(or_(Post.id == post, Post.name == post)))
    if found is None:
        fail(f"no post {post!r}: give its name or id", 2)
    return found


def _typed(given: dict[str, object]) -> dict[str, str]:
    """The entry's values given on the command line (the command's own parameters)."""
    return {key: str(value) for key, value in given.items() if key in TYPED and value is not None}


def _line(facility: Facility, held: int) -> str:
    phone = shown_phone(facility.phone) or "-"
    return (
        f"{facility.id}  v{facility.version}  {facility.name} | {facility.city or '-'} | "
        f"{phone} | {facility.field_office or '-'} | held {held}"
    )


@app.command("list")
def list_facilities(
    post: Annotated[str | None, typer.Option(help="The post's name or id (default: all)")] = None,
) -> None:
    """Each entry: id, version, name, city, phone, field office, people held (open incidents)."""
    with command_unit() as db:
        post_id = _post(db, post).id if post else None
        found = service.directory(db, Actor.operator(), post_id)
        held: dict[str, int] = {}
        for post_of in {facility.post_id for facility in found}:
            held |= service.held_counts(db, post_of)
        for facility in found:
            typer.echo(_line(facility, held.get(facility.id, 0)))


@app.command("add")
def add(
    post: Annotated[str, typer.Option(help="The post's name or id")],
    name: Annotated[str, typer.Option(help="As the host authority writes it")],
    operator: Text = None,
    address: Text = None,
    city: Text = None,
    region: Text = None,
    country: Text = None,
    phone: Text = None,
    visiting_hours: Text = None,
    field_office: Text = None,
    field_office_phone: Text = None,
    field_office_email: Text = None,
    notes: Text = None,
) -> None:
    """Add a facility to a post's directory; prints its id."""
    typed = _typed(locals())
    with command_unit() as db:
        facility = service.create_facility(db, Actor.operator(), typed, post_id=_post(db, post).id)
        typer.echo(facility.id)


@app.command("update")
def update(
    facility: Annotated[str, typer.Argument(help="The entry's id")],
    version: Annotated[int, typer.Option(help="The version last read (see list)")],
    name: Text = None,
    operator: Text = None,
    address: Text = None,
    city: Text = None,
    region: Text = None,
    country: Text = None,
    phone: Text = None,
    visiting_hours: Text = None,
    field_office: Text = None,
    field_office_phone: Text = None,
    field_office_email: Text = None,
    notes: Text = None,
) -> None:
    """Change the values given of an entry; the others stay."""
    typed = _typed(locals())
    with command_unit() as db:
        changed = service.update_facility(db, Actor.operator(), facility, typed, version=version)
        typer.echo(_line(changed, service.held_counts(db, changed.post_id).get(changed.id, 0)))
