"""Keyset paging on the ticket lists: `cursor` and `next_cursor`. A cursor is accepted
exactly as the API hands it out; anything else is 400 FIELD_INVALID on `cursor`, never a
database error."""

import logging
from datetime import timedelta
from typing import Any

import asyncpg
import httpx
import pytest

from helpdesk.schemas import MAX_ID
from tests.support.accounts import Account
from tests.support.cursors import CRAFTED, MALFORMED, craft_cursor
from tests.support.responses import assert_error
from tests.support.tickets import (
    BREACHED,
    TICKETS,
    create_ticket,
    insert_tickets,
    list_ids,
    set_status,
)


async def _walk_by_cursor(
    client: httpx.AsyncClient, account: Account, params: dict[str, Any], path: str = TICKETS
) -> list[list[int]]:
    pages: list[list[int]] = []
    cursor = None
    while True:
        query = params | ({"cursor": cursor} if cursor else {})
        response = await client.get(path, params=query, headers=account.headers)
        assert response.status_code == 200, response.text
        body = response.json()
        pages.append([ticket["id"] for ticket in body["items"]])
        if len(pages) > 1:
            assert body["next_offset"] is None  # a page reached by cursor has no offset
        cursor = body["next_cursor"]
        if cursor is None:
            return pages


async def test_cursor_pages_cover_the_list_once_in_order_like_offset(
    client: httpx.AsyncClient, agent: Account, db: asyncpg.Connection
) -> None:
    """Ties on created_at included: two batches of tickets sharing one instant each."""
    ids = await insert_tickets(db, agent.id, 7) + await insert_tickets(db, agent.id, 6)
    pages = await _walk_by_cursor(client, agent, {"limit": 4})
    assert [len(page) for page in pages] == [4, 4, 4, 1]
    walked = [ticket_id for page in pages for ticket_id in page]
    assert walked == await list_ids(client, agent, {"limit": 100})
    assert sorted(walked) == sorted(ids)


async def test_cursor_keeps_the_filters_and_the_callers_visibility(
    client: httpx.AsyncClient, requester: Account, other_user: Account, db: asyncpg.Connection
) -> None:
    mine = await insert_tickets(db, requester.id, 5)
    await insert_tickets(db, other_user.id, 5)
    await set_status(db, mine[0], "closed")
    pages = await _walk_by_cursor(client, requester, {"limit": 2, "status": "open"})
    assert sorted(i for page in pages for i in page) == mine[1:]


async def test_cursor_pages_the_breached_list(
    client: httpx.AsyncClient, agent: Account, db: asyncpg.Connection
) -> None:
    overdue = await insert_tickets(db, agent.id, 5, due=timedelta(minutes=-5))
    await insert_tickets(db, agent.id, 3)
    pages = await _walk_by_cursor(client, agent, {"limit": 2}, path=BREACHED)
    assert [len(page) for page in pages] == [2, 2, 1]
    assert sorted(i for page in pages for i in page) == overdue


async def test_a_new_ticket_does_not_shift_a_cursor_walk(
    client: httpx.AsyncClient, agent: Account, db: asyncpg.Connection
) -> None:
    """Unlike offset, a ticket created between two pages neither repeats nor skips a row."""
    ids = await insert_tickets(db, agent.id, 6)
    first = await client.get(TICKETS, params={"limit": 3}, headers=agent.headers)
    assert first.status_code == 200, first.text
    await create_ticket(client, agent, title="Arrived meanwhile")
    rest = await client.get(
        TICKETS, params={"limit": 3, "cursor": first.json()["next_cursor"]}, headers=agent.headers
    )
    assert rest.status_code == 200, rest.text
    walked = [t["id"] for t in first.json()["items"]] + [t["id"] for t in rest.json()["items"]]
    assert walked == sorted(ids, reverse=True)


@pytest.mark.parametrize("cursor", MALFORMED.values(), ids=MALFORMED.keys())
async def test_a_bad_cursor_is_a_400_naming_it(
    client: httpx.AsyncClient, agent: Account, cursor: str
) -> None:
    response = await client.get(TICKETS, params={"cursor": cursor}, headers=agent.headers)
    assert_error(response, 400, "FIELD_INVALID", "cursor")


async def test_cursor_and_offset_together_are_refused(
    client: httpx.AsyncClient, agent: Account, db: asyncpg.Connection
) -> None:
    await insert_tickets(db, agent.id, 3)
    first = (await client.get(TICKETS, params={"limit": 1}, headers=agent.headers)).json()
    response = await client.get(
        TICKETS,
        params={"cursor": first["next_cursor"], "offset": 1},
        headers=agent.headers,
    )
    assert_error(response, 400, "FIELD_INVALID", "offset")


@pytest.mark.parametrize("path", [TICKETS, BREACHED])
@pytest.mark.parametrize("raw", CRAFTED.values(), ids=CRAFTED.keys())
async def test_a_crafted_cursor_is_a_400_naming_it_and_logs_no_error(
    client: httpx.AsyncClient,
    agent: Account,
    db: asyncpg.Connection,
    caplog: pytest.LogCaptureFixture,
    path: str,
    raw: str,
) -> None:
    await insert_tickets(db, agent.id, 2, due=timedelta(minutes=-5))
    with caplog.at_level(logging.WARNING):
        response = await client.get(
            path, params={"cursor": craft_cursor(raw)}, headers=agent.headers
        )
    assert_error(response, 400, "FIELD_INVALID", "cursor")
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


@pytest.mark.parametrize("path", [TICKETS, BREACHED])
@pytest.mark.parametrize(
    ("raw", "all_after_it"),
    [
        ("0001-01-01T00:00:00+00:00|1", False),  # before every ticket: nothing after it
        (f"9999-12-31T23:59:59.999999+00:00|{MAX_ID}", True),  # after every ticket
    ],
    ids=["earliest", "latest"],
)
async def test_a_well_formed_cursor_at_the_ends_of_time_pages_normally(
    client: httpx.AsyncClient,
    agent: Account,
    db: asyncpg.Connection,
    path: str,
    raw: str,
    all_after_it: bool,
) -> None:
    ids = await insert_tickets(db, agent.id, 3, due=timedelta(minutes=-5))
    response = await client.get(path, params={"cursor": craft_cursor(raw)}, headers=agent.headers)
    assert response.status_code == 200, response.text
    listed = [ticket["id"] for ticket in response.json()["items"]]
    assert listed == (sorted(ids, reverse=True) if all_after_it else [])
