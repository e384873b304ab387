"""Deadlines that reach people: a due item reminds its officer, a breached one reaches the
supervisors, each officer gets one digest per period and never the same item twice."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from consular.auth.models import User
from consular.cases.models import Case, Milestone
from consular.config import Settings
from consular.db import unit_of_work, utcnow
from consular.incidents.service import import_list
from consular.notifications.models import Notification, Reminder
from consular.notifications.reminders import ScanReport, count_due, scan
from consular.notifications.worker import run_once, scan_reminders
from tests.conftest import World
from tests.factories import csv_table, user_with_token
from tests.notifications.conftest import Mailbox

# The registry's LEE SEONGHO, PARK JIHYE and CHOI DONGHYUN, held at Folkston.
ROSTER = (
    "full_name,date_of_birth,nationality,facility\n"
    '"LEE, SEONGHO",1988-03-14,KOR,Folkston ICE Processing Center\n'
    '"PARK, JIHYE",1995-07-30,KOR,Folkston ICE Processing Center\n'
    '"CHOI, DONGHYUN",1979-11-11,KOR,Folkston ICE Processing Center\n'
)
NOW = utcnow()


@pytest.fixture
def team(factory: sessionmaker[Session], world: World) -> dict[str, int]:
    """Three held cases with every checklist item done; officer.kim (with an e-mail) owns
    the first two; supervisor.park (with an e-mail) and supervisor.ahn (without) at Atlanta.
    The case numbers by family name."""
    user_with_token(factory, "supervisor.park", "supervisor")
    user_with_token(factory, "supervisor.ahn", "supervisor")
    with unit_of_work(factory) as db:
        import_list(db, world.officer, world.incident_id, "host_authority", csv_table(ROSTER))
        users = {u.name: u for u in db.scalars(select(User))}
        users["officer.kim"].email = "kim@atlanta.example"
        users["supervisor.park"].email = "park@atlanta.example"
        numbers = {}
        for case in db.scalars(select(Case).order_by(Case.number)):
            numbers[case.person.family_name or ""] = case.number
            if case.person.family_name in ("LEE", "PARK"):
                case.assigned_to_id = users["officer.kim"].id
            for item in case.milestones:
                item.done_at = NOW - timedelta(days=1)
        return numbers


def _open(
    factory: sessionmaker[Session], number: int, kind: str, *, due_in_h: float, breach_in_h: float
) -> None:
    """Reopen one checklist item of a case, due and breached at these hours from now."""
    with unit_of_work(factory) as db:
        item = db.scalars(
            select(Milestone).join(Case).where(Case.number == number, Milestone.kind == kind)
        ).one()
        item.done_at = None
        item.due_at = NOW + timedelta(hours=due_in_h)
        item.breach_at = NOW + timedelta(hours=breach_in_h)


def _scan(
    factory: sessionmaker[Session], db_url: str, at: datetime = NOW, **values: object
) -> ScanReport:
    settings = Settings(database_url=db_url, **values)  # type: ignore[arg-type]
    with unit_of_work(factory) as db:
        return scan(db, settings, actor="worker", now=at)


def _messages(factory: sessionmaker[Session]) -> dict[str, list[Notification]]:
    """The officers' messages by user name, oldest first."""
    with factory() as db:
        rows = db.execute(
            select(Notification, User.name)
            .join(User, User.id == Notification.user_id)
            .order_by(Notification.created_at, Notification.channel)
        ).all()
        found: dict[str, list[Notification]] = {}
        for notification, name in rows:
            found.setdefault(name, []).append(notification)
        return found


def test_an_item_due_within_the_lead_time_reminds_the_assigned_officer(
    factory: sessionmaker[Session], db_url: str, team: dict[str, int]
) -> None:
    _open(factory, team["LEE"], "consular_visit", due_in_h=4, breach_in_h=48)
    _open(factory, team["PARK"], "legal_counsel", due_in_h=30, breach_in_h=72)  # not yet

    report = _scan(factory, db_url)

    messages = _messages(factory)
    assert list(messages) == ["officer.kim"]
    [email] = messages["officer.kim"]
    assert (email.channel, email.recipient, email.event) == (
        "email",
        "kim@atlanta.example",
        "reminder",
    )
    assert email.case_id is None and email.language == "ko"
    assert f"조력 건 {team['LEE']} · 이성호: 영사 면회" in email.body
    assert "박지혜" not in email.body
    assert [d.user_name for d in report.digests] == ["officer.kim"]


def test_a_breached_item_escalates_to_the_supervisors_and_the_officer(
    factory: sessionmaker[Session], db_url: str, team: dict[str, int]
) -> None:
    _open(factory, team["LEE"], "consulate_notified", due_in_h=-80, breach_in_h=-8)

    report = _scan(factory, db_url)

    messages = _messages(factory)
    assert sorted(messages) == ["officer.kim", "supervisor.park"]
    for name in messages:
        [email] = messages[name]
        assert email.event == "escalation"
        assert "기한 경과" in email.body and "officer.kim" in email.body
    # A supervisor with neither e-mail nor phone sees the count in the workspace only.
    assert report.unreachable == ["supervisor.ahn"]


def test_an_unassigned_case_is_escalated_only_once_breached(
    factory: sessionmaker[Session], db_url: str, team: dict[str, int]
) -> None:
    _open(factory, team["CHOI"], "consular_visit", due_in_h=2, breach_in_h=40)
    assert _scan(factory, db_url).digests == []

    _open(factory, team["CHOI"], "consular_visit", due_in_h=-40, breach_in_h=-1)
    _scan(factory, db_url)

    messages = _messages(factory)
    assert list(messages) == ["supervisor.park"]
    assert "담당관 미지정" in messages["supervisor.park"][0].body


def test_a_released_case_owes_no_reminder(
    factory: sessionmaker[Session], db_url: str, team: dict[str, int]
) -> None:
    _open(factory, team["LEE"], "consular_visit", due_in_h=-80, breach_in_h=-8)
    with unit_of_work(factory) as db:
        case = db.scalars(select(Case).where(Case.number == team["LEE"])).one()
        case.state = "released"

    assert _scan(factory, db_url).digests == []
    assert _messages(factory) == {}


def test_one_digest_per_period_then_only_the_new_items(
    factory: sessionmaker[Session], db_url: str, team: dict[str, int]
) -> None:
    _open(factory, team["LEE"], "consular_visit", due_in_h=3, breach_in_h=48)
    _open(factory, team["PARK"], "legal_counsel", due_in_h=5, breach_in_h=48)

    _scan(factory, db_url)
    [first] = _messages(factory)["officer.kim"]
    assert "영사 면회" in first.body and "법률 조력 주선" in first.body

    # Within the hour: a new item waits, nothing is written.
    _open(factory, team["PARK"], "interpreter", due_in_h=2, breach_in_h=48)
    later = _scan(factory, db_url, NOW + timedelta(minutes=30))
    assert later.digests == [] and later.held_back == ["officer.kim"]
    assert len(_messages(factory)["officer.kim"]) == 1

    # After the period: one message with the new item only.
    _scan(factory, db_url, NOW + timedelta(minutes=61))
    first, second = _messages(factory)["officer.kim"]
    assert "통역 주선" in second.body
    assert "영사 면회" not in second.body and "법률 조력 주선" not in second.body


def test_an_item_reminded_once_is_not_reminded_again_at_the_same_level(
    factory: sessionmaker[Session], db_url: str, team: dict[str, int]
) -> None:
    _open(factory, team["LEE"], "consular_visit", due_in_h=3, breach_in_h=10)
    _scan(factory, db_url)
    _scan(factory, db_url, NOW + timedelta(hours=2))
    assert len(_messages(factory)["officer.kim"]) == 1

    # Breached later: the same item is told again, at the higher level.
    _scan(factory, db_url, NOW + timedelta(hours=11))
    first, second = _messages(factory)["officer.kim"]
    assert (first.event, second.event) == ("reminder", "escalation")
    with factory() as db:
        levels = sorted(db.scalars(select(Reminder.level).where(Reminder.user_id.is_not(None))))
    assert levels == ["breached", "breached", "due"]  # kim twice, park once


def test_sms_goes_too_only_where_the_sms_channel_is_configured(
    factory: sessionmaker[Session], db_url: str, team: dict[str, int]
) -> None:
    with unit_of_work(factory) as db:
        kim = db.scalars(select(User).where(User.name == "officer.kim")).one()
        kim.phone = "+1-404-555-0123"
    _open(factory, team["LEE"], "consular_visit", due_in_h=3, breach_in_h=48)
    _scan(factory, db_url, sms_webhook_url="https://sms.example/send")
    assert [n.channel for n in _messages(factory)["officer.kim"]] == ["email", "sms"]
    sms = _messages(factory)["officer.kim"][1]
    assert sms.recipient == "+1-404-555-0123" and len(sms.body) < 160


def test_the_dry_run_writes_nothing(
    factory: sessionmaker[Session], db_url: str, team: dict[str, int]
) -> None:
    _open(factory, team["LEE"], "consular_visit", due_in_h=3, breach_in_h=48)
    with unit_of_work(factory) as db:
        report = scan(db, Settings(database_url=db_url), actor="worker", now=NOW, dry_run=True)
    assert [len(d.owed) for d in report.digests] == [1]
    assert _messages(factory) == {}


def test_the_worker_sends_the_officer_an_email(
    factory: sessionmaker[Session],
    db_url: str,
    team: dict[str, int],
    smtp_server: tuple[int, Mailbox],
) -> None:
    port, mailbox = smtp_server
    _open(factory, team["LEE"], "consular_visit", due_in_h=3, breach_in_h=48)
    settings = Settings(
        database_url=db_url,
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_tls="none",
        smtp_from="atlanta@consulate.example",
    )

    scan_reminders(factory, settings)
    batch = run_once(factory, settings)

    assert batch.sent == 1
    [message] = mailbox.messages
    assert message["To"] == "kim@atlanta.example"
    assert "기한" in str(message["Subject"])
    assert "이성호" in message.get_content()


def test_the_badge_counts_the_officers_items_overdue_or_due_soon(
    factory: sessionmaker[Session], team: dict[str, int]
) -> None:
    _open(factory, team["LEE"], "consular_visit", due_in_h=-3, breach_in_h=48)  # overdue
    _open(factory, team["PARK"], "legal_counsel", due_in_h=5, breach_in_h=48)  # due soon
    _open(factory, team["PARK"], "interpreter", due_in_h=30, breach_in_h=72)  # later
    _open(factory, team["CHOI"], "consular_visit", due_in_h=-3, breach_in_h=48)  # not his
    with factory() as db:
        kim = db.scalars(select(User).where(User.name == "officer.kim")).one()
        assert count_due(db, kim.id, 6, NOW) == 2
        assert count_due(db, kim.id, 48, NOW) == 3


def test_the_command_line_scans_and_its_dry_run_writes_nothing(
    factory: sessionmaker[Session], db_url: str, team: dict[str, int]
) -> None:
    from consular.cli.main import app

    _open(factory, team["LEE"], "consular_visit", due_in_h=-1, breach_in_h=48)
    runner = CliRunner()
    dry = runner.invoke(app, ["--db", db_url, "reminders", "scan", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "officer.kim: 1 item(s)" in dry.output and "would write 1 message(s)" in dry.output
    assert _messages(factory) == {}

    done = runner.invoke(app, ["--db", db_url, "reminders", "scan"])
    assert done.exit_code == 0, done.output
    assert "wrote 1 message(s) to 1 user(s)" in done.output
    assert len(_messages(factory)["officer.kim"]) == 1
