"""Pieces every request schema shares: strict parsing, unknown fields refused, trimmed
text whose blank value counts as missing."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, ClassVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    StrictInt,
    StrictStr,
    ValidationInfo,
    field_validator,
)
from pydantic.config import JsonDict
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from helpdesk.text import canonical


class RequestModel(BaseModel):
    # A typo is an error, not a no-op. Text and numbers use StrictStr/StrictInt below:
    # "5" is not an id and 5 is not a title (enums stay lax: JSON can only send strings).
    model_config = ConfigDict(extra="forbid")

    # Before every field's own rules, so that one that drops characters (a name loses its
    # invisible ones) never hides a NUL that must be refused.
    @field_validator("*", mode="before")
    @classmethod
    def _storable_text(cls, value: object) -> object:
        # PostgreSQL text holds neither NUL nor lone surrogates ("\ud800" is valid JSON but
        # not UTF-8): a 400 here, not a 500 from the driver later.
        if isinstance(value, str):
            if "\x00" in value:
                raise PydanticCustomError("string_nul", "must not contain the NUL character")
            try:
                value.encode()
            except UnicodeEncodeError:
                raise PydanticCustomError("string_unicode", "must be valid Unicode text") from None
        return value


def _document_not_nullable(schema: JsonDict, model: type[BaseModel]) -> None:
    """A PatchModel's NOT_NULLABLE fields documented by their one non-null type: optional,
    but never null."""
    properties = schema["properties"]
    assert isinstance(properties, dict)
    for name in getattr(model, "NOT_NULLABLE", ()):
        field = properties[name]
        assert isinstance(field, dict)
        options = field.pop("anyOf")
        assert isinstance(options, list)
        [kept] = [option for option in options if option != {"type": "null"}]
        assert isinstance(kept, dict)
        field.update(kept)


class PatchModel(RequestModel):
    """A partial change (PATCH): a field left out stays as it is; one of NOT_NULLABLE may
    be left out but not sent as null (400 on that field)."""

    NOT_NULLABLE: ClassVar[tuple[str, ...]] = ()
    model_config = ConfigDict(json_schema_extra=_document_not_nullable)

    @field_validator("*", mode="before")
    @classmethod
    def _not_null(cls, value: object, info: ValidationInfo) -> object:
        # Runs only for the fields that were sent.
        if value is None and info.field_name in cls.NOT_NULLABLE:
            raise PydanticCustomError("null_not_allowed", "may not be null")
        return value

    def changes(self) -> dict[str, Any]:
        """The fields the caller sent."""
        return self.model_dump(exclude_unset=True)


def iso_utc(moment: datetime) -> str:
    """A time as the API writes it inside JSON it composes itself (timeline meta, event
    payloads): ISO 8601, UTC as Z."""
    return moment.isoformat().replace("+00:00", "Z")


def _trimmed(min_length: int, max_length: int) -> Callable[[str], str]:
    def check(value: str) -> str:
        # One spelling of each character (NFC), as search reads it: "e" and a combining
        # accent are stored as "é", so the word typed either way finds the other.
        value = canonical(value).strip()
        if min_length and not value:
            raise PydanticCustomError("field_required", "must not be blank")
        if len(value) > max_length:
            raise PydanticCustomError(
                "string_too_long", "must be at most {max} characters", {"max": max_length}
            )
        return value

    return check


@dataclass(frozen=True, slots=True)
class Trimmed:
    """Text composed (NFC) and stripped of surrounding whitespace; with min_length, blank
    means missing."""

    min_length: int
    max_length: int

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        check = _trimmed(self.min_length, self.max_length)
        return core_schema.no_info_after_validator_function(check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        documented = handler(schema)
        if self.min_length:
            # Documented, not enforced by pydantic (its "" would be a FIELD_INVALID; blank
            # text is a FIELD_REQUIRED). No maxLength: the maximum counts the trimmed text.
            documented["minLength"] = self.min_length
        return documented


MAX_TITLE_LENGTH = 200
TitleText = Annotated[StrictStr, Trimmed(1, MAX_TITLE_LENGTH)]

# Ids (and offsets) are PostgreSQL integers; a larger number cannot name a row and must not
# reach the driver.
MAX_ID = 2**31 - 1
Id = Annotated[StrictInt, Field(ge=1, le=MAX_ID)]
