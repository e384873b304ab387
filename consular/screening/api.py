from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, File, Query, UploadFile, status
from pydantic import BaseModel, Field

from consular.api_schema import SIGNED_IN, TAKES_BODY, Language, answers
from consular.errors import InvalidInput
from consular.i18n import N_
from consular.importing import ImportReport, read_upload
from consular.registry.service import mask_identifier
from consular.rules import ruleset
from consular.screening import deployments as service
from consular.screening.service import parse_plan, screen
from consular.screening.worker_cases import WorkerCase, by_deployment, worker_cases
from consular.web.deps import DB, CurrentActor, ReadingActor
from consular.web.limits import UploadLimits

router = APIRouter(tags=["screening"], responses=answers(*SIGNED_IN))
DISCLAIMER = (
    "An explanation of the rules, not legal advice: a lawyer should confirm refer and "
    "not_permitted outcomes."
)


class ScreenedTrip(BaseModel):
    id: str
    verdict: str
    rule_ids: list[str]
    reasons: list[str]
    suggested_status: str


class ScreenResult(BaseModel):
    ruleset_version: str
    disclaimer: str
    trips: list[ScreenedTrip]


class WorkerCaseRead(BaseModel):
    """A case of the worker in an open incident, as coarse as a family's status: no place
    of detention, no host authority number, no notes."""

    opened_at: datetime
    held: bool
    seen_by_consul: bool
    released: bool
    departure_scheduled: bool
    departed: bool
    updated_at: datetime
    post: str = Field(description="The consular post handling the case")
    post_phone: str = Field(description="Whom to call about it")


def worker_case_read(case: WorkerCase, language: str) -> WorkerCaseRead:
    status = case.status
    return WorkerCaseRead(
        opened_at=case.opened_at,
        held=status.held,
        seen_by_consul=status.seen_by_consul,
        released=status.released,
        departure_scheduled=status.departure_scheduled,
        departed=status.departed,
        updated_at=status.updated_at,
        post=status.post_name_in(language),
        post_phone=status.post_phone,
    )


class DeploymentRead(BaseModel):
    """A deployment with its worker as the employer named them: nothing from the registry."""

    id: str
    worker_name: str
    date_of_birth: date | None
    nationality: str | None
    passport_number_masked: str | None
    entry_status: str | None
    activity: str | None
    entry_date: date | None
    planned_end: date | None
    stay_days: int | None
    verdict: str
    rule_ids: list[str]
    reasons: list[str]
    stored_verdict: str | None
    screened_with: str | None
    passport_expires_before_the_end: bool
    cases: list[WorkerCaseRead] = Field(
        default_factory=list,
        description="For an employer: the worker's cases in open incidents, coarse status only",
    )


@router.post(
    "/screen",
    response_model=ScreenResult,
    summary="Screen a deployment plan",
    responses=answers(*TAKES_BODY),
)
def screen_plan(
    actor: ReadingActor,
    file: Annotated[UploadFile, File(description="The plan, CSV or XLSX")],
    limits: UploadLimits,
    lang: Annotated[Language, Query(description="Language of the reasons")] = Language.EN,
) -> ScreenResult:
    """The same as `consular screen`: every trip's verdict, rules and reasons; a plan with a
    bad value is refused whole (422), each problem by row and column. Stores nothing."""
    table = read_upload(file.file, file.filename or "plan.csv", limits)
    trips, errors = parse_plan(table)
    if errors:
        raise InvalidInput(
            "screening.plan_has_errors",
            N_("%(file)s: %(count)s error(s); nothing was screened."),
            file=table.source,
            count=len(errors),
            details={"errors": [e.as_dict() for e in errors]},
        )
    return ScreenResult(
        ruleset_version=ruleset("screen").version,
        disclaimer=DISCLAIMER,
        trips=[
            ScreenedTrip(
                id=item.trip.id,
                verdict=item.verdict.outcome,
                rule_ids=item.verdict.rule_ids,
                reasons=item.reasons(lang.value),
                suggested_status=item.suggested_status,
            )
            for item in screen(trips)
        ],
    )


def deployment_read(
    view: service.DeploymentView, language: str, cases: Sequence[WorkerCase] = ()
) -> DeploymentRead:
    deployment = view.deployment
    reasons = (
        [f"{f.rule_id}: {f.reason[language]}" for f in view.verdict.firings] if view.verdict else []
    )
    return DeploymentRead(
        id=deployment.id,
        worker_name=deployment.worker_name,
        date_of_birth=deployment.worker_date_of_birth,
        nationality=deployment.worker_nationality,
        passport_number_masked=mask_identifier(deployment.worker_passport_number),
        entry_status=deployment.entry_status,
        activity=deployment.activity,
        entry_date=deployment.entry_date,
        planned_end=deployment.planned_end,
        stay_days=deployment.stay_days,
        verdict=view.outcome,
        rule_ids=view.verdict.rule_ids if view.verdict else [],
        reasons=reasons,
        stored_verdict=deployment.screening_verdict,
        screened_with=deployment.screening_version,
        passport_expires_before_the_end=view.passport_expires_early,
        cases=[worker_case_read(case, language) for case in cases],
    )


@router.get(
    "/deployments",
    response_model=list[DeploymentRead],
    summary="Your deployments",
    responses=answers(422),
)
def list_deployments(
    db: DB,
    actor: CurrentActor,
    lang: Annotated[Language, Query(description="Language of the reasons")] = Language.EN,
) -> list[DeploymentRead]:
    """An employer's deployments, worst verdict first, under the rules in force, each with
    its worker's cases in open incidents (coarse status only)."""
    cases = by_deployment(worker_cases(db, actor))
    return [
        deployment_read(view, lang.value, cases.get(view.deployment.id, []))
        for view in service.deployments_of(db, actor)
    ]


@router.get(
    "/deployments/{deployment_id}",
    response_model=DeploymentRead,
    summary="One of your deployments",
    responses=answers(404, 422),
)
def read_deployment(
    db: DB,
    actor: CurrentActor,
    deployment_id: str,
    lang: Annotated[Language, Query(description="Language of the reasons")] = Language.EN,
) -> DeploymentRead:
    """A deployment with its verdict under the rules in force and its worker's cases;
    another employer's is 404."""
    view = service.deployment_of(db, actor, deployment_id)
    cases = worker_cases(db, actor, [view.deployment.id])
    return deployment_read(view, lang.value, cases)


@router.post(
    "/deployments",
    response_model=DeploymentRead,
    status_code=status.HTTP_201_CREATED,
    summary="Register a worker's deployment",
    # 404: the caller may not register deployments (an officer's token).
    responses=answers(*TAKES_BODY, 404),
)
def register_deployment(db: DB, actor: CurrentActor, body: dict[str, Any]) -> DeploymentRead:
    """Fields as in the bulk file (strings); `mrz` may hold the passport's two MRZ lines."""
    values = {str(k): "" if v is None else str(v) for k, v in body.items()}
    registration, errors = service.parse_registration(values, 1)
    if errors:
        raise InvalidInput(
            "deployment.has_errors",
            N_("%(count)s error(s); nothing was registered."),
            count=len(errors),
            details={
                "errors": [
                    {
                        "field": e.column,
                        "message": str(e.message),
                        "code": e.message.code,
                        "params": e.message.plain_params(),
                    }
                    for e in errors
                ]
            },
        )
    deployment = service.register(db, actor, registration)
    return deployment_read(service.view_of(deployment), "en")


@router.post(
    "/deployments/import",
    response_model=ImportReport,
    status_code=status.HTTP_201_CREATED,
    summary="Register deployments from a file (all or nothing)",
    responses=answers(*TAKES_BODY, 404),
)
def import_deployments(
    db: DB,
    actor: CurrentActor,
    file: Annotated[UploadFile, File(description="CSV or XLSX")],
    limits: UploadLimits,
) -> ImportReport:
    table = read_upload(file.file, file.filename or "deployments.csv", limits)
    return service.import_deployments(db, actor, table)
