"""The filters of GET /api/users, validated once."""

from typing import Annotated, Literal

from fastapi import Depends, Path, Query

from helpdesk import text
from helpdesk.auth.models import Role
from helpdesk.schemas import MAX_ID
from helpdesk.users.service import MAX_USER_QUERY_LENGTH, UserFilters

UserId = Annotated[int, Path(ge=1, le=MAX_ID)]


def _query(typed: str | None) -> str | None:
    """The query in the spelling names and emails are stored in (NFKC, nothing invisible:
    "ada" typed in full-width letters finds "ada"), trimmed; None when nothing is left."""
    if typed is None:
        return None
    return text.without_invisible(text.compatible(typed)).strip() or None


async def user_filters(
    role: Annotated[Role | None, Query(description="Only accounts with this role")] = None,
    active: Annotated[
        Literal["true", "false"] | None,
        Query(
            description="`true`: only active accounts; `false`: only deactivated ones",
            json_schema_extra={"enum": ["true", "false"]},
        ),
    ] = None,
    query: Annotated[
        str | None,
        Query(
            description="A part of the name or of the email, in any case",
            max_length=MAX_USER_QUERY_LENGTH,
        ),
    ] = None,
) -> UserFilters:
    return UserFilters(
        role=role, active=None if active is None else active == "true", query=_query(query)
    )


UserFiltersDep = Annotated[UserFilters, Depends(user_filters)]
