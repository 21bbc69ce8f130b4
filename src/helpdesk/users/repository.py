"""The people list's and an admin's account changes' SQL: Core statements on the users
table, compiled once per shape (which filters, which columns change), run on the request's
connection."""

from functools import cache
from typing import Any

import asyncpg
from sqlalchemy import Select, bindparam, case, select, update

from helpdesk.auth.models import Role, User
from helpdesk.auth.repository import users
from helpdesk.db.compiled import Compiled

# A change of these may take rights away: the account's live streams end (events/hub.py).
RIGHTS = frozenset({"role", "active"})


LIKE_ESCAPE = "/"


def contains_pattern(text: str) -> str:
    """A LIKE pattern matching `text` anywhere: a % or _ typed is that character, not a
    wildcard."""
    escaped = text.replace(LIKE_ESCAPE, 2 * LIKE_ESCAPE)
    for wildcard in ("%", "_"):
        escaped = escaped.replace(wildcard, LIKE_ESCAPE + wildcard)
    return f"%{escaped}%"


@cache
def _list(*, role: bool, active: bool, query: bool) -> Compiled:
    """Users by id, a page past an offset; each filter in the statement only when given,
    so `role` is served by ix_users_role_id. Keyed by exactly what it is built from."""
    statement: Select[Any] = (
        select(users).order_by(users.c.id).limit(bindparam("limit")).offset(bindparam("offset"))
    )
    if role:
        statement = statement.where(users.c.role == bindparam("role"))
    if active:
        statement = statement.where(users.c.active == bindparam("active"))
    if query:
        # No index serves a substring (it would need a trigram index); the desk's accounts
        # are few enough for the scan.
        pattern = bindparam("pattern", type_=users.c.name.type)
        statement = statement.where(
            users.c.name.ilike(pattern, escape=LIKE_ESCAPE)
            | users.c.email.ilike(pattern, escape=LIKE_ESCAPE)
        )
    return Compiled(statement)


async def page(
    connection: asyncpg.Connection,
    *,
    role: Role | None,
    active: bool | None,
    query: str | None,
    limit: int,
    offset: int,
) -> list[User]:
    statement = _list(role=role is not None, active=active is not None, query=query is not None)
    pattern = None if query is None else contains_pattern(query)
    given = {"role": role, "active": active, "pattern": pattern}
    values = {name: value for name, value in given.items() if value is not None}
    rows = await connection.fetch(
        statement.sql(), *statement.args(limit=limit, offset=offset, **values)
    )
    return [User(**row) for row in rows]


_ROLE_IF_ACTIVE = Compiled(
    select(users.c.role).where(users.c.id == bindparam("user_id"), users.c.active)
)


async def active_role(connection: asyncpg.Connection, *, user_id: int) -> str | None:
    """The account's role, if it exists and is active."""
    role: str | None = await connection.fetchval(
        _ROLE_IF_ACTIVE.sql(), *_ROLE_IF_ACTIVE.args(user_id=user_id)
    )
    return role


# NO KEY UPDATE: the rows' keys do not change, so tickets and comments that point at them
# are not held. In id order, so two such requests never deadlock.
_LOCK_ACTIVE_ADMINS = Compiled(
    select(users.c.id)
    .where(users.c.role == Role.admin.value, users.c.active)
    .order_by(users.c.id)
    .with_for_update(key_share=True)
)
_LOCK_ONE = Compiled(
    select(users).where(users.c.id == bindparam("user_id")).with_for_update(key_share=True)
)


async def lock_active_admins(connection: asyncpg.Connection) -> frozenset[int]:
    rows = await connection.fetch(_LOCK_ACTIVE_ADMINS.sql(), *_LOCK_ACTIVE_ADMINS.args())
    return frozenset(row["id"] for row in rows)


async def lock(connection: asyncpg.Connection, *, user_id: int) -> User | None:
    row = await connection.fetchrow(_LOCK_ONE.sql(), *_LOCK_ONE.args(user_id=user_id))
    return None if row is None else User(**row)


@cache
def _update(columns: frozenset[str]) -> Compiled:
    """An UPDATE of these columns (their new values bound as new_<column>)."""
    new = {name: bindparam(f"new_{name}", type_=users.c[name].type) for name in columns}
    values: dict[str, Any] = dict(new)
    if "active" in columns:
        # A deactivation revokes every token; read from the row as the UPDATE finds it, so
        # a second deactivation bumps nothing.
        values["token_version"] = case(
            (users.c.active & ~new["active"], users.c.token_version + 1),
            else_=users.c.token_version,
        )
    return Compiled(
        update(users).where(users.c.id == bindparam("user_id")).values(**values).returning(users)
    )


async def change(
    connection: asyncpg.Connection, *, user_id: int, changes: dict[str, Any]
) -> User | None:
    statement = _update(frozenset(changes))
    new = {f"new_{name}": value for name, value in changes.items()}
    row = await connection.fetchrow(statement.sql(), *statement.args(user_id=user_id, **new))
    return None if row is None else User(**row)
