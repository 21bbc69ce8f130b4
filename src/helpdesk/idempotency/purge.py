"""Forgetting keys past their lifetime, so the table holds a day of keys, not all of them:
in batches (each its own short transaction, rows another purge holds are skipped), run by
`helpdesk purge-idempotency-keys` and by every `helpdesk worker` once an hour. A key past its
lifetime is already forgotten for replays (service.begin takes it over); this frees the row."""

import asyncio
import logging

from sqlalchemy import delete, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from helpdesk.idempotency.models import IdempotencyRecord
from helpdesk.idempotency.service import KEY_LIFETIME

PURGE_BATCH = 1_000

log = logging.getLogger("helpdesk.idempotency")


async def purge_batch(session: AsyncSession, *, batch: int = PURGE_BATCH) -> int:
    """Delete up to `batch` records older than the key lifetime, oldest first (the
    created_at index finds them); how many were deleted."""
    expired = (
        select(IdempotencyRecord.user_id, IdempotencyRecord.key)
        .where(IdempotencyRecord.created_at < func.now() - KEY_LIFETIME)
        .order_by(IdempotencyRecord.created_at)
        .limit(batch)
        .with_for_update(skip_locked=True)
    )
    result = await session.execute(
        delete(IdempotencyRecord)
        .where(tuple_(IdempotencyRecord.user_id, IdempotencyRecord.key).in_(expired))
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def purge_expired(
    sessionmaker: async_sessionmaker[AsyncSession], *, batch: int = PURGE_BATCH
) -> int:
    """Every expired record, a batch per transaction; how many were deleted."""
    total = 0
    while True:
        async with sessionmaker() as session, session.begin():
            deleted = await purge_batch(session, batch=batch)
        total += deleted
        if deleted < batch:
            return total


async def purge_periodically(
    sessionmaker: async_sessionmaker[AsyncSession], *, every_seconds: float
) -> None:
    """purge_expired now and every `every_seconds`, until cancelled. A failure (the
    database away) is logged and tried again next time."""
    while True:
        try:
            deleted = await purge_expired(sessionmaker)
            if deleted:
                log.info("idempotency keys purged", extra={"deleted": deleted})
        except Exception:
            log.exception("idempotency key purge failed; next try in %s s", every_seconds)
        await asyncio.sleep(every_seconds)
