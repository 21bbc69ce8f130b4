"""Who is calling: the current user, loaded from the database on every request so a
deleted or deactivated account or a changed role takes effect at once, on every process.
The caller is read before the route runs and is in no session."""

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from helpdesk.auth import service as accounts
from helpdesk.auth.models import Role, User
from helpdesk.auth.tokens import TokenClaims, read_token
from helpdesk.config import Settings, SettingsDep
from helpdesk.db.dependencies import ConnectionDep, DatabaseDep
from helpdesk.db.pool import Database
from helpdesk.errors import Forbidden, Unauthorized
from helpdesk.ratelimit import RateLimiter, RateLimiterDep

_bearer = HTTPBearer(auto_error=False, description="The token from POST /api/login")


BearerCredentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


async def _claims(
    request: Request,
    *,
    settings: Settings,
    limiter: RateLimiter,
    credentials: HTTPAuthorizationCredentials,
) -> TokenClaims:
    claims = read_token(credentials.credentials, settings=settings)
    await count_caller(request, limiter=limiter, claims=claims)
    return claims


async def count_caller(request: Request, *, limiter: RateLimiter, claims: TokenClaims) -> None:
    """The caller named in the access log, and counted against their API limit before the
    database is asked anything, so a flood costs it nothing."""
    request.state.user_id = claims.user_id
    await limiter.hit(request, limiter.api, str(claims.user_id))


async def get_current_user(
    request: Request,
    connection: ConnectionDep,
    settings: SettingsDep,
    limiter: RateLimiterDep,
    credentials: BearerCredentials,
) -> User:
    """The account a bearer token names; 401 without one, or for a token that is invalid,
    expired, revoked or of an account that is gone or deactivated."""
    if credentials is None:
        raise Unauthorized()
    claims = await _claims(request, settings=settings, limiter=limiter, credentials=credentials)
    return await accounts.token_holder(connection, claims=claims)


async def read_caller(
    request: Request,
    database: Database,
    *,
    settings: Settings,
    limiter: RateLimiter,
    credentials: HTTPAuthorizationCredentials | None,
) -> User | None:
    """get_current_user on a connection held for that one statement (None without a
    token): for a route whose slow work (bcrypt) must hold no connection."""
    if credentials is None:
        return None
    claims = await _claims(request, settings=settings, limiter=limiter, credentials=credentials)
    async with database.connection() as connection:
        return await accounts.token_holder(connection, claims=claims)


async def get_detached_current_user(
    request: Request,
    database: DatabaseDep,
    settings: SettingsDep,
    limiter: RateLimiterDep,
    credentials: BearerCredentials,
) -> User:
    user = await read_caller(
        request, database, settings=settings, limiter=limiter, credentials=credentials
    )
    if user is None:
        raise Unauthorized()
    return user


async def get_staff_user(user: Annotated[User, Depends(get_current_user)]) -> User:
    if not user.is_staff:
        raise Forbidden("Only agents and admins may do this")
    return user


def _admin(user: User) -> User:
    if user.role != Role.admin:
        raise Forbidden("Only admins may do this")
    return user


async def get_admin_user(user: Annotated[User, Depends(get_current_user)]) -> User:
    return _admin(user)


async def get_detached_admin_user(
    user: Annotated[User, Depends(get_detached_current_user)],
) -> User:
    return _admin(user)


CurrentUser = Annotated[User, Depends(get_current_user)]
# The caller of a route that runs bcrypt: read on a connection given back at once.
DetachedCurrentUser = Annotated[User, Depends(get_detached_current_user)]
StaffUser = Annotated[User, Depends(get_staff_user)]
AdminUser = Annotated[User, Depends(get_admin_user)]
# An admin calling a route whose slow work (a DNS lookup) must hold no connection.
DetachedAdminUser = Annotated[User, Depends(get_detached_admin_user)]
