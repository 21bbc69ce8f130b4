"""Who may see, create, change and comment on which ticket. Every role rule lives here."""

from collections.abc import Iterable
from typing import Protocol

from helpdesk.errors import Forbidden
from helpdesk.tickets.models import Ticket
from helpdesk.users.models import Role, User

REQUESTER_FIELDS = frozenset({"title", "description"})
AGENT_FIELDS = frozenset({"status", "priority", "assignee_id"})
STAFF_ONLY_CREATE_FIELDS = ("assignee_id", "sla_minutes")


class Requested(Protocol):
    """A ticket as stored or as shown: what who-may-see needs of it."""

    @property
    def requester_id(self) -> int: ...


def can_view(user: User, ticket: Requested) -> bool:
    """Requesters see their own tickets; agents and admins see all."""
    return user.is_staff or ticket.requester_id == user.id


def check_create(user: User, *, fields_set: Iterable[str], values: dict[str, object]) -> None:
    if user.is_staff:
        return
    for field in STAFF_ONLY_CREATE_FIELDS:
        if field in fields_set and values.get(field) is not None:
            raise Forbidden(f"Only agents and admins may set {field}", field=field)


def check_update(user: User, ticket: Ticket, changes: dict[str, object]) -> None:
    """Raise Forbidden naming the first field the caller may not change."""
    if user.role == Role.admin:
        return
    if user.role == Role.agent:
        claiming = ticket.assignee_id is None and changes.get("assignee_id") == user.id
        if ticket.assignee_id != user.id and not claiming:
            raise Forbidden(
                "Agents may change only tickets assigned to them, or claim one",
                field=next(iter(changes)),
            )
        allowed = AGENT_FIELDS
    else:
        if ticket.requester_id != user.id:
            raise Forbidden("You may change only your own tickets")
        allowed = REQUESTER_FIELDS
    for field in changes:
        if field not in allowed:
            raise Forbidden(f"Your role may not change {field}", field=field)
