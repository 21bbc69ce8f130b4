from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text

from helpdesk.errors import ServiceUnavailable, error_json, error_responses

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str
    database: str


@router.get("/health", response_model=Health, responses=error_responses(503))
async def health(request: Request) -> JSONResponse:
    """200 when the database answers, 503 when it does not."""
    try:
        async with request.app.state.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception:
        error = ServiceUnavailable("The database does not answer")
        return error_json(error.status_code, error.code, error.message)
    return JSONResponse(Health(status="ok", database="ok").model_dump())
