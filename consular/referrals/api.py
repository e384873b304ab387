"""The roster (``/providers``) and a case's referrals, hearings and bond, as JSON."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from consular.api_schema import SIGNED_IN, TAKES_BODY, answers
from consular.cases.service import get_case
from consular.referrals import service
from consular.referrals.models import Bond, Hearing, Provider, Referral
from consular.referrals.service import ProviderFields
from consular.web.deps import DB, CurrentActor

router = APIRouter(tags=["counsel and referrals"], responses=answers(*SIGNED_IN))
CHANGE = answers(*TAKES_BODY, 404, 409)

# The codes of consular.referrals.labels (a test checks they are the same).
ProviderKind = Literal["lawyer", "interpreter", "ngo", "medical"]
HearingKind = Literal["master_calendar", "bond", "merits", "other"]
Payer = Literal["detainee", "family", "employer", "other"]
BondState = Literal["set", "paid", "denied"]
ReferralState = Literal["offered", "accepted", "declined", "done"]


class ProviderWrite(BaseModel):
    name: str = Field(max_length=200)
    kind: ProviderKind
    languages: list[str] = Field(default_factory=list, description="ISO 639-1 codes: ko, en")
    phone: str = Field(default="", max_length=40, description="Any common form; stored E.164")
    email: str = Field(default="", max_length=200)
    areas: str = Field(default="", max_length=1000)
    notes: str = Field(default="", max_length=2000)
    active: bool = True


class ProviderCreate(ProviderWrite):
    post: str | None = Field(
        default=None, description="The post's name: only for a caller of no post (headquarters)"
    )


class ProviderUpdate(ProviderWrite):
    version: int


class ProviderRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    post_id: str
    name: str
    kind: str
    languages: list[str]
    phone: str = Field(description="E.164")
    email: str
    areas: str
    notes: str
    active: bool
    version: int


def _fields(body: ProviderWrite) -> ProviderFields:
    return ProviderFields(
        name=body.name,
        kind=str(body.kind),
        languages=body.languages,
        phone=body.phone,
        email=body.email,
        areas=body.areas,
        notes=body.notes,
        active=body.active,
    )


def _provider(provider: Provider) -> ProviderRead:
    return ProviderRead.model_validate(provider)


@router.get(
    "/providers",
    response_model=list[ProviderRead],
    summary="The post's roster",
    responses=answers(422),
)
def list_providers(
    db: DB,
    actor: CurrentActor,
    kind: Annotated[ProviderKind | None, Query()] = None,
    language: Annotated[str, Query(max_length=8)] = "",
) -> list[ProviderRead]:
    found = service.list_providers(db, actor, kind=str(kind or ""), language=language)
    return [_provider(p) for p in found]


@router.post(
    "/providers",
    response_model=ProviderRead,
    status_code=201,
    summary="Add to the roster (a bad phone is refused with the reason)",
    responses=CHANGE,
)
def create_provider(body: ProviderCreate, db: DB, actor: CurrentActor) -> ProviderRead:
    return _provider(service.add_provider(db, actor, _fields(body), post_name=body.post))


@router.get("/providers/{provider_id}", response_model=ProviderRead, responses=answers(404, 422))
def read_provider(provider_id: str, db: DB, actor: CurrentActor) -> ProviderRead:
    return _provider(service.get_provider(db, actor, provider_id))


@router.put("/providers/{provider_id}", response_model=ProviderRead, responses=CHANGE)
def update_provider(
    provider_id: str, body: ProviderUpdate, db: DB, actor: CurrentActor
) -> ProviderRead:
    return _provider(
        service.update_provider(db, actor, provider_id, _fields(body), version=body.version)
    )


# A case's referrals, hearings and bond


class ReferralCreate(BaseModel):
    provider_id: str
    consent: bool = Field(description="The detainee agreed: a referral without it is refused")
    consent_note: str = Field(default="", max_length=1000, description="How and when")


class ReferralMove(BaseModel):
    to: ReferralState
    version: int
    outcome: str = Field(default="", max_length=2000)


class ReferralRead(BaseModel):
    id: str
    provider_id: str
    provider: str
    state: str
    consent_note: str
    outcome: str
    made_by: str
    version: int


def _referral(referral: Referral) -> ReferralRead:
    return ReferralRead(
        id=referral.id,
        provider_id=referral.provider_id,
        provider=referral.provider.name,
        state=referral.state,
        consent_note=referral.consent_note,
        outcome=referral.outcome,
        made_by=referral.made_by,
        version=referral.version,
    )


@router.get(
    "/cases/{case_id}/referrals", response_model=list[ReferralRead], responses=answers(404, 422)
)
def case_referrals(case_id: str, db: DB, actor: CurrentActor) -> list[ReferralRead]:
    case = get_case(db, actor, case_id)
    return [_referral(r) for r in service.referrals_of(db, case)]


@router.post(
    "/cases/{case_id}/referrals",
    response_model=ReferralRead,
    status_code=201,
    summary="Refer the case (422 without the detainee's consent)",
    responses=CHANGE,
)
def refer(case_id: str, body: ReferralCreate, db: DB, actor: CurrentActor) -> ReferralRead:
    referral = service.refer(
        db,
        actor,
        case_id,
        body.provider_id,
        consent=body.consent,
        consent_note=body.consent_note,
    )
    return _referral(referral)


@router.post(
    "/cases/{case_id}/referrals/{referral_id}/moves",
    response_model=ReferralRead,
    summary="Move a referral on (409 lists the allowed states)",
    responses=CHANGE,
)
def move(
    case_id: str, referral_id: str, body: ReferralMove, db: DB, actor: CurrentActor
) -> ReferralRead:
    referral = service.move_referral(
        db, actor, case_id, referral_id, str(body.to), version=body.version, outcome=body.outcome
    )
    return _referral(referral)


class HearingCreate(BaseModel):
    kind: HearingKind
    starts_at: datetime = Field(description="Without an offset: the post's time")
    place: str = Field(max_length=200)
    notes: str = Field(default="", max_length=2000)


class HearingRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    kind: str
    starts_at: datetime
    place: str
    notes: str
    recorded_by: str


@router.get(
    "/cases/{case_id}/hearings", response_model=list[HearingRead], responses=answers(404, 422)
)
def case_hearings(case_id: str, db: DB, actor: CurrentActor) -> list[HearingRead]:
    case = get_case(db, actor, case_id)
    return [HearingRead.model_validate(h) for h in service.hearings_of(db, case)]


@router.post(
    "/cases/{case_id}/hearings", response_model=HearingRead, status_code=201, responses=CHANGE
)
def add_hearing(case_id: str, body: HearingCreate, db: DB, actor: CurrentActor) -> HearingRead:
    hearing: Hearing = service.add_hearing(
        db,
        actor,
        case_id,
        kind=str(body.kind),
        starts_at=body.starts_at,
        place=body.place,
        notes=body.notes,
    )
    return HearingRead.model_validate(hearing)


@router.delete(
    "/cases/{case_id}/hearings/{hearing_id}",
    status_code=204,
    summary="Take a hearing off the case (audited with what it was)",
    responses=answers(404, 409, 422),
)
def remove_hearing(
    case_id: str,
    hearing_id: str,
    db: DB,
    actor: CurrentActor,
    note: Annotated[str, Query(max_length=2000, description="Why")] = "",
) -> Response:
    service.remove_hearing(db, actor, case_id, hearing_id, note=note)
    return Response(status_code=204)


class BondWrite(BaseModel):
    amount: Decimal = Field(ge=0, lt=Decimal("1e10"), description="US dollars")
    payer: Payer
    state: BondState = "set"
    version: int = Field(default=0, description="The bond's; 0 when none is recorded yet")
    note: str = Field(default="", max_length=2000)


class BondRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    amount: Decimal
    currency: str
    payer: str
    state: str
    note: str
    recorded_by: str
    version: int


@router.get("/cases/{case_id}/bond", response_model=BondRead | None, responses=answers(404, 422))
def case_bond(case_id: str, db: DB, actor: CurrentActor) -> BondRead | None:
    bond = service.bond_of(db, get_case(db, actor, case_id))
    return None if bond is None else BondRead.model_validate(bond)


@router.put("/cases/{case_id}/bond", response_model=BondRead, responses=CHANGE)
def record_bond(case_id: str, body: BondWrite, db: DB, actor: CurrentActor) -> BondRead:
    bond: Bond = service.record_bond(
        db,
        actor,
        case_id,
        amount=body.amount.quantize(Decimal("0.01")),
        payer=str(body.payer),
        state=str(body.state),
        version=body.version,
        note=body.note,
    )
    return BondRead.model_validate(bond)
