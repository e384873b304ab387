"""The case state machine: one table of allowed transitions, and the guards on them."""

from __future__ import annotations

from enum import StrEnum

from consular.cases import labels
from consular.i18n import N_
from consular.i18n.message import Message, term


class CaseState(StrEnum):
    REPORTED = "reported"
    LOCATED = "located"
    CONSULAR_ACCESS = "consular_access"
    DISPOSITION_PENDING = "disposition_pending"
    DEPARTURE_SCHEDULED = "departure_scheduled"
    DEPARTED = "departed"
    CLOSED = "closed"
    RELEASED = "released"
    TRANSFERRED = "transferred"


class Disposition(StrEnum):
    VOLUNTARY_DEPARTURE = "voluntary_departure"
    REMOVAL_ORDER = "removal_order"
    RELEASE_ON_BOND = "release_on_bond"
    CONTESTING = "contesting"


S = CaseState


def state_term(state: CaseState | str) -> Message:
    """A state's name in a message, translated where the message is shown."""
    return term(f"case_state.{state}", labels.STATES.get(str(state), str(state)))


TRANSITIONS: dict[CaseState, frozenset[CaseState]] = {
    S.REPORTED: frozenset({S.LOCATED, S.RELEASED, S.TRANSFERRED, S.CLOSED}),
    S.LOCATED: frozenset({S.CONSULAR_ACCESS, S.RELEASED, S.TRANSFERRED}),
    S.CONSULAR_ACCESS: frozenset({S.DISPOSITION_PENDING, S.RELEASED, S.TRANSFERRED}),
    S.DISPOSITION_PENDING: frozenset({S.DEPARTURE_SCHEDULED, S.RELEASED, S.TRANSFERRED}),
    # A cancelled flight sends the case back to disposition_pending.
    S.DEPARTURE_SCHEDULED: frozenset({S.DEPARTED, S.DISPOSITION_PENDING, S.RELEASED}),
    S.DEPARTED: frozenset({S.CLOSED}),
    S.RELEASED: frozenset({S.CLOSED, S.LOCATED}),
    # Transferred to another facility or custody: found again there, or handed over.
    S.TRANSFERRED: frozenset({S.LOCATED, S.CLOSED}),
    S.CLOSED: frozenset(),
}

# States in which the person is (believed to be) held by the host authority; the rights
# checklist runs, and can fall overdue, only while the person is held.
IN_CUSTODY = frozenset(
    {
        S.REPORTED,
        S.LOCATED,
        S.CONSULAR_ACCESS,
        S.DISPOSITION_PENDING,
        S.DEPARTURE_SCHEDULED,
        S.TRANSFERRED,
    }
)

# Departure can only be scheduled once the person is leaving under one of these.
DEPARTING_DISPOSITIONS = frozenset({Disposition.VOLUNTARY_DEPARTURE, Disposition.REMOVAL_ORDER})


def allowed_next(state: CaseState | str) -> list[str]:
    return sorted(TRANSITIONS[CaseState(state)])


def allowed_now(
    state: CaseState | str, *, disposition: str | None, facility: str | None
) -> list[str]:
    """The moves the state machine allows from here whose conditions are met now."""
    return [
        to
        for to in allowed_next(state)
        if blocking_reason(state, to, disposition=disposition, facility=facility) is None
    ]


def blocking_reason(
    state: CaseState | str, to: CaseState | str, *, disposition: str | None, facility: str | None
) -> Message | None:
    """Why ``state → to`` may not happen now, or None when it may."""
    if CaseState(to) not in TRANSITIONS[CaseState(state)]:
        return Message(
            "case.bad_transition",
            N_("A case in state “%(state)s” cannot move to “%(to)s”."),
            state=state_term(state),
            to=state_term(to),
        )
    if to == S.LOCATED and not facility:
        return Message(
            "case.facility_missing",
            N_("Record the facility where the person is held before marking the case located."),
        )
    if to == S.DEPARTURE_SCHEDULED and disposition not in DEPARTING_DISPOSITIONS:
        return Message(
            "case.disposition_missing",
            N_(
                "Record a disposition of voluntary departure or removal order before scheduling "
                "departure."
            ),
        )
    return None
