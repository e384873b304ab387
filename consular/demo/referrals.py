"""The demo's counsel and support: the Atlanta post's roster (synthetic firms, organisations
and interpreters, with fictional 555 numbers), referrals of some cases with the detainee's
consent, hearings in the demo week and a bond."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from consular.auth.models import User
from consular.auth.service import Actor
from consular.cases.models import Case
from consular.db import unit_of_work
from consular.referrals.service import (
    ProviderFields,
    add_hearing,
    add_provider,
    move_referral,
    record_bond,
    refer,
)

Echo = Callable[[str], None]
EASTERN = ZoneInfo("America/New_York")
ROSTER = (
    ProviderFields(
        name="Peachtree Immigration Law Group",
        kind="lawyer",
        languages=["ko", "en"],
        phone="404-555-0142",
        email="intake@peachtree-law.example",
        areas="Immigration law, bond hearings; Georgia",
    ),
    ProviderFields(
        name="Savannah Detention Defense Clinic",
        kind="lawyer",
        languages=["en", "es"],
        phone="912-555-0110",
        email="clinic@savannah-defense.example",
        areas="Pro bono removal defense; southeast Georgia",
    ),
    ProviderFields(
        name="Hanbit Korean Interpreting",
        kind="interpreter",
        languages=["ko", "en"],
        phone="678-555-0133",
        email="schedule@hanbit-interp.example",
        areas="Court and detention visits; Atlanta, Folkston",
    ),
    ProviderFields(
        name="Korean Community Support Network of Georgia",
        kind="ngo",
        languages=["ko", "en"],
        phone="770-555-0175",
        email="help@kcsn-ga.example",
        areas="Family liaison, housing after release",
    ),
    ProviderFields(
        name="Gwinnett Community Health Center",
        kind="medical",
        languages=["en", "ko"],
        phone="470-555-0198",
        areas="Follow-up care after release",
        notes="Korean-speaking nurse on Tuesdays",
    ),
)
# (case number, provider, consent note, state it reaches, outcome)
REFERRALS = (
    (2, 0, "at the welfare interview on 9/6", "accepted", ""),
    (3, 0, "at the welfare interview on 9/6", "done", "Bond hearing requested; counsel retained"),
    (4, 2, "by phone on 9/7, before the visit", "accepted", ""),
    (5, 3, "at the welfare interview on 9/6", "offered", ""),
    (6, 1, "at the welfare interview on 9/8", "declined", "Chose voluntary departure instead"),
)
STEWART = "Stewart Immigration Court"
# (case number, kind, local time, place)
HEARINGS = (
    (3, "bond", datetime(2025, 9, 9, 9, 0, tzinfo=EASTERN), "Atlanta Immigration Court"),
    (2, "master_calendar", datetime(2025, 9, 10, 13, 30, tzinfo=EASTERN), STEWART),
    (4, "master_calendar", datetime(2025, 9, 10, 14, 0, tzinfo=EASTERN), STEWART),
)
_PATH = {"accepted": ("accepted",), "done": ("accepted", "done"), "declined": ("declined",)}


def build_referrals(factory: sessionmaker[Session], incident_id: str, echo: Echo) -> None:
    """The roster, the referrals, the hearings and one bond, each through the services."""
    with unit_of_work(factory) as db:
        kim = Actor.from_user(db.scalars(select(User).where(User.name == "officer.kim")).one())
        providers = [add_provider(db, kim, fields) for fields in ROSTER]
        cases = {
            case.number: case.id
            for case in db.scalars(select(Case).where(Case.incident_id == incident_id))
        }
        for number, chosen, consent, state, outcome in REFERRALS:
            referral = refer(
                db, kim, cases[number], providers[chosen].id, consent=True, consent_note=consent
            )
            for step in _PATH.get(state, ()):
                move_referral(
                    db,
                    kim,
                    cases[number],
                    referral.id,
                    step,
                    version=referral.version,
                    outcome=outcome if step == state else "",
                )
        for number, kind, starts_at, place in HEARINGS:
            add_hearing(db, kim, cases[number], kind=kind, starts_at=starts_at, place=place)
        record_bond(
            db, kim, cases[3], amount=Decimal("7500.00"), payer="employer", state="set", version=0
        )
    echo(
        f"counsel and support: {len(ROSTER)} on the roster, {len(REFERRALS)} referrals, "
        f"{len(HEARINGS)} hearings, 1 bond"
    )
