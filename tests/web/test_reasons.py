"""The domain's refusals shown in the reader's language."""

from __future__ import annotations

from consular.cases.states import blocking_reason
from consular.errors import Conflict, InvalidInput
from consular.i18n import N_
from consular.web.pages import environment


def test_a_refused_move_names_the_states_as_the_pages_do() -> None:
    reason = blocking_reason("located", "closed", disposition=None, facility="Folkston")
    assert reason is not None
    refused = Conflict(reason)
    korean = environment("ko").filters["reason"](refused)
    assert korean == "“소재 확인” 상태의 조력 건은 “종결”로 옮길 수 없습니다."
    english = environment("en").filters["reason"](refused)
    assert english == "A case in state “Located” cannot move to “Closed”."


def test_a_coded_error_is_translated_and_anything_else_shown_as_it_is() -> None:
    reason = environment("ko").filters["reason"]
    assert reason(InvalidInput("cell.empty", N_("Empty."))) == "비어 있습니다."
    assert reason(InvalidInput("a sentence without a code")) == "a sentence without a code"
    assert reason({"row": 2, "column": "sex", "message": "kept as said"}) == "kept as said"
