"""The worker's side of webhooks: each event fanned out to the endpoints that want it, and
each delivery sent, signed, at least once, in order per ticket and endpoint."""

import json
import logging
import time

import httpx
from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from helpdesk.events.models import Event
from helpdesk.events.retry import RETRY_PERIOD, next_attempt
from helpdesk.events.service import payload, public_id
from helpdesk.webhooks import signing
from helpdesk.webhooks.models import Delivery, DeliveryState, Webhook
from helpdesk.webhooks.targets import TargetRefused, check_target

TIMEOUT_SECONDS = 10
FAN_OUT_BATCH = 1000
MAX_ERROR_LENGTH = 500

log = logging.getLogger("helpdesk.webhooks")

# One fan-out at a time, whatever the number of workers: it is one statement, and events
# are then fanned out in id order (per ticket, ids follow commits: a ticket's writes queue
# on its row).
_FAN_OUT_LOCK = 0x68656C70  # "help"
_FAN_OUT = text(
    """
    WITH batch AS (
        SELECT id, type, ticket_id FROM events
        WHERE dispatched_at IS NULL ORDER BY id LIMIT :batch
    ), made AS (
        INSERT INTO webhook_deliveries (webhook_id, event_id, event_type, ticket_id)
        SELECT webhooks.id, batch.id, batch.type, batch.ticket_id
        FROM batch JOIN webhooks
            ON webhooks.active AND (batch.type = ANY(webhooks.events) OR '*' = ANY(webhooks.events))
        ORDER BY batch.id, webhooks.id
    )
    UPDATE events SET dispatched_at = now() FROM batch WHERE events.id = batch.id
    RETURNING events.id
    """
)
# The next delivery to send, with its endpoint and its event, in one statement: due, and no
# earlier one of its ticket to its endpoint still pending (being sent by another worker, or
# waiting to be retried). The row stays locked until the attempt is recorded.
_NEXT = text(
    """
    SELECT d.id, d.attempts, d.retry_until, now() AS now,
           w.id AS webhook_id, w.url, w.secret, w.active, w.failing_since,
           e.id AS event_id, e.type, e.created_at, e.data
    FROM webhook_deliveries AS d
    JOIN webhooks AS w ON w.id = d.webhook_id
    JOIN events AS e ON e.id = d.event_id
    WHERE d.state = 'pending' AND d.next_attempt_at <= now()
      AND NOT EXISTS (
          SELECT 1 FROM webhook_deliveries AS earlier
          WHERE earlier.state = 'pending' AND earlier.webhook_id = d.webhook_id
            AND earlier.ticket_id = d.ticket_id AND earlier.event_id < d.event_id
      )
    ORDER BY d.next_attempt_at, d.id
    LIMIT 1
    FOR UPDATE OF d SKIP LOCKED
    """
)


async def fan_out(session: AsyncSession) -> int:
    """Deliveries for the events not yet fanned out; how many events."""
    if not await session.scalar(select(func.pg_try_advisory_xact_lock(_FAN_OUT_LOCK))):
        return 0  # another worker is at it
    result = await session.execute(_FAN_OUT, {"batch": FAN_OUT_BATCH})
    return len(result.all())


async def _send(
    client: httpx.AsyncClient, url: str, secret: str, event: Event, *, allow_private: bool
) -> tuple[int | None, str | None]:
    """(status code, error): one attempt."""
    try:
        await check_target(url, allow_private=allow_private)
    except TargetRefused as refused:
        return None, f"target refused: {refused}"
    body = json.dumps(payload(event), separators=(",", ":")).encode()
    headers = signing.headers(
        secret, message_id=public_id(event.id), timestamp=int(time.time()), body=body
    )
    try:
        response = await client.post(url, content=body, headers=headers)
    except httpx.HTTPError as error:
        return None, f"{type(error).__name__}: {error}"[:MAX_ERROR_LENGTH] or type(error).__name__
    if 200 <= response.status_code < 300:
        return response.status_code, None
    return response.status_code, f"HTTP {response.status_code}"


async def deliver_next(
    session: AsyncSession, client: httpx.AsyncClient, *, allow_private: bool
) -> bool:
    """Send the next due delivery, holding its row (a crash leaves it pending, to be sent
    again: at least once); False when none is due. Run in a transaction of its own."""
    row = (await session.execute(_NEXT)).one_or_none()
    if row is None:
        return False
    delivery = update(Delivery).where(Delivery.id == row.id)
    if not row.active:
        await session.execute(
            delivery.values(state=DeliveryState.failed.value, last_error="the endpoint is inactive")
        )
        return True
    event = Event(id=row.event_id, type=row.type, created_at=row.created_at, data=row.data)
    status, error = await _send(client, row.url, row.secret, event, allow_private=allow_private)
    attempts = row.attempts + 1
    if error is None:
        await session.execute(
            delivery.values(
                state=DeliveryState.delivered.value,
                attempts=attempts,
                last_status_code=status,
                last_error=None,
                delivered_at=func.now(),
                next_attempt_at=None,
            )
        )
        if row.failing_since is not None:
            await session.execute(
                update(Webhook).where(Webhook.id == row.webhook_id).values(failing_since=None)
            )
        return True
    retry_at = next_attempt(now=row.now, attempts=attempts, retry_until=row.retry_until)
    await session.execute(
        delivery.values(
            state=DeliveryState.failed.value if retry_at is None else DeliveryState.pending.value,
            attempts=attempts,
            last_status_code=status,
            last_error=error,
            next_attempt_at=retry_at,
        )
    )
    log.info(
        "webhook delivery failed",
        extra={"webhook_id": row.webhook_id, "delivery_id": row.id, "error": error},
    )
    await _note_failure(session, row.webhook_id)
    return True


async def _note_failure(session: AsyncSession, webhook_id: int) -> None:
    """An endpoint failing since more than RETRY_PERIOD is deactivated, and says why."""
    await session.execute(
        update(Webhook)
        .where(Webhook.id == webhook_id, Webhook.failing_since.is_(None))
        .values(failing_since=func.now())
    )
    await session.execute(
        update(Webhook)
        .where(
            Webhook.id == webhook_id,
            Webhook.active,
            Webhook.failing_since < func.now() - RETRY_PERIOD,
        )
        .values(
            active=False,
            deactivated_reason="every delivery failed for 24 hours: deactivated",
        )
    )
