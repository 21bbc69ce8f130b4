"""The Idempotency-Key header, validated once for every route that accepts it, and the
fingerprint that tells whether a retry is the same request."""

import hashlib
import json
from typing import Annotated

from fastapi import Depends, Header, Request
from pydantic import BaseModel

from helpdesk.errors import FieldInvalid
from helpdesk.idempotency.service import MAX_KEY_LENGTH


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
