"""The people of the desk: the list staff look them up in, who is staff, and what an admin
changes of an account (role, name, deactivation), with the rule that the desk always keeps
an active admin."""

from collections.abc import Set
from dataclasses import dataclass
from typing import Any

import asyncpg
from sqlalchemy import bindparam, case, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from helpdesk.auth.models import STAFF_ROLES, Role, User
from helpdesk.auth.service import announce_account_change
from helpdesk.db.compiled import Compiled
from helpdesk.errors import (
    CannotChangeOwnAccount,
    FieldRequired,
    Forbidden,
    LastAdmin,
    NotFound,
)
from helpdesk.pagination import PageParams

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
    session: AsyncSession, *, filters: UserFilters, page: PageParams
) -> list[User]:
    # No index serves `query` (a substring: it would need a trigram index, so a migration);
    # the desk's accounts are few enough for the scan. `role` has ix_users_role_id.
    stmt = select(User).order_by(User.id).limit(page.limit + 1).offset(page.offset)
    if filters.role is not None:
        stmt = stmt.where(User.role == filters.role)
    if filters.active is not None:
        stmt = stmt.where(User.active.is_(filters.active))
    if filters.query is not None:
        # autoescape: a % or _ typed in the query is that character, not a wildcard.
        stmt = stmt.where(
            User.name.icontains(filters.query, autoescape=True)
            | User.email.icontains(filters.query, autoescape=True)
        )
    result = await session.execute(stmt)
    return list(result.scalars())


_ROLE_IF_ACTIVE = Compiled(select(User.role).where(User.id == bindparam("user_id"), User.active))


async def is_staff_user(connection: asyncpg.Connection, *, user_id: int) -> bool:
    """Whether the account may be given tickets: an agent or an admin, not deactivated."""
    role = await connection.fetchval(_ROLE_IF_ACTIVE.sql(), *_ROLE_IF_ACTIVE.args(user_id=user_id))
    return role in STAFF_ROLES


def _takes_admin_away(changes: dict[str, Any]) -> str | None:
    """The field of `changes` that would take an admin's rights away, if any: `active`
    when the account is deactivated, else `role` when it is given another one."""
    if changes.get("active") is False:
        return "active"
    if changes.get("role", Role.admin) != Role.admin:
        return "role"
    return None


async def _lock_active_admins(session: AsyncSession) -> Set[int]:
    """The ids of the active admins, their rows locked until the transaction ends.

    Two admins demoting each other at once would each count two admins and leave none.
    Here the second waits for the first's rows; once the first commits, PostgreSQL reads
    the rows it changed again, and one that is no longer an active admin drops out of the
    second's count. In id order, so two such requests never deadlock. NO KEY UPDATE: the
    rows' keys do not change, so tickets and comments that point at them are not held."""
    result = await session.scalars(
        select(User.id)
        .where(User.role == Role.admin, User.active)
        .order_by(User.id)
        .with_for_update(key_share=True)
    )
    return frozenset(result)


async def update_user(
    session: AsyncSession, *, caller: User, user_id: int, changes: dict[str, Any]
) -> User:
    """Apply an admin's `changes` (role, name, active) to an account.

    No admin demotes or deactivates themselves, and the last active admin is never
    demoted or deactivated. Deactivation also revokes every token the account holds
    (token_version), so that a reactivation does not bring them back."""
    if not changes:
        raise FieldRequired("Send at least one field to change")
    admins = await _lock_active_admins(session)
    target = await session.get(User, user_id, populate_existing=True)
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

    values = dict(changes)
    if changes.get("active") is False:
        # Read from the row as the UPDATE finds it: a second deactivation bumps nothing.
        values["token_version"] = case(
            (User.active, User.token_version + 1), else_=User.token_version
        )
    updated = await session.scalar(
        update(User)
        .where(User.id == target.id)
        .values(**values)
        .returning(User)
        .execution_options(populate_existing=True, synchronize_session=False)
    )
    if updated is None:  # the API deletes no account; someone did, by hand, meanwhile
        raise NotFound("User not found")
    if changes.keys() & {"role", "active"}:
        # What the account's live streams may show changed: they end, on every process.
        await announce_account_change(session, user_id=target.id)
    return updated
