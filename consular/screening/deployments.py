"""Employers register the workers they send, with passport data and the plan of the trip;
each deployment is screened at once and keeps its verdict with the rule set's version."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Select, false, select, true
from sqlalchemy.orm import Session

from consular import audit
from consular.audit.tags import AuditTag
from consular.auth.permissions import Permission
from consular.auth.service import Actor
from consular.db import utcnow
from consular.errors import InvalidInput, NotFound
from consular.fields import FieldError, RowError, parse_date
from consular.i18n import N_
from consular.i18n.message import Message
from consular.importing import ImportReport, missing_columns, refuse_bad_rows
from consular.registry.models import Deployment, Person
from consular.registry.schemas import PersonCreate
from consular.registry.service import (
    NAME_FIELDS,
    WORKER_FIELDS,
    add_person,
    registry_parsers,
    stored_name_keys,
)
from consular.rules import Firing, Verdict, ruleset
from consular.screening.mrz import MRZError, parse_td3
from consular.screening.service import (
    OPTIONAL_COLUMNS,
    PLAN_COLUMNS,
    plan_value,
    suggested_status,
)
from consular.sealing import blind_index
from consular.tabular import Table

# The plan columns a deployment carries: no id (the worker is named), no nationality (the
# passport gives it).
FACT_COLUMNS = PLAN_COLUMNS[2:] + OPTIONAL_COLUMNS
_PERSON_FIELDS = (
    "family_name",
    "given_name",
    "family_name_hangul",
    "given_name_hangul",
    "sex",
    "date_of_birth",
    "nationality",
    "passport_number",
)


@cache
def _parsers() -> dict[str, Callable[[str], Any]]:
    """A worker's row is read as a registry file's row is (the same columns, the same bounds)."""
    return {**registry_parsers(), "passport_expires_on": parse_date}


_TRIP_COLUMNS = ("worksite", "role", "entry_date", "planned_end")


@dataclass
class Registration:
    """One worker and one trip, parsed and checked, not yet saved."""

    person: dict[str, Any]
    trip: dict[str, Any]
    facts: dict[str, Any] = field(default_factory=dict)


def parse_registration(values: Mapping[str, str], row: int) -> tuple[Registration, list[RowError]]:
    """Read one worker's row (a form or a spreadsheet row); a pasted machine-readable zone
    fills the passport fields, and a typed value that disagrees with it is an error."""
    errors: list[RowError] = []
    person = _person(values, row, errors)
    trip: dict[str, Any] = {}
    for name in ("worksite", "role"):
        try:
            trip[name] = _parsers()[name](values.get(name, "")) or ""
        except FieldError as exc:
            errors.append(RowError(row, name, exc.message))
    for name in ("entry_date", "planned_end"):
        try:
            trip[name] = parse_date(values.get(name, ""))
        except FieldError as exc:
            errors.append(RowError(row, name, exc.message))
    if (
        trip.get("entry_date")
        and trip.get("planned_end")
        and trip["planned_end"] < trip["entry_date"]
    ):
        said = Message(
            "deployment.ends_before_entry", N_("The planned end is before the entry date.")
        )
        errors.append(RowError(row, "planned_end", said))
    facts: dict[str, Any] = {"nationality": person.get("nationality")}
    declared = ruleset("screen").facts
    for column in FACT_COLUMNS:
        text = values.get(column, "")
        if (
            column == "stay_days"
            and not text.strip()
            and trip.get("planned_end")
            and trip.get("entry_date")
        ):
            facts[column] = max((trip["planned_end"] - trip["entry_date"]).days, 1)
            continue
        try:
            facts[column] = plan_value(column, text, declared)
        except FieldError as exc:
            errors.append(RowError(row, column, exc.message))
    return Registration(person, trip, facts), errors


def _person(values: Mapping[str, str], row: int, errors: list[RowError]) -> dict[str, Any]:
    from_mrz: dict[str, Any] = {}
    if values.get("mrz", "").strip():
        try:
            zone = parse_td3(values["mrz"])
        except MRZError as exc:
            errors.extend(RowError(row, "mrz", problem) for problem in exc.problems)
        else:
            from_mrz = {
                "family_name": zone.family_name,
                "given_name": zone.given_names or None,
                "sex": zone.sex if zone.sex in ("M", "F") else None,
                "date_of_birth": zone.date_of_birth,
                "nationality": zone.nationality,
                "passport_number": zone.passport_number,
                "passport_expires_on": zone.expiry_date,
            }
    person: dict[str, Any] = {}
    for name in (*_PERSON_FIELDS, "passport_expires_on"):
        try:
            typed = _parsers()[name](values.get(name, ""))
        except FieldError as exc:
            errors.append(RowError(row, name, exc.message))
            continue
        read = from_mrz.get(name)
        if typed is not None and read is not None and typed != read:
            said = Message(
                "deployment.differs_from_mrz",
                N_("%(typed)s differs from the passport's machine-readable zone (%(read)s)."),
                typed=str(typed),
                read=str(read),
            )
            errors.append(RowError(row, name, said))
        person[name] = typed if typed is not None else read
    for name in ("date_of_birth", "nationality", "passport_number"):
        if person.get(name) is None and not any(e.column in (name, "mrz") for e in errors):
            said = Message(
                "deployment.empty",
                N_("Empty: fill it in, or paste the passport's machine-readable zone."),
            )
            errors.append(RowError(row, name, said))
    if not (
        (person.get("family_name") and person.get("given_name")) or person.get("family_name_hangul")
    ) and not any(e.column == "mrz" for e in errors):
        said = Message("deployment.no_name", N_("No name: give the Latin or the Hangul name."))
        errors.append(RowError(row, "family_name", said))
    return person


def readable_deployments(actor: Actor) -> Select[Deployment]:
    """An employer account's own deployments; every employer's for the consulate."""
    return select(Deployment).where(_scope(actor))


def _scope(actor: Actor) -> ColumnElement[bool]:
    if not actor.can(Permission.DEPLOYMENT_READ):
        return false()
    if actor.employer_id is not None:
        return Deployment.employer_id == actor.employer_id
    return true()


def screen_deployment(deployment: Deployment) -> Verdict | None:
    """Screen the trip with the rules in force when it starts (today's, for a trip yet to
    start: no later rule is known); None when there is no plan to screen."""
    facts = {column: getattr(deployment, column) for column in FACT_COLUMNS}
    facts["nationality"] = deployment.worker_nationality
    declared = ruleset("screen").facts
    if facts["activity"] is None or facts["entry_status"] not in declared["entry_status"].choices:
        return None
    if facts["stay_days"] is None:
        return None
    starts = deployment.entry_date
    return ruleset("screen").evaluate(facts, min(starts, date.today()) if starts else None)


def register(db: Session, actor: Actor, registration: Registration) -> Deployment:
    """Save the trip for the actor's employer, screened, with the worker as the employer
    named them; the same worker (passport), employer and entry date again updates that
    deployment. The worker is linked to the registry person who agrees in every identity
    field, or to a new person when none holds the passport; a holder who disagrees leaves
    the deployment unlinked, audited, and the answer is the same either way."""
    actor.require(Permission.DEPLOYMENT_WRITE, "deployment", "")
    if actor.employer_id is None:
        raise InvalidInput(
            "deployment.needs_employer",
            N_("Deployments are registered from an employer's account."),
        )
    worker = registration.person
    deployment = _own_deployment(db, actor.employer_id, registration)
    for name in WORKER_FIELDS:
        setattr(deployment, f"worker_{name}", worker.get(name))
    for name, value in {**registration.trip, **registration.facts}.items():
        if name != "nationality":
            setattr(deployment, name, value)
    deployment.passport_expires_on = worker.get("passport_expires_on")
    deployment.registered_by = actor.name
    verdict = screen_deployment(deployment)
    deployment.screening_verdict = verdict.outcome if verdict else None
    deployment.screening_rules = verdict.rule_ids if verdict else []
    deployment.screening_version = verdict.version if verdict else None
    deployment.screened_at = utcnow()
    _link(db, actor, deployment, worker)
    audit.record(
        db,
        actor=actor.name,
        tag=AuditTag.DEPLOYMENT_REGISTER,
        target_type="deployment",
        target_id=deployment.id,
        diff={
            "person": deployment.person_id,
            "activity": deployment.activity,
            "entry_status": deployment.entry_status,
            "verdict": deployment.screening_verdict,
            "rules": deployment.screening_rules,
            "version": deployment.screening_version,
        },
    )
    return deployment


def _own_deployment(db: Session, employer_id: str, registration: Registration) -> Deployment:
    """The employer's deployment of this passport and entry date, else a new one: found
    by what the employer itself sent, never through the registry."""
    worker, entry_date = registration.person, registration.trip["entry_date"]
    deployment = db.scalar(
        select(Deployment).where(
            Deployment.employer_id == employer_id,
            Deployment.worker_passport_index == blind_index("passport", worker["passport_number"]),
            Deployment.worker_nationality == worker["nationality"],
            Deployment.entry_date.is_(None)
            if entry_date is None
            else Deployment.entry_date == entry_date,
        )
    )
    if deployment is None:
        deployment = Deployment(employer_id=employer_id)
        db.add(deployment)
    return deployment


def _link(db: Session, actor: Actor, deployment: Deployment, worker: dict[str, Any]) -> None:
    """Link to the passport's holder who agrees in every field, or to a new person when
    nobody holds it; a holder who disagrees leaves the deployment unlinked, audited."""
    holders = _passport_holders(db, worker)
    person = next((p for p in holders if identity_agrees(p, worker)), None)
    if person is None and not holders:
        person = _add_person(db, actor, worker)
    # By id: setting the relationship would load the person's every deployment. A holder
    # merged into another person is that person now.
    deployment.person_id = (person.merged_into_id or person.id) if person else None
    db.flush()
    if person is None:
        audit.record(
            db,
            actor=actor.name,
            tag=AuditTag.DEPLOYMENT_IDENTITY_MISMATCH,
            target_type="deployment",
            target_id=deployment.id,
            diff={"passport_holders": [p.id for p in holders]},
        )


def disagreeing_deployments(db: Session, actor: Actor, person: Person) -> Sequence[Deployment]:
    """Deployments the actor may read that name this person's passport but were left
    unlinked: the employer's worker disagrees with the person in another identity field."""
    if not person.passport_number:
        return []
    return db.scalars(
        readable_deployments(actor)
        .where(
            Deployment.person_id.is_(None),
            Deployment.worker_passport_index == person.passport_index,
            Deployment.worker_nationality == person.nationality,
        )
        .order_by(Deployment.created_at)
    ).all()


def _passport_holders(db: Session, worker: Mapping[str, Any]) -> Sequence[Person]:
    return db.scalars(
        select(Person)
        .where(
            Person.passport_index == blind_index("passport", worker["passport_number"]),
            Person.nationality == worker["nationality"],
        )
        .order_by(Person.created_at, Person.id)
    ).all()


def identity_agrees(person: Person, worker: Mapping[str, Any]) -> bool:
    """Every identity field the employer gave agrees with the person's: birth date, sex
    when both are known, and each name given (family and given name both, compared by the
    registry's spelling-insensitive keys, so a Latin name agrees with its Hangul one)."""
    if person.date_of_birth != worker["date_of_birth"]:
        return False
    if person.sex and worker.get("sex") and person.sex != worker["sex"]:
        return False
    on_record = stored_name_keys({name: getattr(person, name) for name in NAME_FIELDS})
    pairs = [
        names
        for names in (NAME_FIELDS[:2], NAME_FIELDS[2:])
        if any(worker.get(name) for name in names)
    ]
    return bool(pairs) and all(
        stored_name_keys({name: worker.get(name) for name in names}) & on_record for names in pairs
    )


def _add_person(db: Session, actor: Actor, worker: dict[str, Any]) -> Person:
    data = PersonCreate(**{k: v for k, v in worker.items() if k != "passport_expires_on"})
    return add_person(db, actor, data, reason="registered by the employer")


def import_deployments(db: Session, actor: Actor, table: Table) -> ImportReport:
    """A file of workers and trips, all or nothing: any bad row saves none of them."""
    actor.require(Permission.DEPLOYMENT_WRITE, "deployment", "")
    report = ImportReport.start(table)
    missing = [c for c in PLAN_COLUMNS[2:] if c not in table.columns and c != "stay_days"]
    errors = missing_columns(missing)
    parsed: list[Registration] = []
    if not errors:
        for row in table.rows:
            registration, problems = parse_registration(row.values, row.number)
            errors.extend(problems)
            parsed.append(registration)
    refuse_bad_rows(report, errors, skip_invalid=False, usable_rows=0)
    for registration in parsed:
        register(db, actor, registration)
    report.status = "imported"
    report.imported = len(parsed)
    return report


@dataclass(frozen=True)
class DeploymentView:
    """A deployment as its employer reads it: the verdict now, and what to fix."""

    deployment: Deployment
    verdict: Verdict | None
    passport_expires_early: bool

    @property
    def outcome(self) -> str:
        return self.verdict.outcome if self.verdict else "not_screened"

    @property
    def suggested_status(self) -> str:
        planned = self.deployment.entry_status or ""
        return suggested_status(self.verdict, planned) if self.verdict else ""

    @property
    def to_fix(self) -> list[Firing]:
        """The rules that object to the plan, or ask for care: what to fix before departure."""
        if self.verdict is None:
            return []
        return [f for f in self.verdict.firings if f.outcome != "permitted"]

    @property
    def stale(self) -> bool:
        """Screened with rules older than those in force: the stored verdict may differ."""
        return (
            self.verdict is not None and self.deployment.screening_version != self.verdict.version
        )


def view_of(deployment: Deployment) -> DeploymentView:
    """The deployment with its verdict under the rules in force."""
    ends = deployment.planned_end
    early = bool(deployment.passport_expires_on and ends and deployment.passport_expires_on < ends)
    return DeploymentView(deployment, screen_deployment(deployment), early)


def deployments_of(db: Session, actor: Actor) -> list[DeploymentView]:
    """The actor's deployments with their verdicts under the rules in force, worst first."""
    order = ("not_permitted", "refer", "caution", "permitted", "not_screened")
    query = readable_deployments(actor).order_by(Deployment.entry_date, Deployment.created_at)
    views = [view_of(deployment) for deployment in db.scalars(query)]
    return sorted(views, key=lambda v: order.index(v.outcome))


def deployment_of(db: Session, actor: Actor, deployment_id: str) -> DeploymentView:
    """One deployment the actor may read; another employer's is not found, like none."""
    query = readable_deployments(actor).where(Deployment.id == deployment_id)
    deployment = db.scalars(query).one_or_none()
    if deployment is None:
        raise NotFound("deployment", deployment_id)
    return view_of(deployment)


def counts_by_outcome(views: Sequence[DeploymentView]) -> dict[str, int]:
    counts = dict.fromkeys(("not_permitted", "refer", "caution", "permitted", "not_screened"), 0)
    for view in views:
        counts[view.outcome] += 1
    return counts
