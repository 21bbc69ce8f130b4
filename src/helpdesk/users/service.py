from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from helpdesk.auth import passwords
from helpdesk.errors import EmailTaken, Forbidden
from helpdesk.pagination import PageParams
from helpdesk.users.models import STAFF_ROLES, Role, User
from helpdesk.users.schemas import RegisterIn, normalize_email


async def get_user(session: AsyncSession, *, user_id: int) -> User | None:
    return await session.get(User, user_id)


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


async def list_users(session: AsyncSession, *, role: Role | None, page: PageParams) -> list[User]:
    stmt = select(User).order_by(User.id).limit(page.limit + 1).offset(page.offset)
    if role is not None:
        stmt = stmt.where(User.role == role)
    result = await session.execute(stmt)
    return list(result.scalars())


async def is_staff_user(session: AsyncSession, *, user_id: int) -> bool:
    role = await session.scalar(select(User.role).where(User.id == user_id))
    return role in STAFF_ROLES


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
    set_committed_value(user, "password_hash", password_hash)
    set_committed_value(user, "token_version", token_version)
    return True
