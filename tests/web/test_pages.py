"""The web shell: forms protected, Korean and English, error pages, every string translated."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from consular.auth.models import WebSession
from consular.i18n import catalog_path
from consular.notifications import messages
from consular.web.pages import TEMPLATE_FOLDERS
from tests.web.client import PASSWORD, form_token, sign_in

ROOT = Path(__file__).parents[2]


def test_the_language_follows_the_browser_and_then_the_users_choice(
    browser: TestClient,
) -> None:
    english = browser.get("/sign-in", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert english.headers["content-language"] == "en" and "User name" in english.text
    korean = browser.get("/sign-in", headers={"Accept-Language": "ko-KR,ko;q=0.9"})
    assert "사용자 이름" in korean.text
    sign_in(browser)
    token = form_token(browser.get("/").text)
    switched = browser.post("/language", data={"language": "en", "csrf_token": token, "next": "/"})
    assert switched.status_code == 303
    # The choice sticks, whatever the browser says.
    page = browser.get("/", headers={"Accept-Language": "ko-KR"})
    assert "Open incidents" in page.text and "진행 중인 사건" not in page.text


def test_a_form_without_its_token_is_refused_and_changes_nothing(
    browser: TestClient, factory: sessionmaker[Session]
) -> None:
    browser.get("/sign-in")
    forged = browser.post(
        "/sign-in", data={"name": "officer.kim", "password": PASSWORD, "csrf_token": "x"}
    )
    assert forged.status_code == 400 and "입력 양식이 만료되었습니다" in forged.text
    with factory() as db:
        assert db.scalar(select(func.count()).select_from(WebSession)) == 0
    sign_in(browser)
    out = browser.post("/sign-out", data={"csrf_token": "forged"})
    assert out.status_code == 400
    assert browser.get("/").status_code == 200  # still signed in


def test_unknown_pages_answer_a_page_in_the_users_language(browser: TestClient) -> None:
    korean = browser.get("/no-such-page")
    assert korean.status_code == 404 and "페이지를 찾을 수 없습니다" in korean.text
    english = browser.get("/no-such-page", headers={"Accept-Language": "en"})
    assert english.status_code == 404 and "Page not found" in english.text
    api = browser.get("/api/v1/no-such-thing")
    assert api.status_code == 404 and api.json() == {"error": "not_found", "message": "Not Found"}


def test_every_string_of_the_pages_is_translated_into_korean() -> None:
    with catalog_path("ko").open("rb") as handle:
        catalog = read_po(handle)
    used = {
        message[2] if isinstance(message[2], str) else message[2][0]
        for folder in TEMPLATE_FOLDERS
        for message in extract_from_dir(
            str(folder),
            method_map=[("**.html", "jinja2")],
            options_map={"**.html": {"extensions": "jinja2.ext.i18n"}},
        )
    }
    assert used, "no strings found in the templates"
    # Every module's sentences marked N_() or _(), as `make messages` extracts them (babel.cfg).
    assert "[python: consular/**.py]" in (ROOT / "babel.cfg").read_text()
    for module in sorted((ROOT / "consular").rglob("*.py")):
        used |= {
            message[1] if isinstance(message[1], str) else message[1][0]
            for message in extract_from_file(
                "python", str(module), keywords={"_": None, "N_": None, "gettext": None}
            )
        }
    used |= {*messages.EVENTS.values(), messages.SUBJECT, messages.FOOTER, messages.UNKNOWN_PLACE}
    untranslated = sorted(
        text
        for text in used
        if (entry := catalog.get(text)) is None
        or not (entry.string if isinstance(entry.string, str) else all(entry.string))
    )
    assert untranslated == []


def test_each_template_is_found_in_one_folder_only() -> None:
    # The renderer takes the first template of a name: a second one would never be shown.
    names = [path.name for folder in TEMPLATE_FOLDERS for path in folder.glob("*.html")]
    assert len(names) == len(set(names))
    assert all(any(folder.glob("*.html")) for folder in TEMPLATE_FOLDERS)


def test_each_translation_fills_in_the_values_its_sentence_has() -> None:
    # A translation naming a value the sentence does not give fails the page that shows it.
    placeholder = re.compile(r"%\((\w+)\)s")
    wrong = []
    for language in ("ko", "en"):
        with catalog_path(language).open("rb") as handle:
            catalog = read_po(handle)
        for entry in catalog:
            if not entry.id or not entry.string or not isinstance(entry.id, str):
                continue
            if set(placeholder.findall(str(entry.string))) != set(placeholder.findall(entry.id)):
                wrong.append((language, entry.id))
    assert wrong == []
