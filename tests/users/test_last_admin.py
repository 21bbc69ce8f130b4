"""The desk always keeps an active admin: of two admins who demote or deactivate each other
at the same moment, one wins and the other is refused (409 LAST_ADMIN), never both. Raced
at their widest (both requests held at the admins' rows, then let go together) and with
real concurrency against a running server."""

import asyncio
from typing import Any

import asyncpg
import httpx
import pytest

from tests.support.accounts import (
    Account,
    Accounts,
    active_admins,
    patch_user,
    stored_accounts,
)
from tests.support.db import row_locked, wait_for_lock_waits
from tests.support.responses import assert_error

# The statement that locks the active admins' rows (users/service.py).
LOCKS_THE_ADMINS = "%FOR NO KEY UPDATE%"
TAKING_ADMIN_AWAY = [
    pytest.param({"role": "user"}, "role", id="demote-to-user"),
    pytest.param({"role": "agent"}, "role", id="demote-to-agent"),
    pytest.param({"active": False}, "active", id="deactivate"),
]


async def _held_then_released(
    client: httpx.AsyncClient,
    db: asyncpg.Connection,
    database_url: str,
    first_admin: Account,
    sent: list[tuple[Account, int, dict[str, Any]]],
) -> list[httpx.Response]:
    """Each (caller, account, body) PATCH sent at once, while another connection holds the
    first admin's row: each waits for it, in order, inside its transaction; then all go."""
    async with row_locked(database_url, "users", first_admin.id):
        tasks = []
        for count, (caller, user_id, body) in enumerate(sent, start=1):
            tasks.append(asyncio.create_task(patch_user(client, caller, user_id, body)))
            await wait_for_lock_waits(db, count=count, query_like=LOCKS_THE_ADMINS)
    return list(await asyncio.gather(*tasks))


@pytest.mark.parametrize(("body", "field"), TAKING_ADMIN_AWAY)
async def test_two_admins_taking_each_others_rights_at_once_leave_one(
    client: httpx.AsyncClient,
    db: asyncpg.Connection,
    database_url: str,
    accounts: Accounts,
    body: dict[str, Any],
    field: str,
) -> None:
    first, second = await accounts.create("admin"), await accounts.create("admin")
    before = await stored_accounts(db)
    responses = await _held_then_released(
        client, db, database_url, first, [(first, second.id, body), (second, first.id, body)]
    )
    won = [r for r in responses if r.status_code == 200]
    lost = [r for r in responses if r.status_code != 200]
    assert len(won) == 1 and len(lost) == 1, [r.text for r in responses]
    assert_error(lost[0], 409, "LAST_ADMIN", field)

    # The winner's change is stored; the loser's account (the last admin) is as it was.
    [survivor] = await active_admins(db)
    loser_id = won[0].json()["id"]
    assert {survivor, loser_id} == {first.id, second.id}
    after = await stored_accounts(db)
    assert after[survivor] == before[survivor]
    assert {key: after[loser_id][key] for key in body} == body


async def test_an_admin_demoted_while_waiting_changes_nothing(
    client: httpx.AsyncClient, db: asyncpg.Connection, database_url: str, accounts: Accounts
) -> None:
    """Their rights are read again once the lock is theirs: the first admin demotes the
    second, whose own request, already sent, then finds them no longer an admin."""
    first, second, third = [await accounts.create("admin") for _ in range(3)]
    before = await stored_accounts(db)
    demoted, refused = await _held_then_released(
        client,
        db,
        database_url,
        first,
        [(first, second.id, {"role": "agent"}), (second, third.id, {"active": False})],
    )
    assert demoted.status_code == 200, demoted.text
    assert_error(refused, 403, "FORBIDDEN")
    assert await active_admins(db) == [first.id, third.id]
    assert (await stored_accounts(db))[third.id] == before[third.id]


@pytest.mark.parametrize(("body", "field"), TAKING_ADMIN_AWAY)
async def test_with_real_concurrency_an_active_admin_always_remains(
    live_server: str,
    db: asyncpg.Connection,
    accounts: Accounts,
    body: dict[str, Any],
    field: str,
) -> None:
    """Against a running server, with its own connections: both requests at once, several
    times over. The loser is refused with LAST_ADMIN, or with FORBIDDEN when it began only
    after the winner had committed (its caller was no longer an admin)."""
    async with httpx.AsyncClient(base_url=live_server, timeout=30) as http:
        for _ in range(5):
            await db.execute("TRUNCATE users RESTART IDENTITY CASCADE")
            first, second = await accounts.create("admin"), await accounts.create("admin")
            responses = await asyncio.gather(
                patch_user(http, first, second.id, body), patch_user(http, second, first.id, body)
            )
            statuses = sorted(r.status_code for r in responses)
            assert statuses in ([200, 403], [200, 409]), [r.text for r in responses]
            [lost] = [r for r in responses if r.status_code != 200]
            if lost.status_code == 409:
                assert_error(lost, 409, "LAST_ADMIN", field)
            else:
                assert_error(lost, 403, "FORBIDDEN")
            assert len(await active_admins(db)) == 1
