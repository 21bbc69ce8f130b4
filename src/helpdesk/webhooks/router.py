from typing import Annotated

from fastapi import APIRouter, Path, Response

from helpdesk.auth.dependencies import AdminUser, DetachedAdminUser
from helpdesk.config import SettingsDep
from helpdesk.db.dependencies import ConnectionDep, DatabaseDep, TransactionDep
from helpdesk.errors import error_responses
from helpdesk.pagination import Page, PageDep, make_page
from helpdesk.schemas import MAX_ID
from helpdesk.webhooks import service
from helpdesk.webhooks.schemas import (
    DeliveryOut,
    WebhookCreate,
    WebhookOut,
    WebhookUpdate,
    WebhookWithSecret,
)

router = APIRouter(prefix="/webhooks", tags=["webhooks"])
WebhookId = Annotated[int, Path(ge=1, le=MAX_ID)]
DeliveryId = Annotated[int, Path(ge=1, le=2**63 - 1)]


@router.post(
    "", status_code=201, response_model=WebhookWithSecret, responses=error_responses(401, 403)
)
async def create_webhook(
    data: WebhookCreate, database: DatabaseDep, _: DetachedAdminUser, settings: SettingsDep
) -> WebhookWithSecret:
    """Signed deliveries of these events to this URL; its secret is shown only here and on
    rotation."""
    return await service.create(
        database, data=data, allow_private=settings.webhook_allow_private_targets
    )


@router.get("", response_model=list[WebhookOut], responses=error_responses(401, 403))
async def list_webhooks(connection: ConnectionDep, _: AdminUser) -> list[WebhookOut]:
    return await service.list_webhooks(connection)


@router.get("/{webhook_id}", response_model=WebhookOut, responses=error_responses(401, 403, 404))
async def get_webhook(webhook_id: WebhookId, connection: ConnectionDep, _: AdminUser) -> WebhookOut:
    return await service.get(connection, webhook_id=webhook_id)


@router.patch("/{webhook_id}", response_model=WebhookOut, responses=error_responses(401, 403, 404))
async def change_webhook(
    webhook_id: WebhookId,
    data: WebhookUpdate,
    database: DatabaseDep,
    _: DetachedAdminUser,
    settings: SettingsDep,
) -> WebhookOut:
    return await service.change(
        database,
        webhook_id=webhook_id,
        data=data,
        allow_private=settings.webhook_allow_private_targets,
    )


@router.delete("/{webhook_id}", status_code=204, responses=error_responses(401, 403, 404))
async def delete_webhook(
    webhook_id: WebhookId, connection: TransactionDep, _: AdminUser
) -> Response:
    await service.delete(connection, webhook_id=webhook_id)
    return Response(status_code=204)


@router.post(
    "/{webhook_id}/rotate-secret",
    response_model=WebhookWithSecret,
    responses=error_responses(401, 403, 404),
)
async def rotate_secret(
    webhook_id: WebhookId, connection: TransactionDep, _: AdminUser
) -> WebhookWithSecret:
    """A new secret, shown only now; deliveries are signed with it from now on."""
    return await service.rotate_secret(connection, webhook_id=webhook_id)


@router.get(
    "/{webhook_id}/deliveries",
    response_model=Page[DeliveryOut],
    responses=error_responses(401, 403, 404),
)
async def list_deliveries(
    webhook_id: WebhookId, connection: ConnectionDep, _: AdminUser, page: PageDep
) -> Page[DeliveryOut]:
    """Newest first."""
    deliveries = await service.list_deliveries(connection, webhook_id=webhook_id, page=page)
    return make_page(deliveries, page)


@router.post(
    "/{webhook_id}/deliveries/{delivery_id}/retry",
    status_code=202,
    response_model=DeliveryOut,
    responses=error_responses(401, 403, 404),
)
async def retry_delivery(
    webhook_id: WebhookId, delivery_id: DeliveryId, connection: TransactionDep, _: AdminUser
) -> DeliveryOut:
    """Sent again by the worker as soon as it can."""
    return await service.retry(connection, webhook_id=webhook_id, delivery_id=delivery_id)
