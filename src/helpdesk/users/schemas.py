"""What an admin sends to change someone's account."""

from typing import Any

from pydantic import ConfigDict, StrictBool, field_validator
from pydantic.config import JsonDict
from pydantic_core import PydanticCustomError

from helpdesk.auth.models import Role
from helpdesk.auth.schemas import PersonName
from helpdesk.schemas import RequestModel

_FIELDS = ("role", "name", "active")


def _document_not_nullable(schema: JsonDict) -> None:
    """Each field by its one non-null type: optional, but never null."""
    properties = schema["properties"]
    assert isinstance(properties, dict)
    for name in _FIELDS:
        field = properties[name]
        assert isinstance(field, dict)
        options = field.pop("anyOf")
        assert isinstance(options, list)
        [kept] = [option for option in options if option != {"type": "null"}]
        assert isinstance(kept, dict)
        field.update(kept)


class UserUpdate(RequestModel):
    """PATCH /api/users/{id}: at least one field; those left out stay as they are."""

    model_config = ConfigDict(json_schema_extra=_document_not_nullable)

    role: Role | None = None
    name: PersonName | None = None
    active: StrictBool | None = None

    @field_validator(*_FIELDS, mode="before")
    @classmethod
    def _not_null(cls, value: object) -> object:
        # Only runs for fields that were sent: leaving one out is fine, null is not.
        if value is None:
            raise PydanticCustomError("null_not_allowed", "may not be null")
        return value

    def changes(self) -> dict[str, Any]:
        """The fields the caller sent."""
        return self.model_dump(exclude_unset=True)
