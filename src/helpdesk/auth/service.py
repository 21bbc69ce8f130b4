from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from helpdesk.auth import passwords
from helpdesk.errors import FieldInvalid, InvalidCredentials
from helpdesk.users import service as users
from helpdesk.users.models import User


async def authenticate(
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    email: str,
    password: str,
    bcrypt_rounds: int,
) -> User:
    """The same error, after the same work, for an unknown email and a wrong password."""
    # A read of its own, over before bcrypt: a check costs ~200 ms of CPU, longer while
    # other logins queue for it, and 20 logins each holding a pooled connection meanwhile
    # would take the whole pool from every other request (bench/login_storm.py).
    async with sessionmaker() as session:
        user = await users.get_by_email(session, email=email)
    if user is None:
        await passwords.spend_verify_time(password, rounds=bcrypt_rounds)
        raise InvalidCredentials()
    if not await passwords.verify_password(password, user.password_hash):
        raise InvalidCredentials()
    return user


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
    if not await users.set_password(session, user=user, password_hash=password_hash):
        raise FieldInvalid(
            "Current password is wrong: it was changed meanwhile", field="current_password"
        )
    return user
