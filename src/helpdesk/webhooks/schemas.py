from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, StrictBool, StrictStr, field_validator
from pydantic_core import PydanticCustomError

from helpdesk.events.models import EventType
from helpdesk.schemas import PatchModel, RequestModel, Trimmed
from helpdesk.webhooks.targets import MAX_URL_LENGTH, TargetRefused, check_form

ALL_EVENTS = "*"
MAX_DESCRIPTION_LENGTH = 500
Description = Annotated[StrictStr, Trimmed(0, MAX_DESCRIPTION_LENGTH)]
Url = Annotated[StrictStr, Field(max_length=MAX_URL_LENGTH)]


def _events(value: object) -> list[str]:
    if not isinstance(value, list) or not value:
        raise PydanticCustomError("value_error", 'a non-empty list of event types, or ["*"]')
    known = {each.value for each in EventType} | {ALL_EVENTS}
    for item in value:
        if not isinstance(item, str) or item not in known:
            allowed = ", ".join(sorted(known))
            raise PydanticCustomError("value_error", f"event types are among: {allowed}")
    return sorted(set(value))


def _url(value: str) -> str:
    try:
        check_form(value)
    except TargetRefused as refused:
        raise PydanticCustomError("value_error", str(refused)) from None
    return value


class WebhookCreate(RequestModel):
    url: Url
    events: list[str] = Field(description='Event types, or ["*"] for every one')
    description: Description = ""

    @field_validator("events", mode="before")
    @classmethod
    def _check_events(cls, value: object) -> list[str]:
        return _events(value)

    @field_validator("url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        return _url(value)


class WebhookUpdate(PatchModel):
    NOT_NULLABLE = ("url", "events", "active")

    url: Url | None = None
    events: list[str] | None = None
    description: Description | None = None
    active: StrictBool | None = None

    @field_validator("events", mode="before")
    @classmethod
    def _check_events(cls, value: object) -> list[str]:
        return _events(value)

    @field_validator("url")
    @classmethod
    def _check_url(cls, value: str | None) -> str | None:
        return None if value is None else _url(value)

    def changes(self) -> dict[str, object]:
        """The fields the caller sent; a null description means an empty one."""
        changes = super().changes()
        if "description" in changes and changes["description"] is None:
            changes["description"] = ""
        return changes


class WebhookOut(BaseModel):
    id: int
    url: str
    events: list[str]
    description: str
    active: bool
    failing_since: datetime | None = Field(description="Every delivery has failed since")
    deactivated_reason: str | None = Field(
        description="Why the service deactivated it (a day of failures); null otherwise"
    )
    created_at: datetime


class WebhookWithSecret(WebhookOut):
    secret: str = Field(description="whsec_ + base64 of 32 bytes: shown only now")


class DeliveryOut(BaseModel):
    id: int
    event_id: str
    event_type: str
    state: str = Field(description="pending, delivered or failed")
    attempts: int
    last_status_code: int | None
    last_error: str | None
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    created_at: datetime
