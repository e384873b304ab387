"""The domain's refusals shown in the reader's language."""

from __future__ import annotations

from consular.errors import InvalidInput
from consular.i18n import N_, translations
from consular.web.pages import environment
from consular.web.reasons import translate


def test_a_refused_move_names_the_states_as_the_pages_do() -> None:
    message = "a case in state located cannot move to closed"
    korean = translate(message, translations("ko").gettext)
    assert korean == "“소재 확인” 상태의 조력 건은 “종결”(으)로 옮길 수 없습니다."
    english = translate(message, translations("en").gettext)
    assert english == "A case in state “Located” cannot move to “Closed”."


def test_a_message_without_a_translation_is_shown_as_it_is() -> None:
    message = "unknown custody record 'escaped'"
    assert translate(message, translations("ko").gettext) == message


def test_a_coded_error_is_translated_and_one_said_as_a_sentence_goes_by_the_table() -> None:
    reason = environment("ko").filters["reason"]
    coded = InvalidInput("cell.empty", N_("Empty."))
    assert reason(coded) == "비어 있습니다."
    said = InvalidInput("a user name is required")
    assert reason(said) == "사용자 이름이 필요합니다."
    assert reason({"row": 2, "column": "sex", "message": "kept as said"}) == "kept as said"
