from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from consular.facilities.models import Facility
from consular.fields import limit_of


class FacilityCreate(BaseModel):
    """A new entry of the post's directory; phones are read in its country (E.164 back)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=limit_of(Facility.name))
    operator: str = Field("", max_length=limit_of(Facility.operator))
    address: str = Field("", max_length=limit_of(Facility.address))
    city: str = Field("", max_length=limit_of(Facility.city))
    region: str = Field(
        "", max_length=limit_of(Facility.region), description="State or province, e.g. GA"
    )
    country: str = Field("", description="Country (ISO 3166 or a name); the post's if empty")
    phone: str = Field("", max_length=limit_of(Facility.phone))
    visiting_hours: str = Field("", max_length=limit_of(Facility.visiting_hours))
    field_office: str = Field("", max_length=limit_of(Facility.field_office))
    field_office_phone: str = Field("", max_length=limit_of(Facility.field_office_phone))
    field_office_email: str = Field("", max_length=limit_of(Facility.field_office_email))
    notes: str = Field("", max_length=limit_of(Facility.notes))
    post_id: str | None = Field(None, description="The post (headquarters only)")


class FacilityUpdate(BaseModel):
    """A change to an entry: only the fields given change; ``version`` as last read."""

    model_config = ConfigDict(extra="forbid")

    version: int
    name: str | None = Field(None, min_length=1, max_length=limit_of(Facility.name))
    operator: str | None = None
    address: str | None = None
    city: str | None = None
    region: str | None = None
    country: str | None = None
    phone: str | None = None
    visiting_hours: str | None = None
    field_office: str | None = None
    field_office_phone: str | None = None
    field_office_email: str | None = None
    notes: str | None = None


class FacilityRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    post_id: str
    name: str
    operator: str
    address: str
    city: str
    region: str
    country: str
    phone: str = Field(description="E.164")
    visiting_hours: str
    field_office: str
    field_office_phone: str = Field(description="E.164")
    field_office_email: str
    notes: str
    version: int
    updated_at: datetime
    held: int = Field(0, description="People of the post's open incidents held there")
