"""Idempotent creation for a route: `@idempotent` under the router's decorator. The
Idempotency-Key header, validated once for every route that accepts it; the fingerprint
that tells whether a retry is the same request; a replay raised as `Replayed` and sent by
one handler, so a route returns its model and nothing else."""

import functools
import hashlib
import inspect
import json
from collections.abc import Awaitable, Callable
from typing import Annotated, ParamSpec, TypeVar, cast

import asyncpg
from fastapi import Depends, Header, Request, Response
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel

from helpdesk.auth.dependencies import CurrentUser
from helpdesk.db.dependencies import TransactionDep
from helpdesk.errors import FieldInvalid
from helpdesk.idempotency import service
from helpdesk.idempotency.service import MAX_KEY_LENGTH, Replay

REPLAYED_HEADER = "Idempotent-Replayed"


async def idempotency_key(
    key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            description="Up to 255 printable characters; a retry with the same key and body "
            "returns the first response instead of creating again (24 hours)",
        ),
    ] = None,
) -> str | None:
    if key is None:
        return None
    if not 1 <= len(key) <= MAX_KEY_LENGTH or not all(" " <= ch <= "~" for ch in key):
        raise FieldInvalid(
            f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} printable ASCII characters",
            field="Idempotency-Key",
        )
    return key


IdempotencyKey = Annotated[str | None, Depends(idempotency_key)]


def fingerprint(request: Request, body: BaseModel) -> str:
    """What makes two requests "the same": method, path and the body's meaning once parsed
    (defaults filled in, text trimmed), not its bytes: {"title": "x"} and
    {"title": "x", "priority": "medium"} ask for the same ticket."""
    canonical = json.dumps(
        [request.method, request.url.path, body.model_dump(mode="json")],
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


class Replayed(Exception):
    """The stored response of an earlier request with the same Idempotency-Key, raised
    in place of running the route again and sent by `send_replayed`. The transaction it
    rolls back wrote nothing: finding a stored response changes no row."""

    def __init__(self, replay: Replay) -> None:
        super().__init__("replayed")
        self.replay = replay


async def send_replayed(_: Request, exc: Exception) -> JSONResponse:
    """A stored response, sent again: the one place it becomes an HTTP response."""
    assert isinstance(exc, Replayed)
    replay = exc.replay
    headers = {**replay.headers, REPLAYED_HEADER: "true"}
    return JSONResponse(replay.body, status_code=replay.status_code, headers=headers)


class Idempotency:
    """A creation done once per Idempotency-Key: `replay()` first (raises Replayed with the
    stored response of an earlier request with the key, or returns to go ahead), then
    `remember()` what was answered, in the same transaction as what it created. Without a
    key, both do nothing."""

    def __init__(
        self,
        request: Request,
        connection: asyncpg.Connection,
        user: CurrentUser,
        key: IdempotencyKey,
    ) -> None:
        self._request = request
        self._connection = connection
        self._user_id = user.id
        self._key = key

    async def replay(self, data: BaseModel) -> None:
        if self._key is None:
            return
        found = await service.begin(
            self._connection,
            user_id=self._user_id,
            key=self._key,
            request_hash=fingerprint(self._request, data),
        )
        if found is not None:
            raise Replayed(found)

    async def remember(self, body: BaseModel, response: Response) -> None:
        """The answer as the client will get it: the route's status (set on `response`,
        else the route's default) and the headers the route set."""
        if self._key is None:
            return
        route: APIRoute = self._request.scope["route"]
        await service.finish(
            self._connection,
            user_id=self._user_id,
            key=self._key,
            status_code=response.status_code or route.status_code or 200,
            body=body.model_dump(mode="json"),
            headers=dict(response.headers),
        )


async def idempotency(
    request: Request, connection: TransactionDep, user: CurrentUser, key: IdempotencyKey
) -> Idempotency:
    # A function, not the class itself: FastAPI runs a class's (sync) __init__ in a thread.
    return Idempotency(request, connection, user, key)


IdempotencyDep = Annotated[Idempotency, Depends(idempotency)]

# What the wrapped route is also given; named so that no route's own parameter is one.
_ONCE = "idempotency_"
_RESPONSE = "idempotency_response_"


def _is_subclass(annotation: object, base: type) -> bool:
    return inspect.isclass(annotation) and issubclass(annotation, base)


P = ParamSpec("P")
M = TypeVar("M", bound=BaseModel)


def idempotent(
    endpoint: Callable[P, Awaitable[M]],
) -> Callable[P, Awaitable[M]]:
    """A creating route made idempotent: with an Idempotency-Key, a retry of the same
    request gets the first response again (Replayed), and the first response is stored in
    the request's transaction, with what the route created. Put it under the router's
    decorator; the route takes its body as its one pydantic-model parameter and returns
    its model, as if idempotency did not exist."""
    signature = inspect.signature(endpoint)
    parameters = list(signature.parameters.values())
    bodies = [p.name for p in parameters if _is_subclass(p.annotation, BaseModel)]
    if len(bodies) != 1:
        raise TypeError(f"{endpoint.__name__} must take one body model, takes {bodies}")
    body = bodies[0]
    keyword = inspect.Parameter.KEYWORD_ONLY
    extra = [inspect.Parameter(_ONCE, keyword, annotation=IdempotencyDep)]
    # FastAPI gives one Response per route, to the one parameter it finds: the route's own
    # if it takes one.
    responses = [p.name for p in parameters if _is_subclass(p.annotation, Response)]
    if not responses:
        extra.append(inspect.Parameter(_RESPONSE, keyword, annotation=Response))
    response_name = responses[0] if responses else _RESPONSE

    @functools.wraps(endpoint)
    async def once(*args: P.args, **kwargs: P.kwargs) -> M:
        idempotency = cast(Idempotency, kwargs.pop(_ONCE))
        response = cast(Response, kwargs[response_name])
        if not responses:
            del kwargs[_RESPONSE]
        await idempotency.replay(cast(BaseModel, kwargs[body]))
        created = await endpoint(*args, **kwargs)
        await idempotency.remember(created, response)
        return created

    once.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[*parameters, *extra]
    )
    return once
