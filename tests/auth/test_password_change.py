"""POST /api/me/password: only with the current password; every older token stops working,
the response carries a new one."""

import asyncio

import asyncpg
import httpx
import pytest

from tests.support.accounts import PASSWORD, Account, bearer
from tests.support.db import row_locked, wait_for_lock_waits
from tests.support.responses import assert_error

NEW_PASSWORD = "a-new-passphrase"


async def change(
    client: httpx.AsyncClient,
    account: Account,
    current: str,
    new: str,
    *,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    """The account's password change, with its own token unless `headers` are given."""
    return await client.post(
        "/api/me/password",
        json={"current_password": current, "new_password": new},
        headers=headers or account.headers,
    )


async def test_change_gives_a_new_token_and_the_new_password_logs_in(
    client: httpx.AsyncClient, requester: Account
) -> None:
    response = await change(client, requester, PASSWORD, NEW_PASSWORD)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["user"]["id"] == requester.id
    new_headers = bearer(body["token"])
    me = await client.get("/api/me", headers=new_headers)
    assert me.status_code == 200 and me.json()["id"] == requester.id

    old = await client.post("/api/login", json={"email": requester.email, "password": PASSWORD})
    assert_error(old, 401, "INVALID_CREDENTIALS")
    new = await client.post("/api/login", json={"email": requester.email, "password": NEW_PASSWORD})
    assert new.status_code == 200, new.text


async def test_tokens_issued_before_the_change_stop_working(
    client: httpx.AsyncClient, requester: Account
) -> None:
    login = await client.post("/api/login", json={"email": requester.email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    other_device = bearer(login.json()["token"])
    assert (await client.get("/api/tickets", headers=other_device)).status_code == 200

    assert (await change(client, requester, PASSWORD, NEW_PASSWORD)).status_code == 200

    for headers in (requester.headers, other_device):
        assert_error(await client.get("/api/tickets", headers=headers), 401, "UNAUTHORIZED")
        refused = await client.post("/api/tickets", json={"title": "x"}, headers=headers)
        assert_error(refused, 401, "UNAUTHORIZED")


async def test_a_second_change_revokes_the_token_of_the_first(
    client: httpx.AsyncClient, requester: Account
) -> None:
    first = await change(client, requester, PASSWORD, NEW_PASSWORD)
    assert first.status_code == 200, first.text
    first_headers = bearer(first.json()["token"])
    second = await change(
        client, requester, NEW_PASSWORD, "third-passphrase", headers=first_headers
    )
    assert second.status_code == 200, second.text
    assert_error(await client.get("/api/me", headers=first_headers), 401, "UNAUTHORIZED")


async def test_wrong_current_password_is_refused_and_changes_nothing(
    client: httpx.AsyncClient, db: asyncpg.Connection, requester: Account
) -> None:
    before = await db.fetchrow(
        "SELECT password_hash, token_version FROM users WHERE id = $1", requester.id
    )
    response = await change(client, requester, "not-my-password", NEW_PASSWORD)
    assert_error(response, 400, "FIELD_INVALID", "current_password")
    after = await db.fetchrow(
        "SELECT password_hash, token_version FROM users WHERE id = $1", requester.id
    )
    assert after == before
    assert (await client.get("/api/me", headers=requester.headers)).status_code == 200


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"current_password": PASSWORD}, "FIELD_REQUIRED", "new_password"),
        ({"new_password": NEW_PASSWORD}, "FIELD_REQUIRED", "current_password"),
        ({"current_password": PASSWORD, "new_password": "short"}, "FIELD_INVALID", "new_password"),
        ({"current_password": PASSWORD, "new_password": "x" * 73}, "FIELD_INVALID", "new_password"),
        (
            {"current_password": "x" * 73, "new_password": NEW_PASSWORD},
            "FIELD_INVALID",
            "current_password",
        ),
        ({"current_password": PASSWORD, "new_password": 12345678}, "FIELD_INVALID", "new_password"),
    ],
)
async def test_invalid_body_is_a_400_naming_the_field(
    client: httpx.AsyncClient,
    db: asyncpg.Connection,
    requester: Account,
    body: dict[str, object],
    code: str,
    field: str,
) -> None:
    response = await client.post("/api/me/password", json=body, headers=requester.headers)
    assert_error(response, 400, code, field)
    assert await db.fetchval("SELECT token_version FROM users WHERE id = $1", requester.id) == 0


async def test_without_a_token_is_unauthorized(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/me/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert_error(response, 401, "UNAUTHORIZED")


async def _changes_released_together(
    client: httpx.AsyncClient,
    db: asyncpg.Connection,
    database_url: str,
    account: Account,
    new_passwords: list[str],
) -> list[httpx.Response]:
    """Password changes of one account sent at once, each reaching its write while another
    connection holds the account's row, then let go together: the race at its widest."""
    async with row_locked(database_url, "users", account.id):
        sent = [
            asyncio.create_task(change(client, account, PASSWORD, new)) for new in new_passwords
        ]
        await wait_for_lock_waits(db, count=len(new_passwords), query_like="UPDATE users%")
    return list(await asyncio.gather(*sent))


@pytest.mark.parametrize(
    "new_passwords",
    [[NEW_PASSWORD, NEW_PASSWORD], [NEW_PASSWORD, "another-passphrase"]],
    ids=["same-new-password", "different-new-passwords"],
)
async def test_of_two_changes_at_once_one_wins_and_the_other_is_told_it_failed(
    client: httpx.AsyncClient,
    db: asyncpg.Connection,
    database_url: str,
    requester: Account,
    new_passwords: list[str],
) -> None:
    responses = await _changes_released_together(client, db, database_url, requester, new_passwords)
    won = [
        (r, new) for r, new in zip(responses, new_passwords, strict=True) if r.status_code == 200
    ]
    lost = [r for r in responses if r.status_code != 200]
    assert len(won) == 1 and len(lost) == 1, [r.text for r in responses]
    assert_error(lost[0], 400, "FIELD_INVALID", "current_password")

    # The token the winner got works; the account moved one version, to the winner's password.
    response, password = won[0]
    me = await client.get("/api/me", headers=bearer(response.json()["token"]))
    assert me.status_code == 200, me.text
    assert await db.fetchval("SELECT token_version FROM users WHERE id = $1", requester.id) == 1
    login = await client.post("/api/login", json={"email": requester.email, "password": password})
    assert login.status_code == 200, login.text
