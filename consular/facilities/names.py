"""A facility as the lists and officers write it, matched to the post's directory entry.

Two names are the same facility when they are equal after casefolding and collapsing
whitespace (``folkston  ice processing center`` is ``Folkston ICE Processing Center``).
Custody records and list imports use this to link a case to its entry; nothing else is
guessed (a misspelt name stays free text until a supervisor merges it).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from consular.facilities.models import Facility


def name_key(name: str) -> str:
    """What two writings of one facility's name have in common."""
    return " ".join(name.split()).casefold()


def directory_of(db: Session, post_id: str) -> dict[str, str]:
    """The post's entries by ``name_key`` of their name: the entry's id."""
    rows = db.execute(select(Facility.id, Facility.name).where(Facility.post_id == post_id))
    return {name_key(name): entry_id for entry_id, name in rows}


def entry_named(db: Session, post_id: str, name: str | None) -> str | None:
    """The id of the post's entry ``name`` writes, if there is one."""
    if not name or not name.strip():
        return None
    return directory_of(db, post_id).get(name_key(name))
