from sqlalchemy.ext.asyncio import AsyncSession

from helpdesk.auth import passwords
from helpdesk.errors import InvalidCredentials
from helpdesk.users import service as users
from helpdesk.users.models import User


async def authenticate(
    session: AsyncSession, *, email: str, password: str, bcrypt_rounds: int
) -> User:
    """The same error, after the same work, for an unknown email and a wrong password."""
    user = await users.get_by_email(session, email=email)
    if len(password.encode()) > passwords.MAX_PASSWORD_BYTES:
        # No account can have such a password (bcrypt refuses it): same answer, same time.
        await passwords.spend_verify_time("x", rounds=bcrypt_rounds)
        raise InvalidCredentials()
    if user is None:
        await passwords.spend_verify_time(password, rounds=bcrypt_rounds)
        raise InvalidCredentials()
    if not await passwords.verify_password(password, user.password_hash):
        raise InvalidCredentials()
    return user
