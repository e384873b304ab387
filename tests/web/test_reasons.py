"""The domain's refusals shown in the reader's language."""

from __future__ import annotations

from consular.cases.states import blocking_reason
from consular.errors import Conflict
from consular.fields import FieldError, parse_country, parse_sex
from consular.i18n import translations
from consular.web.pages import environment
from consular.web.reasons import translate


def test_a_refused_move_names_the_states_as_the_pages_do() -> None:
    reason = blocking_reason("located", "closed", disposition=None, facility="Folkston")
    assert reason is not None
    refused = Conflict.saying(reason)
    korean = environment("ko").filters["reason"](refused)
    assert korean == "“소재 확인” 상태의 조력 건은 “종결”로 옮길 수 없습니다."
    english = environment("en").filters["reason"](refused)
    assert english == "A case in state “Located” cannot move to “Closed”."


def test_the_values_a_message_quotes_are_kept() -> None:
    message = "passport number 'M12' should have 5 to 20 letters and digits"
    assert translate(message, translations("ko").gettext) == (
        "여권번호 “M12”은(는) 문자와 숫자 5~20자여야 합니다."
    )


def test_a_message_without_a_translation_is_shown_as_it_is() -> None:
    message = "unknown custody record 'escaped'"
    assert translate(message, translations("ko").gettext) == message


def test_a_country_or_a_sex_not_read_is_explained_in_korean() -> None:
    messages = []
    for parse, value in ((parse_country, "Atlantis"), (parse_country, "KOREA"), (parse_sex, "W")):
        try:
            parse(value)
        except FieldError as exc:
            messages.append(translate(str(exc), translations("ko").gettext))
    assert messages == [
        "“Atlantis”은(는) 읽을 수 있는 국가가 아닙니다. ISO 코드(KOR, KR, 410), 영어 이름"
        "(South Korea, KOREA, SOUTH, Republic of Korea) 또는 한국어 이름(대한민국, 한국, 미국)"
        "으로 쓰십시오.",
        "“KOREA”은(는) 둘 이상의 국가일 수 있습니다. KOREA, SOUTH (KOR) 또는 KOREA, NORTH (PRK)"
        "(으)로 쓰십시오.",
        "“W”은(는) 성별 값이 아닙니다 (M, F 또는 X; male, female; 남, 여).",
    ]
