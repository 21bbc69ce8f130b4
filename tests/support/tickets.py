"""Tickets and comments for tests: through the API as a client sends them, or straight in
the database when a test needs many, or a state the API would not give them (overdue, a
status, one created_at shared by several)."""

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import asyncpg
import httpx

from tests.support.accounts import Account
from tests.support.server import plain_url

TICKETS = "/api/tickets"
BREACHED = "/api/tickets/breached"
TITLE = "Printer on floor 3 is jammed"  # what create_ticket sends unless told otherwise


def _headers(account: Account, idempotency_key: str | bytes | None) -> dict[bytes, bytes]:
    """The account's token and the key, as bytes: a key with non-ASCII characters is sent as
    its UTF-8 encoding."""
    headers = {name.encode(): value.encode() for name, value in account.headers.items()}
    if idempotency_key is not None:
        key = idempotency_key
        headers[b"Idempotency-Key"] = key if isinstance(key, bytes) else key.encode()
    return headers


# --- through the API ---------------------------------------------------------------------


async def post_ticket(
    client: httpx.AsyncClient,
    account: Account,
    body: Any,
    *,
    idempotency_key: str | bytes | None = None,
) -> httpx.Response:
    return await client.post(TICKETS, json=body, headers=_headers(account, idempotency_key))


async def create_ticket(
    client: httpx.AsyncClient, account: Account, **fields: Any
) -> dict[str, Any]:
    """A ticket created by `account` (201), as the API returned it."""
    response = await post_ticket(client, account, {"title": TITLE, **fields})
    assert response.status_code == 201, response.text
    ticket: dict[str, Any] = response.json()
    return ticket


async def post_comment(
    client: httpx.AsyncClient,
    account: Account,
    ticket_id: int,
    body: Any,
    *,
    idempotency_key: str | bytes | None = None,
) -> httpx.Response:
    return await client.post(
        f"{TICKETS}/{ticket_id}/comments", json=body, headers=_headers(account, idempotency_key)
    )


async def add_comment(
    client: httpx.AsyncClient, account: Account, ticket_id: int, text: str
) -> dict[str, Any]:
    """A comment posted by `account` (201), as the API returned it."""
    response = await post_comment(client, account, ticket_id, {"body": text})
    assert response.status_code == 201, response.text
    comment: dict[str, Any] = response.json()
    return comment


async def patch_ticket(
    client: httpx.AsyncClient,
    account: Account | None,
    ticket_id: int | str,
    body: Any,
    if_match: str | None = '"1"',
) -> httpx.Response:
    """PATCH as `account` (None: without a token), with If-Match unless it is None."""
    headers = dict(account.headers) if account is not None else {}
    if if_match is not None:
        headers["If-Match"] = if_match
    return await client.patch(f"{TICKETS}/{ticket_id}", json=body, headers=headers)


async def list_ids(
    client: httpx.AsyncClient,
    account: Account,
    params: dict[str, Any] | None = None,
    path: str = TICKETS,
) -> list[int]:
    """The ids of one page of a ticket list (200), in the list's order."""
    response = await client.get(path, params=params, headers=account.headers)
    assert response.status_code == 200, response.text
    return [ticket["id"] for ticket in response.json()["items"]]


# --- straight in the database ------------------------------------------------------------


async def insert_tickets(
    db: asyncpg.Connection,
    requester_id: int,
    count: int,
    *,
    due: timedelta = timedelta(days=1),
    assignee_id: int | None = None,
    status: str = "open",
    title: str | None = None,
) -> list[int]:
    """`count` tickets in one statement (so with one created_at), due `due` from now (both
    targets), resolved now if their status says so; their ids, ascending. No timeline
    entry: only what a list or a search reads."""
    rows = await db.fetch(
        "INSERT INTO tickets (title, status, requester_id, assignee_id, sla_minutes, due_at, "
        "first_response_minutes, first_response_due_at, resolved_at, sla_started_at, "
        "sla_remaining, first_response_remaining) "
        "SELECT coalesce($6, 'Bulk ticket ' || n), $5, $1, $4, 1440, now() + $3::interval, "
        "240, now() + $3::interval, stopped.at, "
        "CASE WHEN stopped.at IS NULL THEN now() END, $3::interval, $3::interval "
        "FROM (SELECT CASE WHEN $5 IN ('resolved', 'closed') THEN now() END AS at) AS stopped, "
        "generate_series(1, $2) AS n "
        "ORDER BY n RETURNING id",
        requester_id,
        count,
        due,
        assignee_id,
        status,
        title,
    )
    return sorted(row["id"] for row in rows)


async def insert_ticket(db: asyncpg.Connection, requester_id: int, **fields: Any) -> int:
    """One ticket, as insert_tickets makes them."""
    [ticket_id] = await insert_tickets(db, requester_id, 1, **fields)
    return ticket_id


async def set_status(db: asyncpg.Connection, ticket_ids: int | Iterable[int], status: str) -> None:
    ids = [ticket_ids] if isinstance(ticket_ids, int) else list(ticket_ids)
    await db.execute("UPDATE tickets SET status = $2 WHERE id = ANY($1::int[])", ids, status)


@asynccontextmanager
async def status_changing(database_url: str, ticket_id: int, status: str) -> AsyncIterator[None]:
    """The ticket's status changed by another connection, committed when the block ends:
    until then the row is locked, and a request that locks it waits there."""
    changer = await asyncpg.connect(plain_url(database_url))
    try:
        async with changer.transaction():
            await changer.execute("UPDATE tickets SET status = $2 WHERE id = $1", ticket_id, status)
            yield
    finally:
        await changer.close()


async def make_overdue(db: asyncpg.Connection, ticket_id: int) -> None:
    await db.execute(
        "UPDATE tickets SET due_at = now() - interval '1 minute' WHERE id = $1", ticket_id
    )


async def stored_timeline(db: asyncpg.Connection, ticket_id: int) -> list[tuple[str, int | None]]:
    """The ticket's timeline as stored, oldest first: (action, actor id) per entry."""
    rows = await db.fetch(
        "SELECT action, actor_id FROM timeline_logs WHERE ticket_id = $1 ORDER BY id", ticket_id
    )
    return [(row["action"], row["actor_id"]) for row in rows]


async def change_ticket(
    client: httpx.AsyncClient, account: Account, ticket_id: int, body: Any
) -> dict[str, Any]:
    """PATCH at the ticket's current version (200); the ticket as the API returned it."""
    current = await client.get(f"{TICKETS}/{ticket_id}", headers=account.headers)
    assert current.status_code == 200, current.text
    response = await patch_ticket(
        client, account, ticket_id, body, if_match=f'"{current.json()["version"]}"'
    )
    assert response.status_code == 200, response.text
    ticket: dict[str, Any] = response.json()
    return ticket


async def get_ticket(client: httpx.AsyncClient, account: Account, ticket_id: int) -> dict[str, Any]:
    """The ticket's detail (200)."""
    response = await client.get(f"{TICKETS}/{ticket_id}", headers=account.headers)
    assert response.status_code == 200, response.text
    detail: dict[str, Any] = response.json()
    return detail


async def let_time_pass(db: asyncpg.Connection, ticket_id: int, minutes: float) -> None:
    """As if `minutes` had passed since each of the ticket's instants: every one moves back
    (a paused clock keeps no instant, so it keeps its time left)."""
    await db.execute(
        "UPDATE tickets SET "  # noqa: S608 - the columns are the constants below
        + ", ".join(
            f"{column} = {column} - make_interval(secs => $2 * 60)"
            for column in (
                "created_at",
                "sla_started_at",
                "updated_at",
                "due_at",
                "first_response_due_at",
                "first_responded_at",
                "resolved_at",
            )
        )
        + " WHERE id = $1",
        ticket_id,
        float(minutes),
    )
