"""The matrix (see matrix.py) for the live stream: any signed-in caller may open it (what
each one receives is tests/events/test_stream.py's, over a real server: an endless
response cannot be read through the in-process client)."""

import httpx
import pytest

from tests.authz.matrix import World, check_refusal, covers


@covers("POST /api/events/stream-token")
@pytest.mark.parametrize(
    ("caller", "status"),
    [
        pytest.param("anonymous", 401, id="anonymous"),
        *[pytest.param(c, 200, id=c) for c in ("user", "demoted", "agent", "admin")],
    ],
)
async def test_stream_token(
    client: httpx.AsyncClient, world: World, caller: str, status: int
) -> None:
    response = await client.post("/api/events/stream-token", headers=world.headers(caller))
    if status == 200:
        assert response.status_code == 200, response.text
        assert set(response.json()) == {"token", "expires_at"}
    else:
        check_refusal(response, status, None)


@covers("GET /api/events/stream")
async def test_stream_needs_a_token(client: httpx.AsyncClient) -> None:
    check_refusal(await client.get("/api/events/stream"), 401, None)
