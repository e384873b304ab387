"""The rights checklist and its deadlines, counted from the arrest.

Each item cites the rule it comes from (reference: legal-rules.md, CON-xx). Where a source
sets no deadline, the hours are this post's policy, marked as such, and can be changed here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class MilestoneKind(StrEnum):
    RIGHTS_ADVISED = "rights_advised"
    CONSULATE_NOTIFIED = "consulate_notified"
    CONSULAR_VISIT = "consular_visit"
    LEGAL_COUNSEL = "legal_counsel"
    INTERPRETER = "interpreter"
    FAMILY_CONTACTED = "family_contacted"
    MEDICAL_NEEDS = "medical_needs"


@dataclass(frozen=True)
class MilestonePolicy:
    kind: MilestoneKind
    target_hours: int
    breach_hours: int
    rule_ids: tuple[str, ...]
    basis: str  # "[S]" a source sets the time; "[I]" post policy


POLICY: tuple[MilestonePolicy, ...] = (
    # VCCR 36(1)(b) says "without delay" and sets no hours: post policy borrows CON-04's window.
    MilestonePolicy(MilestoneKind.RIGHTS_ADVISED, 24, 72, ("CON-01",), "[I]"),
    MilestonePolicy(
        MilestoneKind.CONSULATE_NOTIFIED, 24, 72, ("CON-01", "CON-03", "CON-04"), "[S]"
    ),
    MilestonePolicy(MilestoneKind.CONSULAR_VISIT, 72, 120, ("CON-05", "CON-08"), "[I]"),
    # VWP entrants face fast disposition without a hearing: counsel early (CON-12).
    MilestonePolicy(MilestoneKind.LEGAL_COUNSEL, 72, 120, ("CON-05", "CON-12", "CON-13"), "[I]"),
    MilestonePolicy(MilestoneKind.INTERPRETER, 48, 96, ("CON-05",), "[I]"),
    MilestonePolicy(MilestoneKind.FAMILY_CONTACTED, 48, 96, ("CON-05",), "[I]"),
    MilestonePolicy(MilestoneKind.MEDICAL_NEEDS, 24, 48, ("CON-08",), "[I]"),
)


def deadlines(policy: MilestonePolicy, arrested_at: datetime) -> tuple[datetime, datetime]:
    return (
        arrested_at + timedelta(hours=policy.target_hours),
        arrested_at + timedelta(hours=policy.breach_hours),
    )
