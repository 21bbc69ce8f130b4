"""The worker's side of webhooks: each event fanned out to the endpoints that want it, and
each delivery sent, signed, at least once, in order per ticket and endpoint."""

import asyncio
import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

import asyncpg
import httpx
from sqlalchemy import (
    ARRAY,
    Integer,
    Interval,
    bindparam,
    case,
    func,
    literal,
    select,
    text,
    update,
)

from helpdesk.db.compiled import Compiled
from helpdesk.db.pool import Database
from helpdesk.events.models import Event
from helpdesk.events.retry import RETRY_PERIOD, lease, next_attempt, transaction_time
from helpdesk.webhooks.attempt import TIMEOUT_SECONDS, Outcome, attempt
from helpdesk.webhooks.models import Delivery, DeliveryState, Webhook

FAN_OUT_BATCH = 1000
# Deliveries to one endpoint at once, per worker.
DELIVERIES_PER_ENDPOINT = 2
# A claimed delivery is the claiming worker's for this long; well past an attempt, so that
# only a worker that died mid-attempt loses it to another.
LEASE = lease(TIMEOUT_SECONDS)

log = logging.getLogger("helpdesk.webhooks")

# One fan-out at a time, whatever the number of workers: it is one statement, and events
# are then fanned out in id order (per ticket, ids follow commits: a ticket's writes queue
# on its row).
_FAN_OUT_LOCK = 0x68656C70  # "help"
_FAN_OUT_LOCKED = Compiled(select(func.pg_try_advisory_xact_lock(literal(_FAN_OUT_LOCK))))
_FAN_OUT = Compiled(
    text(
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
    ).bindparams(bindparam("batch", type_=Integer))
)


async def fan_out(connection: asyncpg.Connection) -> int:
    """Deliveries for the events not yet fanned out; how many events. Run in a
    transaction: the lock that keeps it one at a time is the transaction's."""
    if not await connection.fetchval(_FAN_OUT_LOCKED.sql(), *_FAN_OUT_LOCKED.args()):
        return 0  # another worker is at it
    rows = await connection.fetch(_FAN_OUT.sql(), *_FAN_OUT.args(batch=FAN_OUT_BATCH))
    return len(rows)


# The next delivery to send, with its endpoint and its event, leased in one statement: due,
# to an endpoint this worker is not already sending as much as it may to, and no earlier
# one of its ticket to its endpoint still pending (in flight, or waiting to be retried).
# One whose endpoint is inactive is settled instead: failed, and why.
_CLAIM = Compiled(
    text(
        """
    WITH next AS (
        SELECT d.id, d.attempts, d.retry_until,
               w.id AS webhook_id, w.url, w.secret, w.active, w.failing_since,
               e.id AS event_id, e.type, e.created_at, e.data
        FROM webhook_deliveries AS d
        JOIN webhooks AS w ON w.id = d.webhook_id
        JOIN events AS e ON e.id = d.event_id
        WHERE d.state = 'pending' AND d.next_attempt_at <= now()
          AND d.webhook_id <> ALL(:busy)
          AND NOT EXISTS (
              SELECT 1 FROM webhook_deliveries AS earlier
              WHERE earlier.state = 'pending' AND earlier.webhook_id = d.webhook_id
                AND earlier.ticket_id = d.ticket_id AND earlier.event_id < d.event_id
          )
        ORDER BY d.next_attempt_at, d.id
        LIMIT 1
        FOR UPDATE OF d SKIP LOCKED
    )
    UPDATE webhook_deliveries AS d
    SET next_attempt_at = CASE WHEN next.active THEN now() + CAST(:lease AS interval) END,
        state = CASE WHEN next.active THEN d.state ELSE 'failed' END,
        last_error = CASE WHEN next.active THEN d.last_error ELSE 'the endpoint is inactive' END
    FROM next
    WHERE d.id = next.id
    RETURNING next.*, d.next_attempt_at AS leased_until
    """
    ).bindparams(bindparam("busy", type_=ARRAY(Integer)), bindparam("lease", type_=Interval()))
)


@dataclass(frozen=True)
class Claimed:
    """A delivery taken for one attempt: no other worker takes it before `leased_until`
    (a worker that dies mid-attempt leaves it to be sent again then: at least once)."""

    id: int
    webhook_id: int
    url: str
    secret: str
    attempts: int
    retry_until: datetime
    failing_since: datetime | None
    leased_until: datetime
    event: Event


class InFlight:
    """The endpoints this worker is sending to, and how many deliveries to each: an
    endpoint at DELIVERIES_PER_ENDPOINT is passed over, so a slow one holds at most that
    many of the worker's senders and the others keep sending to everyone else."""

    def __init__(self) -> None:
        self._count: Counter[int] = Counter()
        # Claims one at a time, so that two senders do not both take an endpoint's last place.
        self.claiming = asyncio.Lock()

    def full(self) -> list[int]:
        return [webhook for webhook, n in self._count.items() if n >= DELIVERIES_PER_ENDPOINT]

    def add(self, webhook_id: int) -> None:
        self._count[webhook_id] += 1

    def remove(self, webhook_id: int) -> None:
        self._count[webhook_id] -= 1
        if not self._count[webhook_id]:
            del self._count[webhook_id]


_RECORD = Compiled(
    update(Delivery)
    .where(Delivery.id == bindparam("id"), Delivery.next_attempt_at == bindparam("leased_until"))
    .values(
        state=bindparam("state"),
        attempts=bindparam("attempts"),
        last_status_code=bindparam("status_code"),
        last_error=bindparam("error"),
        next_attempt_at=bindparam("next_attempt_at"),
        delivered_at=case(
            (bindparam("state") == DeliveryState.delivered.value, func.now()),
            else_=Delivery.delivered_at,
        ),
    )
    .returning(Delivery.id)
)
_RECOVERED = Compiled(
    update(Webhook).where(Webhook.id == bindparam("webhook_id")).values(failing_since=None)
)
_FAILING = Compiled(
    update(Webhook)
    .where(Webhook.id == bindparam("webhook_id"), Webhook.failing_since.is_(None))
    .values(failing_since=func.now())
)
# An endpoint failing since more than RETRY_PERIOD is deactivated, and says why.
_DEACTIVATED = Compiled(
    update(Webhook)
    .where(
        Webhook.id == bindparam("webhook_id"),
        Webhook.active,
        Webhook.failing_since < func.now() - RETRY_PERIOD,
    )
    .values(active=False, deactivated_reason="every delivery failed for 24 hours: deactivated")
)


async def claim(connection: asyncpg.Connection, *, busy: list[int]) -> Claimed | bool:
    """The next due delivery, leased to this worker (its next_attempt_at pushed past the
    attempt); True when one was settled without an attempt (its endpoint is inactive), False
    when none is due. Run in a short transaction of its own: committed before the attempt."""
    row = await connection.fetchrow(_CLAIM.sql(), *_CLAIM.args(busy=busy, lease=LEASE))
    if row is None:
        return False
    if not row["active"]:
        return True
    return Claimed(
        id=row["id"],
        webhook_id=row["webhook_id"],
        url=row["url"],
        secret=row["secret"],
        attempts=row["attempts"],
        retry_until=row["retry_until"],
        failing_since=row["failing_since"],
        leased_until=row["leased_until"],
        event=Event(
            id=row["event_id"], type=row["type"], created_at=row["created_at"], data=row["data"]
        ),
    )


async def record(connection: asyncpg.Connection, claimed: Claimed, outcome: Outcome) -> None:
    """The attempt's outcome. Nothing is written when the delivery is no longer this
    worker's: deleted with its endpoint meanwhile, retried by hand, or taken by another
    worker once the lease ran out. Run in a short transaction of its own."""
    attempts = claimed.attempts + 1
    state, retry_at = DeliveryState.delivered.value, None
    if outcome.error is not None:
        now = await transaction_time(connection)
        retry_at = next_attempt(now=now, attempts=attempts, retry_until=claimed.retry_until)
        state = (DeliveryState.pending if retry_at else DeliveryState.failed).value
    mine = await connection.fetchval(
        _RECORD.sql(),
        *_RECORD.args(
            id=claimed.id,
            leased_until=claimed.leased_until,
            state=state,
            attempts=attempts,
            status_code=outcome.status_code,
            error=outcome.error,
            next_attempt_at=retry_at,
        ),
    )
    if mine is None:
        return
    webhook = {"webhook_id": claimed.webhook_id}
    if outcome.error is None:
        if claimed.failing_since is not None:
            await connection.execute(_RECOVERED.sql(), *_RECOVERED.args(**webhook))
        return
    log.info(
        "webhook delivery failed",
        extra={"webhook_id": claimed.webhook_id, "delivery_id": claimed.id, "error": outcome.error},
    )
    await connection.execute(_FAILING.sql(), *_FAILING.args(**webhook))
    await connection.execute(_DEACTIVATED.sql(), *_DEACTIVATED.args(**webhook))


async def deliver_next(
    database: Database, client: httpx.AsyncClient, in_flight: InFlight, *, allow_private: bool
) -> bool:
    """Send the next due delivery; False when none is due. Three steps, and no transaction
    open while the receiver is waited on: claim (committed), attempt, record."""
    async with in_flight.claiming:
        async with database.connection() as connection, connection.transaction():
            claimed = await claim(connection, busy=in_flight.full())
        if not isinstance(claimed, Claimed):
            return claimed
        in_flight.add(claimed.webhook_id)
    try:
        outcome = await attempt(
            client,
            url=claimed.url,
            secret=claimed.secret,
            event=claimed.event,
            allow_private=allow_private,
        )
        async with database.connection() as connection, connection.transaction():
            await record(connection, claimed, outcome)
    finally:
        in_flight.remove(claimed.webhook_id)
    return True
