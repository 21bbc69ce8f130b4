from fastapi import APIRouter

from helpdesk.auth.dependencies import AdminUser, StaffUser
from helpdesk.db.dependencies import ConnectionDep, TransactionDep
from helpdesk.errors import error_responses
from helpdesk.tickets.models import Priority
from helpdesk.tickets.sla import service
from helpdesk.tickets.sla.schemas import (
    BusinessHoursIn,
    BusinessHoursOut,
    SlaPolicyIn,
    SlaPolicyOut,
)

router = APIRouter(tags=["sla"])


@router.get("/sla-policies", response_model=list[SlaPolicyOut], responses=error_responses(401, 403))
async def list_sla_policies(connection: ConnectionDep, _: StaffUser) -> list[SlaPolicyOut]:
    """Each priority's targets, most urgent first."""
    return await service.list_policies(connection)


@router.put(
    "/sla-policies/{priority}",
    response_model=SlaPolicyOut,
    responses=error_responses(401, 403, 404),
)
async def set_sla_policy(
    priority: Priority, data: SlaPolicyIn, connection: TransactionDep, _: AdminUser
) -> SlaPolicyOut:
    """Applies to tickets created or re-prioritised afterwards."""
    return await service.set_policy(connection, priority=priority, data=data)


@router.get("/business-hours", response_model=BusinessHoursOut, responses=error_responses(401, 403))
async def get_business_hours(connection: ConnectionDep, _: StaffUser) -> BusinessHoursOut:
    return await service.get_business_hours(connection)


@router.put("/business-hours", response_model=BusinessHoursOut, responses=error_responses(401, 403))
async def set_business_hours(
    data: BusinessHoursIn, connection: TransactionDep, _: AdminUser
) -> BusinessHoursOut:
    """Policies with business_hours count in these hours from their tickets' next change."""
    return await service.set_business_hours(connection, data=data)
