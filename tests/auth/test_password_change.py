"""POST /api/me/password: only with the current password; every older token stops working,
the response carries a new one."""

import asyncpg
import httpx
import pytest

from tests.conftest import PASSWORD, Account, assert_error, bearer

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
