"""Messages: said in English to machines, in the reader's language on pages, kept as stored."""

from __future__ import annotations

import json

from consular.errors import Conflict, InvalidInput, NotFound
from consular.i18n import N_, translations
from consular.i18n.message import Message, shown, term


def _ko(text: str) -> str:
    return str(translations("ko").gettext(text))


def test_a_message_reads_in_english_and_in_korean_with_its_values() -> None:
    said = Message(
        "case.bad_transition",
        N_("A case in state “%(state)s” cannot move to “%(to)s”."),
        state=term("state.located", N_("Located")),
        to=term("state.closed", N_("Closed")),
    )
    assert str(said) == "A case in state “Located” cannot move to “Closed”."
    korean = said.translated(_ko)
    assert "소재 확인" in korean and "Located" not in korean and "Closed" not in korean


def test_a_stored_message_comes_back_whole_and_translatable() -> None:
    said = Message("x.y", N_("Located"))
    outer = Message(
        "case.bad_transition",
        N_("A case in state “%(state)s” cannot move to “%(to)s”."),
        state=said,
        to="closed",
    )
    stored = json.loads(json.dumps(outer.as_dict()))
    back = Message.from_dict(stored)
    assert back == outer
    assert shown(stored, _ko) == outer.translated(_ko)


def test_a_translation_that_names_another_value_falls_back_to_english() -> None:
    said = Message("x", "Row %(row)s", row=3)
    assert said.translated(lambda _: "%(column)s 열") == "Row 3"


def test_an_error_answers_its_code_english_text_and_values() -> None:
    error = Conflict(
        "case.stale",
        N_("Case %(number)s was changed by someone else meanwhile. Reload it and try again."),
        number="C-1",
        details={"current": 4},
    )
    assert error.to_dict() == {
        "error": "case.stale",
        "message": "Case C-1 was changed by someone else meanwhile. Reload it and try again.",
        "params": {"number": "C-1"},
        "current": 4,
    }
    assert "C-1" in shown(error, _ko) and "Reload" not in shown(error, _ko)


def test_an_error_said_as_one_sentence_keeps_its_class_code_and_details() -> None:
    error = InvalidInput("100% wrong", allowed=["a"])
    assert error.to_dict() == {
        "error": "invalid_input",
        "message": "100% wrong",
        "params": {},
        "allowed": ["a"],
    }
    assert NotFound("case", "C-9").to_dict()["error"] == "not_found"
