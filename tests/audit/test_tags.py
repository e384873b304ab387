"""Every audit event has a declared tag, described in Korean and English; an event reads as
sentences with the values it changed."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from consular import audit
from consular.audit.history import FIELDS, event_lines
from consular.audit.models import AuditEvent
from consular.audit.tags import AuditTag
from consular.cases.notes import (
    departure_note,
    list_row,
    same_person_note,
    shown_note,
    transfer_note,
)
from consular.db import unit_of_work
from consular.i18n import catalog_path, translations
from consular.i18n.message import shown

KO = translations("ko").gettext
EN = translations("en").gettext
HANGUL = re.compile(r"[가-힣]")


def test_an_undeclared_tag_is_refused_and_nothing_is_written(
    factory: sessionmaker[Session],
) -> None:
    def count() -> int:
        with unit_of_work(factory, write=False) as db:
            return db.scalar(select(func.count()).select_from(AuditEvent)) or 0

    before = count()
    event = audit.Event("officer.kim", "cases:case:wander", "case", "1", {})
    for write in (
        lambda db: audit.record(
            db,
            actor="officer.kim",
            tag="cases:case:wander",
            target_type="case",
            target_id="1",
        ),
        lambda db: audit.append(
            db,
            actor="officer.kim",
            tag="cases:case:wander",
            target_type="case",
            target_id="1",
        ),
        lambda db: audit.record_many(db, [event]),
    ):
        with (
            pytest.raises(ValueError, match="undeclared audit tag 'cases:case:wander'"),
            unit_of_work(factory) as db,
        ):
            write(db)
    assert count() == before


def test_the_tags_are_the_strings_the_log_has_always_stored() -> None:
    # The rows' hashes cover their tags: a tag is added, never renamed.
    assert AuditTag.CASE_TRANSITION == "cases:case:transition"
    assert AuditTag.RECORD_LINK.value == "incidents:record:link"
    assert all(re.fullmatch(r"[a-z]+:[a-z_]+(:[a-z_]+)?", tag) for tag in AuditTag)
    assert len({tag.value for tag in AuditTag}) == len(AuditTag) == 93


def test_every_tag_is_described_in_korean_and_english() -> None:
    with catalog_path("ko").open("rb") as handle:
        catalog = read_po(handle)
    for tag in AuditTag:
        entry = catalog.get(tag.description)
        assert entry is not None and entry.string, tag
        korean = KO(tag.description)
        # No English left in the Korean, but for the name "API".
        assert HANGUL.search(korean) and not re.search(r"[A-Za-z]", korean.replace("API", "")), tag
        assert EN(tag.description) == tag.description


def test_every_label_of_the_history_has_its_korean() -> None:
    for tag, fields in FIELDS.items():
        for key, field in fields.items():
            assert HANGUL.search(KO(field.label)), (tag, key)


def _event(tag: AuditTag, diff: dict[str, object], actor: str = "officer.kim") -> AuditEvent:
    return AuditEvent(
        seq=1, at=datetime(2025, 9, 8, tzinfo=UTC), actor=actor, tag=tag, diff=diff,
        target_type="case", target_id="1", case_id="1", prev_hash="", hash="",
    )  # fmt: skip


def test_an_event_reads_as_what_was_done_and_each_value_changed() -> None:
    moved = _event(AuditTag.CASE_TRANSITION, {"state": ["located", "consular_access"], "note": ""})
    ko = event_lines(moved, KO, language="ko")
    assert (ko.who, ko.what, ko.changes) == (
        "officer.kim",
        "조력 건 상태 변경",
        ("상태: 소재 확인 → 영사 접견",),
    )
    en = event_lines(moved, EN, language="en")
    assert (en.what, en.changes) == ("Case moved", ("State: Located → Consular access",))
    # A value first set reads without an arrow; one cleared reads with a dash.
    decided = _event(AuditTag.DISPOSITION_RECORD, {"disposition": [None, "voluntary_departure"]})
    assert event_lines(decided, KO, language="ko").changes == ("처분: 자진 출국",)
    travel = _event(
        AuditTag.TRAVEL_RECORD,
        {"travel_document": ["own_passport", ""], "special_needs": ["", ""]},
    )
    assert event_lines(travel, EN, language="en").changes == ("Travel document: Own passport → —",)


def test_moments_codes_and_facts_are_written_for_the_reader() -> None:
    done = _event(
        AuditTag.MILESTONE_COMPLETE,
        {"kind": "consular_visit", "done_at": "2025-09-08T14:30:00-04:00", "evidence": ""},
    )
    lines = event_lines(done, KO, language="ko", when=lambda at: at.strftime("%d/%m %H:%M"))
    assert lines.changes == ("항목: 영사 면회", "완료 일시: 08/09 14:30")
    facts = _event(
        AuditTag.REENTRY_FACTS_UPDATE,
        {"misrepresentation_finding": [False, True], "prior_removals": [0, 1]},
    )
    assert event_lines(facts, KO, language="ko").changes == (
        "이전 추방 횟수: 0 → 1",
        "허위 진술 판정: 아니요 → 예",
    )
    looked_up = _event(AuditTag.STATUS_LOOKUP, {"contact": "김민지"}, actor="public:10.0.0.1")
    lines = event_lines(looked_up, KO, language="ko")
    assert lines.who == "가족(상태 조회 페이지, 10.0.0.1)"
    assert lines.changes == ("받은 사람: 김민지",)


def test_a_row_written_outside_the_product_is_shown_as_it_is() -> None:
    odd = AuditEvent(actor="someone", tag="made:up:tag", diff={"x": 1})
    lines = event_lines(odd, KO, language="ko")
    assert (lines.who, lines.what, lines.changes) == ("someone", "made:up:tag", ())


def test_a_note_the_product_wrote_reads_as_a_sentence() -> None:
    booked = f"from {list_row('employer', 'hr.xlsx', 7)}"
    assert shown(shown_note(booked), KO) == "고용주 명단 7행에서 (hr.xlsx)"
    moved = transfer_note("ice-0907.csv", 4, "ice-0905.csv", None)
    assert shown(shown_note(moved), EN) == (
        "from the host authority's list, row 4 (ice-0907.csv); "
        "on the earlier list (ice-0905.csv): no facility"
    )
    assert shown(shown_note(moved), KO) == (
        "현지 당국 명단 4행에서 (ice-0907.csv); 이전 명단(ice-0905.csv): 구금 시설 없음"
    )
    assert shown(shown_note(same_person_note(3, "hr.xlsx")), KO) == "hr.xlsx 3행과 같은 사람"
    assert shown(shown_note(departure_note("KE", "036")), KO) == "KE 036편으로 출국"
    # An officer's own note is left as written.
    assert shown(shown_note("from the bus station"), KO) == "from the bus station"
