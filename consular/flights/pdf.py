"""The passenger manifest as a PDF to print and sign, in Korean or English.

Korean text uses the CID font HYGothic-Medium that reportlab knows without a font file:
the PDF names the font and the reader supplies the glyphs, so nothing is downloaded or
bundled, and every PDF reader with East Asian fonts shows the Hangul.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from consular.flights.models import Flight
from consular.i18n import LANGUAGES, translations
from consular.incidents.models import Incident
from consular.web.pages import Page

FONT = "HYGothic-Medium"


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def manifest_pdf(
    flight: Flight, incident: Incident, rows: list[dict[str, str]], language: str
) -> bytes:
    language = language if language in LANGUAGES else "ko"
    _ = translations(language).gettext
    page = Page(language, time_zone=incident.post.time_zone)
    font = _font()
    body = ParagraphStyle("body", fontName=font, fontSize=9, leading=12)
    title = ParagraphStyle("title", parent=body, fontSize=15, leading=19)
    documents = {
        "passport_held": _("Passport held by the host authority"),
        "own_passport": _("Own passport"),
        "travel_certificate": _("Travel certificate issued"),
        "": _("None recorded"),
    }

    def cell(text: str) -> Paragraph:
        return Paragraph(escape(text), body)

    header = [
        _("No."),
        _("Case"),
        _("Family name (Latin)"),
        _("Given name (Latin)"),
        _("Full name (Hangul)"),
        _("Date of birth"),
        _("Sex"),
        _("Travel document"),
        _("Special needs"),
    ]
    table_rows = [[cell(h) for h in header]]
    for row in rows:
        table_rows.append(
            [
                cell(row["seat"]),
                cell(row["case"]),
                cell(row["family_name"]),
                cell(row["given_name"]),
                cell(row["name_hangul"]),
                cell(row["date_of_birth"]),
                cell(row["sex"]),
                cell(documents.get(row["travel_document"], row["travel_document"])),
                cell(row["special_needs"]),
            ]
        )
    table = Table(
        table_rows,
        repeatRows=1,
        colWidths=[
            1.2 * cm,
            1.5 * cm,
            3 * cm,
            3.5 * cm,
            3 * cm,
            2.6 * cm,
            1.2 * cm,
            5 * cm,
            5.5 * cm,
        ],
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    summary = _("%(passengers)s passengers, %(seats)s seats") % {
        "passengers": len(rows),
        "seats": flight.seats,
    }
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=landscape(A4),
        leftMargin=1.2 * cm,
        rightMargin=1.2 * cm,
        topMargin=1.2 * cm,
        bottomMargin=1.2 * cm,
        title=f"{_('Passenger manifest')} {flight.carrier} {flight.number}",
    )
    document.build(
        [
            Paragraph(
                escape(f"{_('Passenger manifest')}: {flight.carrier} {flight.number}"), title
            ),
            Paragraph(
                escape(
                    f"{flight.origin} → {flight.destination} · {_('departs')} "
                    f"{page.when(flight.departs_at)} · {incident.title} · {incident.post.name}"
                ),
                body,
            ),
            Paragraph(escape(summary), body),
            Spacer(1, 0.4 * cm),
            table,
            Spacer(1, 1.2 * cm),
            Paragraph(
                escape(
                    f"{_('Consular officer')}: ______________________    "
                    f"{_('Carrier')}: ______________________"
                ),
                body,
            ),
        ]
    )
    return out.getvalue()
