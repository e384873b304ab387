"""The demo's broadcast: the supervisor tells every family of the incident how the consulate
will keep them informed; its messages wait in the outbox for the sender."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from consular.auth.models import User
from consular.auth.service import Actor
from consular.db import unit_of_work
from consular.notifications.broadcasts import Draft, send

Echo = Callable[[str], None]

SUPERVISOR = "supervisor.park"
KEEPING_INFORMED = Draft(
    audience="families",
    scope="incident",
    scope_id=None,
    subject_ko="가족 여러분께: 영사관의 안내 방법",
    body_ko=(
        "영사관은 구금된 가족 한 분 한 분을 면담하고 있습니다. 소재가 확인되거나 면담, "
        "출국 일정, 항공편이 정해지면 이 연락처로 바로 알려 드립니다. 상태 조회 코드를 받으신 "
        "분은 영사관의 상태 조회 페이지에서 언제든 확인하실 수 있습니다. 매일 오후 5시(현지 "
        "시각)에 전체 안내를 보내 드립니다."
    ),
    subject_en="To the families: how the consulate will keep you informed",
    body_en=(
        "Consular officers are seeing each detained person. When your family member is "
        "located, visited, scheduled to depart or given a seat on a flight, you will hear "
        "from us at this address. If you were given a status code, you can check the status "
        "at any time on the consulate's status page. A general update follows every day at "
        "5 pm local time."
    ),
)


def broadcast_to_families(factory: sessionmaker[Session], incident_id: str, echo: Echo) -> None:
    with unit_of_work(factory) as db:
        user = db.scalars(select(User).where(User.name == SUPERVISOR)).one()
        sent = send(db, Actor.from_user(user), incident_id, KEEPING_INFORMED)
        messages = sent.counts["messages"]
        left = sent.counts["left_out"]
    echo(
        f"broadcast: {messages['email']} e-mails and {messages['sms']} SMS to the families "
        f"({left['opted_out']} opted out, {left['withheld']} withheld by the detainee's wish)"
    )
