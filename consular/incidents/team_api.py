"""An incident's team through the API: who is on it with their workload, adding and removing
members from elsewhere."""

from __future__ import annotations

from fastapi import APIRouter, status

from consular.api_schema import SIGNED_IN, TAKES_BODY, answers
from consular.db import utcnow
from consular.incidents.schemas import MemberAdd, TeamMemberRead, TeamRead, WorkloadRead
from consular.incidents.service import get_incident
from consular.incidents.team import add_member, remove_member, team_rows
from consular.web.deps import DB, CurrentActor

router = APIRouter(prefix="/incidents", tags=["incidents"], responses=answers(*SIGNED_IN))


def team_read(db: DB, incident_id: str, actor: CurrentActor) -> TeamRead:
    rows, unassigned = team_rows(db, get_incident(db, actor, incident_id), utcnow())
    return TeamRead(
        members=[
            TeamMemberRead(
                name=row.user.name,
                role=row.user.role,
                post=row.user.post.name if row.user.post else None,
                added=row.added,
                workload=WorkloadRead.model_validate(row.work),
            )
            for row in rows
        ],
        unassigned=WorkloadRead.model_validate(unassigned),
    )


@router.get(
    "/{incident_id}/team",
    response_model=TeamRead,
    summary="The incident's team and each officer's workload",
    responses=answers(404, 422),
)
def team(incident_id: str, db: DB, actor: CurrentActor) -> TeamRead:
    return team_read(db, incident_id, actor)


@router.post(
    "/{incident_id}/team",
    response_model=TeamRead,
    status_code=status.HTTP_201_CREATED,
    summary="Add an officer of another post or of headquarters to this incident's team",
    responses=answers(*TAKES_BODY, 404, 409),
)
def add(incident_id: str, body: MemberAdd, db: DB, actor: CurrentActor) -> TeamRead:
    add_member(db, actor, incident_id, body.user)
    return team_read(db, incident_id, actor)


@router.delete(
    "/{incident_id}/team/{user}",
    response_model=TeamRead,
    summary="Take a member off the team: the cases they held are left without them",
    responses=answers(404, 409, 422),
)
def remove(incident_id: str, user: str, db: DB, actor: CurrentActor) -> TeamRead:
    remove_member(db, actor, incident_id, user)
    return team_read(db, incident_id, actor)
