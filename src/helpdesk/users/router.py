"""The people of the desk: staff list them; an admin changes their role, name, or whether
they may sign in at all."""

from fastapi import APIRouter, Request

from helpdesk.auth.dependencies import AdminUser, StaffUser
from helpdesk.auth.schemas import UserOut
from helpdesk.db.dependencies import ConnectionDep, TransactionDep
from helpdesk.db.replicas import wrote_for
from helpdesk.errors import error_responses
from helpdesk.pagination import Page, PageDep, make_page
from helpdesk.users import service
from helpdesk.users.dependencies import UserFiltersDep, UserId
from helpdesk.users.schemas import UserUpdate

router = APIRouter(tags=["users"])


@router.get("/users", response_model=Page[UserOut], responses=error_responses(401, 403))
async def list_users(
    connection: ConnectionDep, _: StaffUser, page: PageDep, filters: UserFiltersDep
) -> Page[UserOut]:
    users = await service.list_users(connection, filters=filters, page=page)
    return make_page([UserOut.model_validate(u) for u in users], page)


@router.patch(
    "/users/{user_id}", response_model=UserOut, responses=error_responses(401, 403, 404, 409)
)
async def update_user(
    user_id: UserId,
    data: UserUpdate,
    request: Request,
    connection: TransactionDep,
    caller: AdminUser,
) -> UserOut:
    """Deactivating an account (`active: false`) refuses its sign-ins and revokes every
    token it holds, for good: reactivated, it signs in again. Its tickets and comments keep
    its name. No admin demotes or deactivates themselves, and the last active admin stays."""
    user = await service.update_user(
        connection, caller=caller, user_id=user_id, changes=data.changes()
    )
    # Its holder's next reads see the new role or the deactivation at once.
    wrote_for(request, user.id)
    return UserOut.model_validate(user)
