"""Accounts: who they are (read by id or email), how they are created, how one proves
it is theirs (the password) and changes it, and its name. The SQL is in
auth/repository.py; bcrypt never runs while a pooled connection is held (a check costs
~200 ms of CPU, and logins each holding one meanwhile would take the whole pool from every
other request: bench/login_storm.py)."""

import asyncpg

from helpdesk.auth import passwords, repository
from helpdesk.auth.models import Role, User
from helpdesk.auth.schemas import RegisterIn, normalize_email
from helpdesk.auth.tokens import TokenClaims
from helpdesk.db.pool import Database
from helpdesk.errors import (
    AccountDeactivated,
    EmailTaken,
    FieldInvalid,
    Forbidden,
    InvalidCredentials,
    Unauthorized,
)


async def token_holder(connection: asyncpg.Connection, *, claims: TokenClaims) -> User:
    """The account a valid token names, read now; 401 when it is gone, the token was
    revoked (a password change, a deactivation), or the account is deactivated. Read on
    the pool, not through a session (every request asks it): the User is not in one."""
    user = await repository.by_id(connection, user_id=claims.user_id)
    if user is None:
        raise Unauthorized("Account no longer exists")
    if user.token_version != claims.token_version:
        raise Unauthorized("Token was revoked; sign in again")
    if not user.active:
        # Deactivation also bumps token_version; this holds if the row was changed by hand.
        raise Unauthorized("Account is deactivated")
    return user


async def register(
    database: Database, *, data: RegisterIn, caller: User | None, bcrypt_rounds: int
) -> User:
    if data.role != Role.user and (caller is None or caller.role != Role.admin):
        raise Forbidden("Only an admin may create agent or admin accounts", field="role")
    password_hash = await passwords.hash_password(data.password, rounds=bcrypt_rounds)
    async with database.connection() as connection:
        user = await repository.insert(
            connection,
            name=data.name,
            email=normalize_email(data.email),
            password_hash=password_hash,
            role=data.role,
        )
    if user is None:
        raise EmailTaken(field="email")
    return user


async def create_user_if_missing(
    database: Database,
    *,
    name: str,
    email: str,
    password: str,
    role: Role,
    bcrypt_rounds: int,
) -> bool:
    """For the CLI and the demo accounts: True when the account was created."""
    email = normalize_email(email)
    # Checked first so that a restart does not pay for hashing the demo passwords again.
    async with database.connection() as connection:
        if await repository.by_email(connection, email=email) is not None:
            return False
    password_hash = await passwords.hash_password(password, rounds=bcrypt_rounds)
    async with database.connection() as connection:
        user = await repository.insert(
            connection, name=name, email=email, password_hash=password_hash, role=role
        )
    return user is not None


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
        user = await repository.by_email(connection, email=normalize_email(email))
    if user is None:
        await passwords.spend_verify_time(password, rounds=bcrypt_rounds)
        raise InvalidCredentials()
    if not await passwords.verify_password(password, user.password_hash):
        raise InvalidCredentials()
    # Only after the password: without it, a deactivated account answers as any other.
    if not user.active:
        raise AccountDeactivated()
    return user


async def rename(connection: asyncpg.Connection, *, user: User, name: str) -> User:
    """The account's own change of its name; comments and timeline entries show the new one."""
    renamed = await repository.rename(connection, user_id=user.id, name=name)
    if renamed is None:  # the API deletes no account; someone did, by hand, meanwhile
        raise Unauthorized("Account no longer exists")
    return renamed


async def change_password(
    database: Database,
    *,
    user: User,
    current_password: str,
    new_password: str,
    bcrypt_rounds: int,
) -> User:
    """Only with the current password: a stolen token alone cannot take the account over.

    `user` was read before (auth.dependencies.get_detached_current_user), and neither
    bcrypt run holds a pooled connection. The write then applies only to the password that
    was checked (the token version it was read at; every password change bumps it): when
    another change got there first, this one fails as a wrong current password would, and
    its token is revoked by the other. The new version revokes every older token."""
    if not await passwords.verify_password(current_password, user.password_hash):
        raise FieldInvalid("Current password is wrong", field="current_password")
    password_hash = await passwords.hash_password(new_password, rounds=bcrypt_rounds)
    async with database.connection() as connection, connection.transaction():
        changed = await repository.set_password(
            connection,
            user_id=user.id,
            token_version=user.token_version,
            password_hash=password_hash,
        )
        if changed is not None:
            await repository.announce_change(connection, user_id=user.id)
    if changed is None:
        raise FieldInvalid(
            "Current password is wrong: it was changed meanwhile", field="current_password"
        )
    return changed
