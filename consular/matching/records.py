"""Value types exchanged with the matching package: input records and explained links."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Decision(StrEnum):
    """What a matcher recommends doing with one list record."""

    MATCH = "match"
    REVIEW = "review"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """One person as written in the registry or in a host-authority list.

    Every field but ``id`` is optional: lists often carry only a name, sometimes only
    in Hangul, and dates of birth or passport numbers are frequently missing.
    """

    id: str
    family_name: str | None = None
    """Latin (passport) spelling of the family name."""
    given_name: str | None = None
    family_name_hangul: str | None = None
    given_name_hangul: str | None = None
    full_name: str | None = None
    """Unsplit Latin name: ``"KIM, MIN JUN"`` (FAMILY, GIVEN) or ``"MIN JUN KIM"``."""
    full_name_hangul: str | None = None
    """Unsplit Hangul name, family name first: ``"김민준"``."""
    date_of_birth: date | None = None
    sex: str | None = None
    """``"M"``, ``"F"`` or ``"X"``."""
    passport_number: str | None = None
    nationality: str | None = None
    """ISO 3166 alpha-3 code."""
    country_of_birth: str | None = None
    """ISO 3166 alpha-3 code."""
    address: str | None = None
    """Home address on one line (house number, street, town), as a list writes it."""
    postcode: str | None = None
    host_identifier: str | None = None
    """The host authority's number for the person (a US A-number); on the registry side,
    the numbers already linked to the person."""
    employers: tuple[str, ...] = ()
    worksites: tuple[str, ...] = ()
    """Where the person worked: on a list, the worksite raided; in the registry, the
    worksites of the person's deployments at the time."""
    """Employers as written: the list's employer column, or the person's deployments."""
    written_birth_date: str | None = None
    """A list's birth date that cannot be true (in the future, 30 February), its digits as
    written (``"20521115"``), with ``date_of_birth`` left empty: compared with a registry
    date as a possible typing error. Registry records never set it."""


# Readable labels and outcome phrases used by Candidate.explanation().
_FIELD_LABELS = {
    "passport_number": "passport",
    "name": "name",
    "date_of_birth": "date of birth",
    "sex": "sex",
    "nationality": "nationality",
    "address": "address",
    "postcode": "postcode",
    "host_identifier": "A-number",
    "employer": "employer",
    "worksite": "worksite",
}
_OUTCOME_PHRASES = {"swapped_day_month": "day and month swapped", "typo": "one typing error"}


@dataclass(frozen=True, slots=True)
class FieldEvidence:
    """How one field of a list record compares with the same field of a registry record.

    The evidence is structured (a field, an outcome, the values and notes, all codes or
    values): a caller puts it in the reader's words; ``summary`` gives it in English.
    """

    field: str
    """``"passport_number"``, ``"name"``, ``"date_of_birth"``, ``"sex"``,
    ``"nationality"``, ``"address"``, ``"postcode"``, ``"host_identifier"``,
    ``"employer"`` or ``"worksite"``."""
    outcome: str
    """The agreement level: ``"exact"``, ``"variant"``, ``"typo"``, ``"similar"``,
    ``"given_only"``, ``"surname_only"``, ``"one_character"``, ``"one_digit"``,
    ``"swapped_day_month"`` or ``"different"``."""
    weight: float
    """Log-likelihood-style contribution: positive for agreement, negative for
    disagreement, zero when nothing can be said."""
    values: tuple[str, str]
    """The compared values, list side first: ``("1990-03-04", "1990-04-03")``."""
    notes: tuple[tuple[str, ...], ...] = ()
    """How the values were read, each a code and its values: ``("swapped",)`` (family and
    given names read swapped), ``("scripts", "latin", "hangul")`` (the two sides' scripts),
    ``("namesakes", "3")`` (persons of the registry with the name), ``("as_written",)``
    (the list's birth date cannot be true: its digits as written)."""

    @property
    def detail(self) -> str:
        """The compared values in short English text, list side first, e.g.
        ``"1990-03-04 / 1990-04-03"`` or ``"KIM MINJUN / 김민준 KIM MINJUN (2 in the
        registry)"``."""
        codes = {note[0]: note[1:] for note in self.notes}
        mine, theirs = self.values
        if "as_written" in codes:
            mine += " as written"
        how = []
        if "swapped" in codes:
            how.append("family and given names swapped")
        if "scripts" in codes:
            how.append(" vs ".join(codes["scripts"]))
        if "namesakes" in codes:
            how.append(f"{codes['namesakes'][0]} in the registry")
        text = f"{mine} / {theirs}"
        return f"{text} ({', '.join(how)})" if how else text

    def summary(self) -> str:
        """Render this evidence as one readable phrase, e.g. ``"passport exact (M1234)"``."""
        label = _FIELD_LABELS.get(self.field, self.field.replace("_", " "))
        phrase = _OUTCOME_PHRASES.get(self.outcome, self.outcome.replace("_", " "))
        return f"{label} {phrase} ({self.detail})"


@dataclass(frozen=True, slots=True)
class Candidate:
    """A registry person proposed for a list record, with the evidence behind it."""

    registry_id: str
    probability: float
    """Probability, between 0 and 1, that the list record is this registry person."""
    evidence: tuple[FieldEvidence, ...]

    def __post_init__(self) -> None:
        if not 0.0 <= self.probability <= 1.0:
            raise ValueError(f"probability must be between 0 and 1, got {self.probability}")

    def explanation(self) -> str:
        """Join the evidence into one readable line.

        Example: ``"passport exact (M12345678); name exact (KIM MINJUN); date of birth
        exact (1990-03-15)"``.
        """
        return "; ".join(item.summary() for item in self.evidence)


class Hold(StrEnum):
    """Why a candidate likely enough to be linked automatically is left to an officer."""

    BIRTH_DATE_DIFFERS = "birth_date_differs"
    """The birth dates disagree, however slightly, and no identifier agrees."""
    NAME_PART_ONLY = "name_part_only"
    """Only the given name (or only the surname) is shared, and neither the passport nor the
    A-number agrees."""
    CONFLICT = "conflict"
    """Another nationality or the other sex, without the passport."""
    HOST_IDENTIFIER_DIFFERS = "host_identifier_differs"
    """The person already has another A-number in this incident."""
    HOST_IDENTIFIER_TAKEN = "host_identifier_taken"
    """The row's A-number is already another person's."""


_HOLD_PHRASES = {
    Hold.BIRTH_DATE_DIFFERS: "the date of birth differs ({detail}) and no passport, "
    "A-number, employer or worksite agrees",
    Hold.NAME_PART_ONLY: "only part of the name is shared ({detail}) and neither the "
    "passport nor the A-number agrees",
    Hold.CONFLICT: "{detail} differs and the passport does not agree",
    Hold.HOST_IDENTIFIER_DIFFERS: "the person already has another A-number ({detail})",
    Hold.HOST_IDENTIFIER_TAKEN: "the A-number is already another person's ({detail})",
}


@dataclass(frozen=True, slots=True)
class Link:
    """The outcome of matching one list record against the registry."""

    record_id: str
    decision: Decision
    candidates: tuple[Candidate, ...]
    """Best first, at most five; empty when nothing plausible was found."""
    hold: Hold | None = None
    """Why the best candidate went to review although it was likely enough for a match."""
    hold_detail: str = ""
    """The disagreeing values behind ``hold``, e.g. ``"1985-03-02 / 1982-03-02"``."""
    hold_field: str = ""
    """The field behind ``hold`` (``"date_of_birth"``, ``"sex"`` …), its evidence among the
    best candidate's."""

    @property
    def note(self) -> str:
        """Why an officer is asked, in one line ("" when nothing was held back)."""
        if self.hold is None:
            return ""
        return "held for review: " + _HOLD_PHRASES[self.hold].format(detail=self.hold_detail)

    @property
    def best(self) -> Candidate | None:
        """The most probable candidate, or ``None`` when there is none."""
        return self.candidates[0] if self.candidates else None
