from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field


class EmergencyContactRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    relationship_to_person: str
    phone: str
    email: str
    language: str


class PersonRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    registry_ref: str | None
    family_name_hangul: str | None
    given_name_hangul: str | None
    family_name: str | None
    given_name: str | None
    other_spellings: list[str]
    sex: str | None
    date_of_birth: date | None
    nationality: str
    passport_number_masked: str | None = Field(
        description="Sensitive: only the last 3 characters are shown."
    )


class PersonCreate(BaseModel):
    family_name_hangul: str | None = None
    given_name_hangul: str | None = None
    family_name: str | None = None
    given_name: str | None = None
    sex: str | None = None
    date_of_birth: date | None = None
    nationality: str = "KOR"
    passport_number: str | None = None
    phone: str = ""
    email: str = ""
