"""Idempotent creation. The first request with a (caller, key) inserts the record at the
start of its transaction and fills in its response at the end, so the record and what it
created commit together. A concurrent request with the same key blocks on that insert
until the first commits, then replays its response; if the first rolls back, the second
goes ahead as if it were first."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from helpdesk.errors import IdempotencyInProgress, IdempotencyKeyReused
from helpdesk.idempotency.models import IdempotencyRecord

KEY_LIFETIME = timedelta(hours=24)
MAX_KEY_LENGTH = 255


# The two statements every keyed creation runs, composed once (their values are sent as
# parameters): composing them per request cost more CPU than running them.
_RECORDS = cast(Table, IdempotencyRecord.__table__)
# VALUES and SET take the columns named in the parameters (_FINISH picks its row by the
# other two).
_CLAIM = insert(_RECORDS).on_conflict_do_nothing().returning(_RECORDS.c.key)
_FINISH = update(_RECORDS).where(
    _RECORDS.c.user_id == bindparam("record_user_id"), _RECORDS.c.key == bindparam("record_key")
)


@dataclass(frozen=True, slots=True)
class Replay:
    """The response the first request with a key gave, as stored."""

    status_code: int
    body: dict[str, Any]
    headers: dict[str, str]


async def begin(
    session: AsyncSession, *, user_id: int, key: str, request_hash: str
) -> Replay | None:
    """None: this request owns the key and goes ahead. A Replay: answer with it."""
    claimed = await session.scalar(
        _CLAIM, {"user_id": user_id, "key": key, "request_hash": request_hash}
    )
    if claimed is not None:
        return None
    # A record older than the key's lifetime is forgotten: take it over.
    taken_over = await session.scalar(
        update(IdempotencyRecord)
        .where(
            IdempotencyRecord.user_id == user_id,
            IdempotencyRecord.key == key,
            IdempotencyRecord.created_at < func.now() - KEY_LIFETIME,
        )
        .values(
            request_hash=request_hash,
            status_code=None,
            response_body=None,
            response_headers=None,
            created_at=func.now(),
        )
        .returning(IdempotencyRecord.key)
    )
    if taken_over is not None:
        return None
    record = (
        await session.execute(
            select(IdempotencyRecord)
            .where(IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key)
            .execution_options(populate_existing=True)
        )
    ).scalar_one()
    if record.request_hash != request_hash:
        raise IdempotencyKeyReused(field="Idempotency-Key")
    if record.status_code is None or record.response_body is None:
        raise IdempotencyInProgress(field="Idempotency-Key")
    return Replay(record.status_code, record.response_body, record.response_headers or {})


async def finish(
    session: AsyncSession,
    *,
    user_id: int,
    key: str,
    status_code: int,
    body: dict[str, Any],
    headers: dict[str, str],
) -> None:
    await session.execute(
        _FINISH,
        {
            "record_user_id": user_id,
            "record_key": key,
            "status_code": status_code,
            "response_body": body,
            "response_headers": headers,
        },
    )
