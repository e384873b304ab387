"""Build the model case, the Ellabell (Georgia) worksite raid of 2025, in a fresh database.

Everything goes through the real services, one unit of work per step, acting as the demo's
own staff so the audit log names the officers. The people are synthetic and come from one
seeded generator: the same seed builds the same people, lists, decisions and case states.
Only milestone overdue status depends on today's date, as it does for real cases.
"""

from __future__ import annotations

import random
import string
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from consular import audit
from consular.audit.service import verify_chain
from consular.audit.tags import AuditTag
from consular.auth.service import Actor, create_user, get_or_create_post
from consular.cases.models import Case, Milestone
from consular.cases.service import (
    add_note,
    complete_milestone,
    record_custody,
    record_disposition,
    transition,
)
from consular.cases.states import IN_CUSTODY
from consular.config import get_settings
from consular.db import make_engine, make_session_factory, unit_of_work, utcnow
from consular.demo.broadcasts import broadcast_to_families
from consular.demo.database import DemoRefused as DemoRefused
from consular.demo.database import demo_key_file as demo_key_file
from consular.demo.database import prepare_database
from consular.demo.documents import record_documents
from consular.demo.facilities import add_facilities
from consular.demo.hotline import answer_the_hotline
from consular.demo.interviews import record_first_visits
from consular.demo.lists import (
    BATTERY_MAKER,
    DAESUNG,
    DEPTH,
    EASTERN,
    MIRAE,
    SITE,
    CasePlan,
    Contact,
    DemoWorld,
    ListFile,
    draw_contacts,
    draw_world,
    employer_list,
    family_list,
    host_list,
    plan_cases,
    registry_table,
)
from consular.demo.referrals import build_referrals
from consular.demo.screening import plan_and_screen, record_assurance
from consular.demo.visits import plan_the_visits
from consular.demo.week import work_the_week
from consular.incidents.schemas import IncidentCreate
from consular.incidents.service import (
    case_counts,
    create_incident,
    decide,
    import_list,
    review_queue,
)
from consular.migrate import upgrade
from consular.notifications import reminders
from consular.phones import parse_phone
from consular.registry.models import EmergencyContact, Employer, Person
from consular.registry.service import import_registry

Echo = Callable[[str], None]

ATLANTA = "Consulate General in Atlanta"
WASHINGTON = "Embassy in Washington"
ATLANTA_KO = "주애틀랜타 대한민국 총영사관"
WASHINGTON_KO = "주미국 대한민국 대사관"
RAID_START = datetime(2025, 9, 4, 10, 0, tzinfo=EASTERN)
INCIDENT_TITLE = "Ellabell battery plant worksite raid"
EXPECTED_CASES = 317

# (name, role, post, employer): one login per role.
USERS: tuple[tuple[str, str, str | None, str | None], ...] = (
    ("admin", "admin", None, None),
    ("supervisor.park", "supervisor", ATLANTA, None),
    ("officer.kim", "officer", ATLANTA, None),
    ("officer.lee", "officer", ATLANTA, None),
    ("viewer.choi", "viewer", ATLANTA, None),
    ("hr.battery", "employer_hr", None, BATTERY_MAKER),
)
PASSWORD_LENGTH = 14
# Why a row was rejected in review, by list kind.
REJECT_NOTES = {
    "employer": "Listed twice by the employer.",
    "family": "Not on the host authority's list; the employer says he was off site.",
}


@dataclass(frozen=True)
class Staff:
    admin: Actor
    supervisor: Actor
    officers: tuple[Actor, Actor]


@dataclass(frozen=True)
class DemoPlan:
    """Everything the seed decides: people, lists, passwords, contacts and case progress."""

    seed: int
    world: DemoWorld
    lists: tuple[ListFile, ...]
    passwords: tuple[str, ...]
    contacts: tuple[Contact, ...]
    cases: dict[str, CasePlan]


@dataclass(frozen=True)
class CaseRef:
    id: str
    number: int
    person_id: str
    facility: str
    arrested_at: datetime
    version: int


def build_demo(url: str, *, seed: int, echo: Echo) -> list[tuple[str, str, str]]:
    """Build the demo into ``url`` and return the logins as (user name, role, password).

    A SQLite file is replaced when it is missing, empty or an earlier demo; any other
    database must hold no persons and no users. Raises :class:`DemoRefused` otherwise.
    """
    started = time.perf_counter()
    prepare_database(url)
    plan = plan_demo(seed)
    engine = make_engine(url)
    try:
        upgrade(engine)
        echo(f"database: {engine.url.render_as_string(hide_password=True)} (migrated)")
        with _held_open(engine):
            logins = _populate(make_session_factory(engine), plan, echo)
    finally:
        engine.dispose()
    echo(f"built in {time.perf_counter() - started:.1f} s")
    return logins


def _populate(
    factory: sessionmaker[Session], plan: DemoPlan, echo: Echo
) -> list[tuple[str, str, str]]:
    logins, staff = _setup_staff(factory, plan.passwords, echo)
    person_ids = _import_registry(factory, staff.admin, plan, echo)
    _add_contacts(factory, staff.admin, plan.contacts, person_ids, echo)
    incident_id = _open_incident(factory, staff.supervisor, echo)
    # The host list is reviewed first, so that every detainee has a case (with the facility
    # and arrest time the host authority gives) before the other lists arrive.
    host, *others = plan.lists
    kim, lee = staff.officers
    _import_lists(factory, kim, incident_id, [host], echo)
    known = _work_review_queue(factory, kim, incident_id, [host], person_ids, echo)
    _import_lists(factory, lee, incident_id, others, echo)
    known = _work_review_queue(factory, lee, incident_id, others, known, echo)
    cases = _check_cases(factory, incident_id, plan.world, known)
    key_of = {person_id: key for key, person_id in known.items()}
    _progress_cases(factory, staff, cases, {c.id: plan.cases[key_of[c.person_id]] for c in cases})
    plan_and_screen(factory, echo)
    record_assurance(factory, staff.admin, incident_id)
    logins += work_the_week(factory, incident_id, plan.seed, echo)
    record_documents(factory, incident_id, echo)
    build_referrals(factory, incident_id, echo)
    broadcast_to_families(factory, incident_id, echo)
    add_facilities(factory, echo)
    plan_the_visits(factory, incident_id, echo)
    record_first_visits(factory, incident_id, echo)
    answer_the_hotline(factory, incident_id, plan.seed, echo)
    _report(factory, staff.supervisor, incident_id, echo)
    _remind(factory, echo)
    return logins


def _remind(factory: sessionmaker[Session], echo: Echo) -> None:
    """The worker's first reminder scan: digests wait in the outbox for the officers."""
    with unit_of_work(factory) as db:
        report = reminders.scan(db, get_settings(), actor="worker")
    echo(f"reminders: {report.messages} message(s) waiting for {len(report.digests)} user(s)")


@contextmanager
def _held_open(engine: Engine) -> Iterator[None]:
    """Hold one idle connection to a SQLite database while building.

    Each unit of work opens and closes its own SQLite connection, and the last connection
    to close checkpoints the WAL into the database; one idle connection kept open spares
    the several hundred units of work that cost.
    """
    if engine.dialect.name != "sqlite":
        yield
        return
    with engine.connect():
        yield


def plan_demo(seed: int) -> DemoPlan:
    """Draw everything the seed decides, without touching a database."""
    master = random.Random(seed)
    # One generator per concern, so a change to one part leaves the others as they were.
    world_rng, staff_rng, list_rng, case_rng = (
        random.Random(master.getrandbits(64)) for _ in range(4)
    )
    world = draw_world(world_rng)
    alphabet = string.ascii_letters + string.digits
    passwords = tuple(
        "".join(staff_rng.choice(alphabet) for _ in range(PASSWORD_LENGTH)) for _ in USERS
    )
    lists = (
        host_list(list_rng, world),
        employer_list(list_rng, world, BATTERY_MAKER, "hanul-battery-staff-held.csv"),
        employer_list(
            list_rng, world, DAESUNG, "daesung-workers-unreachable.csv", omitted=4, duplicates=2
        ),
        family_list(list_rng, world),
    )
    # The employers registered an emergency contact with each deployment before departure.
    contacts = tuple(draw_contacts(list_rng, [p for p in world.detained if p.in_registry]))
    return DemoPlan(seed, world, lists, passwords, contacts, plan_cases(case_rng, world.detained))


# --- staff and registry ------------------------------------------------------------------


def _setup_staff(
    factory: sessionmaker[Session], passwords: Sequence[str], echo: Echo
) -> tuple[list[tuple[str, str, str]], Staff]:
    with unit_of_work(factory) as db:
        get_or_create_post(
            db,
            ATLANTA,
            name_ko=ATLANTA_KO,
            city="Atlanta",
            time_zone="America/New_York",
            phone="+1-404-555-0100",
        )
        get_or_create_post(
            db,
            WASHINGTON,
            name_ko=WASHINGTON_KO,
            city="Washington",
            time_zone="America/New_York",
            phone="+1-202-555-0100",
        )
        # The two subcontractors work for the battery maker on this site.
        maker = _employer(db, BATTERY_MAKER, parent_id=None)
        for name in (DAESUNG, MIRAE):
            _employer(db, name, parent_id=maker.id)
    logins: list[tuple[str, str, str]] = []
    actors: dict[str, Actor] = {}
    with unit_of_work(factory) as db:
        for (name, role, post, employer), password in zip(USERS, passwords, strict=True):
            user = create_user(
                db,
                Actor.operator(),
                name=name,
                role=role,
                password=password,
                post=post,
                employer=employer,
            )
            # Officers and the supervisor get their deadline reminders by e-mail.
            if role in ("officer", "supervisor"):
                user.email = f"{name}@atlanta.consulate.example"
            actors[name] = Actor.from_user(user)
            logins.append((name, role, password))
    echo(f"posts: {ATLANTA}, {WASHINGTON}; users: {', '.join(n for n, *_ in USERS)}")
    staff = Staff(
        admin=actors["admin"],
        supervisor=actors["supervisor.park"],
        officers=(actors["officer.kim"], actors["officer.lee"]),
    )
    return logins, staff


def _employer(db: Session, name: str, *, parent_id: str | None) -> Employer:
    employer = db.scalar(select(Employer).where(Employer.name == name))
    if employer is None:
        employer = Employer(name=name, country="KOR", parent_id=parent_id)
        db.add(employer)
        db.flush()
    return employer


def _import_registry(
    factory: sessionmaker[Session], admin: Actor, plan: DemoPlan, echo: Echo
) -> dict[str, str]:
    """Import the registry; returns person ids by registry id."""
    world = plan.world
    with unit_of_work(factory) as db:
        report = import_registry(db, admin, registry_table(world, plan.seed))
        person_ids: dict[str, str] = {
            ref: person_id
            for ref, person_id in db.execute(select(Person.registry_ref, Person.id))
            if ref is not None
        }
    deployed = Counter(p.employer for p in world.registry if p.employer)
    per_employer = ", ".join(f"{deployed[e]} {e}" for e in (BATTERY_MAKER, DAESUNG, MIRAE))
    echo(
        f"registry: {report.new_persons} persons, {sum(deployed.values())} deployed at "
        f"{SITE} ({per_employer})"
    )
    return person_ids


def _add_contacts(
    factory: sessionmaker[Session],
    admin: Actor,
    contacts: Sequence[Contact],
    person_ids: dict[str, str],
    echo: Echo,
) -> None:
    with unit_of_work(factory) as db:
        db.add_all(
            EmergencyContact(
                person_id=person_ids[c.key],
                name=c.name,
                relationship_to_person=c.relationship,
                phone=parse_phone(c.phone),
                language="ko",
            )
            for c in contacts
        )
        db.flush()
        # No service adds contacts in bulk; the audit log still says who added them.
        audit.record(
            db,
            actor=admin.name,
            tag=AuditTag.CONTACTS_IMPORT,
            target_type="registry_import",
            target_id="emergency-contacts",
            diff={"contacts": len(contacts)},
        )
    echo(f"emergency contacts: {len(contacts)}")


# --- the incident and its lists ----------------------------------------------------------


def _open_incident(factory: sessionmaker[Session], supervisor: Actor, echo: Echo) -> str:
    with unit_of_work(factory) as db:
        incident = create_incident(
            db,
            supervisor,
            IncidentCreate(
                title=INCIDENT_TITLE,
                host_country="USA",
                place="Ellabell, Bryan County, Georgia",
                agency="ICE Homeland Security Investigations",
                worksite=SITE,
                started_at=RAID_START,
                post=ATLANTA,
            ),
        )
    echo(f"incident: {INCIDENT_TITLE} ({ATLANTA})")
    return incident.id


def _import_lists(
    factory: sessionmaker[Session],
    officer: Actor,
    incident_id: str,
    lists: Sequence[ListFile],
    echo: Echo,
) -> None:
    for listed in lists:
        with unit_of_work(factory) as db:
            report = import_list(db, officer, incident_id, listed.kind, listed.table)
        label = {"host_authority": "host list", "employer": "employer list"}.get(
            listed.kind, f"{listed.kind} list"
        )
        echo(
            f"{label} {listed.table.source}: {report.rows_read} rows, {report.linked} linked, "
            f"{report.review} to review, {report.out_of_scope} out of scope, "
            f"{report.cases_created} cases opened"
        )


def _work_review_queue(
    factory: sessionmaker[Session],
    officer: Actor,
    incident_id: str,
    lists: Sequence[ListFile],
    known: dict[str, str],
    echo: Echo,
) -> dict[str, str]:
    """Decide the doubtful rows of ``lists`` as an officer who checked would.

    ``known`` maps national keys to person ids; the result adds the persons registered
    during the review, so later lists' rows about them are accepted as those persons.
    """
    files = {lf.table.source: lf for lf in lists}
    order = {source: position for position, source in enumerate(files)}
    with unit_of_work(factory, write=False) as db:
        queue = sorted(
            (order[r.source_list.file_name], r.row_number, r.id, r.source_list.file_name)
            for r in review_queue(db, officer, incident_id)
            if r.source_list.file_name in files
        )
    known = dict(known)
    outcome: Counter[str] = Counter()
    with unit_of_work(factory) as db:
        for _, row, record_id, source in queue:
            listed = files[source]
            outcome[_decide_row(db, officer, incident_id, record_id, listed, row, known)] += 1
    decided = ", ".join(f"{outcome[k]} {k}" for k in ("accepted", "new persons", "rejected"))
    pending = f"; {outcome['left pending']} left pending" if outcome["left pending"] else ""
    echo(f"review by {officer.name}: {len(queue)} rows; {decided}{pending}")
    return known


def _decide_row(
    db: Session,
    officer: Actor,
    incident_id: str,
    record_id: str,
    listed: ListFile,
    row: int,
    known: dict[str, str],
) -> str:
    """Decide one row by the truth kept for it; a new person joins ``known``."""
    truth = listed.truth[row]
    if truth.action == "leave":
        return "left pending"
    if truth.action == "reject" or truth.key is None:
        note = REJECT_NOTES.get(listed.kind, "")
        decide(db, officer, incident_id, record_id, "reject", note=note)
        return "rejected"
    if truth.key in known:
        decide(db, officer, incident_id, record_id, "accept", person_id=known[truth.key])
        return "accepted"
    note = "Not in the registry; identity confirmed by passport at interview."
    record = decide(db, officer, incident_id, record_id, "new_person", note=note)
    if record.person_id is None:
        raise RuntimeError(f"review of {listed.table.source} row {row} made no person")
    known[truth.key] = record.person_id
    return "new persons"


def _check_cases(
    factory: sessionmaker[Session], incident_id: str, world: DemoWorld, known: dict[str, str]
) -> list[CaseRef]:
    """Exactly one case per Korean detainee, and none for anyone else."""
    with unit_of_work(factory, write=False) as db:
        cases = db.scalars(
            select(Case).where(Case.incident_id == incident_id).order_by(Case.number)
        ).all()
        refs = [
            CaseRef(c.id, c.number, c.person_id, c.facility or "", c.arrested_at, c.version)
            for c in cases
        ]
        linked = {c.person_id for c in cases}
    expected = {known[p.key] for p in world.detained if p.key in known}
    # Cases are unique per person and incident, so equal sets mean one case each.
    if len(expected) != EXPECTED_CASES or linked != expected:
        raise RuntimeError(
            f"the demo built {len(refs)} cases, expected {EXPECTED_CASES} "
            f"({len(linked - expected)} for people not detained, "
            f"{len(expected - linked)} detainees without a case)"
        )
    return refs


# --- case progress -----------------------------------------------------------------------


def _progress_cases(
    factory: sessionmaker[Session],
    staff: Staff,
    cases: Sequence[CaseRef],
    plans: dict[str, CasePlan],
) -> None:
    for case in cases:
        plan = plans[case.id]
        officer = staff.officers[case.number % 2]
        with unit_of_work(factory) as db:
            _complete_checklist(db, officer, case, plan)
            _advance(db, officer, case, plan.stage, plan.visit_at)


def _complete_checklist(db: Session, officer: Actor, case: CaseRef, plan: CasePlan) -> None:
    """Record the rights milestones done so far; what is left undone shows as overdue."""
    for kind, when, evidence in plan.milestones:
        done_at = case.arrested_at + when if isinstance(when, timedelta) else when
        complete_milestone(db, officer, case.id, kind, done_at=done_at, evidence=evidence)
    if plan.medical_note:
        add_note(db, officer, case.id, "Takes daily blood-pressure medication; facility informed.")


def _advance(db: Session, officer: Actor, ref: CaseRef, stage: str, visit_at: datetime) -> None:
    depth = DEPTH[stage]
    # Milestones and notes leave the case row, and so its version, unchanged.
    version = ref.version
    if depth >= 1:
        note = f"ICE ERO confirms custody at {ref.facility}."
        version = transition(db, officer, ref.id, "located", version=version, note=note).version
    if depth >= 2:
        note = f"Seen on {visit_at:%d %b}; consents to consular assistance."
        version = transition(
            db, officer, ref.id, "consular_access", version=version, note=note
        ).version
    if depth >= 3:
        staying = stage == "released"
        version = record_disposition(
            db,
            officer,
            ref.id,
            disposition="contesting" if staying else "voluntary_departure",
            version=version,
            note="Declines voluntary departure; a private attorney is seeking bond."
            if staying
            else "Consents to voluntary departure; consent recorded at the consular interview.",
        ).version
        version = transition(db, officer, ref.id, "disposition_pending", version=version).version
    if stage == "departure_scheduled":
        note = "Seat on the charter flight ATL-ICN of 11 Sep 2025."
        transition(db, officer, ref.id, "departure_scheduled", version=version, note=note)
    elif stage == "released":
        _release_on_bond(db, officer, ref, version)


def _release_on_bond(db: Session, officer: Actor, ref: CaseRef, version: int) -> None:
    # The one national who stayed behind to seek bail, as in the real case.
    version = record_disposition(
        db,
        officer,
        ref.id,
        disposition="release_on_bond",
        version=version,
        note="Bond granted by the immigration judge.",
    ).version
    version = record_custody(
        db,
        officer,
        ref.id,
        facility=ref.facility,
        kind="released",
        version=version,
        at=datetime(2025, 9, 24, 16, 0, tzinfo=EASTERN),
        note="Released on bond pending removal proceedings.",
    ).version
    transition(db, officer, ref.id, "released", version=version)
    add_note(db, officer, ref.id, "Stays in Georgia; the consulate keeps in touch with him.")


# --- the report --------------------------------------------------------------------------


def _report(
    factory: sessionmaker[Session], supervisor: Actor, incident_id: str, echo: Echo
) -> None:
    now = utcnow()
    with unit_of_work(factory, write=False) as db:
        counts = case_counts(db, incident_id)
        pending = len(review_queue(db, supervisor, incident_id))
        done = db.scalar(
            select(func.count()).select_from(Milestone).where(Milestone.done_at.is_not(None))
        )
        # Deadlines run only while the person is held, as on the case page.
        overdue = db.scalar(
            select(func.count())
            .select_from(Milestone)
            .join(Case, Case.id == Milestone.case_id)
            .where(
                Milestone.done_at.is_(None),
                Milestone.due_at < now,
                Case.state.in_([s.value for s in IN_CUSTODY]),
            )
        )
        events, problem = verify_chain(db)
    states = ", ".join(f"{state} {counts.get(state, 0)}" for state in DEPTH)
    echo(f"cases: {sum(counts.values())} ({states})")
    echo(f"milestones: {done} done, {overdue} overdue; review queue: {pending} pending")
    chain = "intact" if problem is None else f"BROKEN at row {problem.seq}: {problem.reason}"
    echo(f"audit log: {events} events, chain {chain}")
