"""The SQL each read mix executes, captured from the app itself (in this process, through
asyncpg's query logger on the request path's pool) for a few dozen sample requests: what
EXPLAIN and the ceiling replay."""

import os
import random
from typing import Any
from urllib.parse import quote

import httpx
from common import log, server_settings
from dataset import Size
from mixes import Mix, caller_accounts, deep_offsets, with_cursor_paths
from tests.support.server import server_environment

SAMPLES_PER_MIX = 64

Statement = tuple[str, tuple[Any, ...]]


def sample_paths(mix: Mix, tickets: int, rng: random.Random) -> list[str]:
    """The same requests the mix's Lua script sends, drawn in Python."""
    paths = []
    for _ in range(SAMPLES_PER_MIX):
        if mix.script == "get_ticket.lua":
            paths.append(f"/api/tickets/{rng.randint(1, tickets)}")
        else:
            path = rng.choice(mix.paths)
            low, high = deep_offsets(tickets)
            paths.append(path.replace("{offset}", str(20 * rng.randint(low // 20, high // 20))))
    return paths


async def deep_cursor_paths(
    client: httpx.AsyncClient, headers: dict[str, str], tickets: int
) -> tuple[str, ...]:
    """Paths to pages deep in the list by `cursor`, taken from the `next_cursor` of pages
    asked for by offset; none when the API has no keyset paging."""
    low, high = deep_offsets(tickets)
    paths = []
    for offset in range(low, high, max(20, (high - low) // 8))[:8]:
        response = await client.get(f"/api/tickets?offset={offset}", headers=headers)
        cursor = response.json().get("next_cursor")
        if not cursor:
            return ()
        paths.append(f"/api/tickets?cursor={quote(str(cursor), safe='')}")
    return tuple(paths)


async def capture(
    url: str, jwt_secret: str, read_mixes: list[Mix], size: Size
) -> tuple[dict[str, list[list[Statement]]], tuple[str, ...]]:
    """Per mix, per sample request, sent as the mix's caller: the statements the app sent,
    with their parameters; and the deep cursor paths (for the cursor mix, which is left
    out without them)."""
    os.environ.update(server_environment(url, env=server_settings(jwt_secret)))
    from helpdesk.auth.tokens import issue_token
    from helpdesk.config import Settings
    from helpdesk.db.pool import Database
    from helpdesk.main import create_app

    settings = Settings()
    app = create_app(settings)
    recorded: list[Statement] = []

    # The read mixes run on the request path's own pool: asyncpg's query logger (which
    # also tells of a statement that failed) hears each statement.
    def record_query(query: Any) -> None:
        recorded.append((query.query, tuple(query.args or ())))

    async def listen(connection: Any) -> None:
        connection.add_query_logger(record_query)

    app.state.database = Database(
        settings.sqlalchemy_url, size=settings.db_pool_size, on_connect=listen
    )

    headers = {
        caller: {
            "Authorization": "Bearer "
            + issue_token(user_id=user_id, role=role, token_version=0, settings=settings).token
        }
        for caller, (user_id, role) in caller_accounts(size).items()
    }
    rng = random.Random(7)  # noqa: S311 (sample requests, not secrets)
    captured: dict[str, list[list[Statement]]] = {}
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://bench") as client,
    ):
        cursor_paths = await deep_cursor_paths(client, headers["agent"], size.tickets)
        for mix in with_cursor_paths(read_mixes, cursor_paths):
            # Each distinct request once. One that fails (a 503: a statement ran past the
            # app's timeout) still shows its SQL: the event fires before each statement runs.
            seen: dict[str, list[Statement]] = {}
            paths = sample_paths(mix, size.tickets, rng)
            for path in paths:
                if path not in seen:
                    recorded.clear()
                    response = await client.get(path, headers=headers[mix.caller])
                    if response.status_code != 200:
                        log(f"capture: {path} answered {response.status_code}")
                    seen[path] = list(recorded)
            captured[mix.name] = [seen[path] for path in paths]
    return captured, cursor_paths
