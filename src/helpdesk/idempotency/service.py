"""Idempotent creation. The first request with a (caller, key) inserts the record at the
start of its transaction and fills in its response at the end, so the record and what it
created commit together. A concurrent request with the same key blocks on that insert
until the first commits, then replays its response; if the first rolls back, the second
goes ahead as if it were first."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

import asyncpg
from sqlalchemy import Table, bindparam, delete, func, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert

from helpdesk.db.compiled import Compiled
from helpdesk.errors import IdempotencyInProgress, IdempotencyKeyReused
from helpdesk.idempotency.models import IdempotencyRecord

KEY_LIFETIME = timedelta(hours=24)
MAX_KEY_LENGTH = 255


# The statements a keyed creation runs, compiled once (their values are parameters).
_RECORDS = cast(Table, IdempotencyRecord.__table__)
_CLAIM = Compiled(
    insert(_RECORDS)
    .values(
        user_id=bindparam("record_user_id"),
        key=bindparam("record_key"),
        request_hash=bindparam("hash"),
    )
    .on_conflict_do_nothing()
    .returning(_RECORDS.c.key)
)
_TAKE_OVER = Compiled(
    update(_RECORDS)
    .where(
        _RECORDS.c.user_id == bindparam("record_user_id"),
        _RECORDS.c.key == bindparam("record_key"),
        _RECORDS.c.created_at < func.now() - KEY_LIFETIME,
    )
    .values(
        request_hash=bindparam("hash"),
        status_code=None,
        response_body=None,
        response_headers=None,
        created_at=func.now(),
    )
    .returning(_RECORDS.c.key)
)
_READ = Compiled(
    select(
        _RECORDS.c.request_hash,
        _RECORDS.c.status_code,
        _RECORDS.c.response_body,
        _RECORDS.c.response_headers,
    ).where(
        _RECORDS.c.user_id == bindparam("record_user_id"),
        _RECORDS.c.key == bindparam("record_key"),
    )
)
_FINISH = Compiled(
    update(_RECORDS)
    .where(
        _RECORDS.c.user_id == bindparam("record_user_id"),
        _RECORDS.c.key == bindparam("record_key"),
    )
    .values(
        status_code=bindparam("status"),
        response_body=bindparam("body", type_=_RECORDS.c.response_body.type),
        response_headers=bindparam("headers", type_=_RECORDS.c.response_headers.type),
    )
)

# Up to :batch records past the key's lifetime, oldest first (the created_at index finds
# them), deleted; rows another purge holds are skipped. How many.
_expired = (
    select(_RECORDS.c.user_id, _RECORDS.c.key)
    .where(_RECORDS.c.created_at < func.now() - KEY_LIFETIME)
    .order_by(_RECORDS.c.created_at)
    .limit(bindparam("batch"))
    .with_for_update(skip_locked=True)
)
_purged = (
    delete(_RECORDS)
    .where(tuple_(_RECORDS.c.user_id, _RECORDS.c.key).in_(_expired))
    .returning(_RECORDS.c.key)
    .cte("purged")
)
_PURGE = Compiled(select(func.count()).select_from(_purged))


@dataclass(frozen=True, slots=True)
class Replay:
    """The response the first request with a key gave, as stored."""

    status_code: int
    body: dict[str, Any]
    headers: dict[str, str]


async def begin(
    connection: asyncpg.Connection, *, user_id: int, key: str, request_hash: str
) -> Replay | None:
    """None: this request owns the key and goes ahead. A Replay: answer with it."""
    record = {"record_user_id": user_id, "record_key": key}
    claimed = await connection.fetchval(_CLAIM.sql(), *_CLAIM.args(**record, hash=request_hash))
    if claimed is not None:
        return None
    # A record older than the key's lifetime is forgotten: take it over.
    taken_over = await connection.fetchval(
        _TAKE_OVER.sql(), *_TAKE_OVER.args(**record, hash=request_hash)
    )
    if taken_over is not None:
        return None
    row = await connection.fetchrow(_READ.sql(), *_READ.args(**record))
    assert row is not None  # the claim found it there, and only the purge deletes one
    if row["request_hash"] != request_hash:
        raise IdempotencyKeyReused(field="Idempotency-Key")
    if row["status_code"] is None or row["response_body"] is None:
        raise IdempotencyInProgress(field="Idempotency-Key")
    return Replay(row["status_code"], row["response_body"], row["response_headers"] or {})


async def finish(
    connection: asyncpg.Connection,
    *,
    user_id: int,
    key: str,
    status_code: int,
    body: dict[str, Any],
    headers: dict[str, str],
) -> None:
    await connection.execute(
        _FINISH.sql(),
        *_FINISH.args(
            record_user_id=user_id, record_key=key, status=status_code, body=body, headers=headers
        ),
    )


async def delete_expired(connection: asyncpg.Connection, *, batch: int) -> int:
    """Delete up to `batch` records older than the key lifetime, oldest first; how many
    were deleted."""
    deleted: int = await connection.fetchval(_PURGE.sql(), *_PURGE.args(batch=batch))
    return deleted
