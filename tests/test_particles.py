"""Korean particles follow the word they are written after, whatever the script."""

from __future__ import annotations

import pytest

from consular.i18n.particles import with_particles


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("messy.csv을(를) 가져왔습니다", "messy.csv를 가져왔습니다"),  # 브이: a vowel
        ("이성호은(는) 이미 있습니다", "이성호는 이미 있습니다"),
        ("박민준은(는) 이미 있습니다", "박민준은 이미 있습니다"),
        ("“건설 노동”은(는) 알 수 없는 값입니다", "“건설 노동”은 알 수 없는 값입니다"),
        ("KIM이(가) 결정했습니다", "KIM이 결정했습니다"),  # 킴
        ("LEE이(가) 결정했습니다", "LEE가 결정했습니다"),  # 리
        ("JUNG은(는)", "JUNG은"),  # 정
        ("Stewart Detention Center(으)로 이송", "Stewart Detention Center로 이송"),  # 센터
        ("서울(으)로 이송", "서울로 이송"),  # ㄹ takes 로
        ("부산(으)로 이송", "부산으로 이송"),
        ("박민(이)라는 사용자", "박민이라는 사용자"),
        ("이성호(이)라는 사용자", "이성호라는 사용자"),
        ("조력 건 12을(를) 바꾸었습니다", "조력 건 12를 바꾸었습니다"),  # 십이
        ("조력 건 10을(를) 바꾸었습니다", "조력 건 10을 바꾸었습니다"),  # 십
        ("조력 건 7을(를)", "조력 건 7을"),  # 칠
        ("조력 건 300을(를)", "조력 건 300을"),  # 삼백
        ("XLSX와(과)", "XLSX와(과)"),  # not a pair the catalogs write: left alone
        ("SQL과(와) 비교했습니다", "SQL과 비교했습니다"),  # 에스큐엘
        ("목록 A과(와) 목록 B을(를)", "목록 A와 목록 B를"),
        ("<b>이성호</b>은(는)", "<b>이성호</b>는"),
        ("☆을(를)", "☆을(를)"),  # nothing tells: both forms stay
        ("(를)", "(를)"),
    ],
)
def test_the_particle_is_the_one_the_word_before_it_takes(written: str, read: str) -> None:
    assert with_particles(written) == read
