"""The webhooks admin API's SQL: endpoints and their deliveries as Core statements compiled
once (a change once per set of changed columns), run on the connection they are given."""

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, cast

import asyncpg
from sqlalchemy import ColumnElement, Table, bindparam, delete, func, insert, null, select, update

from helpdesk.db.compiled import Compiled
from helpdesk.events.retry import RETRY_PERIOD
from helpdesk.webhooks.models import Delivery, DeliveryState, Webhook

_webhooks = cast(Table, Webhook.__table__)
_deliveries = cast(Table, Delivery.__table__)


@dataclass(frozen=True, slots=True)
class WebhookRow:
    id: int
    url: str
    events: list[str]
    description: str
    secret: str
    active: bool
    failing_since: datetime | None
    deactivated_reason: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class DeliveryRow:
    """A delivery as the API lists it (not what the worker needs to send it)."""

    id: int
    event_id: int
    event_type: str
    state: str
    attempts: int
    last_status_code: int | None
    last_error: str | None
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    created_at: datetime


_WEBHOOK_COLUMNS = [_webhooks.c[name] for name in WebhookRow.__slots__]
_DELIVERY_COLUMNS = [_deliveries.c[name] for name in DeliveryRow.__slots__]
_BY_ID = _webhooks.c.id == bindparam("webhook_id")

_INSERT = Compiled(
    insert(_webhooks)
    .values(
        url=bindparam("url"),
        events=bindparam("events", type_=_webhooks.c.events.type),
        description=bindparam("description"),
        secret=bindparam("secret"),
    )
    .returning(*_WEBHOOK_COLUMNS)
)
_ALL = Compiled(select(*_WEBHOOK_COLUMNS).order_by(_webhooks.c.id))
_ONE = Compiled(select(*_WEBHOOK_COLUMNS).where(_BY_ID))
_DELETE = Compiled(delete(_webhooks).where(_BY_ID).returning(_webhooks.c.id))
_SET_SECRET = Compiled(
    update(_webhooks).where(_BY_ID).values(secret=bindparam("secret")).returning(*_WEBHOOK_COLUMNS)
)
# Newest first: served by ix_webhook_deliveries_webhook_id_id.
_DELIVERIES = Compiled(
    select(*_DELIVERY_COLUMNS)
    .where(_deliveries.c.webhook_id == bindparam("webhook_id"))
    .order_by(_deliveries.c.id.desc())
    .limit(bindparam("limit"))
    .offset(bindparam("offset"))
)
_RETRY = Compiled(
    update(_deliveries)
    .where(
        _deliveries.c.id == bindparam("delivery_id"),
        _deliveries.c.webhook_id == bindparam("webhook_id"),
    )
    .values(
        state=DeliveryState.pending.value,
        next_attempt_at=func.now(),
        retry_until=func.now() + RETRY_PERIOD,
    )
    .returning(*_DELIVERY_COLUMNS)
)


@cache
def _change(columns: tuple[str, ...], *, fresh_start: bool) -> Compiled:
    """An update of these columns (each a bindparam of its name); with fresh_start, the
    failure streak and the reason for a deactivation are cleared too. Keyed by exactly
    what it is built from."""
    values: dict[str, ColumnElement[Any]] = {
        name: bindparam(name, type_=_webhooks.c[name].type) for name in columns
    }
    if fresh_start:
        values |= {"failing_since": null(), "deactivated_reason": null()}
    return Compiled(update(_webhooks).where(_BY_ID).values(values).returning(*_WEBHOOK_COLUMNS))


async def insert_webhook(
    connection: asyncpg.Connection, *, url: str, events: list[str], description: str, secret: str
) -> WebhookRow:
    row = await connection.fetchrow(
        _INSERT.sql(),
        *_INSERT.args(url=url, events=events, description=description, secret=secret),
    )
    assert row is not None  # an INSERT ... RETURNING returns its row
    return WebhookRow(**row)


async def all_webhooks(connection: asyncpg.Connection) -> list[WebhookRow]:
    return [WebhookRow(**row) for row in await connection.fetch(_ALL.sql(), *_ALL.args())]


async def webhook(connection: asyncpg.Connection, *, webhook_id: int) -> WebhookRow | None:
    row = await connection.fetchrow(_ONE.sql(), *_ONE.args(webhook_id=webhook_id))
    return None if row is None else WebhookRow(**row)


async def change(
    connection: asyncpg.Connection,
    *,
    webhook_id: int,
    changes: dict[str, object],
    fresh_start: bool,
) -> WebhookRow | None:
    """The webhook as changed; None when there is none by that id."""
    statement = _change(tuple(sorted(changes)), fresh_start=fresh_start)
    row = await connection.fetchrow(
        statement.sql(), *statement.args(webhook_id=webhook_id, **changes)
    )
    return None if row is None else WebhookRow(**row)


async def delete_webhook(connection: asyncpg.Connection, *, webhook_id: int) -> bool:
    """True when there was one to delete (its deliveries go with it: ON DELETE CASCADE)."""
    deleted = await connection.fetchval(_DELETE.sql(), *_DELETE.args(webhook_id=webhook_id))
    return deleted is not None


async def set_secret(
    connection: asyncpg.Connection, *, webhook_id: int, secret: str
) -> WebhookRow | None:
    row = await connection.fetchrow(
        _SET_SECRET.sql(), *_SET_SECRET.args(webhook_id=webhook_id, secret=secret)
    )
    return None if row is None else WebhookRow(**row)


async def deliveries(
    connection: asyncpg.Connection, *, webhook_id: int, limit: int, offset: int
) -> list[DeliveryRow]:
    rows = await connection.fetch(
        _DELIVERIES.sql(), *_DELIVERIES.args(webhook_id=webhook_id, limit=limit, offset=offset)
    )
    return [DeliveryRow(**row) for row in rows]


async def retry(
    connection: asyncpg.Connection, *, webhook_id: int, delivery_id: int
) -> DeliveryRow | None:
    """The delivery made due now and given another retry period; None when the webhook has
    no delivery by that id."""
    row = await connection.fetchrow(
        _RETRY.sql(), *_RETRY.args(webhook_id=webhook_id, delivery_id=delivery_id)
    )
    return None if row is None else DeliveryRow(**row)
