from fastapi import APIRouter

from helpdesk.auth import service
from helpdesk.auth.dependencies import SettingsDep
from helpdesk.auth.tokens import issue_token
from helpdesk.db import SessionDep
from helpdesk.errors import error_responses
from helpdesk.users.schemas import LoginIn, TokenOut, UserOut

router = APIRouter(tags=["auth"])


@router.post("/login", response_model=TokenOut, responses=error_responses(401))
async def login(data: LoginIn, session: SessionDep, settings: SettingsDep) -> TokenOut:
    user = await service.authenticate(
        session, email=data.email, password=data.password, bcrypt_rounds=settings.bcrypt_rounds
    )
    issued = issue_token(user_id=user.id, role=user.role, settings=settings)
    return TokenOut(
        token=issued.token, expires_at=issued.expires_at, user=UserOut.model_validate(user)
    )
