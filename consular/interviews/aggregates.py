"""What an incident's welfare interviews add up to, per facility and in total, for the
incident's page, headquarters' CSV and the API. Each case counts by its latest interview in
which the person was seen (its current picture); the facility is where the case says the
person is held now."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

from sqlalchemy import select
from sqlalchemy.orm import Session

from consular.auth.service import Actor
from consular.cases.models import Case
from consular.cases.reading import readable_cases
from consular.i18n import N_
from consular.incidents.service import get_incident
from consular.interviews.models import WelfareInterview

# The measures, in the order the table, the chart and the CSV give them, with their names.
MEASURES = {
    "cases": N_("Cases"),
    "seen": N_("Seen"),
    "not_yet_seen": N_("Not yet seen"),
    "injured": N_("Injured"),
    "not_told_reason": N_("Not told the reason for the arrest"),
    "not_advised_rights": N_("Not advised of rights"),
    "want_counsel": N_("Want counsel"),
    "want_voluntary_departure": N_("Want voluntary departure"),
    "refuse_family_notice": N_("Refuse to have the family told"),
}


@dataclass
class Counts:
    facility: str
    cases: int = 0
    seen: int = 0
    not_yet_seen: int = 0
    injured: int = 0
    not_told_reason: int = 0
    not_advised_rights: int = 0
    want_counsel: int = 0
    want_voluntary_departure: int = 0
    refuse_family_notice: int = 0

    def values(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "facility"}

    def add(self, case: Case, seen: WelfareInterview | None) -> None:
        self.cases += 1
        self.refuse_family_notice += case.family_notice == "no"
        if seen is None:
            self.not_yet_seen += 1
            return
        self.seen += 1
        self.injured += seen.injured
        self.not_told_reason += seen.told_reason == "no"
        self.not_advised_rights += seen.advised_rights == "no"
        self.want_counsel += seen.counsel_wanted
        self.want_voluntary_departure += seen.wish == "voluntary_departure"


@dataclass(frozen=True)
class Summary:
    facilities: list[Counts]
    total: Counts


def summary(db: Session, actor: Actor, incident_id: str) -> Summary:
    """The incident's interviews counted per facility (404 outside the actor's scope)."""
    incident = get_incident(db, actor, incident_id)
    cases = db.execute(
        readable_cases(actor)
        .with_only_columns(Case.id, Case.facility, Case.family_notice)
        .where(Case.incident_id == incident.id)
    ).all()
    latest = _latest_seen(db, incident.id)
    by_facility: dict[str, Counts] = {}
    total = Counts("")
    for case in cases:
        name = case.facility or ""
        counts = by_facility.setdefault(name, Counts(name))
        for target in (counts, total):
            target.add(case, latest.get(case.id))  # type: ignore[arg-type]
    return Summary(
        sorted(by_facility.values(), key=lambda c: (c.facility == "", c.facility)), total
    )


def _latest_seen(db: Session, incident_id: str) -> dict[str, WelfareInterview]:
    rows = db.scalars(
        select(WelfareInterview)
        .join(Case, Case.id == WelfareInterview.case_id)
        .where(Case.incident_id == incident_id, WelfareInterview.seen.is_(True))
        .order_by(WelfareInterview.held_on, WelfareInterview.recorded_at)
    )
    # Later rows replace earlier ones: each case keeps its latest.
    return {row.case_id: row for row in rows}


@dataclass(frozen=True)
class Bar:
    measure: str
    count: int
    y: int
    width: float


@dataclass(frozen=True)
class Chart:
    bars: tuple[Bar, ...]
    width: int
    height: int
    label_width: int


BAR_HEIGHT = 18
GAP = 6
PLOT_WIDTH = 300
LABEL_WIDTH = 260


def chart(total: Counts) -> Chart:
    """The totals as horizontal bars, each as long as its share of the incident's cases."""
    bars = []
    for index, (measure, count) in enumerate(total.values().items()):
        if measure == "cases":
            continue
        width = PLOT_WIDTH * count / total.cases if total.cases else 0.0
        bars.append(Bar(measure, count, (index - 1) * (BAR_HEIGHT + GAP), round(width, 2)))
    height = len(bars) * (BAR_HEIGHT + GAP)
    return Chart(tuple(bars), LABEL_WIDTH + PLOT_WIDTH + 60, height, LABEL_WIDTH)


def csv_rows(result: Summary, names: Sequence[str], total: str) -> list[list[object]]:
    """The summary as CSV rows: a header of ``names`` (facility, then each measure), a row
    per facility and the ``total`` last."""
    rows: list[list[object]] = [list(names)]
    for counts in result.facilities:
        rows.append([counts.facility, *counts.values().values()])
    rows.append([total, *result.total.values().values()])
    return rows


def incident_view(db: Session, actor: Actor, incident_id: str) -> dict[str, object]:
    """What the incident's page shows of its interviews: the table and the chart."""
    result = summary(db, actor, incident_id)
    return {"summary": result, "chart": chart(result.total), "measures": MEASURES}
