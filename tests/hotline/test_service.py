"""The families' hotline: a call logged as typed, matched to the case it is about, linked
(the caller becomes a contact), reported as a family list's row, and the caller's code."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from consular.audit.models import AuditEvent
from consular.cases.models import Case
from consular.cases.wishes import record_wishes
from consular.config import Settings
from consular.db import unit_of_work
from consular.errors import Conflict, InvalidInput, NotFound
from consular.families.models import FamilyCode
from consular.hotline.contacts import ContactForm, add_contact, change_contact, remove_contact
from consular.hotline.matching import candidates
from consular.hotline.models import Inquiry
from consular.hotline.service import (
    InquiryForm,
    get_inquiry,
    give_code,
    inquiries_of,
    is_overdue,
    link,
    log_call,
    report,
    set_state,
)
from consular.incidents.lifecycle import close_incident
from consular.incidents.models import SourceList, SourceRecord
from consular.incidents.service import import_list
from consular.notifications.models import Notification
from consular.registry.models import EmergencyContact
from tests.conftest import World
from tests.factories import HOUSTON, csv_table, new_incident, user_with_token

SETTINGS = Settings()
WIFE = InquiryForm(
    caller_name="김미영",
    caller_relation="wife",
    caller_phone="010-5550-0101",
    subject_name="이성호",
    subject_birth="1988.3.14",
    subject_employer="HL Battery",
    last_seen="엘라벨 공장",
    said="남편이 어제부터 연락이 안 됩니다.",
    promised="내일 오전까지 다시 연락드리기로 함",
)


def _case(factory: sessionmaker[Session], world: World) -> str:
    with unit_of_work(factory) as db:
        import_list(
            db,
            world.officer,
            world.incident_id,
            "host_authority",
            csv_table(
                "full_name,date_of_birth,nationality,facility\n"
                '"LEE, SEONGHO",1988-03-14,KOR,Folkston ICE Processing Center\n'
            ),
        )
        return db.scalars(select(Case.id)).one()


def _call(factory: sessionmaker[Session], world: World, form: InquiryForm = WIFE) -> str:
    with unit_of_work(factory) as db:
        return log_call(db, world.officer, world.incident_id, form).id


def test_a_call_is_kept_as_typed_with_its_phone_in_e164(
    factory: sessionmaker[Session], world: World
) -> None:
    inquiry_id = _call(factory, world)
    with factory() as db:
        inquiry = db.get(Inquiry, inquiry_id)
        assert inquiry is not None
        assert inquiry.caller_phone == "+821055500101"
        assert (
            inquiry.subject_birth is not None and inquiry.subject_birth.isoformat() == "1988-03-14"
        )
        assert inquiry.subject_birth_typed == "1988.3.14"
        assert (inquiry.number, inquiry.state, inquiry.taken_by) == (1, "open", "officer.kim")
        logged = db.scalars(select(AuditEvent).where(AuditEvent.tag == "hotline:inquiry:log")).one()
        assert "5550" not in str(logged.diff)  # the phone is not in the log


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("caller_phone", "1", "phone.not_a_number"),
        ("caller_phone", "02-0000-0000", "phone.impossible"),
        ("subject_birth", "지난주", "search.bad_date"),
        ("caller_name", "  ", "hotline.caller_missing"),
    ],
)
def test_bad_input_is_refused_naming_the_field(
    factory: sessionmaker[Session], world: World, field: str, value: str, code: str
) -> None:
    form = InquiryForm(**{**WIFE.__dict__, field: value})
    with unit_of_work(factory) as db, pytest.raises(InvalidInput) as refused:
        log_call(db, world.officer, world.incident_id, form)
    assert refused.value.code == code
    if code.startswith(("phone", "search")):
        assert refused.value.details["field"] == field
    with factory() as db:
        assert db.scalars(select(Inquiry)).all() == []


def test_the_officer_sees_the_case_as_the_likeliest_candidate_in_either_script(
    factory: sessionmaker[Session], world: World
) -> None:
    case_id = _case(factory, world)
    hangul = _call(factory, world)
    latin = _call(factory, world, InquiryForm(caller_name="Kim Miyoung", subject_name="Yi Sung-ho"))
    with factory() as db:
        found = candidates(db, get_inquiry(db, world.officer, hangul))
        assert found[0].case_id == case_id and found[0].likeliest
        assert "date of birth" in found[0].explanation
        spelled = candidates(db, get_inquiry(db, world.officer, latin))
        assert spelled and spelled[0].case_id == case_id


def test_linking_makes_the_caller_a_contact_once(
    factory: sessionmaker[Session], world: World
) -> None:
    case_id = _case(factory, world)
    first, second = _call(factory, world), _call(factory, world)
    with unit_of_work(factory) as db:
        linked = link(db, world.officer, first, case_id)
        assert linked.contact_added and linked.family_may_be_told
    with unit_of_work(factory) as db:
        again = link(db, world.officer, second, case_id)
        assert not again.contact_added  # the same caller, by phone
    with factory() as db:
        contacts = db.scalars(select(EmergencyContact)).all()
        assert [(c.name, c.phone, c.relationship_to_person) for c in contacts] == [
            ("김미영", "+821055500101", "wife")
        ]
        assert db.get(Inquiry, first).state == "linked"  # type: ignore[union-attr]
        tags = db.scalars(select(AuditEvent.tag).where(AuditEvent.case_id == case_id)).all()
        assert tags.count("hotline:inquiry:link") == 2 and "registry:contact:add" in tags
    with unit_of_work(factory) as db, pytest.raises(Conflict) as refused:
        link(db, world.officer, first, case_id)
    assert refused.value.code == "hotline.illegal_move"


def test_a_case_of_another_incident_is_not_found(
    factory: sessionmaker[Session], world: World
) -> None:
    case_id = _case(factory, world)
    other = new_incident(factory)
    with unit_of_work(factory) as db:
        inquiry = log_call(db, world.officer, other, WIFE)
    with unit_of_work(factory) as db, pytest.raises(NotFound):
        link(db, world.officer, inquiry.id, case_id)


def test_against_the_detainees_refusal_the_contact_is_kept_but_no_code_is_given(
    factory: sessionmaker[Session], world: World
) -> None:
    case_id = _case(factory, world)
    inquiry_id = _call(factory, world)
    with unit_of_work(factory) as db:
        record_wishes(db, world.officer, case_id, family="no")
    with unit_of_work(factory) as db:
        linked = link(db, world.officer, inquiry_id, case_id)
        assert linked.contact_added and not linked.family_may_be_told
    with unit_of_work(factory) as db, pytest.raises(Conflict) as refused:
        give_code(db, world.officer, SETTINGS, inquiry_id, by_sms=True)
    assert refused.value.code == "family_code.refused_by_detainee"
    with factory() as db:
        assert db.scalars(select(Notification)).all() == []
        assert db.scalars(select(FamilyCode)).all() == []


def test_the_code_goes_by_sms_through_the_outbox_only(
    factory: sessionmaker[Session], world: World
) -> None:
    case_id = _case(factory, world)
    inquiry_id = _call(factory, world)
    with unit_of_work(factory) as db:
        link(db, world.officer, inquiry_id, case_id)
    with unit_of_work(factory) as db:
        given = give_code(db, world.officer, SETTINGS, inquiry_id, by_sms=True)
        code = given.issued.code
    with factory() as db:
        sms = db.scalars(select(Notification)).one()
        assert (sms.channel, sms.recipient, sms.event) == ("sms", "+821055500101", "family_code")
        assert code in sms.body and "이성호" in sms.body
        for event in db.scalars(select(AuditEvent)):
            assert code not in str(event.diff)
        stored = db.scalars(select(FamilyCode)).one()
        assert stored.contact_name == "김미영" and stored.contact_id is not None


def test_no_sms_to_a_caller_who_opted_out(factory: sessionmaker[Session], world: World) -> None:
    case_id = _case(factory, world)
    inquiry_id = _call(factory, world)
    with unit_of_work(factory) as db:
        contact = link(db, world.officer, inquiry_id, case_id).contact
        assert contact is not None
        contact.opted_out = True
    with unit_of_work(factory) as db, pytest.raises(Conflict) as refused:
        give_code(db, world.officer, SETTINGS, inquiry_id, by_sms=True)
    assert refused.value.code == "hotline.sms_opted_out"
    with unit_of_work(factory) as db:  # by phone instead: the code is shown to the officer
        assert give_code(db, world.officer, SETTINGS, inquiry_id).issued.code


def test_a_person_on_no_list_becomes_a_family_report(
    factory: sessionmaker[Session], world: World
) -> None:
    inquiry_id = _call(
        factory,
        world,
        InquiryForm(
            caller_name="박영수",
            caller_relation="father",
            subject_name="박지혜",
            subject_birth="95-07-30",
        ),
    )
    with unit_of_work(factory) as db:
        report(db, world.officer, inquiry_id)
    with factory() as db:
        source = db.scalars(select(SourceList)).one()
        assert (source.kind, source.row_count) == ("family", 1)
        row = db.scalars(select(SourceRecord)).one()
        assert row.full_name_hangul == "박지혜" and row.date_of_birth is not None
        inquiry = db.get(Inquiry, inquiry_id)
        assert inquiry is not None and inquiry.state == "reported"
        assert inquiry.source_record_id == row.id
    with unit_of_work(factory) as db, pytest.raises(Conflict):
        report(db, world.officer, inquiry_id)  # once is enough


def test_a_closed_incident_takes_calls_but_no_link(
    factory: sessionmaker[Session], world: World
) -> None:
    case_id = _case(factory, world)
    with unit_of_work(factory) as db:
        close_incident(db, world.officer, world.incident_id, "All returned home.")
    inquiry_id = _call(factory, world)
    for change in (
        lambda db: link(db, world.officer, inquiry_id, case_id),
        lambda db: report(db, world.officer, inquiry_id),
    ):
        with unit_of_work(factory) as db, pytest.raises(Conflict) as refused:
            change(db)
        assert refused.value.code == "incident.closed"


def test_another_posts_officer_finds_no_call(factory: sessionmaker[Session], world: World) -> None:
    inquiry_id = _call(factory, world)
    houston, _ = user_with_token(factory, "officer.h2", "officer", post=HOUSTON)
    viewer, _ = user_with_token(factory, "viewer.lee", "viewer")
    with factory() as db:
        for actor in (houston, viewer):
            with pytest.raises(NotFound):
                get_inquiry(db, actor, inquiry_id)
            with pytest.raises(NotFound):
                inquiries_of(db, actor, world.incident_id)


def test_callbacks_due_come_first_and_overdue_ones_are_marked(
    factory: sessionmaker[Session], world: World
) -> None:
    now = datetime.now(UTC)
    plain = _call(factory, world)
    late = _call(
        factory, world, InquiryForm(**{**WIFE.__dict__, "callback_due": now - timedelta(hours=1)})
    )
    soon = _call(
        factory, world, InquiryForm(**{**WIFE.__dict__, "callback_due": now + timedelta(hours=2)})
    )
    with unit_of_work(factory) as db:
        set_state(db, world.officer, plain, "closed")
    with factory() as db:
        shown = inquiries_of(db, world.officer, world.incident_id)
        assert [i.id for i in shown] == [late, soon, plain]
        assert [is_overdue(i, now) for i in shown] == [True, False, False]


def test_contacts_are_added_changed_and_removed_on_the_case(
    factory: sessionmaker[Session], world: World
) -> None:
    case_id = _case(factory, world)
    with unit_of_work(factory) as db:
        contact = add_contact(
            db,
            world.officer,
            case_id,
            ContactForm("Lee Seongjin", "brother", "+1 404 555 0199", language="en"),
        )
        contact_id = contact.id
        assert contact.phone == "+14045550199"
    with unit_of_work(factory) as db:
        change_contact(
            db,
            world.officer,
            case_id,
            contact_id,
            ContactForm(
                "Lee Seongjin", "brother", "+1 404 555 0199", language="en", opted_out=True
            ),
        )
    with unit_of_work(factory) as db, pytest.raises(InvalidInput) as refused:
        add_contact(db, world.officer, case_id, ContactForm("누군가", phone="12"))
    assert refused.value.details["field"] == "phone"
    with unit_of_work(factory) as db:
        remove_contact(db, world.officer, case_id, contact_id)
    with factory() as db:
        assert db.scalars(select(EmergencyContact)).all() == []
        diffs = {
            e.tag: e.diff
            for e in db.scalars(select(AuditEvent).where(AuditEvent.case_id == case_id))
        }
        assert diffs["registry:contact:change"] == {"opted_out": [False, True]}
        assert diffs["registry:contact:remove"] == {"name": "Lee Seongjin"}


def test_the_calls_are_in_the_incidents_timeline(
    factory: sessionmaker[Session], world: World
) -> None:
    from consular.audit.timeline import TimelineFilters, read_timeline

    _call(factory, world)
    with factory() as db:
        timeline = read_timeline(
            db, world.officer, world.incident_id, TimelineFilters(kind="hotline")
        )
        assert [e.event.tag for e in timeline.entries] == ["hotline:inquiry:log"]
