"""The people of the desk, as staff look them up: the list and who is staff."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from helpdesk.auth.models import STAFF_ROLES, Role, User
from helpdesk.pagination import PageParams


async def list_users(session: AsyncSession, *, role: Role | None, page: PageParams) -> list[User]:
    stmt = select(User).order_by(User.id).limit(page.limit + 1).offset(page.offset)
    if role is not None:
        stmt = stmt.where(User.role == role)
    result = await session.execute(stmt)
    return list(result.scalars())


async def is_staff_user(session: AsyncSession, *, user_id: int) -> bool:
    role = await session.scalar(select(User.role).where(User.id == user_id))
    return role in STAFF_ROLES
