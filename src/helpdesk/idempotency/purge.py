"""Forgetting keys past their lifetime, so the table holds a day of keys, not all of them:
in batches (each its own short transaction, rows another purge holds are skipped), run by
`helpdesk purge-idempotency-keys` and by every `helpdesk worker` once an hour. A key past its
lifetime is already forgotten for replays (service.begin takes it over); this frees the row."""

import asyncio
import logging

from helpdesk.db.pool import Database
from helpdesk.idempotency.service import delete_expired

PURGE_BATCH = 1_000

log = logging.getLogger("helpdesk.idempotency")


async def purge_expired(database: Database, *, batch: int = PURGE_BATCH) -> int:
    """Every expired record, a batch per transaction; how many were deleted."""
    total = 0
    while True:
        async with database.connection() as connection, connection.transaction():
            deleted = await delete_expired(connection, batch=batch)
        total += deleted
        if deleted < batch:
            return total


async def purge_periodically(database: Database, *, every_seconds: float) -> None:
    """purge_expired now and every `every_seconds`, until cancelled. A failure (the
    database away) is logged and tried again next time."""
    while True:
        try:
            deleted = await purge_expired(database)
            if deleted:
                log.info("idempotency keys purged", extra={"deleted": deleted})
        except Exception:
            log.exception("idempotency key purge failed; next try in %s s", every_seconds)
        await asyncio.sleep(every_seconds)
