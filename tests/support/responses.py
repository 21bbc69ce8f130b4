"""What the API's answers look like: the error format, a ticket's fields, a timestamp."""

import re
from typing import Any

import httpx

# What every ticket in a response carries.
TICKET_FIELDS = {
    "id",
    "title",
    "description",
    "status",
    "priority",
    "requester_id",
    "assignee_id",
    "requester",
    "assignee",
    "follow_up_of",
    "sla_minutes",
    "due_at",
    "breached",
    "first_response_due_at",
    "first_responded_at",
    "first_response_breached",
    "sla_paused",
    "sla_remaining_minutes",
    "resolved_at",
    "version",
    "created_at",
    "updated_at",
    "allowed_fields",
}
# What every comment carries; a person (requester, assignee, author, actor) is named with
# their role, and with their email to agents and admins (PERSON_FIELDS | {"email"}).
COMMENT_FIELDS = {"id", "ticket_id", "author_id", "author", "body", "internal", "created_at"}
PERSON_FIELDS = {"id", "name", "role"}
ISO_8601_WITH_OFFSET = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")


def as_a_requester_reads(comment: dict[str, Any]) -> dict[str, Any]:
    """A comment as its staff author got it back, as a requester reads it: the same, but
    the author without an email."""
    author = {key: value for key, value in comment["author"].items() if key != "email"}
    return comment | {"author": author}


def assert_error(
    response: httpx.Response, status: int, code: str, field: str | None = None
) -> None:
    """The project's error format, with the expected status, code and field."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}, body
    assert body["error"]["code"] == code, body
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    if field is None:
        assert "field" not in body["error"], body
    else:
        assert body["error"].get("field") == field, body
