"""Signing up, signing in, who am I, and changing one's name and password."""

from fastapi import APIRouter, Depends, Request

from helpdesk.auth import service
from helpdesk.auth.dependencies import (
    BearerCredentials,
    CurrentUser,
    DetachedCurrentUser,
    read_caller,
)
from helpdesk.auth.models import Role, User
from helpdesk.auth.schemas import (
    LoginIn,
    PasswordChangeIn,
    ProfileUpdate,
    RegisterIn,
    TokenOut,
    UserOut,
)
from helpdesk.auth.tokens import issue_token
from helpdesk.config import Settings, SettingsDep
from helpdesk.db.dependencies import DatabaseDep, TransactionDep
from helpdesk.db.replicas import wrote_for
from helpdesk.errors import error_responses
from helpdesk.ratelimit import RateLimiterDep, limit_auth_by_address, limit_auth_by_email

router = APIRouter(tags=["auth"])


def _token_for(user: User, settings: Settings) -> TokenOut:
    issued = issue_token(
        user_id=user.id, role=user.role, token_version=user.token_version, settings=settings
    )
    return TokenOut(
        token=issued.token, expires_at=issued.expires_at, user=UserOut.model_validate(user)
    )


@router.post(
    "/register",
    status_code=201,
    response_model=UserOut,
    responses=error_responses(401, 403, 409),
    dependencies=[Depends(limit_auth_by_address)],
    # The token is optional: anyone registers a user; only an admin, signed in, staff.
    openapi_extra={"security": [{}]},
)
async def register(
    data: RegisterIn,
    request: Request,
    database: DatabaseDep,
    settings: SettingsDep,
    limiter: RateLimiterDep,
    credentials: BearerCredentials,
) -> UserOut:
    await limit_auth_by_email(request, limiter, data.email)
    caller = None
    if data.role != Role.user:
        # Only a staff account needs the caller (an admin): a browser's old or broken
        # token must not stop anyone signing up as a user.
        caller = await read_caller(
            request, database, settings=settings, limiter=limiter, credentials=credentials
        )
    user = await service.register(
        database, data=data, caller=caller, bcrypt_rounds=settings.bcrypt_rounds
    )
    wrote_for(request, user.id)
    return UserOut.model_validate(user)


@router.get("/me", response_model=UserOut, responses=error_responses(401))
async def me(user: CurrentUser) -> UserOut:
    return UserOut.model_validate(user)


@router.patch("/me", response_model=UserOut, responses=error_responses(401))
async def update_me(data: ProfileUpdate, connection: TransactionDep, user: CurrentUser) -> UserOut:
    return UserOut.model_validate(await service.rename(connection, user=user, name=data.name))


@router.post(
    "/login",
    response_model=TokenOut,
    responses=error_responses(401, 403),
    dependencies=[Depends(limit_auth_by_address)],
)
async def login(
    data: LoginIn,
    request: Request,
    database: DatabaseDep,
    settings: SettingsDep,
    limiter: RateLimiterDep,
) -> TokenOut:
    await limit_auth_by_email(request, limiter, data.email)
    user = await service.authenticate(
        database,
        email=data.email,
        password=data.password,
        bcrypt_rounds=settings.bcrypt_rounds,
    )
    # The account may be newer than a replica knows: its first reads go to the primary.
    wrote_for(request, user.id)
    return _token_for(user, settings)


@router.post(
    "/me/password",
    response_model=TokenOut,
    responses=error_responses(401),
    dependencies=[Depends(limit_auth_by_address)],
)
async def change_password(
    data: PasswordChangeIn,
    request: Request,
    database: DatabaseDep,
    settings: SettingsDep,
    limiter: RateLimiterDep,
    user: DetachedCurrentUser,
) -> TokenOut:
    """Every token issued before stops working; the response carries a new one."""
    # Guesses at the current password count like login attempts, on this account and from
    # this address (two accounts must not double an attacker's guesses).
    await limit_auth_by_email(request, limiter, user.email)
    user = await service.change_password(
        database,
        user=user,
        current_password=data.current_password,
        new_password=data.new_password,
        bcrypt_rounds=settings.bcrypt_rounds,
    )
    return _token_for(user, settings)
