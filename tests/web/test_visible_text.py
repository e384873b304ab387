"""The check of Korean pages finds the English a reader meets, and nothing else."""

from __future__ import annotations

from tests.web.crawl import kind_of, links
from tests.web.visible_text import english_in, visible_text

PAGE = """<html><head><title>조력 건 · 영사 업무</title><style>p { color: red }</style></head>
<body><script>var hidden = "Given up";</script>
<input type="hidden" name="next" value="/cases">
<p>LEE SEONGHO · Folkston ICE Processing Center에 구금 중 · CSV로 내려받기</p>
<button aria-label="Sign out">로그아웃</button>
<input placeholder="예: 2025-09-11T14:00"><img alt="Waiting to be sent" src="/x.png">
<p>기록: cases:note:add · 규칙 CON-05</p>
</body></html>"""


def test_the_reader_meets_the_text_the_title_and_what_a_screen_reader_speaks() -> None:
    chunks = visible_text(PAGE)
    assert "조력 건 · 영사 업무" in chunks and "Sign out" in chunks
    assert "Waiting to be sent" in chunks and "예: 2025-09-11T14:00" in chunks
    assert not any("Given up" in chunk or "color" in chunk or chunk == "/cases" for chunk in chunks)


def test_english_left_in_korean_is_found_and_data_is_not() -> None:
    data = {"LEE", "SEONGHO", "Folkston ICE Processing Center"}
    found = english_in(visible_text(PAGE), data)
    assert found == [
        "Sign out (English catalog)",
        "Waiting to be sent (English catalog)",
        "cases:note:add",
    ]


def test_the_crawl_follows_pages_of_the_workspace_only() -> None:
    html = """<a href="/cases/7b9b5bec-f8a7-4212-aa60-23e7a972ec1c#history">건</a>
    <a href="https://example.org/">밖</a><a href="/incidents/1/cases.csv">CSV</a>
    <a href="/static/app.css">css</a><a href="?page=2#cases">다음</a>
    <a href="/flights/9/manifest" download>명단</a>"""
    assert links(html, "/incidents/1") == [
        "/cases/7b9b5bec-f8a7-4212-aa60-23e7a972ec1c",
        "/incidents/1?page=2",
    ]
    assert kind_of("/cases/7b9b5bec-f8a7-4212-aa60-23e7a972ec1c/reentry") == "/cases/{id}/reentry"
    assert kind_of("/incidents/1?page=2") == "/incidents/{id}"
