"""Idempotency-Key on POST /api/tickets and POST /api/tickets/{id}/comments."""

from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import httpx
import pytest

from tests.support.accounts import Account
from tests.support.db import count_rows
from tests.support.responses import assert_error
from tests.support.tickets import create_ticket, post_comment, post_ticket

TICKET = {"title": "VPN drops every hour", "priority": "high"}


async def post_with_key(
    client: httpx.AsyncClient, account: Account, key: str | bytes, body: Any = None
) -> httpx.Response:
    return await post_ticket(client, account, TICKET if body is None else body, idempotency_key=key)


# --- tickets -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first_body", "second_body", "hours_later"),
    [
        pytest.param(TICKET, TICKET, 0, id="the-same-body"),
        pytest.param(
            {"title": "A", "priority": "low"},
            {"priority": "low", "title": "A"},
            0,
            id="its-keys-in-another-order",
        ),
        pytest.param(
            {"title": "Same"},
            {"title": " Same ", "priority": "medium"},
            0,
            id="a-default-spelled-out",
        ),
        pytest.param(TICKET, TICKET, 23, id="within-24-hours"),
    ],
)
async def test_the_same_request_with_the_same_key_replays_the_first_response(
    client: httpx.AsyncClient,
    requester: Account,
    db: asyncpg.Connection,
    first_body: dict[str, Any],
    second_body: dict[str, Any],
    hours_later: int,
) -> None:
    first = await post_with_key(client, requester, "key-1", first_body)
    assert first.status_code == 201, first.text
    assert "Idempotent-Replayed" not in first.headers
    await db.execute(
        "UPDATE idempotency_keys SET created_at = created_at - make_interval(hours => $1)",
        hours_later,
    )

    second = await post_with_key(client, requester, "key-1", second_body)
    assert second.status_code == 201, second.text
    assert second.content == first.content
    assert second.json() == first.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.headers["ETag"] == first.headers["ETag"] == '"1"'

    assert await count_rows(db, "tickets") == 1
    assert await count_rows(db, "timeline_logs") == 1


@pytest.mark.parametrize("second", ["another caller, the same key", "the caller, another key"])
async def test_a_key_is_the_callers_own_and_another_key_another_request(
    client: httpx.AsyncClient,
    requester: Account,
    other_user: Account,
    db: asyncpg.Connection,
    second: str,
) -> None:
    first = await post_with_key(client, requester, "key-1")
    caller, key = (
        (other_user, "key-1") if second.startswith("another caller") else (requester, "key-2")
    )
    then = await post_with_key(client, caller, key)
    assert first.status_code == then.status_code == 201
    assert "Idempotent-Replayed" not in then.headers
    assert first.json()["id"] != then.json()["id"]
    assert (first.json()["requester_id"], then.json()["requester_id"]) == (requester.id, caller.id)
    assert await count_rows(db, "tickets") == 2


async def test_requests_without_a_key_are_not_deduplicated(
    client: httpx.AsyncClient, requester: Account, db: asyncpg.Connection
) -> None:
    for _ in range(2):
        response = await post_ticket(client, requester, TICKET)
        assert response.status_code == 201, response.text
    assert await count_rows(db, "tickets") == 2
    assert await count_rows(db, "idempotency_keys") == 0


async def test_key_of_255_printable_characters_is_accepted(
    client: httpx.AsyncClient, requester: Account
) -> None:
    key = ("a1 ~-_" * 50)[:255]
    first = await post_with_key(client, requester, key)
    second = await post_with_key(client, requester, key)
    assert first.status_code == second.status_code == 201, second.text
    assert second.headers["Idempotent-Replayed"] == "true"


@pytest.mark.parametrize("on", ["a-ticket", "a-comment"])
@pytest.mark.parametrize(
    "key",
    [
        "",
        "k" * 256,
        "tab\there",
        "café".encode(),
        "€uro".encode(),
    ],
    ids=["empty", "256-chars", "tab", "e-acute", "euro"],
)
async def test_invalid_key_is_400_field_invalid_and_stores_nothing(
    client: httpx.AsyncClient,
    requester: Account,
    db: asyncpg.Connection,
    key: str | bytes,
    on: str,
) -> None:
    if on == "a-ticket":
        response = await post_with_key(client, requester, key)
    else:
        ticket = await create_ticket(client, requester)
        response = await post_comment(
            client, requester, ticket["id"], {"body": "Hi"}, idempotency_key=key
        )
    assert_error(response, 400, "FIELD_INVALID", "Idempotency-Key")
    assert await count_rows(db, "tickets") == (0 if on == "a-ticket" else 1)
    assert await count_rows(db, "comments") == 0
    assert await count_rows(db, "idempotency_keys") == 0


OTHER_USER, CALLER = "<other user>", "<caller>"


@pytest.mark.parametrize(
    ("caller", "body", "status", "code", "field", "retry"),
    [
        pytest.param(
            "user", {"title": "  "}, 400, "FIELD_REQUIRED", "title", TICKET, id="validation"
        ),
        pytest.param(
            "user",
            {**TICKET, "sla_minutes": 5},
            403,
            "FORBIDDEN",
            "sla_minutes",
            TICKET,
            id="forbidden",
        ),
        pytest.param(
            "agent",
            {**TICKET, "assignee_id": OTHER_USER},
            400,
            "FIELD_INVALID",
            "assignee_id",
            {**TICKET, "assignee_id": CALLER},
            id="invalid-assignee",
        ),
    ],
)
async def test_a_refused_request_stores_no_key_and_its_retry_is_a_new_one(
    client: httpx.AsyncClient,
    requester: Account,
    agent: Account,
    other_user: Account,
    db: asyncpg.Connection,
    caller: str,
    body: dict[str, Any],
    status: int,
    code: str,
    field: str,
    retry: dict[str, Any],
) -> None:
    account = agent if caller == "agent" else requester
    ids = {OTHER_USER: other_user.id, CALLER: account.id}
    body, retry = ({k: ids.get(v, v) for k, v in sent.items()} for sent in (body, retry))

    refused = await post_with_key(client, account, "retry-me", body)
    assert_error(refused, status, code, field)
    assert await count_rows(db, "idempotency_keys") == 0
    assert await count_rows(db, "tickets") == 0

    again = await post_with_key(client, account, "retry-me", retry)
    assert again.status_code == 201, again.text
    assert "Idempotent-Replayed" not in again.headers
    assert await count_rows(db, "tickets") == 1


@pytest.mark.parametrize(
    "retry", [TICKET, {"title": "Something else"}], ids=["the-same-body", "another-body"]
)
async def test_a_key_older_than_24_hours_is_free_for_a_new_request(
    client: httpx.AsyncClient, requester: Account, db: asyncpg.Connection, retry: dict[str, Any]
) -> None:
    first = await post_with_key(client, requester, "old-key")
    assert first.status_code == 201, first.text
    await db.execute(
        "UPDATE idempotency_keys SET created_at = created_at - interval '25 hours' "
        "WHERE key = 'old-key'"
    )

    second = await post_with_key(client, requester, "old-key", retry)
    assert second.status_code == 201, second.text
    assert "Idempotent-Replayed" not in second.headers
    assert second.json()["id"] != first.json()["id"]
    assert second.json()["title"] == retry["title"]
    assert await count_rows(db, "tickets") == 2

    third = await post_with_key(client, requester, "old-key", retry)
    assert third.headers["Idempotent-Replayed"] == "true"
    assert third.json()["id"] == second.json()["id"]
    assert await count_rows(db, "tickets") == 2


# --- a key reused for another request: tickets and comments -----------------------------------

# A request sent with the key "reused", given the caller, two tickets of theirs (made
# without a key) and the response to the case's first request (None for the first itself).
Send = Callable[
    [httpx.AsyncClient, Account, list[int], httpx.Response | None], Awaitable[httpx.Response]
]


def a_ticket(body: dict[str, Any]) -> Send:
    async def send(
        client: httpx.AsyncClient, account: Account, tickets: list[int], first: Any
    ) -> httpx.Response:
        return await post_with_key(client, account, "reused", body)

    return send


def a_comment(on: str, text: str) -> Send:
    """A comment on the "first" or the "second" of the tickets, or on the ticket the case's
    first request "created"."""

    async def send(
        client: httpx.AsyncClient, account: Account, tickets: list[int], first: Any
    ) -> httpx.Response:
        if on == "created":
            ticket_id = first.json()["id"]
        else:
            ticket_id = tickets[("first", "second").index(on)]
        return await post_comment(
            client, account, ticket_id, {"body": text}, idempotency_key="reused"
        )

    return send


REUSED = {
    "a-ticket-then-another-body": (a_ticket(TICKET), a_ticket({**TICKET, "title": "Other"})),
    "a-comment-then-on-another-ticket": (a_comment("first", "One"), a_comment("second", "One")),
    "a-comment-then-another-body": (a_comment("first", "One"), a_comment("first", "Two")),
    "a-ticket-then-a-comment": (a_ticket(TICKET), a_comment("created", "Hi")),
}


async def stored(db: asyncpg.Connection) -> tuple[Any, ...]:
    tickets = await db.fetch("SELECT id, title, version FROM tickets ORDER BY id")
    comments = await db.fetch("SELECT id, ticket_id, body FROM comments ORDER BY id")
    entries = await count_rows(db, "timeline_logs")
    keys = await count_rows(db, "idempotency_keys")
    return [tuple(row) for row in tickets], [tuple(row) for row in comments], entries, keys


@pytest.mark.parametrize("case", REUSED)
async def test_a_key_reused_for_another_request_is_422_and_stores_nothing(
    client: httpx.AsyncClient, requester: Account, db: asyncpg.Connection, case: str
) -> None:
    first_request, second_request = REUSED[case]
    tickets = [(await create_ticket(client, requester))["id"] for _ in range(2)]
    first = await first_request(client, requester, tickets, None)
    assert first.status_code == 201, first.text
    before = await stored(db)

    second = await second_request(client, requester, tickets, first)

    assert_error(second, 422, "IDEMPOTENCY_KEY_REUSED", "Idempotency-Key")
    assert await stored(db) == before


# --- comments ------------------------------------------------------------------------------


async def test_same_key_and_body_creates_one_comment(
    client: httpx.AsyncClient, requester: Account, db: asyncpg.Connection
) -> None:
    ticket = await create_ticket(client, requester)
    first = await post_comment(
        client, requester, ticket["id"], {"body": "Any news?"}, idempotency_key="c-1"
    )
    assert first.status_code == 201, first.text
    second = await post_comment(
        client, requester, ticket["id"], {"body": "Any news?"}, idempotency_key="c-1"
    )
    assert second.status_code == 201, second.text
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.content == first.content
    assert await count_rows(db, "comments") == 1
    comment_entries = await db.fetchval(
        "SELECT count(*) FROM timeline_logs WHERE action = 'comment.created'"
    )
    assert comment_entries == 1


async def test_comment_key_is_scoped_to_the_caller(
    client: httpx.AsyncClient, requester: Account, agent: Account, db: asyncpg.Connection
) -> None:
    ticket = await create_ticket(client, requester)
    mine = await post_comment(
        client, requester, ticket["id"], {"body": "Hello"}, idempotency_key="c-1"
    )
    theirs = await post_comment(
        client, agent, ticket["id"], {"body": "Hello"}, idempotency_key="c-1"
    )
    assert mine.status_code == theirs.status_code == 201
    assert "Idempotent-Replayed" not in theirs.headers
    assert theirs.json()["author_id"] == agent.id
    assert await count_rows(db, "comments") == 2
