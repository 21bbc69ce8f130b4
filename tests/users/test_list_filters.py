"""GET /api/users?query=&role=&active=: a part of the name or the email in any case (LIKE's
wildcards are plain characters), a role, active or deactivated accounts; with the paging."""

import asyncpg
import httpx
import pytest

from tests.support.accounts import Account, Accounts, patch_user
from tests.support.responses import assert_error

# name -> (email, role, active)
PEOPLE = {
    "Ada Lovelace": ("ada@example.test", "agent", True),
    "Grace Hopper": ("grace@navy.test", "admin", True),
    "Émile Zola": ("emile@example.fr", "user", True),
    "Alan Turing": ("alan@bletchley.test", "agent", False),
    "100% Percent": ("percent@example.test", "user", True),
    "Under_Score": ("under_score@example.test", "user", False),
    "Back\\slash": ("backslash@example.test", "user", True),
}


@pytest.fixture
async def people(
    client: httpx.AsyncClient, db: asyncpg.Connection, accounts: Accounts, admin: Account
) -> dict[str, int]:
    """PEOPLE (and the caller, "Admin 1", an active admin at admin1@example.test), by name."""
    ids: dict[str, int] = {}
    for name, (email, role, active) in PEOPLE.items():
        account = await accounts.create(role, email=email)
        await db.execute("UPDATE users SET name = $1 WHERE id = $2", name, account.id)
        if not active:
            response = await patch_user(client, admin, account.id, {"active": False})
            assert response.status_code == 200, response.text
        ids[name] = account.id
    ids["Admin 1"] = admin.id
    return ids


async def _names(
    client: httpx.AsyncClient, caller: Account, people: dict[str, int], params: dict[str, str]
) -> set[str]:
    response = await client.get(
        "/api/users", params=params | {"limit": "100"}, headers=caller.headers
    )
    assert response.status_code == 200, response.text
    by_id = {user_id: name for name, user_id in people.items()}
    return {by_id[user["id"]] for user in response.json()["items"]}


EVERYONE = {*PEOPLE, "Admin 1"}
ACTIVE = {name for name, (_, _, active) in PEOPLE.items() if active} | {"Admin 1"}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, EVERYONE),
        ({"query": "ada"}, {"Ada Lovelace"}),
        ({"query": "LOVE"}, {"Ada Lovelace"}),  # any case
        ({"query": "hop"}, {"Grace Hopper"}),  # the middle of a word
        ({"query": "NAVY.test"}, {"Grace Hopper"}),  # the email's domain
        (
            {"query": "example.test"},
            {"Admin 1", "Ada Lovelace", "100% Percent", "Under_Score", "Back\\slash"},
        ),
        ({"query": "émile"}, {"Émile Zola"}),
        ({"query": "ÉMILE"}, {"Émile Zola"}),
        ({"query": "E\u0301mile"}, {"Émile Zola"}),  # typed decomposed
        ({"query": "\uff21\uff44\uff41"}, {"Ada Lovelace"}),  # full-width "Ada"
        ({"query": "  ada  "}, {"Ada Lovelace"}),
        ({"query": "a\u200bda"}, {"Ada Lovelace"}),  # an invisible character is dropped
        ({"query": "   "}, EVERYONE),  # blank: no filter
        ({"query": "nobody"}, set()),
        # LIKE's wildcards and escape are the characters themselves.
        ({"query": "%"}, {"100% Percent"}),
        ({"query": "_"}, {"Under_Score"}),
        ({"query": "r_s"}, {"Under_Score"}),
        ({"query": "a_a"}, set()),
        ({"query": "\\"}, {"Back\\slash"}),
        ({"query": "/"}, set()),
        ({"query": "'; DROP TABLE users; --"}, set()),
        ({"active": "true"}, ACTIVE),
        ({"active": "false"}, {"Alan Turing", "Under_Score"}),
        ({"role": "agent", "active": "true"}, {"Ada Lovelace"}),
        ({"role": "agent", "active": "false"}, {"Alan Turing"}),
        ({"role": "agent", "query": "a"}, {"Ada Lovelace", "Alan Turing"}),
        ({"query": "example", "active": "false"}, {"Under_Score"}),
        (
            {"query": "example", "active": "true", "role": "user"},
            {"100% Percent", "Back\\slash", "Émile Zola"},
        ),
    ],
    ids=lambda value: repr(value) if isinstance(value, dict) else "",
)
async def test_the_filters_find_exactly_the_matching_accounts(
    client: httpx.AsyncClient,
    admin: Account,
    people: dict[str, int],
    params: dict[str, str],
    expected: set[str],
) -> None:
    assert await _names(client, admin, people, params) == expected


async def test_the_filters_keep_the_paging(
    client: httpx.AsyncClient, admin: Account, people: dict[str, int]
) -> None:
    """Four active accounts match "example.test"; two a page, by id."""
    expected = sorted(people[name] for name in ("Admin 1", "Ada Lovelace", "100% Percent"))
    expected += [people["Back\\slash"]]
    seen: list[int] = []
    offsets: list[int | None] = []
    offset: int | None = 0
    while offset is not None:
        response = await client.get(
            "/api/users",
            params={"query": "EXAMPLE.TEST", "active": "true", "limit": 2, "offset": offset},
            headers=admin.headers,
        )
        assert response.status_code == 200, response.text
        seen += [user["id"] for user in response.json()["items"]]
        offset = response.json()["next_offset"]
        offsets.append(offset)
    assert seen == sorted(expected)
    assert offsets == [2, None]


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("active", "yes"),
        ("active", "1"),
        ("active", ""),
        ("active", "TRUE"),
        ("query", "x" * 101),
        ("role", "superuser"),
    ],
)
async def test_a_bad_filter_is_field_invalid(
    client: httpx.AsyncClient, agent: Account, param: str, value: str
) -> None:
    response = await client.get("/api/users", params={param: value}, headers=agent.headers)
    assert_error(response, 400, "FIELD_INVALID", param)


@pytest.mark.parametrize(
    "encoded",
    ["x" * 100, "%00", "%ED%A0%80", "%FF", "%2500", "%5C", "%25_%5C%25"],
    ids=[
        "100-characters",
        "nul",
        "lone-surrogate",
        "not-utf-8",
        "percent-zero-zero",
        "backslash",
        "mixed",
    ],
)
async def test_any_query_up_to_100_characters_is_answered(
    client: httpx.AsyncClient, agent: Account, encoded: str
) -> None:
    """Text PostgreSQL cannot hold (NUL, a lone surrogate) included: never a server error."""
    response = await client.get(f"/api/users?query={encoded}", headers=agent.headers)
    assert response.status_code == 200, response.text
    assert [user["id"] for user in response.json()["items"]] in ([], [agent.id])
