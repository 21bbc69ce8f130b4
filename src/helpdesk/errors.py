"""One error base class and the handlers that render every error as
`{"error": {"code", "message", "field"?}}`, whoever raised it."""

import inspect
import re
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException


class AppError(Exception):
    """Unexpected server error.

    Each subclass is one status and code; the first paragraph of its docstring is what the
    OpenAPI document says of it."""

    status_code = 500
    code = "INTERNAL_SERVER_ERROR"
    message = "Unexpected server error"

    def __init__(
        self,
        message: str | None = None,
        *,
        field: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.message = message or self.message
        self.field = field
        self.headers = headers
        super().__init__(self.message)


class BadRequest(AppError):
    """The body is not a JSON object, or not JSON at all."""

    status_code = 400
    code = "BAD_REQUEST"
    message = "The request body must be a JSON object"


class FieldRequired(AppError):
    """A required field is missing or blank."""

    status_code = 400
    code = "FIELD_REQUIRED"
    message = "Required field is missing"


class FieldInvalid(AppError):
    """A field has an invalid value."""

    status_code = 400
    code = "FIELD_INVALID"
    message = "Field has an invalid value"


class Unauthorized(AppError):
    """Missing, invalid, expired or revoked token."""

    status_code = 401
    code = "UNAUTHORIZED"
    message = "Authentication required"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message, headers={"WWW-Authenticate": "Bearer"})


class InvalidCredentials(AppError):
    """Wrong email or password."""

    status_code = 401
    code = "INVALID_CREDENTIALS"
    message = "Wrong email or password"


class Forbidden(AppError):
    """Not allowed for the caller's role."""

    status_code = 403
    code = "FORBIDDEN"
    message = "Insufficient permissions"


class AccountDeactivated(AppError):
    """The account was deactivated by an admin: it cannot sign in.

    Given only with the right password: a wrong one is INVALID_CREDENTIALS, as for any
    account, so nothing is learned about an account without its password."""

    status_code = 403
    code = "ACCOUNT_DEACTIVATED"
    message = "This account is deactivated; ask an admin to reactivate it"


class NotFound(AppError):
    """Not found, or not visible to the caller."""

    status_code = 404
    code = "NOT_FOUND"
    message = "Resource not found"


class MethodNotAllowed(AppError):
    """The path does not take this method (see Allow)."""

    status_code = 405
    code = "METHOD_NOT_ALLOWED"
    message = "Method not allowed on this resource"


class OptimisticLock(AppError):
    """The ticket changed since the version sent in If-Match."""

    status_code = 409
    code = "OPTIMISTIC_LOCK"
    message = "Stale version, use latest version"


class TicketClosed(AppError):
    """The ticket is closed: it takes no new comment; open a follow-up (follow_up_of)."""

    status_code = 409
    code = "TICKET_CLOSED"
    message = "This ticket is closed; open a follow-up ticket instead"


class EmailTaken(AppError):
    """An account with this email exists."""

    status_code = 409
    code = "EMAIL_TAKEN"
    message = "An account with this email already exists"


class CannotChangeOwnAccount(AppError):
    """An admin cannot demote or deactivate their own account; another admin can."""

    status_code = 409
    code = "CANNOT_CHANGE_OWN_ACCOUNT"
    message = "You cannot demote or deactivate your own account"


class LastAdmin(AppError):
    """The change would leave the desk without an active admin."""

    status_code = 409
    code = "LAST_ADMIN"
    message = "This is the last active admin: it cannot be demoted or deactivated"


class IdempotencyInProgress(AppError):
    """A request with this Idempotency-Key is still running."""

    status_code = 409
    code = "IDEMPOTENCY_IN_PROGRESS"
    message = "A request with this Idempotency-Key is still being processed; retry"


class PayloadTooLarge(AppError):
    """Body over the size limit."""

    status_code = 413
    code = "PAYLOAD_TOO_LARGE"
    message = "Request body is too large"


class HeadersTooLarge(AppError):
    """Request headers over the size limit."""

    status_code = 431
    code = "HEADERS_TOO_LARGE"
    message = "Request headers are too large"


class IdempotencyKeyReused(AppError):
    """Idempotency-Key reused with another request."""

    status_code = 422
    code = "IDEMPOTENCY_KEY_REUSED"
    message = "This Idempotency-Key was used with a different request"


class RateLimited(AppError):
    """Over a rate limit; see Retry-After and the RateLimit headers."""

    status_code = 429
    code = "RATE_LIMIT"
    message = "Too many requests"

    def __init__(self, *, retry_after: int) -> None:
        super().__init__(
            f"Too many requests; retry in {retry_after} s",
            headers={"Retry-After": str(retry_after)},
        )


class PreconditionRequired(AppError):
    """If-Match header missing."""

    status_code = 428
    code = "FIELD_REQUIRED"
    message = "If-Match header with the ticket's version is required"


class ServiceUnavailable(AppError):
    """The database does not answer."""

    status_code = 503
    code = "SERVICE_UNAVAILABLE"
    message = "The service is temporarily unavailable; retry shortly"


class HTTPError(AppError):
    """Any other HTTP error the framework raised."""

    def __init__(
        self, status_code: int, message: str, *, headers: dict[str, str] | None = None
    ) -> None:
        self.status_code = status_code
        self.code = "BAD_REQUEST" if status_code < 500 else AppError.code
        super().__init__(message, headers=headers)


# --- the documented shape, for OpenAPI -------------------------------------------------


class ErrorDetail(BaseModel):
    code: str
    message: str
    field: str | None = None
    request_id: str | None = None  # on 500s, to find the logged error


class ErrorResponse(BaseModel):
    error: ErrorDetail


def _error_classes(cls: type[AppError] = AppError) -> list[type[AppError]]:
    found = [cls]
    for subclass in cls.__subclasses__():
        found += _error_classes(subclass)
    return found


def _summary(cls: type[AppError]) -> str:
    return inspect.cleandoc(cls.__doc__ or "").split("\n\n")[0].replace("\n", " ").rstrip(".")


def describe(status: int) -> str:
    """What a status means in this API, from the error classes that answer with it:
    "Conflict: OPTIMISTIC_LOCK (the ticket changed ...), EMAIL_TAKEN (...)"."""
    classes = [
        cls for cls in _error_classes() if cls.status_code == status and cls is not HTTPError
    ]
    parts = [f"{cls.code} ({_summary(cls)})" for cls in classes]
    return f"{HTTPStatus(status).phrase}: " + "; ".join(parts)


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` for a route: each status with the error schema."""
    # Any request may be too large, rate limited, or meet a failure.
    wanted = (*statuses, 400, 413, 429, 431, 500, 503)
    return {
        status: {"model": ErrorResponse, "description": describe(status)}
        for status in sorted(set(wanted))
    }


# --- rendering: the one place an error becomes a response ----------------------------------


def render(error: AppError, *, request_id: str | None = None) -> JSONResponse:
    """`{"error": {"code", "message", "field"?, "request_id"?}}` with the error's status and
    headers. The request id is given on a 500, so an operator can find the logged error."""
    detail: dict[str, str] = {"code": error.code, "message": error.message}
    if error.field is not None:
        detail["field"] = error.field
    if request_id is not None:
        detail["request_id"] = request_id
    return JSONResponse({"error": detail}, status_code=error.status_code, headers=error.headers)


async def _app_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    return render(exc)


def _loc_field(loc: tuple[int | str, ...]) -> str | None:
    parts = [str(part) for part in loc[1:]]
    return ".".join(parts) if parts else None


def validation_to_app_error(exc: RequestValidationError) -> AppError:
    """Map the first pydantic/FastAPI validation error to the project's codes."""
    errors = exc.errors()
    if not errors:
        return BadRequest()
    err = errors[0]
    loc = tuple(err.get("loc", ()))
    kind = str(err.get("type", ""))
    source = loc[0] if loc else "body"
    field = _loc_field(loc)
    if source == "path":
        # /api/tickets/abc: the resource cannot exist.
        return NotFound()
    if source == "header":
        name = str(loc[-1]).replace("_", "-").title() if len(loc) > 1 else None
        return FieldInvalid(f"Invalid header: {err.get('msg', '')}", field=name)
    if source == "body":
        if kind == "json_invalid":
            return BadRequest("The request body is not valid JSON")
        if field is None:
            # The body as a whole is wrong: missing, a list, a string...
            return BadRequest()
        if kind in ("missing", "field_required"):
            return FieldRequired(f"{field} is required", field=field)
        if kind == "extra_forbidden":
            if not field:
                # {"": 1}: a key with no name to point at, so no `field` either.
                return FieldInvalid("Unknown field with an empty name")
            return FieldInvalid(f"Unknown field: {field}", field=field)
    if kind in ("missing", "field_required"):
        return FieldRequired(f"{field} is required", field=field)
    message = str(err.get("msg", "Invalid value"))
    message = message.removeprefix("Value error, ")
    return FieldInvalid(f"{field}: {message}" if field else message, field=field)


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return render(validation_to_app_error(exc))


def documented_methods(request: Request) -> str | None:
    """The methods the API documents for the path. Starlette's 405 names only the first
    route that matched it, and FastAPI makes one route per method (GET and POST
    /api/tickets are two routes)."""
    paths: dict[str, dict[str, Any]] = request.app.openapi()["paths"]
    for template, operations in paths.items():
        pattern = "[^/]+".join(re.escape(part) for part in re.split(r"\{[^}]+\}", template))
        if re.fullmatch(pattern, request.url.path):
            return ", ".join(sorted(method.upper() for method in operations))
    return None


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(exc.headers or {})
    error: AppError
    if exc.status_code == 404:
        error = NotFound(headers=headers)
    elif exc.status_code == 405:
        allow = documented_methods(request)
        error = MethodNotAllowed(headers=headers | ({"Allow": allow} if allow else {}))
    elif exc.status_code == 413:
        error = PayloadTooLarge(headers=headers)
    else:
        error = HTTPError(exc.status_code, str(exc.detail), headers=headers)
    return render(error)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
