"""A registry extract: the persons a search finds (or the whole registry) as a table to
download, in the exporter's language, audited whoever exports it: from the registry's page
or the command line."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy.orm import Session, selectinload

from consular import audit
from consular.audit.tags import AuditTag
from consular.auth.permissions import Permission
from consular.auth.service import Actor
from consular.codes import sex_label
from consular.exports import Column, table_in
from consular.i18n import N_
from consular.registry.models import Person
from consular.registry.service import mask_identifier, readable_persons, search_persons

EXTRACT = (
    Column("registry_ref", N_("Registry reference")),
    Column("name", N_("Name")),
    Column("date_of_birth", N_("Date of birth")),
    Column("sex", N_("Sex"), sex_label),
    Column("nationality", N_("Nationality")),
    Column("passport_number", N_("Passport number")),
    Column("employers", N_("Employers")),
    Column("id"),
)
# More than any registry the product is measured with (100,000 persons, ten times over).
MAX_EXTRACT = 1_000_000


def _row(person: Person, whole: bool) -> dict[str, str]:
    """One person as the extract writes them; the passport number masked unless ``whole``."""
    return {
        "registry_ref": person.registry_ref or "",
        "name": person.display_name,
        "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else "",
        "sex": person.sex or "",
        "nationality": person.nationality or "",
        "passport_number": (
            person.passport_number if whole else mask_identifier(person.passport_number)
        )
        or "",
        "employers": ", ".join(sorted({d.employer.name for d in person.deployments})),
        "id": person.id,
    }


def export_registry(
    db: Session,
    actor: Actor,
    language: str,
    *,
    name: str | None = None,
    date_of_birth: date | None = None,
    passport_number: str | None = None,
) -> list[list[object]]:
    """The persons found by name, birth date or passport number (everyone when none is
    given) as a table in ``language``, the header first. Passport numbers are whole for
    those who may reveal identifiers, masked for the others; the export is audited."""
    actor.require(Permission.REGISTRY_EXPORT, "registry", "")
    filters = {"name": name, "date_of_birth": date_of_birth, "passport_number": passport_number}
    persons: Iterable[Person]
    if any(filters.values()):
        persons = search_persons(
            db,
            actor,
            name=name,
            date_of_birth=date_of_birth,
            passport_number=passport_number,
            limit=MAX_EXTRACT,
        )
    else:
        query = (
            readable_persons(actor)
            .where(Person.merged_into_id.is_(None))
            .order_by(Person.family_name, Person.given_name, Person.id)
        )
        persons = db.scalars(query.options(selectinload(Person.deployments)).limit(MAX_EXTRACT))
    whole = actor.can(Permission.IDENTIFIER_REVEAL)
    rows = [_row(person, whole) for person in persons]
    audit.record(
        db,
        actor=actor.name,
        tag=AuditTag.REGISTRY_EXPORT,
        target_type="registry",
        target_id="persons",
        diff={
            "rows": len(rows),
            "passport_numbers": "whole" if whole else "masked",
            **{key: str(value) for key, value in filters.items() if value},
        },
    )
    return table_in(EXTRACT, rows, language)
