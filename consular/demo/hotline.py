"""The demo's families' hotline: relatives calling the consulate general in the days after
the raid. Most ask about someone detained (their calls are linked to the case, the caller
becomes an emergency contact); one asks about a worker on no list (a family report); some
wait for a callback, one of them overdue. Every caller is made up."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from consular.auth.models import User
from consular.auth.service import Actor
from consular.cases.models import Case
from consular.db import unit_of_work
from consular.demo.names import draw_korean_name
from consular.hotline.service import InquiryForm, link, log_call, report

Echo = Callable[[str], None]

LINKED_CALLS = 6
OPEN_CALLS = 3
OFFICER = "officer.lee"
# The calls came in on the raid's second and third days.
FIRST_CALL = datetime(2025, 9, 5, 13, 0, tzinfo=UTC)
SAID = (
    "어제 저녁부터 연락이 닿지 않습니다. 현장에 있었다고 들었습니다.",
    "회사에서 구금되었다고만 들었습니다. 어디에 있는지 알고 싶습니다.",
    "혈압약을 매일 먹어야 합니다.",
)
PROMISED = "소재가 확인되면 다시 전화드리기로 함"


def answer_the_hotline(
    factory: sessionmaker[Session], incident_id: str, seed: int, echo: Echo
) -> None:
    """Log the week's calls: linked, reported, and open ones awaiting a callback."""
    rng = random.Random(seed + 17)
    with unit_of_work(factory) as db:
        officer = Actor.from_user(db.scalars(select(User).where(User.name == OFFICER)).one())
        cases = db.scalars(
            select(Case).where(Case.incident_id == incident_id).order_by(Case.number)
        ).all()
        for case in cases[:LINKED_CALLS]:
            call = log_call(db, officer, incident_id, _call_about(rng, case))
            link(db, officer, call.id, case.id)
        reported = log_call(db, officer, incident_id, _unknown(rng, "970521"))
        report(db, officer, reported.id)
        for hours in range(OPEN_CALLS):
            form = _unknown(rng, "", callback_due=FIRST_CALL + timedelta(hours=4 + 24 * hours))
            log_call(db, officer, incident_id, form)
    echo(
        f"hotline: {LINKED_CALLS} calls linked to cases, 1 family report, "
        f"{OPEN_CALLS} awaiting a callback"
    )


def _phone(rng: random.Random) -> str:
    return f"010-5557-{rng.randrange(10_000):04d}"


def _call_about(rng: random.Random, case: Case) -> InquiryForm:
    person = case.person
    caller = draw_korean_name(rng, "F")
    born = person.date_of_birth
    return InquiryForm(
        caller_name=caller.full_hangul,
        caller_relation=rng.choice(("wife", "mother", "sister")),
        caller_phone=_phone(rng),
        subject_name=(person.family_name_hangul or "") + (person.given_name_hangul or "")
        or f"{person.family_name} {person.given_name}",
        subject_birth=born.strftime("%y%m%d") if born else "",
        subject_employer="",
        last_seen="엘라벨 배터리 공장",
        said=rng.choice(SAID),
        promised=PROMISED,
    )


def _unknown(rng: random.Random, born: str, **more: datetime) -> InquiryForm:
    asked = draw_korean_name(rng, "M")
    caller = draw_korean_name(rng, "M")
    return InquiryForm(
        caller_name=asked.family_hangul + caller.given_hangul,
        caller_relation="father",
        caller_phone=_phone(rng),
        subject_name=asked.full_hangul,
        subject_birth=born,
        subject_employer="협력업체",
        last_seen="엘라벨 현장 숙소",
        said="아들이 그 공장에서 일했는데 명단에 있는지 모르겠습니다.",
        promised=PROMISED,
        callback_due=more.get("callback_due"),
    )
