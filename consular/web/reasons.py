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

# The fields a length refusal can name (consular.db's guard says "special_needs: …").
FIELDS = {
    "body": N_("Note"),
    "note": N_("Note"),
    "evidence": N_("How it was done"),
    "facility": N_("Facility"),
    "special_needs": N_("Special needs"),
    "given_by": N_("Given by"),
    "statement": N_("What was said"),
    "source": N_("Source"),
    "name": N_("Name"),
    "contact_name": N_("Name"),
    "worksite": N_("Worksite"),
    "role": N_("Role"),
    "number": N_("Flight number"),
    "carrier": N_("Airline"),
    "origin": N_("Departure airport"),
    "destination": N_("Arrival airport"),
    "title": N_("Title"),
    "place": N_("Place"),
    "agency": N_("Agency"),
}

_Q = r"'(?P<{}>.*)'"  # a value the message quotes with repr()
_LONG = r"(?P<count>[\d,]+) characters, more than the (?P<limit>[\d,]+) allowed"
# Where in a file a refusal points: the file, maybe its sheet, maybe the row.
_IN_FILE = r"(?P<file>.+?)( \(sheet '(?P<sheet>.*)'\))?(, row (?P<row>\d+))?"

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
    # The import wizard
    (
        r"the list changed since it was reconciled; reconcile it again",
        N_("The list changed since it was reconciled: reconcile it again."),
    ),
    (
        r"the list was changed while it was being reconciled; reconcile it again",
        N_("The list was changed while it was being reconciled: reconcile it again."),
    ),
    (
        r"(?P<rows>\d+) row\(s\) have errors: correct them, or choose to leave them out of "
        r"the import",
        N_("%(rows)s row(s) have errors: correct them, or choose to leave them out of the import."),
    ),
    (r"no row without errors is left to import", N_("No row without errors is left to import.")),
    (
        r"the choice of columns has errors; fix them first",
        N_("The choice of columns has errors: fix them first."),
    ),
    (
        r"(?P<file>.+) was already imported into this incident on (?P<at>.+) UTC by (?P<who>.+) "
        r"\(same file contents\)",
        N_("%(file)s was already imported into this incident on %(at)s UTC by %(who)s."),
    ),
    (
        r"(?P<file>.+): no rows under the header; nothing to import",
        N_("%(file)s has no rows under its header: nothing to import."),
    ),
    # A file beyond the upload limits (consular.tabular)
    (
        r"(?P<file>.+): larger than (?P<size>[\d,]+ (MB|bytes)) \(the limit is (?P<limit>\S+)\)",
        N_("%(file)s is larger than %(size)s (the limit is %(limit)s)."),
    ),
    (
        _IN_FILE + r": more than (?P<count>[\d,]+) rows \(the limit is (?P<limit>\S+)\)",
        N_("%(file)s has more than %(count)s rows (the limit is %(limit)s): split it."),
    ),
    (
        _IN_FILE + r": more than (?P<count>[\d,]+) columns \(the limit is (?P<limit>\S+)\)",
        N_("%(file)s, row %(row)s: more than %(count)s columns (the limit is %(limit)s)."),
    ),
    (
        _IN_FILE + r": column (?P<column>[A-Z]+) has more than (?P<count>[\d,]+) characters "
        r"\(the limit is (?P<limit>\S+)\)",
        N_(
            "%(file)s, row %(row)s, column %(column)s: a cell of more than %(count)s characters "
            "(the limit is %(limit)s)."
        ),
    ),
    (
        _IN_FILE + r": a cell has more than (?P<count>[\d,]+) characters "
        r"\(the limit is (?P<limit>\S+)\)",
        N_(
            "%(file)s, row %(row)s: a cell of more than %(count)s characters "
            "(the limit is %(limit)s)."
        ),
    ),
    (
        _IN_FILE + r": more than (?P<size>[\d,]+ (MB|bytes)) once uncompressed "
        r"\(the limit is (?P<limit>\S+)\)",
        N_("%(file)s is more than %(size)s once uncompressed (the limit is %(limit)s)."),
    ),
    (
        r"(?P<file>.+): is refused as a zip bomb: .*",
        N_("%(file)s is refused: it inflates far more than a real workbook (a zip bomb)."),
    ),
    (
        r"(?P<file>.+): line (?P<line>\d+) is longer than (?P<count>[\d,]+) characters, .*",
        N_("%(file)s: line %(line)s is longer than %(count)s characters."),
    ),
    (
        r"says the same as column (?P<column>.+); keep one",
        N_("says the same as column %(column)s; keep one of them."),
    ),
    (
        r"no name column: give full_name, family_name and given_name, or the Hangul name "
        r"columns",
        N_("no name column: choose a column for the full name, or family and given names."),
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
    # Deployments and the passport zone
    (
        r"empty \(or paste the machine-readable zone\)",
        N_("Empty: fill it in, or paste the passport's machine-readable zone."),
    ),
    (r"empty", N_("Empty.")),
    (_Q.format("value") + r" is not yes or no", N_("“%(value)s” is not yes or no.")),
    (
        r"unknown code " + _Q.format("value") + r" \(use one of: (?P<choices>.+)\)",
        N_("“%(value)s” is not a known code (use one of: %(choices)s)."),
    ),
    (
        r"(?P<typed>.+) differs from the machine-readable zone \((?P<read>.+)\)",
        N_("%(typed)s differs from the passport's machine-readable zone (%(read)s)."),
    ),
    (
        _Q.format("value") + r" is not a number of days from 1 to (?P<most>\d+)",
        N_("“%(value)s” is not a number of days from 1 to %(most)s."),
    ),
    (r"before entry_date", N_("The planned end is before the entry date.")),
    (
        r"no name: give the Latin or Hangul name",
        N_("No name: give the Latin or the Hangul name."),
    ),
    (
        r"deployments are registered from an employer's account",
        N_("Deployments are registered from an employer's account."),
    ),
    (
        r"line (?P<line>\d), (?P<where>positions? [\d-]+) \((?P<label>[^)]+)\): check digit is "
        r"(?P<found>\S+), computed (?P<computed>\d)",
        N_(
            "Line %(line)s, %(where)s (%(label)s): the check digit is %(found)s where "
            "%(computed)s was computed. Check the characters against the passport."
        ),
    ),
    (
        r"expected 2 lines of 44 characters, found (?P<count>\d+)",
        N_("The machine-readable zone is two lines of 44 characters; %(count)s were given."),
    ),
    (
        r"line (?P<line>\d): (?P<count>\d+) characters, expected 44",
        N_("Line %(line)s has %(count)s characters instead of 44."),
    ),
    # A list's cells
    (
        _Q.format("value") + r" is not a date in the form (?P<form>\S+)",
        N_("“%(value)s” is not a date in the form %(form)s."),
    ),
    (
        _Q.format("value") + r" is not a real date in the form (?P<form>\S+)",
        N_("“%(value)s” is not a real date in the form %(form)s."),
    ),
    (
        r"date of birth " + _Q.format("value") + r" is in the future",
        N_("The date of birth “%(value)s” is in the future."),
    ),
    (
        r"unknown country " + _Q.format("value") + r": write an ISO code .*",
        N_(
            "“%(value)s” is not a country this system reads: write an ISO code (KOR, KR, 410), "
            "an English name (South Korea, KOREA, SOUTH, Republic of Korea) or a Korean name "
            "(대한민국, 한국, 미국)."
        ),
    ),
    (
        _Q.format("value") + r" could be more than one country: write (?P<one>.+) or (?P<other>.+)",
        N_("“%(value)s” could be more than one country: write %(one)s or %(other)s."),
    ),
    (
        r"unknown sex " + _Q.format("value") + r" \(use M, F or X; male, female; 남, 여\)",
        N_("“%(value)s” is not a sex (use M, F or X; male, female; 남, 여)."),
    ),
    (
        r"passport number " + _Q.format("value") + r" should have 5 to 20 letters and digits",
        N_("The passport number “%(value)s” should have 5 to 20 letters and digits."),
    ),
    (
        _Q.format("value") + r" is not an ISO date-time like 2025-09-04T10:30",
        N_("“%(value)s” is not a date and time like 2025-09-04T10:30."),
    ),
    (r"no name", N_("no name")),
    (
        r"duplicate id " + _Q.format("value") + r" \(first on row (?P<row>\d+)\)",
        N_("the id “%(value)s” was already used on row %(row)s."),
    ),
    # Text bounded by its column, names that must be Hangul, contacts on one line
    (
        r"(?P<field>\w+): " + _LONG,
        N_("%(field)s: %(count)s characters, more than the %(limit)s allowed."),
    ),
    (_LONG, N_("%(count)s characters, more than the %(limit)s allowed.")),
    (
        r"the family name: " + _LONG,
        N_("The family name has %(count)s characters, more than the %(limit)s allowed."),
    ),
    (
        _Q.format("value") + r" is not a Hangul name \((?P<what>.+) in it\): write Hangul "
        r"syllables only",
        N_(
            "“%(value)s” is not a Hangul name: write it in Hangul syllables only, without "
            "spaces, Latin letters or digits."
        ),
    ),
    (
        _Q.format("value") + r" is not a Hangul name \((?P<what>.+) in it\): write Hangul "
        r"syllables, with at most one space after the family name",
        N_(
            "“%(value)s” is not a Hangul name: write it in Hangul syllables, with at most one "
            "space after the family name."
        ),
    ),
    (
        _Q.format("value") + r" holds a line break or another control character",
        N_("“%(value)s” holds a line break or another control character: write it on one line."),
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
        if parts.get("field") in FIELDS:
            parts["field"] = gettext(FIELDS[parts["field"]])
        return gettext(sentence) % parts
    return message
