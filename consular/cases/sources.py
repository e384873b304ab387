"""Where a case's facts came from: a row of a list. The case keeps it as text, with its
custody record and in its audit events (``host_authority list ice-0905.csv row 4``); a
page shows it as a sentence in the reader's language ("현지 당국 명단 4행에서")."""

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
_LIST_ROW = re.compile(r"(?P<kind>[a-z_]+) list (?P<file>.+) row (?P<row>\d+)")
_TRANSFER = re.compile(
    r"host list (?P<file>.+) row (?P<row>\d+) \(earlier list (?P<earlier>.+): (?P<facility>.*)\)"
)
_NO_FACILITY = "no facility"


def list_row(kind: str, file_name: str, row: int) -> str:
    """The row as a case keeps it: ``host_authority list ice-0905.csv row 4``."""
    return f"{kind} list {file_name} row {row}"


def transfer_note(file_name: str, row: int | None, earlier: str, facility: str | None) -> str:
    """The custody note of a transfer a newer host list showed, as kept."""
    return f"host list {file_name} row {row} (earlier list {earlier}: {facility or _NO_FACILITY})"


def from_row(kind: str, file_name: str, row: int | str) -> Message | str:
    """ "From the host authority's list, row 4 (ice-0905.csv)", translated where shown."""
    if kind not in _FROM_ROW:
        return list_row(kind, file_name, int(row))
    return Message(f"source.{kind}", _FROM_ROW[kind], row=row, file=file_name)


def source_shown(text: str) -> Message | str:
    """A kept source as a sentence; a source that is not a list's row stays as it is."""
    found = _LIST_ROW.fullmatch(text.removeprefix("from "))
    if found is None:
        return text
    return from_row(found["kind"], found["file"], found["row"])


def custody_note(note: str) -> Message | str:
    """A custody record's note as a sentence when a list wrote it; an officer's note as is."""
    transfer = _TRANSFER.fullmatch(note)
    if transfer is None:
        return source_shown(note) if note.startswith("from ") else note
    facility = transfer["facility"]
    return Message(
        "source.host_transfer",
        N_("%(source)s; on the earlier list (%(earlier)s): %(facility)s"),
        source=from_row("host_authority", transfer["file"], transfer["row"]),
        earlier=transfer["earlier"],
        facility=Message("source.no_facility", N_("no facility"))
        if facility == _NO_FACILITY
        else facility,
    )
