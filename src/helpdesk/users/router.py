from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from helpdesk.auth.dependencies import (
    BearerCredentials,
    CurrentUser,
    SettingsDep,
    StaffUser,
    caller_from_credentials,
)
from helpdesk.db import ReadSessionmakerDep, SessionDep
from helpdesk.errors import error_responses
from helpdesk.pagination import Page, PageDep, make_page
from helpdesk.ratelimit import RateLimiterDep, limit_auth_by_address, limit_auth_by_email
from helpdesk.users import service
from helpdesk.users.models import Role
from helpdesk.users.schemas import RegisterIn, UserOut

router = APIRouter(tags=["users"])


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
    session: SessionDep,
    sessionmaker: ReadSessionmakerDep,
    settings: SettingsDep,
    limiter: RateLimiterDep,
    credentials: BearerCredentials,
) -> UserOut:
    await limit_auth_by_email(request, limiter, data.email)
    caller = None
    if data.role != Role.user:
        # Only a staff account needs the caller (an admin): a browser's old or broken
        # token must not stop anyone signing up as a user.
        async with sessionmaker() as read:
            caller = await caller_from_credentials(
                request, read, settings=settings, limiter=limiter, credentials=credentials
            )
    user = await service.register(
        session, data=data, caller=caller, bcrypt_rounds=settings.bcrypt_rounds
    )
    return UserOut.model_validate(user)


@router.get("/me", response_model=UserOut, responses=error_responses(401))
async def me(user: CurrentUser) -> UserOut:
    return UserOut.model_validate(user)


@router.get("/users", response_model=Page[UserOut], responses=error_responses(401, 403))
async def list_users(
    session: SessionDep,
    _: StaffUser,
    page: PageDep,
    role: Annotated[Role | None, Query(description="Only accounts with this role")] = None,
) -> Page[UserOut]:
    users = await service.list_users(session, role=role, page=page)
    return make_page([UserOut.model_validate(u) for u in users], page)
