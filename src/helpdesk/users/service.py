"""The people of the desk: the list staff look them up in, who is staff, and what an admin
changes of an account (role, name, deactivation), with the rule that the desk always keeps
an active admin."""

from dataclasses import dataclass
from typing import Any

import asyncpg

from helpdesk.auth import repository as auth_repository
from helpdesk.auth.models import STAFF_ROLES, Role, User
from helpdesk.errors import (
    CannotChangeOwnAccount,
    FieldRequired,
    Forbidden,
    LastAdmin,
    NotFound,
)
from helpdesk.pagination import PageParams
from helpdesk.users import repository

# The longest `query` GET /api/users takes: a name is at most 100 characters.
MAX_USER_QUERY_LENGTH = 100


@dataclass(frozen=True, slots=True)
class UserFilters:
    role: Role | None = None
    active: bool | None = None
    # A part of the name or of the email, in any case; already normalized (see
    # users.dependencies), never blank.
    query: str | None = None


async def list_users(
    connection: asyncpg.Connection, *, filters: UserFilters, page: PageParams
) -> list[User]:
    """A page of accounts by id, one more than the page holds (make_page tells whether
    there is a next one)."""
    return await repository.page(
        connection,
        role=filters.role,
        active=filters.active,
        query=filters.query,
        limit=page.limit + 1,
        offset=page.offset,
    )


async def is_staff_user(connection: asyncpg.Connection, *, user_id: int) -> bool:
    """Whether the account may be given tickets: an agent or an admin, not deactivated."""
    return await repository.active_role(connection, user_id=user_id) in STAFF_ROLES


def _takes_admin_away(changes: dict[str, Any]) -> str | None:
    """The field of `changes` that would take an admin's rights away, if any: `active`
    when the account is deactivated, else `role` when it is given another one."""
    if changes.get("active") is False:
        return "active"
    if changes.get("role", Role.admin) != Role.admin:
        return "role"
    return None


async def update_user(
    connection: asyncpg.Connection, *, caller: User, user_id: int, changes: dict[str, Any]
) -> User:
    """Apply an admin's `changes` (role, name, active) to an account, in the request's
    transaction.

    No admin demotes or deactivates themselves, and the last active admin is never
    demoted or deactivated. Deactivation also revokes every token the account holds
    (token_version), so that a reactivation does not bring them back.

    Two admins demoting each other at once would each count two admins and leave none:
    the active admins' rows are locked first, so the second waits for the first; once the
    first commits, PostgreSQL reads the rows it changed again, and one that is no longer
    an active admin drops out of the second's count."""
    if not changes:
        raise FieldRequired("Send at least one field to change")
    admins = await repository.lock_active_admins(connection)
    target = await repository.lock(connection, user_id=user_id)
    if target is None:
        raise NotFound("User not found")
    field = _takes_admin_away(changes)
    if field is not None and target.id == caller.id:
        raise CannotChangeOwnAccount(field=field)
    if field is not None and target.id in admins and len(admins) <= 1:
        raise LastAdmin(field=field)
    if caller.id not in admins:
        # Demoted or deactivated since the request began, by a change that committed while
        # this one waited for the lock.
        raise Forbidden("Only admins may do this")
    updated = await repository.change(connection, user_id=target.id, changes=changes)
    if updated is None:  # the API deletes no account; someone did, by hand, meanwhile
        raise NotFound("User not found")
    if changes.keys() & repository.RIGHTS:
        # What the account's live streams may show changed: they end, on every process.
        await auth_repository.announce_change(connection, user_id=target.id)
    return updated
