"""Webhook endpoints as admins manage them, and their deliveries as the API lists them."""

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from helpdesk.errors import FieldInvalid, FieldRequired, NotFound
from helpdesk.events.retry import RETRY_PERIOD
from helpdesk.events.service import public_id
from helpdesk.pagination import PageParams
from helpdesk.webhooks import signing
from helpdesk.webhooks.models import Delivery, DeliveryState, Webhook
from helpdesk.webhooks.schemas import (
    DeliveryOut,
    WebhookCreate,
    WebhookOut,
    WebhookUpdate,
    WebhookWithSecret,
)
from helpdesk.webhooks.targets import TargetRefused, check_target


def webhook_out(webhook: Webhook) -> WebhookOut:
    return WebhookOut.model_validate(webhook, from_attributes=True)


def with_secret(webhook: Webhook) -> WebhookWithSecret:
    return WebhookWithSecret.model_validate(webhook, from_attributes=True)


def delivery_out(delivery: Delivery) -> DeliveryOut:
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
    try:
        await check_target(url, allow_private=allow_private)
    except TargetRefused as refused:
        raise FieldInvalid(f"url {refused}", field="url") from None


async def create(session: AsyncSession, *, data: WebhookCreate, allow_private: bool) -> Webhook:
    await _checked(data.url, allow_private=allow_private)
    webhook = Webhook(
        url=data.url,
        events=data.events,
        description=data.description,
        secret=signing.new_secret(),
        active=True,
    )
    session.add(webhook)
    await session.flush()
    await session.refresh(webhook)
    return webhook


async def list_webhooks(session: AsyncSession) -> list[Webhook]:
    return list(await session.scalars(select(Webhook).order_by(Webhook.id)))


async def get(session: AsyncSession, *, webhook_id: int, lock: bool = False) -> Webhook:
    statement = select(Webhook).where(Webhook.id == webhook_id)
    if lock:
        statement = statement.with_for_update()
    webhook = await session.scalar(statement)
    if webhook is None:
        raise NotFound("Webhook not found")
    return webhook


async def change(
    session: AsyncSession, *, webhook_id: int, data: WebhookUpdate, allow_private: bool
) -> Webhook:
    changes = data.changes()
    if not changes:
        raise FieldRequired("Send at least one field to change")
    webhook = await get(session, webhook_id=webhook_id, lock=True)
    if "url" in changes:
        await _checked(str(changes["url"]), allow_private=allow_private)
    for field, value in changes.items():
        setattr(webhook, field, value)
    if changes.get("active") is True:
        # Reactivated by hand: a fresh start.
        webhook.failing_since = None
        webhook.deactivated_reason = None
    await session.flush()
    return webhook


async def delete(session: AsyncSession, *, webhook_id: int) -> None:
    webhook = await get(session, webhook_id=webhook_id, lock=True)
    await session.delete(webhook)
    await session.flush()


async def rotate_secret(session: AsyncSession, *, webhook_id: int) -> Webhook:
    webhook = await get(session, webhook_id=webhook_id, lock=True)
    webhook.secret = signing.new_secret()
    await session.flush()
    return webhook


async def list_deliveries(
    session: AsyncSession, *, webhook_id: int, page: PageParams
) -> list[Delivery]:
    await get(session, webhook_id=webhook_id)
    statement = (
        select(Delivery)
        .where(Delivery.webhook_id == webhook_id)
        .order_by(Delivery.id.desc())
        .limit(page.limit + 1)
        .offset(page.offset)
    )
    return list(await session.scalars(statement))


async def retry(session: AsyncSession, *, webhook_id: int, delivery_id: int) -> Delivery:
    """Send it again as soon as the worker can, retried for another day if need be (a
    failed delivery, a pending one sooner, or a delivered one once more)."""
    delivery = await session.scalar(
        update(Delivery)
        .where(Delivery.id == delivery_id, Delivery.webhook_id == webhook_id)
        .values(
            state=DeliveryState.pending.value,
            next_attempt_at=func.now(),
            retry_until=func.now() + RETRY_PERIOD,
        )
        .returning(Delivery)
        .execution_options(synchronize_session=False)
    )
    if delivery is None:
        raise NotFound("Delivery not found")
    return delivery
