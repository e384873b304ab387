from __future__ import annotations

from fastapi import APIRouter

from consular.api_schema import READS_INPUT, SIGNED_IN, TAKES_BODY, answers
from consular.facilities import service
from consular.facilities.models import Facility
from consular.facilities.schemas import FacilityCreate, FacilityRead, FacilityUpdate
from consular.web.deps import DB, CurrentActor

router = APIRouter(prefix="/facilities", tags=["facilities"], responses=answers(*SIGNED_IN))


def _read(facility: Facility, held: dict[str, int]) -> FacilityRead:
    return FacilityRead.model_validate(facility).model_copy(
        update={"held": held.get(facility.id, 0)}
    )


@router.get(
    "",
    response_model=list[FacilityRead],
    summary="The post's facility directory",
    responses=answers(*READS_INPUT),
)
def list_facilities(db: DB, actor: CurrentActor, post_id: str | None = None) -> list[FacilityRead]:
    """The entries of the caller's post (``post_id``: another post the caller reads)."""
    found = service.directory(db, actor, post_id)
    held: dict[str, int] = {}
    for post in {facility.post_id for facility in found}:
        held |= service.held_counts(db, post)
    return [_read(facility, held) for facility in found]


@router.post(
    "",
    response_model=FacilityRead,
    status_code=201,
    summary="Add a facility to the post's directory (409: the name is taken)",
    responses=answers(*TAKES_BODY, 409),
)
def create(body: FacilityCreate, db: DB, actor: CurrentActor) -> FacilityRead:
    typed = body.model_dump(exclude={"post_id"})
    facility = service.create_facility(db, actor, typed, post_id=body.post_id)
    return _read(facility, {})


@router.get("/{facility_id}", response_model=FacilityRead, responses=answers(404, 422))
def read(facility_id: str, db: DB, actor: CurrentActor) -> FacilityRead:
    facility = service.get_facility(db, actor, facility_id)
    return _read(facility, service.held_counts(db, facility.post_id))


@router.put(
    "/{facility_id}",
    response_model=FacilityRead,
    summary="Change an entry (only the fields given; 409: stale version or name taken)",
    responses=answers(*TAKES_BODY, 404, 409),
)
def update(facility_id: str, body: FacilityUpdate, db: DB, actor: CurrentActor) -> FacilityRead:
    typed = body.model_dump(exclude_unset=True, exclude_none=True, exclude={"version"})
    facility = service.update_facility(db, actor, facility_id, typed, version=body.version)
    return _read(facility, service.held_counts(db, facility.post_id))
