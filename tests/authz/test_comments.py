"""The matrix (see matrix.py) for POST /api/tickets/{id}/comments: who sees a ticket may
comment on it."""

import asyncpg
import httpx
import pytest

from tests.authz.matrix import (
    World,
    check_refusal,
    covers,
    sees_cases,
    signed_in,
    snapshot,
)
from tests.support.db import count_rows


@covers("POST /api/tickets/{ticket_id}/comments")
@pytest.mark.parametrize(("caller", "relation", "status"), sees_cases(201))
async def test_add_comment(
    client: httpx.AsyncClient,
    db: asyncpg.Connection,
    world: World,
    caller: str,
    ticket_id: int,
    status: int,
) -> None:
    before = await snapshot(db, ticket_id)
    response = await client.post(
        f"/api/tickets/{ticket_id}/comments",
        json={"body": "Any news on this?"},
        headers=world.headers(caller),
    )
    if status == 201:
        assert response.status_code == 201, response.text
        author = signed_in(world.caller(caller))
        rows = await db.fetch("SELECT ticket_id, author_id, body FROM comments")
        assert [tuple(r) for r in rows] == [(ticket_id, author.id, "Any news on this?")]
    else:
        check_refusal(response, status, None)
        assert await snapshot(db, ticket_id) == before
        assert await count_rows(db, "comments") == 0
