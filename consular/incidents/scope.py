"""Which incidents an actor may see: the one rule every incident and case lookup applies."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, false, select, true

from consular.auth.permissions import Permission
from consular.auth.service import Actor
from consular.incidents.models import Incident


def incident_scope(
    actor: Actor, permission: Permission = Permission.INCIDENT_READ
) -> ColumnElement[bool]:
    """A condition on ``Incident``: its post's incidents, every post's for headquarters."""
    if not actor.can(permission):
        return false()
    if actor.post_id is not None:
        return Incident.post_id == actor.post_id
    return true()


def readable_incidents(actor: Actor) -> Select[Incident]:
    return select(Incident).where(incident_scope(actor))
