"""The visit roster as a PDF to take into the facility, in Korean or English.

One row per detainee, with blank boxes for what the officer learns (seen, health, told the
reason, counsel, family notification, property), so that the paper can be typed into the
interview screen afterwards. Every page repeats the visit (facility, date, officers,
interpreter) and says its number of the whole. The font is embedded as in the manifest
(``consular.flights.fonts``).
"""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from consular.config import get_settings
from consular.flights.fonts import registered_font
from consular.i18n import LANGUAGES, translations
from consular.incidents.models import Incident
from consular.visits.models import VisitPlan
from consular.visits.roster import BOXES, COLUMNS, heading_lines, language_name

# Widths in cm, in the order of COLUMNS then BOXES: 27 cm across a landscape A4.
_WIDTHS = (1.0, 1.2, 3.4, 2.0, 2.6, 1.6, 3.0, 1.7, 2.6, 1.7, 1.7, 1.7, 2.5)
_STYLE = (
    ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
    ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("FONTSIZE", (0, 1), (-1, -1), 8),
    # Room under each detainee to write by hand.
    ("BOTTOMPADDING", (0, 1), (-1, -1), 24),
)


def roster_pdf(
    plan: VisitPlan, incident: Incident, rows: list[dict[str, str]], language: str
) -> bytes:
    """The roster as PDF bytes; raises ``PdfFontMissing`` when the server has no font."""
    font = registered_font(get_settings().pdf_font)
    language = language if language in LANGUAGES else "ko"
    _ = translations(language).gettext
    body = ParagraphStyle("body", fontName=font, fontSize=8, leading=10)
    title = ParagraphStyle("title", parent=body, fontSize=14, leading=18)
    lines = heading_lines(plan, incident, len(rows), language)
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=landscape(A4),
        leftMargin=1.2 * cm,
        rightMargin=1.2 * cm,
        topMargin=1.6 * cm,
        bottomMargin=1.4 * cm,
        title=lines[0],
        lang=language,
        initialFontName=font,
    )
    page_of = _("Page %(page)s of %(pages)s")
    running = " · ".join(lines[1:3])

    def numbered(*args: Any, **kwargs: Any) -> Canvas:
        return _NumberedCanvas(*args, font=font, running=running, page_of=page_of, **kwargs)

    document.build(
        [
            Paragraph(escape(lines[0]), title),
            *(Paragraph(escape(line), body) for line in lines[1:]),
            Spacer(1, 0.3 * cm),
            _table(rows, language, font, body),
        ],
        canvasmaker=numbered,
    )
    return out.getvalue()


class _NumberedCanvas(Canvas):
    """Each page's running head (the visit) and foot (its number of the whole): the count
    is known once every page is laid out, so the pages are kept and drawn at the end."""

    def __init__(self, *args: Any, font: str, running: str, page_of: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._font = font
        self._running = running
        self._page_of = page_of
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            width, height = self._pagesize
            self.setFont(self._font, 8)
            self.drawString(1.2 * cm, height - 1 * cm, self._running)
            number = self._page_of % {"page": self._pageNumber, "pages": total}
            self.drawRightString(width - 1.2 * cm, 0.8 * cm, number)
            super().showPage()
        super().save()


def _table(rows: list[dict[str, str]], language: str, font: str, body: ParagraphStyle) -> Table:
    _ = translations(language).gettext

    def cell(text: str) -> Paragraph:
        return Paragraph(escape(text), body)

    header = [cell(_(column.header)) for column in COLUMNS] + [cell(_(b.header)) for b in BOXES]
    # A box stays with its word ("□ yes"); a narrow cell wraps between the choices.
    blanks = [cell(_(box.blank).replace("□ ", "□\u00a0")) if box.blank else "" for box in BOXES]
    cells: list[list[object]] = [header]
    for row in rows:
        name = "\n".join(part for part in (row["name_hangul"], row["name_latin"]) if part)
        cells.append(
            [
                row["no"],
                row["case"],
                Paragraph(escape(name).replace("\n", "<br/>"), body),
                row["date_of_birth"],
                row["a_number"],
                language_name(row["language"], language),
                cell(row["special_needs"]) if row["special_needs"] else "",
                *blanks,
            ]
        )
    table = Table(
        cells,
        repeatRows=1,
        colWidths=[width * cm for width in _WIDTHS],
    )
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), font), *_STYLE]))
    return table
