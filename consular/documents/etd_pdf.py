"""The travel certificate (여행증명서) as a PDF to print, sign and seal, each line in Korean
and in English (one certificate for both the host authority and the airline).

Drawn like the flight manifest (``consular.flights.pdf``): one TrueType font with Hangul and
Latin, found on the server and embedded, so it prints the same in every reader.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from consular.cases.labels import VALIDITIES
from consular.codes import in_words
from consular.config import get_settings
from consular.documents.models import TravelDocument
from consular.flights.fonts import registered_font
from consular.i18n import N_, translations

_LANGUAGES = ("ko", "en")


def _both(text: str) -> str:
    """A label in Korean, then in English."""
    korean, english = (translations(language).gettext(text) for language in _LANGUAGES)
    return korean if korean == english else f"{korean} / {english}"


def certificate_pdf(record: TravelDocument) -> bytes:
    """The certificate as PDF bytes; raises ``PdfFontMissing`` when the server has no font."""
    font = registered_font(get_settings().pdf_font)
    body = ParagraphStyle("body", fontName=font, fontSize=11, leading=16)
    title = ParagraphStyle("title", parent=body, fontSize=20, leading=28, alignment=1)
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=2 * cm,
        bottomMargin=2 * cm,
        title=f"{_both(N_('Travel certificate'))} {record.number}",
        lang="ko",
        initialFontName=font,
    )
    rows = [
        [Paragraph(escape(_both(label)), body), Paragraph(escape(value), body)]
        for label, value in _fields(record)
    ]
    table = Table(rows, colWidths=[6.5 * cm, 10.5 * cm])
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    document.build(
        [
            Paragraph(escape(_both(N_("Republic of Korea"))), body),
            Paragraph(escape(_both(N_("Travel certificate"))), title),
            Spacer(1, 0.6 * cm),
            table,
            Spacer(1, 0.8 * cm),
            Paragraph(
                escape(
                    _both(
                        N_(
                            "This certificate is issued in place of a passport for the holder's "
                            "return to the Republic of Korea."
                        )
                    )
                ),
                body,
            ),
            Spacer(1, 1.6 * cm),
            Paragraph(escape(f"{_both(N_('Consular officer'))}: ______________________"), body),
        ]
    )
    return out.getvalue()


def _fields(record: TravelDocument) -> list[tuple[str, str]]:
    person = record.case.person
    post = record.post
    validity = in_words(VALIDITIES)
    return [
        (N_("Certificate number"), record.number or ""),
        (
            N_("Name (Hangul)"),
            (person.family_name_hangul or "") + (person.given_name_hangul or ""),
        ),
        (
            N_("Name (Latin)"),
            f"{person.family_name or ''} {person.given_name or ''}".strip(),
        ),
        (N_("Date of birth"), person.date_of_birth.isoformat() if person.date_of_birth else ""),
        (N_("Issuing post"), f"{post.name_in('ko')} / {post.name_in('en')}"),
        (N_("Issued on"), record.issued_on.isoformat() if record.issued_on else ""),
        (N_("Expires on"), record.expires_on.isoformat() if record.expires_on else ""),
        (
            N_("Valid for"),
            f"{validity(record.validity, 'ko')} / {validity(record.validity, 'en')}",
        ),
    ]
