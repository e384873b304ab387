"""The passenger manifest as a PDF to print and sign, in Korean or English.

Every letter is drawn in one TrueType font with Hangul and Latin, embedded (a subset of
it) in the PDF, so it prints the same in every reader; the font is found on the server
(consular.flights.fonts), never shipped with the product.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from consular.config import get_settings
from consular.flights.fonts import registered_font
from consular.flights.models import Flight
from consular.i18n import LANGUAGES, local_time, translations
from consular.incidents.models import Incident


def manifest_pdf(
    flight: Flight, incident: Incident, rows: list[dict[str, str]], language: str
) -> bytes:
    """The manifest as PDF bytes; raises ``PdfFontMissing`` when the server has no font."""
    font = registered_font(get_settings().pdf_font)
    language = language if language in LANGUAGES else "ko"
    _ = translations(language).gettext
    departs = local_time(flight.departs_at, incident.post.time_zone, language)
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
        _("Passport number"),
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
                cell(row["passport_number"]),
                cell(row["special_needs"]),
            ]
        )
    table = Table(
        table_rows,
        repeatRows=1,
        # Wide enough for the longest special needs note (500 characters) to fit on a page.
        colWidths=[
            1.2 * cm,
            1.5 * cm,
            2.7 * cm,
            3 * cm,
            2.6 * cm,
            2.2 * cm,
            1.2 * cm,
            3.9 * cm,
            2.9 * cm,  # a masked number's bullets are wide
            6.1 * cm,
        ],
    )
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font),
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
        lang=language,
        # Each page starts in our font, so none names Helvetica without embedding it.
        initialFontName=font,
    )
    document.build(
        [
            Paragraph(
                escape(f"{_('Passenger manifest')}: {flight.carrier} {flight.number}"), title
            ),
            Paragraph(
                escape(
                    f"{flight.origin} → {flight.destination} · {_('departs')} {departs} · "
                    f"{incident.title} · {incident.post.name}"
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
