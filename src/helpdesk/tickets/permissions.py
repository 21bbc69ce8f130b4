"""Who may see, create, change and comment on which ticket. Every role rule lives here."""

from collections.abc import Iterable
from typing import Protocol

from helpdesk.auth.models import Role, User
from helpdesk.errors import Forbidden

# In the order a form shows them.
REQUESTER_FIELDS: tuple[str, ...] = ("title", "description")
AGENT_FIELDS: tuple[str, ...] = ("status", "priority", "assignee_id")
ADMIN_FIELDS: tuple[str, ...] = (*REQUESTER_FIELDS, *AGENT_FIELDS, "sla_minutes")
# An agent's first change to an unassigned ticket: assigning it to themselves.
CLAIM_FIELDS: tuple[str, ...] = ("assignee_id",)
STAFF_ONLY_CREATE_FIELDS = ("assignee_id", "sla_minutes")


class Requested(Protocol):
    """A ticket as stored or as shown: what who-may-see needs of it."""

    @property
    def requester_id(self) -> int: ...


class Assigned(Requested, Protocol):
    """What who-may-change needs of a ticket."""

    @property
    def assignee_id(self) -> int | None: ...


def can_view(user: User, ticket: Requested) -> bool:
    """Requesters see their own tickets; agents and admins see all."""
    return user.is_staff or ticket.requester_id == user.id


def sees_emails(user: User) -> bool:
    """Agents and admins read the email of anyone a ticket names; a requester reads names
    and roles only, never another person's address."""
    return user.is_staff


def check_create(user: User, *, fields_set: Iterable[str], values: dict[str, object]) -> None:
    if user.is_staff:
        return
    for field in STAFF_ONLY_CREATE_FIELDS:
        if field in fields_set and values.get(field) is not None:
            raise Forbidden(f"Only agents and admins may set {field}", field=field)


def allowed_fields(user: User, ticket: Assigned) -> tuple[str, ...]:
    """The fields `user` may change on `ticket` as it stands (what check_update accepts),
    served with every ticket so that a client offers exactly these. An agent may take an
    unassigned ticket: assignee_id, to themselves, and with it the agent's fields."""
    if user.role == Role.admin:
        return ADMIN_FIELDS
    if user.role == Role.agent:
        if ticket.assignee_id == user.id:
            return AGENT_FIELDS
        return CLAIM_FIELDS if ticket.assignee_id is None else ()
    return REQUESTER_FIELDS if ticket.requester_id == user.id else ()


def check_update(user: User, ticket: Assigned, changes: dict[str, object]) -> None:
    """Raise Forbidden naming the first field the caller may not change: one outside
    allowed_fields, or, on an agent's claim, anything but assigning it to themselves
    (the claim may set the agent's other fields with it)."""
    allowed = allowed_fields(user, ticket)
    if user.role == Role.agent and ticket.assignee_id != user.id:
        if allowed != CLAIM_FIELDS or changes.get("assignee_id") != user.id:
            raise Forbidden(
                "Agents may change only tickets assigned to them, or claim one",
                field=next(iter(changes)),
            )
        allowed = AGENT_FIELDS
    elif not allowed:
        raise Forbidden("You may change only your own tickets")
    for field in changes:
        if field not in allowed:
            raise Forbidden(f"Your role may not change {field}", field=field)
