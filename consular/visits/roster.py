"""What the visit roster prints, page and PDF alike: its columns, the boxes left blank for
the officer's notes, and the heading that names the visit."""

from __future__ import annotations

from dataclasses import dataclass

from consular.exports import Column
from consular.i18n import N_, translations
from consular.incidents.models import Incident
from consular.visits.models import VisitPlan

COLUMNS = (
    Column("no", N_("No.")),
    Column("case", N_("Case")),
    Column("name", N_("Name (Hangul, Latin)")),
    Column("date_of_birth", N_("Date of birth")),
    Column("a_number", N_("A-number")),
    Column("language", N_("Language")),
    Column("special_needs", N_("Medical and special needs")),
)


@dataclass(frozen=True)
class Box:
    """A note the officer writes on the paper: its header, and what its box prints (the
    choices to tick; nothing for a note written in words)."""

    name: str
    header: str
    blank: str = ""


YES_NO = N_("□ yes  □ no")
BOXES = (
    Box("seen", N_("Seen"), YES_NO),
    Box("health", N_("Health")),
    Box("told_reason", N_("Told the reason"), YES_NO),
    Box("counsel", N_("Counsel wanted"), YES_NO),
    Box("family_notice", N_("Family may be told"), YES_NO),
    Box("property", N_("Property")),
)

LANGUAGE_NAMES = {"ko": N_("Korean"), "en": N_("English")}


def language_name(code: str, language: str) -> str:
    """The detainee's language in the reader's (Korean unless recorded otherwise)."""
    return translations(language).gettext(LANGUAGE_NAMES.get(code, code)) if code else ""


def heading_lines(plan: VisitPlan, incident: Incident, count: int, language: str) -> list[str]:
    """The title, the visit (facility and day; officers and interpreter), the incident and
    the count of detainees."""
    _ = translations(language).gettext
    interpreter = (
        _("interpreter: %(name)s") % {"name": plan.interpreter_name or _("yes")}
        if plan.interpreter
        else _("no interpreter")
    )
    return [
        f"{_('Visit roster')}: {plan.facility_name}",
        f"{plan.visit_date.isoformat()} · {plan.facility_name}",
        f"{_('Officers')}: {', '.join(plan.officers)} · {interpreter}",
        f"{incident.title} · {incident.post.name_in(language)} · "
        + _("%(count)s detainees") % {"count": count},
    ]
