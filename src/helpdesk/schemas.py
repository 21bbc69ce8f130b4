"""Pieces every request schema shares: strict parsing, unknown fields refused, trimmed
text whose blank value counts as missing."""

from collections.abc import Callable
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    StrictStr,
    field_validator,
)
from pydantic_core import PydanticCustomError


class RequestModel(BaseModel):
    # A typo is an error, not a no-op. Text and numbers use StrictStr/StrictInt below:
    # "5" is not an id and 5 is not a title (enums stay lax: JSON can only send strings).
    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
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


def _trimmed(min_length: int, max_length: int) -> Callable[[str], str]:
    def check(value: str) -> str:
        value = value.strip()
        if min_length and not value:
            raise PydanticCustomError("field_required", "must not be blank")
        if len(value) > max_length:
            raise PydanticCustomError(
                "string_too_long", "must be at most {max} characters", {"max": max_length}
            )
        return value

    return check


def Trimmed(min_length: int, max_length: int) -> AfterValidator:
    """Text stripped of surrounding whitespace; with min_length, blank means missing."""
    return AfterValidator(_trimmed(min_length, max_length))


TitleText = Annotated[StrictStr, Trimmed(1, 200)]

# Ids (and offsets) are PostgreSQL integers; a larger number cannot name a row and must not
# reach the driver.
MAX_ID = 2**31 - 1
Id = Annotated[StrictInt, Field(ge=1, le=MAX_ID)]
