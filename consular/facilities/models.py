"""A post's directory of detention facilities."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consular.auth.models import Post
from consular.db import Base, Timestamps, UUIDPrimaryKey


class Facility(UUIDPrimaryKey, Timestamps, Base):
    """A place where the host authority holds people: where custody records say a person is,
    where visits are planned, and what a family is told (its city and the post's phone).

    Its phones are stored in E.164 (``consular.phones``). ``name`` is how the host authority
    and the lists write it (``Folkston ICE Processing Center``); a case's free-text facility
    of that name is this entry's.
    """

    __tablename__ = "facility"
    __table_args__ = (UniqueConstraint("post_id", "name"),)

    post_id: Mapped[str] = mapped_column(ForeignKey("post.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    operator: Mapped[str] = mapped_column(String(200), default="")  # GEO Group, CoreCivic…
    address: Mapped[str] = mapped_column(String(300), default="")
    city: Mapped[str] = mapped_column(String(120), default="")
    # State, province or region, as the address writes it (GA).
    region: Mapped[str] = mapped_column(String(80), default="")
    country: Mapped[str] = mapped_column(String(3), default="USA")
    phone: Mapped[str] = mapped_column(String(20), default="")
    visiting_hours: Mapped[str] = mapped_column(Text, default="", info={"max_length": 1000})
    # The host agency's field office in charge of it (ICE Atlanta Field Office) and its contact.
    field_office: Mapped[str] = mapped_column(String(200), default="")
    field_office_phone: Mapped[str] = mapped_column(String(20), default="")
    field_office_email: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="", info={"max_length": 2000})
    version: Mapped[int] = mapped_column(Integer, default=1)

    post: Mapped[Post] = relationship(lazy="joined")
