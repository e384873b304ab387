"""The domain's refusals in the reader's language.

The services explain a refusal in English, and the API and the command line show it as it
is. A page shows it in the reader's language: each message a person can meet in the
workspace has a pattern here and a sentence to translate, with the pattern's parts put
back in; a case state inside a message is named as the pages name it. A message without
a pattern (a new one, or one only a forged form can cause) is shown in English.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from consular.cases import labels
from consular.i18n import N_

# Named as on the pages.
STATES = labels.STATES

_Q = r"'(?P<{}>.*)'"  # a value the message quotes with repr()

_REASONS = [
    # Cases
    (
        r"case (?P<number>\S+) was changed by someone else \(your version \d+, current \d+\); "
        r"reload it and try again",
        N_("Case %(number)s was changed by someone else meanwhile. Reload it and try again."),
    ),
    (
        r"a case in state (?P<state>\w+) cannot move to (?P<to>\w+)",
        N_("A case in state “%(state)s” cannot move to “%(to)s”."),
    ),
    (
        r"record the facility where the person is held before marking the case located",
        N_("Record the facility where the person is held before marking the case located."),
    ),
    (
        r"record a disposition of voluntary_departure or removal_order before scheduling "
        r"departure",
        N_(
            "Record a disposition of voluntary departure or removal order before scheduling "
            "departure."
        ),
    ),
    (
        r"the facility is empty: give the facility's name",
        N_("The facility is empty: give the facility's name."),
    ),
    (
        r"(?P<kind>\w+) was already recorded done at (?P<at>\S+) by (?P<who>.+)",
        N_("This item was already recorded done by %(who)s."),
    ),
    (
        r"a milestone cannot be done in the future",
        N_("A checklist item cannot be done in the future."),
    ),
    # Review
    (
        r"this row was already decided \((?P<decision>\w+) by (?P<who>.+)\)",
        N_("This row was already decided by %(who)s."),
    ),
    (
        r"accept needs the person_id of the chosen candidate|accept one of the row's candidates",
        N_("Choose one of the row's candidates."),
    ),
    # Users
    (r"a user name is required", N_("A user name is required.")),
    (
        r"a user named " + _Q.format("name") + r" already exists",
        N_("A user named %(name)s already exists."),
    ),
    (r"an employer_hr user needs --employer", N_("An employer HR user needs an employer.")),
    (r"a (?P<role>\w+) user needs --post", N_("This role needs a post.")),
    (r"no employer named " + _Q.format("name"), N_("There is no employer named %(name)s.")),
    (r"no post named " + _Q.format("name"), N_("There is no post named %(name)s.")),
    (r"you cannot deactivate your own account", N_("You cannot deactivate your own account.")),
    (r"(?P<name>.+) is already deactivated", N_("%(name)s is already deactivated.")),
    # Families
    (
        r"say whom the code is given to \(the contact's name\)",
        N_("Say whom the code is given to (the contact's name)."),
    ),
    (
        r"this code was already revoked by (?P<who>.+)",
        N_("This code was already revoked by %(who)s."),
    ),
    (
        r"this message is (?P<state>\w+), not given up",
        N_("This message is not a given-up one: it cannot be sent again now."),
    ),
    # Flights
    (
        r"flight (?P<number>.+) is (?P<state>\w+): its passengers are fixed",
        N_("Flight %(number)s is no longer open: its passengers are fixed."),
    ),
    (
        r"case (?P<number>\d+) already has a seat on flight (?P<flight>.+)",
        N_("Case %(number)s already has a seat on flight %(flight)s."),
    ),
    (
        r"case (?P<number>\d+) is in state (?P<state>\w+); only a case in departure_scheduled "
        r"takes a seat",
        N_(
            "Case %(number)s is in state “%(state)s”: only a case scheduled to depart takes a seat."
        ),
    ),
    (
        r"flight (?P<number>.+) is full \((?P<seats>\d+) seats\)",
        N_("Flight %(number)s is full (%(seats)s seats)."),
    ),
    (
        r"flight (?P<number>.+) cannot be locked: .*",
        N_("Flight %(number)s cannot be locked yet: see the list of what is missing."),
    ),
    (
        r"case (?P<number>\d+): no travel document recorded",
        N_("Case %(number)s: no travel document recorded."),
    ),
    (
        r"case (?P<number>\d+): in state (?P<state>\w+), not departure_scheduled",
        N_("Case %(number)s: in state “%(state)s”, not scheduled to depart."),
    ),
    (
        r"(?P<passengers>\d+) passengers for (?P<seats>\d+) seats",
        N_("%(passengers)s passengers for %(seats)s seats."),
    ),
    (r"no passenger", N_("No passenger yet.")),
    (r"seats must be at least 1", N_("Give at least one seat.")),
    (
        r"flight (?P<number>.+) is (?P<state>\w+); lock it before it departs",
        N_("Flight %(number)s must be locked before it departs."),
    ),
    # Re-entry
    (
        r"(?P<field>\w+): unknown value " + _Q.format("value") + r"( \(use one of: .*\))?",
        N_("“%(value)s” is not one of the values allowed here."),
    ),
    (
        r"(?P<field>\w+): (?P<day>\d{4}-\d\d-\d\d) is in the future",
        N_("The date %(day)s is in the future."),
    ),
    (r"departed_on: before entry_date", N_("The departure date is before the entry date.")),
    (
        r"(?P<field>\w+): " + _Q.format("value") + r" is not a number of \w+",
        N_("“%(value)s” is not a number."),
    ),
    (r"date: empty", N_("Give the date.")),
    (
        r"(given_by|statement): empty(; statement: empty)?",
        N_("Say who gave the assurance and what was said."),
    ),
]
REASONS = tuple((re.compile(pattern), sentence) for pattern, sentence in _REASONS)


def translate(message: str, gettext: Callable[[str], str]) -> str:
    """The message in the reader's language when it is a known one; else as it is."""
    for pattern, sentence in REASONS:
        found = pattern.fullmatch(message)
        if found is None:
            continue
        parts = {
            name: gettext(STATES[value]) if value in STATES else value
            for name, value in found.groupdict().items()
        }
        return gettext(sentence) % parts
    return message
