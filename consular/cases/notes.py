"""What the product itself writes on a case: where a fact came from (a row of a list), a
transfer a newer list showed, a link made for a review decision, a departure. They are kept
as text (``host_authority list ice-0905.csv row 4``) with the case's custody, notes and audit
events; a page shows them as sentences in the reader's language ("현지 당국 명단 4행에서").
Each is written and read back here, so the two never drift apart."""

from __future__ import annotations

import re

from consular.i18n import N_
from consular.i18n.message import Message

_FROM_ROW = {
    "host_authority": N_("from the host authority's list, row %(row)s (%(file)s)"),
    "employer": N_("from the employer's list, row %(row)s (%(file)s)"),
    "family": N_("from the family's list, row %(row)s (%(file)s)"),
    "consular_interview": N_("from the consular interview list, row %(row)s (%(file)s)"),
}
_NO_FACILITY = "no facility"
_LIST_ROW = re.compile(r"(?:from )?(?P<kind>[a-z_]+) list (?P<file>.+) row (?P<row>\d+)")
_TRANSFER = re.compile(
    r"host list (?P<file>.+) row (?P<row>\d+) \(earlier list (?P<earlier>.+): (?P<facility>.*)\)"
)
_SAME_PERSON = re.compile(r"same person as row (?P<row>\d+) of (?P<file>.+)")
_DEPARTURE = re.compile(r"departed on (?P<flight>.+)")


def list_row(kind: str, file_name: str, row: int) -> str:
    """A list's row as a case keeps it: ``host_authority list ice-0905.csv row 4``."""
    return f"{kind} list {file_name} row {row}"


def transfer_note(file_name: str, row: int | None, earlier: str, facility: str | None) -> str:
    """The custody note of a transfer a newer host list showed."""
    return f"host list {file_name} row {row} (earlier list {earlier}: {facility or _NO_FACILITY})"


def same_person_note(row: int, file_name: str) -> str:
    """The note of a row linked because a review decision named its person."""
    return f"same person as row {row} of {file_name}"


def departure_note(carrier: str, number: str) -> str:
    """The note of a case moved to departed with its flight."""
    return f"departed on {carrier} {number}"


def from_row(kind: str, file_name: str, row: int | str) -> Message | str:
    """ "From the host authority's list, row 4 (ice-0905.csv)", translated where shown."""
    if kind not in _FROM_ROW:
        return list_row(kind, file_name, int(row))
    return Message(f"source.{kind}", _FROM_ROW[kind], row=row, file=file_name)


def shown_note(note: str) -> Message | str:
    """A note as a sentence when the product wrote it; an officer's own note as written."""
    if found := _LIST_ROW.fullmatch(note):
        return from_row(found["kind"], found["file"], found["row"])
    if found := _TRANSFER.fullmatch(note):
        facility = found["facility"]
        return Message(
            "note.host_transfer",
            N_("%(source)s; on the earlier list (%(earlier)s): %(facility)s"),
            source=from_row("host_authority", found["file"], found["row"]),
            earlier=found["earlier"],
            facility=Message("note.no_facility", N_("no facility"))
            if facility == _NO_FACILITY
            else facility,
        )
    if found := _SAME_PERSON.fullmatch(note):
        said = N_("the same person as row %(row)s of %(file)s")
        return Message("note.same_person", said, row=found["row"], file=found["file"])
    if found := _DEPARTURE.fullmatch(note):
        return Message(
            "note.departure", N_("departed on flight %(flight)s"), flight=found["flight"]
        )
    return note
