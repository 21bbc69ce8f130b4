"""The Idempotency-Key header, validated once for every route that accepts it, and the
fingerprint that tells whether a retry is the same request."""

import hashlib
import json
from typing import Annotated

import asyncpg
from fastapi import Depends, Header, Request
from fastapi.responses import JSONResponse
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


def replayed(replay: Replay) -> JSONResponse:
    """A stored response, sent again: the one place it becomes an HTTP response."""
    headers = {**replay.headers, REPLAYED_HEADER: "true"}
    return JSONResponse(replay.body, status_code=replay.status_code, headers=headers)


class Idempotency:
    """A creation done once per Idempotency-Key: `replay()` first (the stored response of
    an earlier request with the key, or None to go ahead), then `remember()` what was
    answered, in the same transaction as what it created. Without a key, both do nothing."""

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

    async def replay(self, data: BaseModel) -> JSONResponse | None:
        if self._key is None:
            return None
        found = await service.begin(
            self._connection,
            user_id=self._user_id,
            key=self._key,
            request_hash=fingerprint(self._request, data),
        )
        return None if found is None else replayed(found)

    async def remember(
        self, body: BaseModel, *, status_code: int, headers: dict[str, str] | None = None
    ) -> None:
        if self._key is None:
            return
        await service.finish(
            self._connection,
            user_id=self._user_id,
            key=self._key,
            status_code=status_code,
            body=body.model_dump(mode="json"),
            headers=headers or {},
        )


async def idempotency(
    request: Request, connection: TransactionDep, user: CurrentUser, key: IdempotencyKey
) -> Idempotency:
    # A function, not the class itself: FastAPI runs a class's (sync) __init__ in a thread.
    return Idempotency(request, connection, user, key)


IdempotencyDep = Annotated[Idempotency, Depends(idempotency)]
