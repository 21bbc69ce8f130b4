"""The accounts' SQL: Core statements on the users table, compiled once and run on the
request's connection. Rows come back as User values, by column name."""

from typing import cast

import asyncpg
from sqlalchemy import Integer, Table, Text, bindparam, func, select, update
from sqlalchemy import cast as sql_cast
from sqlalchemy.dialects.postgresql import insert as pg_insert

from helpdesk.auth.models import User
from helpdesk.db.compiled import Compiled

# A change that takes rights away (a password change, a deactivation, a change of role) is
# announced here, by the account's id, in the transaction that makes it: every API
# process ends that account's live streams at once (events/hub.py).
ACCOUNTS_CHANNEL = "helpdesk_accounts"

users = cast(Table, User.__table__)

_BY_ID = Compiled(select(users).where(users.c.id == bindparam("user_id")))
_BY_EMAIL = Compiled(select(users).where(users.c.email == bindparam("email")))
# ON CONFLICT: two creations with one email at once give one account and no row for the
# other, never a unique violation.
_INSERT = Compiled(
    pg_insert(users)
    .values(
        name=bindparam("name"),
        email=bindparam("email"),
        password_hash=bindparam("password_hash"),
        role=bindparam("role"),
    )
    .on_conflict_do_nothing(index_elements=[users.c.email])
    .returning(users)
)
_RENAME = Compiled(
    update(users)
    .where(users.c.id == bindparam("user_id"))
    .values(name=bindparam("name"))
    .returning(users)
)
# Only at the version the caller's password was checked at: a concurrent change holds the
# row until it commits, and this statement then re-checks the version it stored.
_SET_PASSWORD = Compiled(
    update(users)
    .where(users.c.id == bindparam("user_id"), users.c.token_version == bindparam("token_version"))
    .values(password_hash=bindparam("password_hash"), token_version=users.c.token_version + 1)
    .returning(users)
)
_ANNOUNCE = Compiled(
    select(func.pg_notify(ACCOUNTS_CHANNEL, sql_cast(bindparam("user_id", type_=Integer), Text)))
)


def _user(row: asyncpg.Record | None) -> User | None:
    return None if row is None else User(**row)


async def by_id(connection: asyncpg.Connection, *, user_id: int) -> User | None:
    return _user(await connection.fetchrow(_BY_ID.sql(), *_BY_ID.args(user_id=user_id)))


async def by_email(connection: asyncpg.Connection, *, email: str) -> User | None:
    """`email` as stored: normalized (auth.schemas.normalize_email)."""
    return _user(await connection.fetchrow(_BY_EMAIL.sql(), *_BY_EMAIL.args(email=email)))


async def insert(
    connection: asyncpg.Connection, *, name: str, email: str, password_hash: str, role: str
) -> User | None:
    """The new account, or None when the email is taken."""
    row = await connection.fetchrow(
        _INSERT.sql(),
        *_INSERT.args(name=name, email=email, password_hash=password_hash, role=role),
    )
    return _user(row)


async def rename(connection: asyncpg.Connection, *, user_id: int, name: str) -> User | None:
    return _user(
        await connection.fetchrow(_RENAME.sql(), *_RENAME.args(user_id=user_id, name=name))
    )


async def set_password(
    connection: asyncpg.Connection, *, user_id: int, token_version: int, password_hash: str
) -> User | None:
    """The account with its new password and token version; None, and nothing written,
    when it is no longer at `token_version`."""
    row = await connection.fetchrow(
        _SET_PASSWORD.sql(),
        *_SET_PASSWORD.args(
            user_id=user_id, token_version=token_version, password_hash=password_hash
        ),
    )
    return _user(row)


async def announce_change(connection: asyncpg.Connection, *, user_id: int) -> None:
    """Sent when the transaction commits, after the change it describes; never if it
    rolls back."""
    await connection.execute(_ANNOUNCE.sql(), *_ANNOUNCE.args(user_id=user_id))
