"""The manifest PDF: one embedded font with Hangul and Latin, found on the server, and the
passport number an airline checks; without a usable font, a clear refusal, never a 500."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from pypdf.generic import DictionaryObject
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from consular.audit.models import AuditEvent
from consular.cases.models import Case
from consular.config import get_settings
from consular.db import unit_of_work
from consular.flights.fonts import PdfFontMissing, find_font
from consular.flights.service import PASSPORTS, assign, create_flight, set_travel
from tests.cli.test_commands import run
from tests.conftest import World
from tests.factories import user_with_token
from tests.flights.test_flights import PLAN, _three_cases
from tests.web.client import sign_in

PASSPORT = "M70512345"
# The fourteen fonts a PDF may name without embedding them (the reader substitutes its own).
BASE_14 = {
    "Courier",
    "Courier-Bold",
    "Courier-BoldOblique",
    "Courier-Oblique",
    "Helvetica",
    "Helvetica-Bold",
    "Helvetica-BoldOblique",
    "Helvetica-Oblique",
    "Times-Roman",
    "Times-Bold",
    "Times-BoldItalic",
    "Times-Italic",
    "Symbol",
    "ZapfDingbats",
}


def _flight_with_passports(factory: sessionmaker[Session], world: World) -> str:
    """LEE (passport held, number on record) and PARK (travel certificate) on one flight."""
    lee, park, _ = _three_cases(factory, world)
    with unit_of_work(factory) as db:
        flight_id = create_flight(db, world.officer, world.incident_id, PLAN).id
        for case_id, document in ((lee, "passport_held"), (park, "travel_certificate")):
            case = db.get(Case, case_id)
            assert case is not None
            case.person.passport_number = PASSPORT if case_id == lee else "M99988877"
            assign(db, world.officer, flight_id, case_id)
            set_travel(
                db,
                world.officer,
                case_id,
                travel_document=document,
                special_needs="",
                version=case.version,
            )
    return flight_id


def fonts_of(document: bytes) -> list[DictionaryObject]:
    """Every font the PDF's pages use, a composite font's descendants included."""
    fonts: list[DictionaryObject] = []
    for page in PdfReader(io.BytesIO(document)).pages:
        resources = page["/Resources"].get_object()
        for ref in resources.get("/Font", {}).values():
            font = ref.get_object()
            fonts.append(font)
            fonts.extend(d.get_object() for d in font.get("/DescendantFonts", []))
    return fonts


def pdf_text(document: bytes) -> str:
    """The text the PDF's pages draw, as a reader copies it: a line for each drawn line."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(document)).pages)


def pdf_words(document: bytes) -> str:
    """The same text with one space between words, so a wrapped heading reads whole."""
    return " ".join(pdf_text(document).split())


def assert_every_font_embedded(document: bytes) -> set[str]:
    """Each drawing font carries its glyphs (/FontFile2: TrueType); returns their names."""
    names = set()
    for font in fonts_of(document):
        name = str(font["/BaseFont"]).lstrip("/")
        assert name.split("+")[-1] not in BASE_14, f"{name} is named, not embedded"
        if font["/Subtype"] == "/Type0":
            continue  # its glyphs are in its descendant, checked on its own
        descriptor = font["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, f"{name} is not embedded"
        names.add(name.split("+")[-1])
    assert names, "the PDF draws no text"
    return names


@pytest.fixture
def pdf_font(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """CONSULAR_PDF_FONT cleared: the test sets it or lets the system's font be found."""
    monkeypatch.delenv("CONSULAR_PDF_FONT", raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_the_pdf_embeds_its_font_and_prints_hangul_names_and_passport_numbers(
    browser: TestClient, factory: sessionmaker[Session], world: World, pdf_font: None
) -> None:
    flight = _flight_with_passports(factory, world)
    sign_in(browser)
    answer = browser.get(f"/flights/{flight}/manifest.pdf", headers={"Accept-Language": "ko"})
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/pdf"
    assert_every_font_embedded(answer.content)
    text = pdf_words(answer.content)
    assert "탑승자 명단" in text and "문서 번호" in text
    assert "이성호" in text and "LEE" in text and "SEONGHO" in text
    assert PASSPORT in text
    # The sex and the travel document in words, the post by its Korean name.
    assert "남성" in text and "현지 당국이 여권 보관" in text and "주애틀랜타" in text
    # PARK travels on a certificate: her passport's number is not the one the airline checks.
    assert "M99988877" not in text and "travel_certificate" not in PASSPORTS
    with factory() as db:
        export = db.scalars(
            select(AuditEvent.diff).where(AuditEvent.tag == "flights:manifest:export")
        ).one()
    assert export == {"format": "pdf", "rows": 2, "passport_numbers": "whole"}


def test_a_viewer_gets_the_passport_numbers_masked(
    browser: TestClient, factory: sessionmaker[Session], world: World, pdf_font: None
) -> None:
    flight = _flight_with_passports(factory, world)
    user_with_token(factory, "viewer.yoon", "viewer")
    sign_in(browser, "viewer.yoon")
    text = pdf_words(browser.get(f"/flights/{flight}/manifest.pdf").content)
    assert PASSPORT not in text and "••••••345" in text
    exported = browser.get(f"/flights/{flight}/manifest.csv").text
    assert PASSPORT not in exported and "••••••345" in exported
    page = browser.get(f"/flights/{flight}/manifest", headers={"Accept-Language": "en"}).text
    assert "Document number" in page and "••••••345" in page and PASSPORT not in page


def test_the_font_named_by_the_setting_is_the_one_embedded(
    db_url: str,
    factory: sessionmaker[Session],
    world: World,
    pdf_font: None,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    chosen = find_font().face.filename  # the system's own, found without the setting
    monkeypatch.setenv("CONSULAR_PDF_FONT", chosen)
    get_settings.cache_clear()
    flight = _flight_with_passports(factory, world)
    written = tmp_path / "manifest.pdf"
    code, _, err = run(
        db_url, "flight", "manifest", flight, "--format", "pdf", "--language", "en",
        "-o", str(written),
    )  # fmt: skip
    assert code == 0, err
    document = written.read_bytes()
    embedded = assert_every_font_embedded(document)
    assert embedded == {find_font(chosen).face.name.decode()}
    text = pdf_words(document)
    assert "Passenger manifest" in text and "Document number" in text and PASSPORT in text


def test_no_usable_font_is_a_clear_refusal_on_the_page_and_the_command_line(
    browser: TestClient,
    db_url: str,
    factory: sessionmaker[Session],
    world: World,
    pdf_font: None,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("CONSULAR_PDF_FONT", str(tmp_path / "NanumGothic.ttf"))
    get_settings.cache_clear()
    flight = _flight_with_passports(factory, world)
    sign_in(browser)
    refused = browser.get(f"/flights/{flight}/manifest.pdf", headers={"Accept-Language": "ko"})
    assert refused.status_code == 503 and refused.headers["content-type"].startswith("text/html")
    assert "PDF를 만들지 못했습니다" in refused.text and "fonts-nanum" in refused.text
    assert f'href="/flights/{flight}/manifest"' in refused.text  # the page to print still works
    english = browser.get(f"/flights/{flight}/manifest.pdf", headers={"Accept-Language": "en"})
    assert "The PDF could not be made" in english.text and "CONSULAR_PDF_FONT" in english.text
    with factory() as db:  # nothing left the server, so nothing is recorded as exported
        exports = select(AuditEvent).where(AuditEvent.tag == "flights:manifest:export")
        assert db.scalars(exports).all() == []
    code, out, err = run(db_url, "flight", "manifest", flight, "--format", "pdf")
    assert code == 1 and out == ""
    assert "CONSULAR_PDF_FONT cannot be used for the manifest PDF" in err
    assert "NanumGothic.ttf is not a file" in err and "apt-get install fonts-nanum" in err


def test_a_file_that_is_no_truetype_font_is_named_with_the_reason(tmp_path: Path) -> None:
    fake = tmp_path / "font.ttf"
    fake.write_text("not a font", encoding="utf-8")
    with pytest.raises(PdfFontMissing, match=r"font\.ttf is not a TrueType font the PDF can embed"):
        find_font(str(fake))
    with pytest.raises(PdfFontMissing, match=r"is not a file"):
        find_font(str(tmp_path))


def test_a_server_without_a_korean_font_is_told_what_to_install(tmp_path: Path) -> None:
    with pytest.raises(PdfFontMissing) as refused:
        find_font("", directories=[str(tmp_path)], fontconfig=False)
    message = str(refused.value)
    assert message.startswith("no font with Hangul and Latin for the manifest PDF")
    assert "apt-get install fonts-nanum" in message and "CONSULAR_PDF_FONT" in message


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "PostScript \\(CFF\\)"),
        ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "has no glyphs for '가힣한글"),
    ],
)
def test_a_font_that_cannot_serve_is_skipped_by_the_search_and_refused_by_name(
    path: str, reason: str, tmp_path: Path
) -> None:
    if not Path(path).is_file():
        pytest.skip(f"{path} is not installed here")
    with pytest.raises(PdfFontMissing, match=reason):
        find_font(path)
    # Found by the search, the same font is passed over for the next one (here: none).
    (tmp_path / "UnDotum.ttf").symlink_to(path)
    with pytest.raises(PdfFontMissing, match="no font with Hangul and Latin"):
        find_font("", directories=[str(tmp_path)], fontconfig=False)
