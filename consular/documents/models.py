"""What a detained person travels home on: their passport, or a travel certificate the post
issues; and where their passport is meanwhile."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consular.auth.models import Post
from consular.cases.models import Case
from consular.db import Base, Timestamps, UUIDPrimaryKey
from consular.sealing import SealedText

PASSPORT = "passport"
TRAVEL_CERTIFICATE = "travel_certificate"
OTHER = "other"
KINDS = (PASSPORT, TRAVEL_CERTIFICATE, OTHER)
# Where the person's own passport is: with the host authority (ICE keeps it until removal),
# with the post, back with the person, or lost or not known.
WHEREABOUTS = ("authority", "consulate", "person", "unknown")
# How long a travel certificate serves, as the post's practice has it.
VALIDITIES = ("single_journey", "one_year")


class TravelDocument(UUIDPrimaryKey, Timestamps, Base):
    """The one document a case's person travels on, and where their passport is.

    Its number identifies the person: sealed at rest like a passport number, and unique
    within the post by its blind index (the same number at another post is another
    document). ``Case.travel_document``, the label the manifest and the bulk actions read,
    is kept equal to ``label_of(record)`` by every change of either.
    """

    __tablename__ = "travel_document"
    __table_args__ = (UniqueConstraint("post_id", "number_index"),)

    case_id: Mapped[str] = mapped_column(
        ForeignKey("case_file.id", ondelete="CASCADE"), unique=True
    )
    # The post that records it (and issued it, for a travel certificate).
    post_id: Mapped[str] = mapped_column(ForeignKey("post.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    number: Mapped[str | None] = mapped_column(
        SealedText("travel_document.number"),
        info={"max_length": 20, "blind_index": ("number_index", "passport")},
    )
    number_index: Mapped[str | None] = mapped_column(String(32))
    issued_on: Mapped[date | None]
    expires_on: Mapped[date | None]
    validity: Mapped[str] = mapped_column(String(24), default="")
    passport_whereabouts: Mapped[str] = mapped_column(String(24), default="unknown")
    # The officer who issued a travel certificate, and how often it was printed.
    issued_by: Mapped[str] = mapped_column(String(120), default="")
    printed: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)

    case: Mapped[Case] = relationship(lazy="joined")
    post: Mapped[Post] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


def label_of(kind: str, whereabouts: str) -> str:
    """The case's travel document label (``Case.travel_document``) this record stands for:
    a passport travels when someone holds it for the person, not when it is lost."""
    if kind == TRAVEL_CERTIFICATE:
        return "travel_certificate"
    if kind == OTHER:
        return "other_document"
    if whereabouts == "authority":
        return "passport_held"
    if whereabouts in ("consulate", "person"):
        return "own_passport"
    return ""


def from_label(label: str, whereabouts: str) -> tuple[str, str]:
    """The kind and passport whereabouts a label sets (``label_of``'s way back)."""
    if label == "passport_held":
        return PASSPORT, "authority"
    if label == "own_passport":
        return PASSPORT, whereabouts if whereabouts in ("consulate", "person") else "person"
    if label == "travel_certificate":
        return TRAVEL_CERTIFICATE, whereabouts
    if label == "other_document":
        return OTHER, whereabouts
    return PASSPORT, "unknown"
