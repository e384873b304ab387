"""Cases by state over time, from the audit log, drawn as an SVG on the server (no script)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from consular.audit.models import AuditEvent
from consular.audit.tags import AuditTag
from consular.cases.models import Case
from consular.cases.states import CaseState

DAYS = 14
BAR_WIDTH = 24
GAP = 6
HEIGHT = 120
# One colour per state, told apart by position and by the legend's words as well.
COLOURS = {
    "reported": "#9e9e9e",
    "located": "#5b8cc0",
    "consular_access": "#0b4f8a",
    "disposition_pending": "#c98a1b",
    "departure_scheduled": "#7a5ea8",
    "departed": "#2e7d4f",
    "closed": "#444444",
    "released": "#7cb342",
    "transferred": "#b0413e",
}
_TAGS = (AuditTag.CASE_CREATE, AuditTag.CASE_TRANSITION)


@dataclass(frozen=True)
class Segment:
    state: str
    count: int
    y: float
    height: float


@dataclass(frozen=True)
class Bar:
    day: date
    x: int
    total: int
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class Chart:
    bars: tuple[Bar, ...]
    width: int
    height: int
    peak: int


def states_by_day(
    db: Session, incident_ids: Sequence[str], zone: str, today: datetime
) -> dict[str, Chart]:
    """For each incident, the number of cases in each state at the end of each of the last
    ``DAYS`` days (in the post's time zone), replayed from the audit log."""
    tz = ZoneInfo(zone)
    last = today.astimezone(tz).date()
    first = last - timedelta(days=DAYS - 1)
    events = db.execute(
        select(AuditEvent.at, AuditEvent.tag, AuditEvent.case_id, AuditEvent.diff, Case.incident_id)
        .join(Case, Case.id == AuditEvent.case_id)
        .where(Case.incident_id.in_(incident_ids), AuditEvent.tag.in_(_TAGS))
        .order_by(AuditEvent.seq)
    )
    changes: dict[str, list[tuple[date, str, str]]] = defaultdict(list)
    for at, tag, case_id, diff, incident_id in events:
        state = diff.get("state")
        now_state = state if tag == AuditTag.CASE_CREATE else (state or [None, None])[1]
        if isinstance(now_state, str):
            changes[incident_id].append((at.astimezone(tz).date(), case_id, now_state))
    return {ident: _chart(changes.get(ident, []), first, last) for ident in incident_ids}


def _chart(changes: list[tuple[date, str, str]], first: date, last: date) -> Chart:
    current: dict[str, str] = {}
    days: list[tuple[date, Counter[str]]] = []
    position = 0
    day = first
    while day <= last:
        while position < len(changes) and changes[position][0] <= day:
            _, case_id, state = changes[position]
            current[case_id] = state
            position += 1
        days.append((day, Counter(current.values())))
        day += timedelta(days=1)
    peak = max((sum(counts.values()) for _, counts in days), default=0)
    bars = []
    for index, (day, counts) in enumerate(days):
        y = float(HEIGHT)
        segments = []
        for state in CaseState:
            count = counts.get(str(state), 0)
            if not count:
                continue
            height = HEIGHT * count / peak
            y -= height
            segments.append(Segment(str(state), count, round(y, 2), round(height, 2)))
        bars.append(Bar(day, index * (BAR_WIDTH + GAP), sum(counts.values()), tuple(segments)))
    return Chart(tuple(bars), len(days) * (BAR_WIDTH + GAP), HEIGHT, peak)
