from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from consular.db import Base, utcnow

INDEX_KEY_ID = "index"


class DataKey(Base):
    """A key this database's sealed values need, by its fingerprint only, never the key.

    ``purpose`` is ``data`` (one of them ``current``: new values are sealed under it) or
    ``index`` (the blind-index key, id ``index``). A retired key seals nothing any more.
    """

    __tablename__ = "data_key"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    purpose: Mapped[str] = mapped_column(String(8))
    fingerprint: Mapped[str] = mapped_column(String(64))
    current: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(default=None)
