"""What an employer learns of its workers detained in an open incident: that a case was
opened, its coarse status as a family reads it (``consular.families.service``), and whom
to call; nothing of a case whose detainee refused that the employer be told
(``consular.cases.wishes``). Never the facility, the host authority's number, notes or
anything else of the case.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from consular.auth.models import Post
from consular.auth.permissions import Permission
from consular.auth.service import Actor
from consular.cases.models import Case
from consular.families.service import COARSE_STATUS_COLUMNS, FamilyStatus, coarse_status
from consular.incidents.lifecycle import CLOSED
from consular.incidents.models import Incident
from consular.registry.models import Deployment


@dataclass(frozen=True)
class WorkerCase:
    """One of the employer's workers with a case: as much as a family sees, less the place."""

    deployment_id: str
    worker_name: str
    opened_at: datetime
    status: FamilyStatus  # its facility is always None


def worker_cases(
    db: Session, actor: Actor, deployment_ids: Iterable[str] | None = None
) -> list[WorkerCase]:
    """The cases in open incidents of the workers the actor's employer deployed when the
    incident began (of ``deployment_ids`` only, when given); none for anyone but an employer.
    Scoped through the employer's own deployments: another employer's worker never appears."""
    actor.require(Permission.DEPLOYMENT_READ, "deployments", None)
    if actor.employer_id is None:
        return []
    started = func.date(Incident.started_at)  # the day (a function on SQLite, a cast on PG)
    query = (
        select(Deployment, Case.created_at.label("opened_at"), *COARSE_STATUS_COLUMNS)
        .join(Case, Case.person_id == Deployment.person_id)
        .join(Incident, Incident.id == Case.incident_id)
        .join(Post, Post.id == Incident.post_id)
        .where(
            Deployment.employer_id == actor.employer_id,
            Incident.status != CLOSED,
            # The detainee said the employer is not to be told (CON-05): no case is shown.
            Case.employer_notice != "no",
            # A trip long over (or not begun) when the incident began is not this one's.
            Deployment.entry_date.is_(None) | (Deployment.entry_date <= started),
            Deployment.planned_end.is_(None) | (Deployment.planned_end >= started),
        )
        .order_by(Case.created_at, Deployment.id)
    )
    if deployment_ids is not None:
        query = query.where(Deployment.id.in_(list(deployment_ids)))
    return [_worker_case(row) for row in db.execute(query)]


def _worker_case(row: object) -> WorkerCase:
    deployment: Deployment = row.Deployment  # type: ignore[attr-defined]
    return WorkerCase(
        deployment_id=deployment.id,
        worker_name=deployment.worker_name,
        opened_at=row.opened_at,  # type: ignore[attr-defined]
        # Where a worker is held is for the family and the consulate, not the employer.
        status=dataclasses.replace(coarse_status(row), facility=None, facility_city=None),
    )


def by_deployment(cases: Sequence[WorkerCase]) -> dict[str, list[WorkerCase]]:
    found: dict[str, list[WorkerCase]] = {}
    for case in cases:
        found.setdefault(case.deployment_id, []).append(case)
    return found
