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
from consular.flights.service import MANIFEST, manifest_words
from consular.i18n import LANGUAGES, local_time, translations
from consular.incidents.models import Incident

# Column widths, in the manifest's order: wide enough for the longest special needs note
# (500 characters) to fit on a page, and for a masked number's wide bullets.
_WIDTHS = (1.2, 1.5, 2.7, 3, 2.6, 2.2, 1.2, 3.9, 2.9, 6.1)
_STYLE = (
    ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
    ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
)


def manifest_pdf(
    flight: Flight, incident: Incident, rows: list[dict[str, str]], language: str
) -> bytes:
    """The manifest as PDF bytes; raises ``PdfFontMissing`` when the server has no font."""
    font = registered_font(get_settings().pdf_font)
    language = language if language in LANGUAGES else "ko"
    _ = translations(language).gettext
    body = ParagraphStyle("body", fontName=font, fontSize=9, leading=12)
    title = ParagraphStyle("title", parent=body, fontSize=15, leading=19)
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
    heading = _heading(flight, incident, len(rows), language)
    document.build(
        [
            Paragraph(escape(heading[0]), title),
            *(Paragraph(escape(line), body) for line in heading[1:]),
            Spacer(1, 0.4 * cm),
            _passengers(rows, language, font, body),
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


def _heading(flight: Flight, incident: Incident, passengers: int, language: str) -> list[str]:
    """The title, the flight and the incident, the count of passengers."""
    _ = translations(language).gettext
    departs = local_time(flight.departs_at, incident.post.time_zone, language)
    return [
        f"{_('Passenger manifest')}: {flight.carrier} {flight.number}",
        f"{flight.origin} → {flight.destination} · {_('departs')} {departs} · "
        f"{incident.title} · {incident.post.name_in(language)}",
        _("%(passengers)s passengers, %(seats)s seats")
        % {"passengers": passengers, "seats": flight.seats},
    ]


def _passengers(
    rows: list[dict[str, str]], language: str, font: str, body: ParagraphStyle
) -> Table:
    """The passengers' table, its header repeated on every page, codes in words."""
    _ = translations(language).gettext

    def cell(text: str) -> Paragraph:
        return Paragraph(escape(text), body)

    cells = [[cell(_(column.header)) for column in MANIFEST]]
    for row in rows:
        words = manifest_words(row, language)
        cells.append([cell(words[column.name]) for column in MANIFEST])
    table = Table(cells, repeatRows=1, colWidths=[width * cm for width in _WIDTHS])
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), font), *_STYLE]))
    return table
