from datetime import datetime
from typing import Annotated, Any, Self

from pydantic import (
    BaseModel,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
)

from helpdesk.auth.models import Role, User
from helpdesk.auth.schemas import Person
from helpdesk.schemas import Id, PatchModel, RequestModel, TitleText, Trimmed
from helpdesk.tickets import permissions
from helpdesk.tickets.models import MAX_SLA_MINUTES, Priority, Status, TicketRow
from helpdesk.tickets.permissions import EditableField
from helpdesk.tickets.sla import clock

MAX_DESCRIPTION_LENGTH = 10_000
MAX_COMMENT_LENGTH = 10_000

Description = Annotated[StrictStr, Trimmed(0, MAX_DESCRIPTION_LENGTH)]
SlaMinutes = Annotated[StrictInt, Field(ge=0, le=MAX_SLA_MINUTES)]


class CommentCreate(RequestModel):
    body: Annotated[StrictStr, Trimmed(1, MAX_COMMENT_LENGTH)]
    internal: StrictBool = Field(
        default=False,
        description="An internal note: agents and admins only, never shown to the requester",
    )


class CommentOut(BaseModel):
    id: int
    ticket_id: int
    author_id: int
    author: Person
    body: str
    internal: bool
    created_at: datetime


class TicketCreate(RequestModel):
    title: TitleText
    description: Description | None = None
    priority: Priority = Priority.medium
    assignee_id: Id | None = None
    sla_minutes: SlaMinutes | None = None
    follow_up_of: Id | None = Field(
        default=None,
        description="A closed ticket the caller can see, that this one follows up: the "
        "requester is then that ticket's",
    )


class TicketUpdate(PatchModel):
    NOT_NULLABLE = ("title", "status", "priority", "sla_minutes", "comment")

    title: TitleText | None = None
    description: Description | None = None
    status: Status | None = None
    priority: Priority | None = None
    assignee_id: Id | None = None
    sla_minutes: SlaMinutes | None = None
    comment: CommentCreate | None = Field(
        default=None,
        description="A reply (or an internal note) sent with the change, in its transaction: "
        "the ticket gets a new version even when no field changes",
    )

    def changes(self) -> dict[str, Any]:
        """The fields the caller sent, but the comment; a null description means an empty
        one."""
        changes = super().changes()
        changes.pop("comment", None)
        if "description" in changes and changes["description"] is None:
            changes["description"] = ""
        return changes


def _person(id: int, name: str, role: str, email: str | None) -> Person:
    return Person(id=id, name=name, role=Role(role), email=email)


class TicketData(BaseModel):
    """A ticket as the API shows it to anyone who may see it: in events (webhooks, the live
    stream), and as the base of TicketOut."""

    id: int
    title: str
    description: str
    status: Status
    priority: Priority
    requester_id: int
    assignee_id: int | None
    requester: Person
    assignee: Person | None = Field(description="null: unassigned")
    follow_up_of: int | None = Field(description="The closed ticket this one follows up")
    sla_minutes: int = Field(description="The resolution target, in minutes")
    due_at: datetime | None = Field(
        description="When the resolution target falls due; null while paused"
    )
    breached: bool = Field(
        description="Not closed, and running past due_at, paused past it, or resolved after it"
    )
    first_response_due_at: datetime | None = Field(
        description="When the first response falls due; null while paused before it is met"
    )
    first_responded_at: datetime | None = Field(
        description="The first public reply by an agent or admin"
    )
    first_response_breached: bool
    sla_paused: bool = Field(description="Pending or on hold: both clocks stopped")
    sla_remaining_minutes: int | None = Field(
        description="While paused, the resolution minutes left (negative: past due); else null"
    )
    resolved_at: datetime | None = Field(description="When it was resolved or closed; else null")
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, ticket: TicketRow, *, with_emails: bool = False, **extra: Any) -> Self:
        """The ticket's fields, its people's emails only `with_emails`; `extra` fills a
        subclass's."""
        paused = clock.phase_of(ticket.status) is clock.Phase.paused
        assignee = None
        if ticket.assignee_id is not None:
            assert ticket.assignee_name is not None and ticket.assignee_role is not None
            assignee = _person(
                ticket.assignee_id,
                ticket.assignee_name,
                ticket.assignee_role,
                ticket.assignee_email if with_emails else None,
            )
        return cls(
            **{name: getattr(ticket, name) for name in _ROW_FIELDS_SHOWN},
            requester=_person(
                ticket.requester_id,
                ticket.requester_name,
                ticket.requester_role,
                ticket.requester_email if with_emails else None,
            ),
            assignee=assignee,
            sla_paused=paused,
            sla_remaining_minutes=clock.minutes(ticket.sla_remaining) if paused else None,
            **extra,
        )


# A ticket's fields the API shows as they are stored, by name; the rest (its people, the
# state of its clocks) are built above.
_ROW_FIELDS_SHOWN = tuple(name for name in TicketData.model_fields if name in TicketRow.__slots__)


class TicketOut(TicketData):
    allowed_fields: list[EditableField] = Field(
        description="The fields the caller may change now (PATCH); empty: none"
    )

    @classmethod
    def from_ticket(cls, ticket: TicketRow, *, caller: User, **extra: Any) -> Self:
        """The ticket as the API shows it to `caller`; `extra` fills a subclass's fields."""
        return cls.of(
            ticket,
            with_emails=permissions.sees_emails(caller),
            allowed_fields=list(permissions.allowed_fields(caller, ticket)),
            **extra,
        )
