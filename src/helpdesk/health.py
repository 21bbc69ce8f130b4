from fastapi import APIRouter, Request
from pydantic import BaseModel

from helpdesk.errors import ServiceUnavailable, error_responses

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str
    database: str


@router.get("/health", response_model=Health, responses=error_responses(503))
async def health(request: Request) -> Health:
    """200 when the database answers, 503 when it does not."""
    try:
        async with request.app.state.database.connection() as connection:
            await connection.fetchval("SELECT 1")
    except Exception:
        raise ServiceUnavailable("The database does not answer") from None
    return Health(status="ok", database="ok")
