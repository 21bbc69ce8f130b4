"""Who may see, create, change and comment on which ticket. Every role rule lives here."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal, Protocol, get_args

from sqlalchemy import ARRAY, ColumnElement, Text, and_, case, func, literal, not_, true
from sqlalchemy.dialects.postgresql import JSONB

from helpdesk.auth.models import Role, User
from helpdesk.errors import Forbidden
from helpdesk.tickets.timeline.models import TimelineLog

# The fields of a ticket a PATCH may change, in the order a form shows them: an admin may
# change them all.
EditableField = Literal["title", "description", "status", "priority", "assignee_id", "sla_minutes"]
ADMIN_FIELDS: tuple[EditableField, ...] = get_args(EditableField)
REQUESTER_FIELDS: tuple[EditableField, ...] = ("title", "description")
AGENT_FIELDS: tuple[EditableField, ...] = ("status", "priority", "assignee_id")
# An agent's first change to an unassigned ticket: assigning it to themselves.
CLAIM_FIELDS: tuple[EditableField, ...] = ("assignee_id",)
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


def allowed_fields(user: User, ticket: Assigned) -> tuple[EditableField, ...]:
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


# The SLA's bookkeeping is the desk's: its own entries (a pause with the time left, a
# resumption and who made it, a breach) and what a change did to the targets and due
# dates. A requester's history leaves them out; what was changed of the ticket itself
# (title, description, status, priority, assignee) and the public comments stay.
SLA_ACTION_PREFIX = "sla."  # the prefix of every SLA entry's action
SLA_FIELDS: tuple[str, ...] = (
    "sla_minutes",
    "first_response_minutes",
    "due_at",
    "first_response_due_at",
)


@dataclass(frozen=True, slots=True)
class TimelineView:
    """What a caller sees of a ticket's timeline, in SQL: which entries, and each one's
    meta as shown."""

    shown: ColumnElement[bool]
    meta: ColumnElement[Any]


def timeline_view(*, staff: bool) -> TimelineView:
    """Staff see every entry as written. A requester sees no internal note's entry, no
    sla.* entry, and no SLA field in an entry's meta or its changes; a change left with
    nothing to show is not shown."""
    if staff:
        return TimelineView(shown=true(), meta=TimelineLog.meta.expression)
    hidden = literal(list(SLA_FIELDS), ARRAY(Text))
    changes = TimelineLog.meta["changes"].op("-", return_type=JSONB)(hidden)
    meta = TimelineLog.meta.op("-", return_type=JSONB)(hidden)
    has_changes = TimelineLog.meta.has_key("changes")
    shown_changes = func.jsonb_build_object("changes", changes)
    return TimelineView(
        shown=and_(
            not_(TimelineLog.action.startswith(SLA_ACTION_PREFIX, autoescape=True)),
            # An internal note's comment.created entry says so in its meta.
            not_(TimelineLog.meta.contains({"internal": True})),
            not_(and_(has_changes, changes == literal({}, JSONB))),
        ),
        meta=case((has_changes, meta.op("||", return_type=JSONB)(shown_changes)), else_=meta),
    )


def requester_sees_action(action: str) -> bool:
    """Whether the ticket's requester sees a history entry of this action, and so receives
    its event on the live stream: not the SLA's bookkeeping (a target passed, the clocks
    paused or resumed). timeline_view says the same in SQL; an internal note's entry and
    event are hidden by their own flag."""
    return not action.startswith(SLA_ACTION_PREFIX)
