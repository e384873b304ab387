"""An incident's cases as a table to download, in the exporter's language, audited whoever
exports it: from the incident's page or the command line."""

from __future__ import annotations

from sqlalchemy.orm import Session

from consular import audit
from consular.audit.tags import AuditTag
from consular.auth.service import Actor
from consular.cases.labels import DISPOSITIONS, MILESTONES, STATES
from consular.cases.service import list_cases
from consular.codes import in_words
from consular.exports import Column, table_in
from consular.i18n import N_

_milestone = in_words(MILESTONES)


def _milestones(codes: str, language: str) -> str:
    """The rights checklist items past due, in words: ``consular_visit`` as 영사 방문."""
    return ", ".join(_milestone(code, language) for code in codes.split())


CASES = (
    Column("number", N_("No.")),
    Column("name", N_("Name")),
    Column("date_of_birth", N_("Date of birth")),
    Column("state", N_("State"), in_words(STATES)),
    Column("facility", N_("Facility")),
    Column("disposition", N_("Disposition"), in_words(DISPOSITIONS)),
    Column("overdue", N_("Past due"), _milestones),
    Column("id"),
)


def export_cases(
    db: Session,
    actor: Actor,
    incident_id: str,
    language: str,
    *,
    state: str | None = None,
    facility: str | None = None,
    overdue: bool = False,
    employer_id: str | None = None,
    officer: str | None = None,
    sort: str = "number",
) -> list[list[object]]:
    """The incident's cases so filtered, every page of them, as a table in ``language`` (the
    header first); the export is audited with the filters and the number of rows."""
    total, cases = list_cases(
        db,
        actor,
        incident_id,
        state=state,
        facility=facility,
        overdue=overdue,
        employer_id=employer_id,
        officer=officer,
        sort=sort,
        limit=1_000_000,
    )
    filters = {
        "state": state,
        "facility": facility,
        "overdue": overdue,
        "employer_id": employer_id,
        "officer": officer,
    }
    rows = [
        {
            "number": case.number,
            "name": case.person_name,
            "date_of_birth": case.date_of_birth or "",
            "state": case.state,
            "facility": case.facility or "",
            "disposition": case.disposition or "",
            "overdue": " ".join(case.overdue),
            "id": case.id,
        }
        for case in cases
    ]
    audit.record(
        db,
        actor=actor.name,
        tag=AuditTag.CASES_EXPORT,
        target_type="incident",
        target_id=incident_id,
        diff={"rows": total, **{name: value for name, value in filters.items() if value}},
    )
    return table_in(CASES, rows, language)
