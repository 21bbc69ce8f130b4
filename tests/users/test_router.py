import httpx

from tests.conftest import Account, assert_error


async def test_register_creates_a_user_with_a_lower_case_email(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/register",
        json={"name": " Grace ", "email": "Grace@Example.COM", "password": "longenough"},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["name"] == "Grace"
    assert body["email"] == "grace@example.com"
    assert body["role"] == "user"
    assert set(body) == {"id", "name", "email", "role", "created_at"}


async def test_login_returns_a_token_that_me_accepts(client: httpx.AsyncClient) -> None:
    await client.post(
        "/api/register", json={"name": "Grace", "email": "g@x.io", "password": "longenough"}
    )
    login = await client.post("/api/login", json={"email": "G@X.io", "password": "longenough"})
    assert login.status_code == 200, login.text
    token = login.json()["token"]
    me = await client.get("/api/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.json()["email"] == "g@x.io"


async def test_login_with_wrong_password_is_invalid_credentials(
    client: httpx.AsyncClient, requester: Account
) -> None:
    response = await client.post(
        "/api/login", json={"email": requester.email, "password": "wrong-password"}
    )
    assert_error(response, 401, "INVALID_CREDENTIALS")
