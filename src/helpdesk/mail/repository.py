"""Mail's SQL: Core statements on the mails table (and the events, tickets and accounts a
mail is made from), compiled once and run on the worker's pooled connections. Rows are read
by column name."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

import asyncpg
from sqlalchemy import (
    ARRAY,
    BigInteger,
    ColumnElement,
    Integer,
    Interval,
    Table,
    any_,
    bindparam,
    case,
    func,
    insert,
    literal_column,
    select,
    update,
)

from helpdesk.auth.models import User
from helpdesk.auth.repository import users
from helpdesk.db.compiled import Compiled
from helpdesk.events.models import Event
from helpdesk.events.retry import transaction_time
from helpdesk.mail.models import Mail, MailState
from helpdesk.tickets.models import Ticket

_mails = cast(Table, Mail.__table__)
_events = cast(Table, Event.__table__)
_tickets = cast(Table, Ticket.__table__)

# A constant in the SQL, not a parameter: the planner then matches it to ix_mails_due's
# predicate in every plan, a generic one too.
_PENDING: ColumnElement[str] = literal_column(f"'{MailState.pending.value}'")


@dataclass(frozen=True, slots=True)
class Unmailed:
    """An event whose mails are still to be made."""

    id: int
    type: str
    ticket_id: int
    data: dict[str, Any]


@dataclass(frozen=True, slots=True)
class TicketOwner:
    """What who-may-see needs of a ticket (tickets/permissions.py: Requested)."""

    id: int
    requester_id: int


@dataclass(frozen=True, slots=True)
class NewMail:
    event_id: int
    ticket_id: int
    kind: str
    to_user_id: int
    message_id: str
    refused: str | None  # why its recipient may not get it: made failed, never sent


@dataclass(frozen=True, slots=True)
class Claimed:
    """A mail taken for one attempt: no other worker takes it before `leased_until` (a
    worker that dies mid-send leaves it to be sent again then: at least once)."""

    id: int
    event_id: int
    ticket_id: int
    kind: str
    to_user_id: int
    message_id: str
    attempts: int
    retry_until: datetime
    leased_until: datetime


_UNMAILED = Compiled(
    select(_events.c.id, _events.c.type, _events.c.ticket_id, _events.c.data)
    .where(_events.c.mailed_at.is_(None))
    .order_by(_events.c.id)
    .limit(bindparam("batch"))
    .with_for_update(skip_locked=True)
)
_USERS = Compiled(select(users).where(users.c.id == any_(bindparam("ids", type_=ARRAY(Integer)))))
_TICKET_OWNER = (_tickets.c.id, _tickets.c.requester_id)
_TICKETS = Compiled(
    select(*_TICKET_OWNER).where(_tickets.c.id == any_(bindparam("ids", type_=ARRAY(Integer))))
)
# inline(): nothing is read back.
_ADD = Compiled(
    insert(_mails)
    .values(
        {
            name: bindparam(name, type_=_mails.c[name].type)
            for name in (
                "event_id",
                "ticket_id",
                "kind",
                "to_user_id",
                "message_id",
                "state",
                "next_attempt_at",
                "last_error",
            )
        }
    )
    .inline()
)
_MARK_MAILED = Compiled(
    update(_events)
    .where(_events.c.id == any_(bindparam("ids", type_=ARRAY(BigInteger))))
    .values(mailed_at=func.now())
)

# The next due mail, leased: its next attempt pushed past the send, so that no other worker
# takes it meanwhile and none holds its row while the SMTP server is waited on.
_due = (
    select(_mails.c.id)
    .where(_mails.c.state == _PENDING, _mails.c.next_attempt_at <= func.now())
    .order_by(_mails.c.next_attempt_at, _mails.c.id)
    .limit(1)
    .with_for_update(skip_locked=True)
    .cte("due")
)
_CLAIM = Compiled(
    update(_mails)
    .where(_mails.c.id == _due.c.id)
    .values(next_attempt_at=func.now() + bindparam("lease", type_=Interval()))
    .returning(
        *(_mails.c[name] for name in Claimed.__slots__ if name != "leased_until"),
        _mails.c.next_attempt_at.label("leased_until"),
    )
)
_EVENT_DATA = Compiled(select(_events.c.data).where(_events.c.id == bindparam("event_id")))
# A ticket's first mail starts its thread: the later ones answer it (ix_mails_ticket_id_id).
_THREAD = Compiled(
    select(_mails.c.message_id)
    .where(_mails.c.ticket_id == bindparam("ticket_id"))
    .order_by(_mails.c.id)
    .limit(1)
)
_GIVE_UP = Compiled(
    update(_mails)
    .where(_mails.c.id == bindparam("mail_id"))
    .values(
        state=bindparam("state"),
        next_attempt_at=bindparam("next_attempt_at", type_=_mails.c.next_attempt_at.type),
        last_error=bindparam("last_error"),
    )
)
# Only while the lease is this worker's: once it ran out, another worker owns the mail.
_RECORD = Compiled(
    update(_mails)
    .where(
        _mails.c.id == bindparam("mail_id"),
        _mails.c.next_attempt_at == bindparam("leased_until"),
    )
    .values(
        state=bindparam("state"),
        attempts=bindparam("attempts"),
        last_error=bindparam("error"),
        next_attempt_at=bindparam("next_attempt_at", type_=_mails.c.next_attempt_at.type),
        sent_at=case(
            (bindparam("state") == MailState.sent.value, func.now()), else_=_mails.c.sent_at
        ),
    )
    .returning(_mails.c.id)
)


async def lock_unmailed(connection: asyncpg.Connection, *, batch: int) -> list[Unmailed]:
    """Up to `batch` events whose mails are not made yet, oldest first, locked (those
    another worker holds are skipped)."""
    rows = await connection.fetch(_UNMAILED.sql(), *_UNMAILED.args(batch=batch))
    return [Unmailed(**row) for row in rows]


async def users_by_id(connection: asyncpg.Connection, ids: set[int]) -> dict[int, User]:
    rows = await connection.fetch(_USERS.sql(), *_USERS.args(ids=list(ids)))
    return {row["id"]: User(**row) for row in rows}


async def tickets_by_id(connection: asyncpg.Connection, ids: set[int]) -> dict[int, TicketOwner]:
    rows = await connection.fetch(_TICKETS.sql(), *_TICKETS.args(ids=list(ids)))
    return {row["id"]: TicketOwner(**row) for row in rows}


async def add(connection: asyncpg.Connection, new: list[NewMail]) -> None:
    """The mails, in this order (a ticket's first by id starts its thread): due now, or
    failed with why when refused."""
    if not new:
        return
    now = await transaction_time(connection)
    due = {"state": MailState.pending.value, "next_attempt_at": now, "last_error": None}
    await connection.executemany(
        _ADD.sql(),
        [
            _ADD.args(
                event_id=mail.event_id,
                ticket_id=mail.ticket_id,
                kind=mail.kind,
                to_user_id=mail.to_user_id,
                message_id=mail.message_id,
                **(due if mail.refused is None else _given_up(mail.refused)),
            )
            for mail in new
        ],
    )


def _given_up(reason: str) -> dict[str, Any]:
    """A mail's columns once it is failed, never to be sent, with why."""
    return {"state": MailState.failed.value, "next_attempt_at": None, "last_error": reason}


async def mark_mailed(connection: asyncpg.Connection, event_ids: list[int]) -> None:
    await connection.execute(_MARK_MAILED.sql(), *_MARK_MAILED.args(ids=event_ids))


async def claim(connection: asyncpg.Connection, *, lease: timedelta) -> Claimed | None:
    """The next due mail, leased to this worker for `lease`; None when none is due. Run in
    a short transaction of its own, committed before the send."""
    row = await connection.fetchrow(_CLAIM.sql(), *_CLAIM.args(lease=lease))
    return None if row is None else Claimed(**row)


async def event_data(connection: asyncpg.Connection, *, event_id: int) -> dict[str, Any]:
    data: dict[str, Any] = await connection.fetchval(
        _EVENT_DATA.sql(), *_EVENT_DATA.args(event_id=event_id)
    )
    return data


async def thread(connection: asyncpg.Connection, *, ticket_id: int) -> str:
    """The Message-ID a ticket's mails answer: its first mail's."""
    first: str = await connection.fetchval(_THREAD.sql(), *_THREAD.args(ticket_id=ticket_id))
    return first


async def give_up(connection: asyncpg.Connection, *, mail_id: int, reason: str) -> None:
    """The mail failed, never to be sent, and why."""
    await connection.execute(_GIVE_UP.sql(), *_GIVE_UP.args(mail_id=mail_id, **_given_up(reason)))


async def record(
    connection: asyncpg.Connection,
    mail: Claimed,
    *,
    state: MailState,
    error: str | None,
    next_attempt_at: datetime | None,
) -> bool:
    """An attempt's outcome; False, with nothing written, when the lease is no longer this
    worker's."""
    mine = await connection.fetchval(
        _RECORD.sql(),
        *_RECORD.args(
            mail_id=mail.id,
            leased_until=mail.leased_until,
            state=state.value,
            attempts=mail.attempts + 1,
            error=error,
            next_attempt_at=next_attempt_at,
        ),
    )
    return mine is not None
