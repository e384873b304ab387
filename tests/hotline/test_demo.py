"""The demo's hotline: calls linked to cases (their callers contacts), a family report, and
calls awaiting a callback."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from consular.demo.hotline import LINKED_CALLS, OPEN_CALLS, answer_the_hotline
from consular.hotline.models import Inquiry
from tests.conftest import World
from tests.factories import user_with_token
from tests.hotline.test_service import _case


def test_the_demo_logs_linked_reported_and_open_calls(
    factory: sessionmaker[Session], world: World
) -> None:
    _case(factory, world)
    user_with_token(factory, "officer.lee", "officer")
    said: list[str] = []
    answer_the_hotline(factory, world.incident_id, 7, said.append)
    with factory() as db:
        states = dict(db.execute(select(Inquiry.state, func.count()).group_by(Inquiry.state)).all())
        # One case in this small world: one linked call.
        assert states == {"linked": min(LINKED_CALLS, 1), "reported": 1, "open": OPEN_CALLS}
        assert db.scalar(select(func.count()).where(Inquiry.callback_due.is_not(None))) == 3
    assert said and "hotline" in said[0]
