"""Broadcasts to an incident's families or employers: the preview's counts and who is left
out, the detainee's wish, opt-outs, a broadcast that would reach nobody, delivery."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from consular.audit.models import AuditEvent
from consular.auth.models import User
from consular.auth.service import Actor
from consular.cases.models import Case
from consular.cases.wishes import record_wishes
from consular.config import Settings
from consular.db import unit_of_work
from consular.errors import Conflict, InvalidInput, NotFound
from consular.incidents.service import import_list
from consular.notifications.broadcasts import Draft, broadcasts_of, preview, send
from consular.notifications.models import Broadcast, Notification
from consular.notifications.worker import run_once
from consular.registry.models import EmergencyContact
from tests.conftest import World
from tests.factories import csv_table, user_with_token
from tests.notifications.conftest import Mailbox

DRAFT = Draft(
    audience="families",
    scope="incident",
    scope_id=None,
    subject_ko="영사관 안내",
    body_ko="영사관은 매일 오후 5시에 가족 여러분께 소식을 전해 드립니다.",
    subject_en="From the consulate",
    body_en="The consulate will write to the families every day at 5 pm.",
)


def three_families(factory: sessionmaker[Session], world: World) -> dict[str, str]:
    """LEE (his wife: Korean, e-mail and phone; his brother: English, e-mail; a cousin who
    opted out), PARK (her mother, with neither e-mail nor phone), CHOI (no contact); their
    case ids by family name."""
    with unit_of_work(factory) as db:
        import_list(
            db,
            world.officer,
            world.incident_id,
            "host_authority",
            csv_table(
                "full_name,date_of_birth,nationality,facility\n"
                '"LEE, SEONGHO",1988-03-14,KOR,Folkston ICE Processing Center\n'
                '"PARK, JIHYE",1995-07-30,KOR,Stewart Detention Center\n'
                '"CHOI, DONGHYUN",1979-11-11,KOR,Folkston ICE Processing Center\n'
            ),
        )
        cases = {c.person.family_name: c for c in db.scalars(select(Case))}
        lee, park = cases["LEE"].person_id, cases["PARK"].person_id
        db.add_all(
            [
                EmergencyContact(
                    person_id=lee,
                    name="김미영",
                    phone="+821055500101",
                    email="miyoung@example.org",
                    language="ko",
                ),
                EmergencyContact(
                    person_id=lee, name="Lee Seongjin", email="seongjin@example.org", language="en"
                ),
                EmergencyContact(
                    person_id=lee, name="Lee Hana", email="hana@example.org", opted_out=True
                ),
                EmergencyContact(person_id=park, name="박순자", language="ko"),
            ]
        )
        return {name: case.id for name, case in cases.items()}


def supervisor(factory: sessionmaker[Session]) -> Actor:
    return user_with_token(factory, "supervisor.park", "supervisor")[0]


def test_the_preview_counts_the_messages_by_channel_and_says_who_is_left_out_and_why(
    factory: sessionmaker[Session], world: World
) -> None:
    three_families(factory, world)
    with factory() as db:
        shown = preview(db, world.officer, world.incident_id, DRAFT)
        assert shown.cases == 3
        assert shown.messages == {"email": 2, "sms": 1}
        assert shown.by_language == {"ko": 2, "en": 1}
        assert shown.left_out == {"opted_out": 1, "withheld": 0, "no_address": 1, "no_contact": 1}
        subject, body = shown.texts["ko"]
        assert subject == "영사관 안내"
        assert body.startswith("영사관은 매일") and "주애틀랜타" in body
        assert shown.texts["en"][1].startswith("The consulate will write")
        assert db.scalar(select(Notification.id)) is None  # a preview writes nothing


def test_sending_writes_each_contact_a_message_in_their_language_and_records_the_broadcast(
    factory: sessionmaker[Session], world: World
) -> None:
    cases = three_families(factory, world)
    boss = supervisor(factory)
    with unit_of_work(factory) as db:
        sent = send(db, boss, world.incident_id, DRAFT)
        sent_id = sent.id
    with factory() as db:
        rows = sorted(db.scalars(select(Notification)), key=lambda n: n.recipient)
        assert [(n.recipient, n.channel, n.language, n.subject) for n in rows] == [
            ("+821055500101", "sms", "ko", "영사관 안내"),
            ("miyoung@example.org", "email", "ko", "영사관 안내"),
            ("seongjin@example.org", "email", "en", "From the consulate"),
        ]
        assert {n.case_id for n in rows} == {cases["LEE"]}
        assert {n.broadcast_id for n in rows} == {sent_id}
        assert all(n.event == "broadcast" and n.state == "pending" for n in rows)
        broadcast = db.get_one(Broadcast, sent_id)
        assert broadcast.sent_by == "supervisor.park"
        assert broadcast.counts["messages"] == {"email": 2, "sms": 1}
        event = db.scalars(select(AuditEvent).filter_by(tag="notifications:broadcast:send")).one()
        assert event.target_id == sent_id and event.diff["messages"] == 3
        [listed] = broadcasts_of(db, world.officer, world.incident_id)
        assert listed.delivery == {"pending": 3}


def test_a_detainee_who_refused_that_the_family_be_told_causes_no_broadcast_message(
    factory: sessionmaker[Session], world: World
) -> None:
    cases = three_families(factory, world)
    with unit_of_work(factory) as db:
        record_wishes(db, world.officer, cases["LEE"], family="no")
    with factory() as db:
        shown = preview(db, world.officer, world.incident_id, DRAFT)
        assert shown.left_out["withheld"] == 1
        assert shown.total == 0 and shown.reaches_nobody


def test_a_broadcast_that_would_reach_nobody_is_refused_and_writes_nothing(
    factory: sessionmaker[Session], world: World
) -> None:
    cases = three_families(factory, world)
    with unit_of_work(factory) as db:
        for contact in db.scalars(select(EmergencyContact)):
            contact.opted_out = True
    boss = supervisor(factory)
    with pytest.raises(Conflict) as refused, unit_of_work(factory) as db:
        send(db, boss, world.incident_id, DRAFT)
    assert refused.value.message.code == "broadcast.nobody"
    assert refused.value.details["counts"]["left_out"]["opted_out"] == 4
    with factory() as db:
        assert db.scalar(select(Notification.id)) is None
        assert db.scalar(select(Broadcast.id)) is None
    assert cases


def test_both_languages_are_required_and_every_missing_text_is_named(
    factory: sessionmaker[Session], world: World
) -> None:
    three_families(factory, world)
    half = Draft("families", "incident", None, "안내", "본문", "", " ")
    with factory() as db, pytest.raises(InvalidInput) as refused:
        preview(db, world.officer, world.incident_id, half)
    assert set(refused.value.details["fields"]) == {"subject_en", "body_en"}


def test_only_a_supervisor_sends_a_broadcast(factory: sessionmaker[Session], world: World) -> None:
    three_families(factory, world)
    with pytest.raises(NotFound), unit_of_work(factory) as db:
        send(db, world.officer, world.incident_id, DRAFT)


def test_a_broadcast_of_a_facility_reaches_the_families_of_the_cases_held_there(
    factory: sessionmaker[Session], world: World
) -> None:
    from consular.facilities.models import Facility

    three_families(factory, world)
    with unit_of_work(factory) as db:
        stewart = Facility(post_id=world.officer.post_id, name="Stewart Detention Center")
        db.add(stewart)
        db.flush()
        facility_id = stewart.id
    with factory() as db:
        shown = preview(
            db,
            world.officer,
            world.incident_id,
            Draft("families", "facility", facility_id, "a", "b", "c", "d"),
        )
        assert shown.cases == 1 and shown.scope_label == "Stewart Detention Center"
        assert shown.left_out["no_address"] == 1 and shown.reaches_nobody


def test_a_broadcast_to_employers_reaches_their_hr_users_unless_the_detainee_refused(
    factory: sessionmaker[Session], world: World
) -> None:
    cases = three_families(factory, world)
    user_with_token(factory, "hr.hl", "employer_hr", employer="HL Battery")
    user_with_token(factory, "hr.daewon", "employer_hr", employer="Daewon Install")
    with unit_of_work(factory) as db:
        hl = db.scalars(select(User).filter_by(name="hr.hl")).one()
        hl.email = "hr@hl.example"
        # PARK's employer's HR user has no address; LEE and CHOI work for HL Battery.
    to_employers = Draft("employers", "incident", None, "안내", "본문", "Notice", "Text")
    with factory() as db:
        shown = preview(db, world.officer, world.incident_id, to_employers)
        assert shown.messages == {"email": 1, "sms": 0}
        assert shown.left_out["no_address"] == 1
    with unit_of_work(factory) as db:
        for name in ("LEE", "CHOI"):
            record_wishes(db, world.officer, cases[name], employer="no")
    with factory() as db:
        shown = preview(db, world.officer, world.incident_id, to_employers)
        assert shown.left_out["withheld"] == 2 and shown.total == 0


def test_a_broadcast_is_delivered_by_e_mail_through_the_outbox(
    factory: sessionmaker[Session], world: World, db_url: str, smtp_server: tuple[int, Mailbox]
) -> None:
    port, mailbox = smtp_server
    three_families(factory, world)
    boss = supervisor(factory)
    with unit_of_work(factory) as db:
        send(db, boss, world.incident_id, DRAFT)
    settings = Settings(  # type: ignore[call-arg]
        database_url=db_url,
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_tls="none",
        smtp_from="atlanta@consulate.example",
    )
    until = time.monotonic() + 20
    while len(mailbox.messages) < 2 and time.monotonic() < until:
        run_once(factory, settings)
        time.sleep(0.05)
    by_address = {str(m["To"]): m for m in mailbox.messages}
    assert set(by_address) == {"miyoung@example.org", "seongjin@example.org"}
    assert by_address["miyoung@example.org"]["Subject"] == "영사관 안내"
    assert "매일 오후 5시" in by_address["miyoung@example.org"].get_content()
    assert "every day at 5 pm" in by_address["seongjin@example.org"].get_content()
