from typing import Annotated

from fastapi import APIRouter, Query

from helpdesk.auth.dependencies import StaffUser
from helpdesk.auth.models import Role
from helpdesk.auth.schemas import UserOut
from helpdesk.db.session import SessionDep
from helpdesk.errors import error_responses
from helpdesk.pagination import Page, PageDep, make_page
from helpdesk.users import service

router = APIRouter(tags=["users"])


@router.get("/users", response_model=Page[UserOut], responses=error_responses(401, 403))
async def list_users(
    session: SessionDep,
    _: StaffUser,
    page: PageDep,
    role: Annotated[Role | None, Query(description="Only accounts with this role")] = None,
) -> Page[UserOut]:
    users = await service.list_users(session, role=role, page=page)
    return make_page([UserOut.model_validate(u) for u in users], page)
