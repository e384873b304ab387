from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from consular.api_schema import SIGNED_IN, TAKES_BODY, Language, Offset, answers
from consular.cases.reveal import Revealed, reveal_identifier
from consular.db import utcnow
from consular.registry.export import export_registry
from consular.registry.merge import merge_persons, plan_merge, unmerge
from consular.registry.models import Person, PersonMerge
from consular.registry.schemas import PersonMergeCreate, PersonMergeRead, PersonRead, PersonUnmerge
from consular.registry.service import get_person, mask_identifier, search_persons
from consular.web.deps import DB, CurrentActor, csv_download

router = APIRouter(prefix="/persons", tags=["registry"], responses=answers(*SIGNED_IN))


def person_read(person: Person) -> PersonRead:
    return PersonRead(
        id=person.id,
        registry_ref=person.registry_ref,
        family_name_hangul=person.family_name_hangul,
        given_name_hangul=person.given_name_hangul,
        family_name=person.family_name,
        given_name=person.given_name,
        other_spellings=person.other_spellings or [],
        sex=person.sex,
        date_of_birth=person.date_of_birth,
        nationality=person.nationality,
        passport_number_masked=mask_identifier(person.passport_number),
        merged_into_id=person.merged_into_id,
    )


@router.get(
    "",
    response_model=list[PersonRead],
    summary="Search the registry",
    responses=answers(404, 422),
)
def search(
    db: DB,
    actor: CurrentActor,
    name: str | None = Query(None, description="Latin (either order) or Hangul name"),
    date_of_birth: date | None = None,
    passport_number: str | None = None,
    limit: int = Query(50, ge=1, le=500),
    offset: Offset = 0,
) -> list[PersonRead]:
    found = search_persons(
        db,
        actor,
        name=name,
        date_of_birth=date_of_birth,
        passport_number=passport_number,
        limit=limit,
        offset=offset,
    )
    return [person_read(p) for p in found]


@router.get(
    ".csv",
    summary="The registry extract as CSV in a language, codes beside their words (audited)",
    response_class=Response,
    responses={**answers(404, 422), 200: {"content": {"text/csv": {}}}},
)
def extract(
    db: DB,
    actor: CurrentActor,
    lang: Annotated[Language, Query(description="The export's language")] = Language.EN,
    name: str | None = Query(None, description="Only persons of this name"),
    date_of_birth: date | None = None,
    passport_number: str | None = None,
) -> Response:
    table = export_registry(
        db,
        actor,
        lang.value,
        name=name,
        date_of_birth=date_of_birth,
        passport_number=passport_number,
    )
    return csv_download(table, f"registry-{utcnow():%Y%m%d-%H%M}.csv")


@router.get("/{person_id}", response_model=PersonRead, responses=answers(404, 422))
def read(person_id: str, db: DB, actor: CurrentActor) -> PersonRead:
    return person_read(get_person(db, actor, person_id))


@router.post(
    "/{person_id}/identifiers",
    summary="Reveal sensitive identifiers (audited)",
    responses=answers(404, 422),
)
def reveal(person_id: str, db: DB, actor: CurrentActor) -> dict[str, str | None]:
    return {"passport_number": reveal_identifier(db, actor, Revealed.PERSON, person_id)}


@router.post(
    "/{person_id}/merge",
    response_model=PersonMergeRead,
    summary="Merge a person found to be the same into this one (audited)",
    responses=answers(*TAKES_BODY, 404, 409),
)
def merge(person_id: str, body: PersonMergeCreate, db: DB, actor: CurrentActor) -> PersonMergeRead:
    """Everything of the duplicate moves onto this person, and the duplicate leaves the
    search; 409 when both have a case in one incident (which, in the message). With
    `dry_run`, what would move and nothing changed."""
    if body.dry_run:
        plan = plan_merge(db, actor, person_id, body.duplicate_id)
        return PersonMergeRead(
            id=None,
            kept_id=plan.kept.id,
            duplicate_id=plan.duplicate.id,
            moved=plan.counts,
            dry_run=True,
        )
    return merge_read(merge_persons(db, actor, person_id, body.duplicate_id, reason=body.reason))


def merge_read(merge: PersonMerge) -> PersonMergeRead:
    return PersonMergeRead(
        id=merge.id,
        kept_id=merge.kept_id,
        duplicate_id=merge.duplicate_id,
        moved=merge.counts,
        dry_run=False,
        undone=merge.undone_at is not None,
    )


@router.post(
    "/merges/{merge_id}/undo",
    response_model=PersonMergeRead,
    summary="Undo a merge (administrators; audited)",
    responses=answers(*TAKES_BODY, 404, 409),
)
def undo_merge(merge_id: str, body: PersonUnmerge, db: DB, actor: CurrentActor) -> PersonMergeRead:
    """Exactly the rows the merge moved go back; 409, with the reason, when something
    changed since that makes it unsafe; 404 for anyone but an administrator."""
    return merge_read(unmerge(db, actor, merge_id, reason=body.reason))
