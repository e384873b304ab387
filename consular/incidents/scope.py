"""Which incidents an actor may see: the one rule every incident and case lookup applies."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, false, or_, select, true

from consular.auth.permissions import Permission
from consular.auth.service import Actor
from consular.incidents.models import Incident, IncidentMember


def incident_scope(
    actor: Actor, permission: Permission = Permission.INCIDENT_READ
) -> ColumnElement[bool]:
    """A condition on ``Incident``: its post's incidents and those whose team the actor was
    added to; every post's for headquarters."""
    if not actor.can(permission):
        return false()
    if actor.post_id is None:
        return true()
    own_post = Incident.post_id == actor.post_id
    if actor.user_id is None:
        return own_post
    member_of = select(IncidentMember.incident_id).where(IncidentMember.user_id == actor.user_id)
    return or_(own_post, Incident.id.in_(member_of))


def readable_incidents(actor: Actor) -> Select[Incident]:
    return select(Incident).where(incident_scope(actor))
