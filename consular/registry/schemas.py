from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from consular.fields import limit_of, parse_contact, parse_hangul_name, parse_text
from consular.registry.models import Person, PersonMerge


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
    merged_into_id: str | None = Field(
        None, description="Set when merged into another person: that person's id."
    )


class PersonMergeCreate(BaseModel):
    duplicate_id: str = Field(description="The person merged into the one in the path")
    reason: str = Field(max_length=limit_of(PersonMerge.reason))
    dry_run: bool = Field(False, description="Say what would move; change nothing")


class PersonMergeRead(BaseModel):
    id: str | None = Field(description="The merge (none for a dry run)")
    kept_id: str
    duplicate_id: str
    moved: dict[str, int] = Field(description="How many of each kind of row moved (would move)")
    dry_run: bool
    undone: bool = False


class PersonUnmerge(BaseModel):
    reason: str = Field(max_length=limit_of(PersonMerge.undo_reason))


def _limit(column: Any) -> Any:
    return Field(None, max_length=limit_of(column))


class PersonCreate(BaseModel):
    """A new person; each text is bounded by its column, names are one line, Hangul names
    are Hangul, and a contact value with a line break is refused."""

    family_name_hangul: str | None = _limit(Person.family_name_hangul)
    given_name_hangul: str | None = _limit(Person.given_name_hangul)
    family_name: str | None = _limit(Person.family_name)
    given_name: str | None = _limit(Person.given_name)
    sex: str | None = None
    date_of_birth: date | None = None
    nationality: str = Field("KOR", max_length=limit_of(Person.nationality))
    passport_number: str | None = _limit(Person.passport_number)
    phone: str = Field("", max_length=limit_of(Person.phone))
    email: str = Field("", max_length=limit_of(Person.email))

    @field_validator("family_name_hangul", "given_name_hangul")
    @classmethod
    def _hangul(cls, value: str | None, info: ValidationInfo) -> str | None:
        name = info.field_name or ""
        return None if value is None else parse_hangul_name(value, limit_of(getattr(Person, name)))

    @field_validator("family_name", "given_name")
    @classmethod
    def _one_line(cls, value: str | None, info: ValidationInfo) -> str | None:
        name = info.field_name or ""
        return None if value is None else parse_text(value, limit_of(getattr(Person, name))) or None

    @field_validator("phone", "email")
    @classmethod
    def _contact(cls, value: str, info: ValidationInfo) -> str:
        return parse_contact(value, limit_of(getattr(Person, info.field_name or "")))
