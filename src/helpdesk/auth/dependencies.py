"""Who is calling: the current user, loaded from the database on every request so a
deleted or deactivated account or a changed role takes effect at once, on every process."""

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from helpdesk.auth import service as accounts
from helpdesk.auth.models import Role, User
from helpdesk.auth.tokens import read_token
from helpdesk.config import Settings, SettingsDep
from helpdesk.db.session import ReadSessionmakerDep, SessionDep
from helpdesk.errors import Forbidden, Unauthorized
from helpdesk.ratelimit import RateLimiter, RateLimiterDep

_bearer = HTTPBearer(auto_error=False, description="The token from POST /api/login")


BearerCredentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


async def caller_from_credentials(
    request: Request,
    session: AsyncSession,
    *,
    settings: Settings,
    limiter: RateLimiter,
    credentials: HTTPAuthorizationCredentials | None,
) -> User | None:
    """The account a bearer token names, or None without one; 401 for a token that is
    invalid, expired, revoked or of an account that is gone or deactivated."""
    if credentials is None:
        return None
    claims = read_token(credentials.credentials, settings=settings)
    request.state.user_id = claims.user_id  # for the access log
    # Counted before the database is asked anything, so a flood costs it nothing.
    await limiter.hit(request, limiter.api, str(claims.user_id))
    return await accounts.token_holder(session, claims=claims)


async def get_current_user(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    limiter: RateLimiterDep,
    credentials: BearerCredentials,
) -> User:
    user = await caller_from_credentials(
        request, session, settings=settings, limiter=limiter, credentials=credentials
    )
    if user is None:
        raise Unauthorized()
    return user


async def read_caller_alone(
    request: Request,
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    settings: Settings,
    limiter: RateLimiter,
    credentials: HTTPAuthorizationCredentials | None,
) -> User | None:
    """caller_from_credentials in a short session of its own, closed on return. The
    route's own session takes a pooled connection only at its first statement, so slow
    work before that (bcrypt) holds none."""
    async with sessionmaker() as session:
        return await caller_from_credentials(
            request, session, settings=settings, limiter=limiter, credentials=credentials
        )


async def get_detached_current_user(
    request: Request,
    sessionmaker: ReadSessionmakerDep,
    settings: SettingsDep,
    limiter: RateLimiterDep,
    credentials: BearerCredentials,
) -> User:
    """The caller, read before the route runs and detached from its session."""
    user = await read_caller_alone(
        request, sessionmaker, settings=settings, limiter=limiter, credentials=credentials
    )
    if user is None:
        raise Unauthorized()
    return user


async def get_staff_user(user: Annotated[User, Depends(get_current_user)]) -> User:
    if not user.is_staff:
        raise Forbidden("Only agents and admins may do this")
    return user


async def get_admin_user(user: Annotated[User, Depends(get_current_user)]) -> User:
    if user.role != Role.admin:
        raise Forbidden("Only admins may do this")
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]
DetachedCurrentUser = Annotated[User, Depends(get_detached_current_user)]
StaffUser = Annotated[User, Depends(get_staff_user)]
AdminUser = Annotated[User, Depends(get_admin_user)]
