from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from consular.api_schema import SIGNED_IN, Language, answers
from consular.reentry import service
from consular.reentry.report import DISCLAIMER
from consular.web.deps import DB, CurrentActor

router = APIRouter(prefix="/cases", tags=["re-entry"], responses=answers(*SIGNED_IN))


class FactRead(BaseModel):
    name: str
    value: Any
    source: str


class BarRead(BaseModel):
    rule_id: str
    statute: str
    years: int | str
    ends_on: date | None


class FiringRead(BaseModel):
    rule_id: str
    outcome: str
    evidence: list[str]
    citations: list[str]
    reason: str
    conditions: list[str]


class AssuranceRead(BaseModel):
    given_on: date
    given_by: str
    statement: str
    source: str


class OutcomeRead(BaseModel):
    kind: str
    happened_on: date
    note: str


class ReentryRead(BaseModel):
    case_id: str
    ruleset_version: str
    disclaimer: str
    result: str
    lawyer_should_confirm: bool
    bars: list[BarRead]
    esta_available: bool
    waivers: list[str]
    rules: list[FiringRead]
    facts: list[FactRead]
    assurances: list[AssuranceRead]
    outcomes: list[OutcomeRead]


@router.get(
    "/{case_id}/reentry",
    response_model=ReentryRead,
    summary="Re-entry assessment",
    responses=answers(404, 422),
)
def read_reentry(
    case_id: str,
    db: DB,
    actor: CurrentActor,
    lang: Language = Query(Language.EN, description="Language of the reasons"),
) -> ReentryRead:
    """What `consular reentry assess` prints, as data; nothing is stored."""
    found = service.assess(db, actor, case_id)
    return ReentryRead(
        case_id=found.case.id,
        ruleset_version=found.verdict.version,
        disclaimer=DISCLAIMER,
        result=found.verdict.outcome,
        lawyer_should_confirm=found.needs_lawyer,
        bars=[BarRead(**vars(bar)) for bar in found.bars],
        esta_available=found.esta_available,
        waivers=found.waivers,
        rules=[
            FiringRead(
                rule_id=f.rule_id,
                outcome=f.outcome,
                evidence=list(f.rule.evidence),
                citations=list(f.rule.citations),
                reason=f.reason[lang.value],
                conditions=list(f.conditions),
            )
            for f in found.verdict.firings
        ],
        facts=[FactRead(name=f.name, value=f.value, source=f.source) for f in found.facts],
        assurances=[
            AssuranceRead(
                given_on=a.given_on, given_by=a.given_by, statement=a.statement, source=a.source
            )
            for a in found.assurances
        ],
        outcomes=[
            OutcomeRead(kind=o.kind, happened_on=o.happened_on, note=o.note) for o in found.outcomes
        ],
    )
