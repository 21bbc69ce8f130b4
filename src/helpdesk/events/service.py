"""Writing events, in the transaction of the change they describe."""

from datetime import datetime
from typing import Any, Protocol, cast

from sqlalchemy import CTE, Select, Table, Text, bindparam, func, insert, select
from sqlalchemy import cast as sql_cast

from helpdesk.events.models import Event
from helpdesk.schemas import iso_utc

# Committed events are announced on this channel (by id), for the worker and the live
# streams of every process: PostgreSQL sends a NOTIFY at commit, or never.
CHANNEL = "helpdesk_events"
# The id as the API and the webhooks show it.
ID_PREFIX = "evt_"

_events = cast(Table, Event.__table__)


def recording(*before: CTE) -> Select[Any]:
    """The event written and announced in one statement, one round trip; `before`, writes
    of the same change (its timeline entry) run in the same statement."""
    written = (
        insert(_events)
        .values(
            type=bindparam("type"),
            ticket_id=bindparam("ticket_id"),
            requester_id=bindparam("requester_id"),
            internal=bindparam("internal"),
            data=bindparam("data", type_=_events.c.data.type),
        )
        .returning(_events.c.id)
        .cte("written")
    )
    return (
        select(written.c.id, func.pg_notify(CHANNEL, sql_cast(written.c.id, Text)))
        .select_from(written)
        .add_cte(*before)
    )


def public_id(event_id: int) -> str:
    return f"{ID_PREFIX}{event_id}"


class Published(Protocol):
    """An event as it is sent: read from the outbox (events/repository.py) or the ORM row."""

    @property
    def id(self) -> int: ...
    @property
    def type(self) -> str: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def data(self) -> dict[str, Any]: ...


def payload(event: Published) -> dict[str, Any]:
    """{"id", "type", "created_at", "data"}: what a webhook receives and the stream sends."""
    return {
        "id": public_id(event.id),
        "type": event.type,
        "created_at": iso_utc(event.created_at),
        "data": event.data,
    }
