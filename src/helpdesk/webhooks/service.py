"""Webhook endpoints as admins manage them, and their deliveries as the API lists them."""

import asyncpg

from helpdesk.db.pool import Database
from helpdesk.errors import FieldInvalid, FieldRequired, NotFound
from helpdesk.events.service import public_id
from helpdesk.pagination import PageParams
from helpdesk.webhooks import repository, signing
from helpdesk.webhooks.repository import DeliveryRow, WebhookRow
from helpdesk.webhooks.schemas import (
    DeliveryOut,
    WebhookCreate,
    WebhookOut,
    WebhookUpdate,
    WebhookWithSecret,
)
from helpdesk.webhooks.targets import TargetRefused, check_target


def webhook_out(webhook: WebhookRow) -> WebhookOut:
    return WebhookOut.model_validate(webhook, from_attributes=True)


def with_secret(webhook: WebhookRow) -> WebhookWithSecret:
    return WebhookWithSecret.model_validate(webhook, from_attributes=True)


def delivery_out(delivery: DeliveryRow) -> DeliveryOut:
    return DeliveryOut(
        id=delivery.id,
        event_id=public_id(delivery.event_id),
        event_type=delivery.event_type,
        state=delivery.state,
        attempts=delivery.attempts,
        last_status_code=delivery.last_status_code,
        last_error=delivery.last_error,
        next_attempt_at=delivery.next_attempt_at,
        delivered_at=delivery.delivered_at,
        created_at=delivery.created_at,
    )


async def _checked(url: str, *, allow_private: bool) -> None:
    """The URL's host resolves only to global addresses. Called before any connection is
    taken: a resolver may take seconds, and a pooled connection held meanwhile is one
    that every other request waits for."""
    try:
        await check_target(url, allow_private=allow_private)
    except TargetRefused as refused:
        raise FieldInvalid(f"url {refused}", field="url") from None


async def _get(connection: asyncpg.Connection, *, webhook_id: int) -> WebhookRow:
    webhook = await repository.webhook(connection, webhook_id=webhook_id)
    if webhook is None:
        raise NotFound("Webhook not found")
    return webhook


async def create(
    database: Database, *, data: WebhookCreate, allow_private: bool
) -> WebhookWithSecret:
    """Its secret is shown only here and on rotation."""
    await _checked(data.url, allow_private=allow_private)
    async with database.connection() as connection:
        webhook = await repository.insert_webhook(
            connection,
            url=data.url,
            events=data.events,
            description=data.description,
            secret=signing.new_secret(),
        )
    return with_secret(webhook)


async def list_webhooks(connection: asyncpg.Connection) -> list[WebhookOut]:
    return [webhook_out(each) for each in await repository.all_webhooks(connection)]


async def get(connection: asyncpg.Connection, *, webhook_id: int) -> WebhookOut:
    return webhook_out(await _get(connection, webhook_id=webhook_id))


async def _checked_new_url(
    database: Database, *, webhook_id: int, url: str, allow_private: bool
) -> None:
    """A refused URL is refused only for a webhook there is: an unknown one is not found,
    whatever the change asked."""
    try:
        await _checked(url, allow_private=allow_private)
    except FieldInvalid:
        async with database.connection() as connection:
            await _get(connection, webhook_id=webhook_id)
        raise


async def change(
    database: Database, *, webhook_id: int, data: WebhookUpdate, allow_private: bool
) -> WebhookOut:
    """The fields sent, in one statement; reactivated by hand (`active: true`), it starts
    afresh: no failures counted, no reason for a deactivation."""
    changes = data.changes()
    if not changes:
        raise FieldRequired("Send at least one field to change")
    if "url" in changes:
        await _checked_new_url(
            database, webhook_id=webhook_id, url=str(changes["url"]), allow_private=allow_private
        )
    async with database.connection() as connection:
        webhook = await repository.change(
            connection,
            webhook_id=webhook_id,
            changes=changes,
            fresh_start=changes.get("active") is True,
        )
    if webhook is None:
        raise NotFound("Webhook not found")
    return webhook_out(webhook)


async def delete(connection: asyncpg.Connection, *, webhook_id: int) -> None:
    if not await repository.delete_webhook(connection, webhook_id=webhook_id):
        raise NotFound("Webhook not found")


async def rotate_secret(connection: asyncpg.Connection, *, webhook_id: int) -> WebhookWithSecret:
    webhook = await repository.set_secret(
        connection, webhook_id=webhook_id, secret=signing.new_secret()
    )
    if webhook is None:
        raise NotFound("Webhook not found")
    return with_secret(webhook)


async def list_deliveries(
    connection: asyncpg.Connection, *, webhook_id: int, page: PageParams
) -> list[DeliveryOut]:
    """Newest first; up to page.limit + 1 (the extra one says a next page exists)."""
    await _get(connection, webhook_id=webhook_id)
    deliveries = await repository.deliveries(
        connection, webhook_id=webhook_id, limit=page.limit + 1, offset=page.offset
    )
    return [delivery_out(each) for each in deliveries]


async def retry(
    connection: asyncpg.Connection, *, webhook_id: int, delivery_id: int
) -> DeliveryOut:
    """Send it again as soon as the worker can, retried for another day if need be (a
    failed delivery, a pending one sooner, or a delivered one once more)."""
    delivery = await repository.retry(connection, webhook_id=webhook_id, delivery_id=delivery_id)
    if delivery is None:
        raise NotFound("Delivery not found")
    return delivery_out(delivery)
