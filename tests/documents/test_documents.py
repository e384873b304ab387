"""Travel documents: one per case, numbers unique within a post, the case's label kept
equal to the record, travel certificates issued and numbered, many numbers at once."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from consular.audit.models import AuditEvent
from consular.auth.service import Actor
from consular.cases.models import Case
from consular.db import unit_of_work
from consular.documents.models import TravelDocument
from consular.documents.service import (
    DocumentEntry,
    get_document,
    issue_certificate,
    parse_list,
    record_document,
    record_numbers,
)
from consular.errors import Conflict, InvalidInput, NotFound
from consular.flights.service import create_flight, lock, manifest, set_travel
from consular.incidents.lifecycle import close_incident
from tests.conftest import World
from tests.factories import HOUSTON, new_incident
from tests.flights.test_flights import PLAN, _three_cases


def _houston_case(factory: sessionmaker[Session], world: World) -> str:
    """A case of an incident at Houston (the registry's first person)."""
    from consular.cases.service import open_case
    from consular.incidents.models import Incident
    from consular.registry.models import Person

    incident_id = new_incident(factory, post=HOUSTON)
    with unit_of_work(factory) as db:
        incident = db.get_one(Incident, incident_id)
        person = db.scalars(select(Person).order_by(Person.family_name)).first()
        assert person is not None
        return open_case(db, Actor.operator(), incident, person.id, source="test")[0].id


def test_a_passport_held_by_the_host_authority_sets_the_case_label(
    factory: sessionmaker[Session], world: World
) -> None:
    lee, _, _ = _three_cases(factory, world)
    with unit_of_work(factory) as db:
        record_document(
            db,
            world.officer,
            lee,
            DocumentEntry(number=" m1234-5678 ", passport_whereabouts="authority"),
        )
    with factory() as db:
        record = db.scalars(select(TravelDocument)).one()
        assert record.number == "M12345678"
        assert db.get_one(Case, lee).travel_document == "passport_held"
        # Sealed at rest: the column holds no number in the clear.
        stored = db.execute(text("SELECT number FROM travel_document")).scalar_one()
        assert "M12345678" not in stored
        diff = db.scalars(
            select(AuditEvent.diff).where(AuditEvent.tag == "documents:document:record")
        ).one()
    assert diff["number"] == [None, "••••••678"]
    assert diff["travel_document"] == ["", "passport_held"]


def test_a_number_is_unique_within_a_post_and_the_refusal_names_the_other_case(
    factory: sessionmaker[Session], world: World
) -> None:
    lee, park, _ = _three_cases(factory, world)
    with unit_of_work(factory) as db:
        record_document(db, world.officer, lee, DocumentEntry(number="M12345678"))
    with pytest.raises(Conflict) as refused, unit_of_work(factory) as db:
        record_document(db, world.officer, park, DocumentEntry(number="m12345678"))
    assert refused.value.code == "document.number_taken"
    assert str(refused.value) == (
        "Document number M12345678 is already recorded for case 1 at this post."
    )
    houston = _houston_case(factory, world)
    with unit_of_work(factory) as db:  # the same number at another post is another document
        record_document(db, Actor.operator(), houston, DocumentEntry(number="M12345678"))
    with factory() as db:
        assert len(db.scalars(select(TravelDocument)).all()) == 2


def test_a_travel_certificate_is_numbered_by_the_post_and_valid_a_year(
    factory: sessionmaker[Session], world: World
) -> None:
    lee, park, _ = _three_cases(factory, world)
    with unit_of_work(factory) as db:
        first = issue_certificate(
            db,
            world.officer,
            lee,
            DocumentEntry(issued_on=date(2025, 9, 9), validity="one_year"),
        )
        assert (first.number, first.expires_on) == ("TC2500001", date(2026, 9, 8))
        second = issue_certificate(
            db,
            world.officer,
            park,
            DocumentEntry(
                issued_on=date(2025, 9, 9), expires_on=date(2025, 9, 30), number="TC2599999"
            ),
        )
        assert second.validity == "single_journey" and second.number == "TC2599999"
        assert db.get_one(Case, lee).travel_document == "travel_certificate"
    with pytest.raises(InvalidInput) as refused, unit_of_work(factory) as db:
        issue_certificate(db, world.officer, lee, DocumentEntry(validity="single_journey"))
    assert refused.value.code == "document.no_expiry"
    with factory() as db:
        tags = db.scalars(select(AuditEvent.tag).where(AuditEvent.tag.like("documents:%")))
        assert list(tags) == ["documents:certificate:issue"] * 2


def test_the_manifest_carries_the_document_and_the_lock_names_who_lacks_one(
    factory: sessionmaker[Session], world: World
) -> None:
    from consular.flights.service import assign

    lee, park, _ = _three_cases(factory, world)
    with unit_of_work(factory) as db:
        flight = create_flight(db, world.officer, world.incident_id, PLAN)
        assign(db, world.officer, flight.id, lee)
        assign(db, world.officer, flight.id, park)
        issue_certificate(
            db, world.officer, lee, DocumentEntry(validity="one_year", number="TC2512345")
        )
        flight_id = flight.id
    with pytest.raises(Conflict) as refused, unit_of_work(factory) as db:
        lock(db, world.officer, flight_id)
    missing = [
        p for p in refused.value.details["problems"] if p.code == "flight.no_travel_document"
    ]
    assert [str(p) for p in missing] == [
        "Case 2, PARK JIHYE (박지혜): no travel document recorded."
    ]
    assert missing[0].params["case_id"] == park
    with factory() as db:
        from consular.flights.service import get_flight

        rows = manifest(get_flight(db, world.officer, flight_id), world.officer)
    assert [(r["travel_document"], r["document_number"]) for r in rows] == [
        ("travel_certificate", "TC2512345"),
        ("", ""),
    ]


def test_the_label_set_on_the_case_moves_the_record_with_it(
    factory: sessionmaker[Session], world: World
) -> None:
    lee, _, _ = _three_cases(factory, world)
    with unit_of_work(factory) as db:
        issue_certificate(db, world.officer, lee, DocumentEntry(validity="one_year"))
    with unit_of_work(factory) as db:
        case = db.get_one(Case, lee)
        set_travel(
            db,
            world.officer,
            lee,
            travel_document="passport_held",
            special_needs="",
            version=case.version,
        )
    with factory() as db:
        record = db.scalars(select(TravelDocument)).one()
        # A passport now: the certificate's number and dates are not the passport's.
        assert (record.kind, record.passport_whereabouts, record.number) == (
            "passport",
            "authority",
            None,
        )


def test_many_numbers_at_once_all_or_none_each_bad_row_named(
    factory: sessionmaker[Session], world: World
) -> None:
    lee, park, choi = _three_cases(factory, world)
    listed = parse_list("1, M11111111\n\n2\tM22222222\n9, M33333333\n3; M11111111\n")
    with pytest.raises(InvalidInput) as refused, unit_of_work(factory) as db:
        record_numbers(db, world.officer, world.incident_id, listed)
    errors = refused.value.details["report"]["errors"]
    assert [(e["row"], e["column"], str(e["message"])) for e in errors] == [
        (4, "case", "No case 9 in this incident."),
        (5, "number", "Document number M11111111 is listed already on row 1."),
    ]
    with factory() as db:
        assert db.scalars(select(TravelDocument)).all() == []
    good = parse_list("1, M11111111\n2, M22222222\n")
    with unit_of_work(factory) as db:
        report = record_numbers(
            db,
            world.officer,
            world.incident_id,
            good,
            passport_whereabouts="authority",
        )
    assert [r["case"] for r in report] == [1, 2]
    with factory() as db:
        labels = {c.id: c.travel_document for c in db.scalars(select(Case))}
    assert labels == {lee: "passport_held", park: "passport_held", choi: ""}


def test_another_posts_case_is_not_found_and_a_closed_incident_refuses(
    factory: sessionmaker[Session], world: World
) -> None:
    lee, _, _ = _three_cases(factory, world)
    houston = _houston_case(factory, world)
    with pytest.raises(NotFound), factory() as db:
        get_document(db, world.officer, houston)
    with pytest.raises(NotFound), unit_of_work(factory) as db:
        record_document(db, world.officer, houston, DocumentEntry(number="X1"))
    with unit_of_work(factory) as db:
        close_incident(db, Actor.operator(), world.incident_id, "all home")
    with pytest.raises(Conflict), unit_of_work(factory) as db:
        record_document(db, world.officer, lee, DocumentEntry(number="M12345678"))
    with pytest.raises(Conflict), unit_of_work(factory) as db:
        record_numbers(db, world.officer, world.incident_id, parse_list("1, M1"))


def test_a_bulk_change_sets_kind_and_passport_keeping_each_persons_number(
    factory: sessionmaker[Session], world: World
) -> None:
    from consular.cases.bulk import Selection
    from consular.cases.bulk_actions import BulkAction
    from tests.cases.test_bulk import run

    lee, park, choi = _three_cases(factory, world)
    with unit_of_work(factory) as db:
        record_document(db, world.officer, lee, DocumentEntry(number="M11111111"))
    action = BulkAction("document", document_kind="passport", passport_whereabouts="authority")
    assert run(factory, world, Selection(case_ids=[lee, park, choi]), action).written
    with factory() as db:
        records = {r.case_id: r for r in db.scalars(select(TravelDocument))}
        labels = {c.id: c.travel_document for c in db.scalars(select(Case))}
    assert records[lee].number == "M11111111" and records[park].number is None
    assert {r.passport_whereabouts for r in records.values()} == {"authority"}
    assert set(labels.values()) == {"passport_held"}


def test_every_kind_whereabouts_and_validity_has_its_words() -> None:
    from consular.cases import labels
    from consular.documents.models import KINDS, VALIDITIES, WHEREABOUTS

    assert tuple(labels.DOCUMENT_KINDS) == KINDS
    assert tuple(labels.PASSPORT_WHEREABOUTS) == WHEREABOUTS
    assert tuple(labels.VALIDITIES) == VALIDITIES
