"""Accounts: who they are (read by id or email), how they are created, how one proves
it is theirs (the password) and changes it, and its name."""

import asyncpg
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from helpdesk.auth import passwords
from helpdesk.auth.models import Role, User
from helpdesk.auth.schemas import RegisterIn, normalize_email
from helpdesk.auth.tokens import TokenClaims
from helpdesk.db.compiled import Compiled
from helpdesk.db.pool import Database
from helpdesk.errors import (
    AccountDeactivated,
    EmailTaken,
    FieldInvalid,
    Forbidden,
    InvalidCredentials,
    Unauthorized,
)

# A change that takes rights away (a password change, a deactivation, a change of role) is
# announced here, by the account's id, in the transaction that makes it: every API
# process ends that account's live streams at once (events/hub.py).
ACCOUNTS_CHANNEL = "helpdesk_accounts"

# The account as the request path reads it, on the pool (db/pool.py): every request asks
# for its caller, and a login for the account it names.
_BY_ID = Compiled(select(User.__table__).where(User.id == bindparam("user_id")))
_BY_EMAIL = Compiled(select(User.__table__).where(User.email == bindparam("email")))


async def token_holder(connection: asyncpg.Connection, *, claims: TokenClaims) -> User:
    """The account a valid token names, read now; 401 when it is gone, the token was
    revoked (a password change, a deactivation), or the account is deactivated. Read on
    the pool, not through a session (every request asks it): the User is not in one."""
    row = await connection.fetchrow(_BY_ID.sql(), *_BY_ID.args(user_id=claims.user_id))
    if row is None:
        raise Unauthorized("Account no longer exists")
    user = User(**row)
    if user.token_version != claims.token_version:
        raise Unauthorized("Token was revoked; sign in again")
    if not user.active:
        # Deactivation also bumps token_version; this holds if the row was changed by hand.
        raise Unauthorized("Account is deactivated")
    return user


async def announce_account_change(session: AsyncSession, *, user_id: int) -> None:
    """Sent when the transaction commits, after the change it describes; never if it
    rolls back."""
    await session.execute(select(func.pg_notify(ACCOUNTS_CHANNEL, str(user_id))))


async def get_by_email(session: AsyncSession, *, email: str) -> User | None:
    result = await session.execute(select(User).where(User.email == normalize_email(email)))
    return result.scalar_one_or_none()


async def _insert_user(
    session: AsyncSession, *, name: str, email: str, password_hash: str, role: Role
) -> int | None:
    """The new user's id, or None when the email is taken. ON CONFLICT: two creations with
    one email at once give one account and one None, never an IntegrityError."""
    user_id: int | None = await session.scalar(
        pg_insert(User)
        .values(name=name, email=normalize_email(email), password_hash=password_hash, role=role)
        .on_conflict_do_nothing(index_elements=[User.email])
        .returning(User.id)
    )
    return user_id


async def register(
    session: AsyncSession, *, data: RegisterIn, caller: User | None, bcrypt_rounds: int
) -> User:
    if data.role != Role.user and (caller is None or caller.role != Role.admin):
        raise Forbidden("Only an admin may create agent or admin accounts", field="role")
    password_hash = await passwords.hash_password(data.password, rounds=bcrypt_rounds)
    user_id = await _insert_user(
        session, name=data.name, email=data.email, password_hash=password_hash, role=data.role
    )
    if user_id is None:
        raise EmailTaken(field="email")
    user = await session.get(User, user_id)
    assert user is not None
    return user


async def create_user_if_missing(
    session: AsyncSession,
    *,
    name: str,
    email: str,
    password: str,
    role: Role,
    bcrypt_rounds: int,
) -> bool:
    """For the CLI and the demo accounts: True when the account was created."""
    # Checked first so that a restart does not pay for hashing the demo passwords again.
    if await get_by_email(session, email=email) is not None:
        return False
    password_hash = await passwords.hash_password(password, rounds=bcrypt_rounds)
    user_id = await _insert_user(
        session, name=name, email=email, password_hash=password_hash, role=role
    )
    return user_id is not None


async def authenticate(
    database: Database,
    *,
    email: str,
    password: str,
    bcrypt_rounds: int,
) -> User:
    """The same error, after the same work, for an unknown email and a wrong password;
    ACCOUNT_DEACTIVATED only for the right password of a deactivated account."""
    # A read of its own, over before bcrypt: a check costs ~200 ms of CPU, longer while
    # other logins queue for it, and logins each holding a pooled connection meanwhile
    # would take the whole pool from every other request (bench/login_storm.py).
    async with database.connection() as connection:
        row = await connection.fetchrow(
            _BY_EMAIL.sql(), *_BY_EMAIL.args(email=normalize_email(email))
        )
    user = None if row is None else User(**row)
    if user is None:
        await passwords.spend_verify_time(password, rounds=bcrypt_rounds)
        raise InvalidCredentials()
    if not await passwords.verify_password(password, user.password_hash):
        raise InvalidCredentials()
    # Only after the password: without it, a deactivated account answers as any other.
    if not user.active:
        raise AccountDeactivated()
    return user


async def rename(session: AsyncSession, *, user: User, name: str) -> User:
    """The account's own change of its name; comments and timeline entries show the new one."""
    renamed = await session.scalar(
        update(User)
        .where(User.id == user.id)
        .values(name=name)
        .returning(User)
        .execution_options(populate_existing=True, synchronize_session=False)
    )
    if renamed is None:  # the API deletes no account; someone did, by hand, meanwhile
        raise Unauthorized("Account no longer exists")
    return renamed


async def set_password(session: AsyncSession, *, user: User, password_hash: str) -> bool:
    """Store a new password hash and bump the token version, which revokes every token
    issued before; only while the account is at the version `user` was read at (every
    password change bumps it). False, and nothing written, when it no longer is."""
    # RETURNING gives the stored version in the same statement; set as loaded values, so
    # nothing is written twice. A concurrent change holds the row until it commits, and
    # this statement then re-checks the version against what that change stored.
    token_version = await session.scalar(
        update(User)
        .where(User.id == user.id, User.token_version == user.token_version)
        .values(password_hash=password_hash, token_version=User.token_version + 1)
        .returning(User.token_version)
        .execution_options(synchronize_session=False)
    )
    if token_version is None:
        return False
    await announce_account_change(session, user_id=user.id)
    set_committed_value(user, "password_hash", password_hash)
    set_committed_value(user, "token_version", token_version)
    return True


async def change_password(
    session: AsyncSession,
    *,
    user: User,
    current_password: str,
    new_password: str,
    bcrypt_rounds: int,
) -> User:
    """Only with the current password: a stolen token alone cannot take the account over.

    `user` was read before (auth.dependencies.get_detached_current_user) and `session` has
    run nothing yet: neither bcrypt run holds a pooled connection. The write then applies
    only to the password that was checked; when another change got there first, this one
    fails as a wrong current password would, and its token is revoked by the other."""
    if not await passwords.verify_password(current_password, user.password_hash):
        raise FieldInvalid("Current password is wrong", field="current_password")
    password_hash = await passwords.hash_password(new_password, rounds=bcrypt_rounds)
    if not await set_password(session, user=user, password_hash=password_hash):
        raise FieldInvalid(
            "Current password is wrong: it was changed meanwhile", field="current_password"
        )
    return user
