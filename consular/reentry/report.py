"""A re-entry assessment as people read it, in Korean or English: the command line prints
these lines and the case page shows the same sections with the same words."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from consular.i18n import LANGUAGES, N_, translations
from consular.reentry.service import Assessment
from consular.rules import Firing, ruleset

FACT_NAMES = {
    "nationality": N_("Nationality"),
    "entry_status": N_("Entry status"),
    "entry_date": N_("Entry date"),
    "admitted_until": N_("Admitted until"),
    "departure_mode": N_("How the person left"),
    "departed_on": N_("Departure date"),
    "unlawful_presence_days": N_("Days of unlawful presence"),
    "prior_removals": N_("Earlier removals"),
    "misrepresentation_finding": N_("Misrepresentation finding"),
    "status_violation": N_("Status violation found or alleged"),
    "departed": N_("Has left the country"),
}
SOURCES = {
    "recorded": N_("recorded by an officer"),
    "case": N_("from the case"),
    "registry": N_("from the registry"),
    "computed": N_("computed from the dates"),
    "default": N_("assumed, as nothing is recorded"),
    "unknown": N_("unknown"),
}
OUTCOME_KINDS = {
    "re_entered": N_("Re-entered"),
    "visa_issued": N_("Visa issued"),
    "visa_refused": N_("Visa refused"),
    "esta_denied": N_("ESTA denied"),
}
VERDICTS = {
    "clear": N_("No bar found"),
    "note": N_("No bar found; notes below"),
    "waiver": N_("A waiver may be needed"),
    "visa_needed": N_("No bar found, but a visa is needed: ESTA is closed"),
    "bar": N_("Barred for a time: see the bars below"),
    "refer": N_("Cannot be assessed yet: see below"),
}
DISCLAIMER = N_(
    "An explanation of the rules, not legal advice. Assurances are shown beside it as "
    "facts; they do not replace it."
)
ASK_A_LAWYER = N_("A lawyer should confirm this result before the person relies on it.")
UNVERIFIED = N_("not verified in a source")


@dataclass(frozen=True)
class Words:
    """The words of one language: gettext, and the rule sets' own labels."""

    language: str

    def __post_init__(self) -> None:
        if self.language not in LANGUAGES:
            raise ValueError(f"language must be one of {LANGUAGES}")

    @property
    def gettext(self) -> Callable[[str], str]:
        return translations(self.language).gettext

    def value(self, name: str, value: Any) -> str:
        if isinstance(value, date):
            return value.isoformat()
        return ruleset("reentry").label(name, value, self.language)

    def firing(self, firing: Firing) -> str:
        _ = self.gettext
        tags = "".join(f"[{tag}]" for tag in firing.rule.evidence)
        unverified = f" ({_(UNVERIFIED)})" if firing.unverified else ""
        return f"{firing.rule_id} {tags}{unverified} {firing.reason[self.language]}"

    def default_reason(self) -> str:
        return ruleset("reentry").default_reason(self.language)

    def years(self, years: int | str) -> str:
        _ = self.gettext
        if years == "life":
            return _("for life")
        return _("%(years)s years") % {"years": years}


def report_lines(assessment: Assessment, language: str) -> list[str]:
    """The assessment as text, section by section, in ``language``."""
    words = Words(language)
    _ = words.gettext
    case = assessment.case
    verdict = assessment.verdict
    lines = [
        _("Re-entry assessment: case %(number)s, %(name)s")
        % {"number": case.number, "name": case.person.display_name},
        _("Rule set %(name)s, version %(version)s")
        % {"name": verdict.ruleset, "version": verdict.version},
        _(DISCLAIMER),
        "",
        _("Facts"),
    ]
    for fact in assessment.facts:
        shown = words.value(fact.name, fact.value)
        lines.append(f"  {_(FACT_NAMES[fact.name])}: {shown} ({_(SOURCES[fact.source])})")
    lines += _result_lines(assessment, words)
    lines += ["", _("Rules that fired")]
    lines += [f"  {words.firing(firing)}" for firing in verdict.firings]
    if not verdict.firings:
        lines.append(f"  {words.default_reason()}")
    return lines + _record_lines(assessment, words)


def _result_lines(assessment: Assessment, words: Words) -> list[str]:
    """The result, the bars with how long each runs, ESTA, and the waivers that exist."""
    _ = words.gettext
    verdict = assessment.verdict
    lines = ["", _("Result: %(verdict)s") % {"verdict": _(VERDICTS[verdict.outcome])}]
    if assessment.needs_lawyer:
        lines.append(_(ASK_A_LAWYER))
    lines.append(_("Bars:") + ("" if assessment.bars else " " + _("none")))
    for bar in assessment.bars:
        until = (
            _("until %(day)s") % {"day": bar.ends_on.isoformat()}
            if bar.ends_on
            else _("end date unknown")
        )
        lines.append(f"  {bar.statute} ({bar.rule_id}): {words.years(bar.years)}, {until}")
    lines.append(
        _("ESTA: still open (answer its questions truthfully)")
        if assessment.esta_available
        else _("ESTA: closed; apply for a visa and attend the interview")
    )
    waivers = ", ".join(assessment.waivers) or _("none needed")
    lines.append(_("Waivers that exist: %(waivers)s") % {"waivers": waivers})
    return lines


def _record_lines(assessment: Assessment, words: Words) -> list[str]:
    """What is on record beside the result: the incident's assurances, what came after."""
    _ = words.gettext
    lines = ["", _("Assurances given on the incident (facts, not the legal result)")]
    lines += [
        f"  {a.given_on.isoformat()} {a.given_by}: {a.statement}"
        + (f" ({a.source})" if a.source else "")
        for a in assessment.assurances
    ] or ["  " + _("none recorded")]
    lines += ["", _("After return")]
    lines += [
        f"  {o.happened_on.isoformat()} {_(OUTCOME_KINDS[o.kind])}"
        + (f": {o.note}" if o.note else "")
        for o in assessment.outcomes
    ] or ["  " + _("nothing recorded yet")]
    return lines
