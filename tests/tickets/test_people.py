"""The people a ticket names (its requester and assignee, its comments' authors, its
timeline's actors) as {id, name, role}, with the email to agents and admins only, read in
the statement that reads the tickets."""

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI

from helpdesk.config import Settings
from tests.support.accounts import Account, Accounts
from tests.support.apps import asgi_client, counting_statements
from tests.support.responses import PERSON_FIELDS
from tests.support.tickets import (
    BREACHED,
    TICKETS,
    add_comment,
    change_ticket,
    create_ticket,
    get_ticket,
    insert_tickets,
    make_overdue,
    patch_ticket,
    post_comment,
)


def people_in(ticket: dict[str, Any]) -> list[dict[str, Any] | None]:
    """Every person a ticket (a detail, or a list's item) names."""
    named = [ticket["requester"], ticket["assignee"]]
    named += [comment["author"] for comment in ticket.get("comments", [])]
    named += [entry["actor"] for entry in ticket.get("timeline", [])]
    return named


async def assigned_with_a_reply(
    client: httpx.AsyncClient, requester: Account, agent: Account
) -> dict[str, Any]:
    """A ticket of `requester`'s, assigned to `agent`, who replied on it."""
    ticket = await create_ticket(client, requester, title="Printer jam on floor 3")
    await change_ticket(client, agent, ticket["id"], {"assignee_id": agent.id})
    await add_comment(client, agent, ticket["id"], "On my way")
    return ticket


async def test_a_requester_reads_names_and_roles_but_no_email(
    client: httpx.AsyncClient, requester: Account, agent: Account
) -> None:
    ticket = await assigned_with_a_reply(client, requester, agent)

    detail = await get_ticket(client, requester, ticket["id"])
    assert detail["requester"] == requester.person
    assert detail["assignee"] == agent.person
    assert [comment["author"] for comment in detail["comments"]] == [agent.person]
    assert {entry["actor"]["id"] for entry in detail["timeline"]} == {requester.id, agent.id}
    assert all(set(person) == PERSON_FIELDS for person in people_in(detail) if person)
    assert agent.email not in str(detail)

    for path, params in ((TICKETS, {}), (TICKETS, {"query": "printer"})):
        response = await client.get(path, params=params, headers=requester.headers)
        assert response.status_code == 200, response.text
        [item] = response.json()["items"]
        assert (item["requester"], item["assignee"]) == (requester.person, agent.person)
        assert agent.email not in response.text


@pytest.mark.parametrize("role", ["agent", "admin"])
async def test_staff_read_everyones_email(
    client: httpx.AsyncClient,
    accounts: Accounts,
    requester: Account,
    agent: Account,
    db: asyncpg.Connection,
    role: str,
) -> None:
    reader = agent if role == "agent" else await accounts.create("admin")
    ticket = await assigned_with_a_reply(client, requester, agent)
    await make_overdue(db, ticket["id"])
    requester_seen, agent_seen = requester.seen_by(reader), agent.seen_by(reader)
    assert "email" in requester_seen

    detail = await get_ticket(client, reader, ticket["id"])
    assert (detail["requester"], detail["assignee"]) == (requester_seen, agent_seen)
    assert [comment["author"] for comment in detail["comments"]] == [agent_seen]
    actors = {entry["actor"]["id"]: entry["actor"] for entry in detail["timeline"]}
    assert actors == {requester.id: requester_seen, agent.id: agent_seen}

    for path, params in ((TICKETS, {}), (BREACHED, {}), (TICKETS, {"query": "printer"})):
        response = await client.get(path, params=params, headers=reader.headers)
        assert response.status_code == 200, response.text
        [item] = response.json()["items"]
        assert (item["requester"], item["assignee"]) == (requester_seen, agent_seen), path


async def test_the_writes_answer_with_the_people(
    client: httpx.AsyncClient, requester: Account, agent: Account
) -> None:
    created = await create_ticket(client, requester)
    assert (created["requester"], created["assignee"]) == (requester.person, None)

    staff_created = await create_ticket(client, agent, assignee_id=agent.id)
    assert staff_created["requester"] == staff_created["assignee"] == agent.seen_by(agent)

    claimed = await patch_ticket(client, agent, created["id"], {"assignee_id": agent.id})
    assert claimed.status_code == 200, claimed.text
    assert claimed.json()["assignee"] == agent.seen_by(agent)
    assert claimed.json()["requester"] == requester.seen_by(agent)

    reply = await post_comment(client, agent, created["id"], {"body": "On my way"})
    assert reply.status_code == 201, reply.text
    assert reply.json()["author"] == agent.seen_by(agent)
    answer = await post_comment(client, requester, created["id"], {"body": "Thanks"})
    assert answer.status_code == 201, answer.text
    assert answer.json()["author"] == requester.person

    unassigned = await patch_ticket(
        client,
        agent,
        created["id"],
        {"assignee_id": None, "comment": {"body": "Passing it on"}},
        '"2"',
    )
    assert unassigned.status_code == 200, unassigned.text
    assert unassigned.json()["assignee"] is None
    assert unassigned.json()["assignee_id"] is None


async def test_an_unassigned_ticket_names_no_assignee(
    client: httpx.AsyncClient, requester: Account, agent: Account
) -> None:
    ticket = await create_ticket(client, requester)
    for reader in (requester, agent):
        detail = await get_ticket(client, reader, ticket["id"])
        assert (detail["assignee_id"], detail["assignee"]) == (None, None)
        assert detail["requester"] == requester.seen_by(reader)


# --- one statement per page ------------------------------------------------------------------

OVERDUE = timedelta(minutes=1)  # past due by this much, so on the breached list too


@pytest.fixture
async def counted(settings: Settings) -> AsyncIterator[tuple[FastAPI, list[str]]]:
    async with counting_statements(settings) as counting:
        yield counting


@pytest.mark.parametrize(
    ("path", "count"),
    [(TICKETS, 16), (BREACHED, 16), (f"{TICKETS}?query=bulk", 16), (f"{TICKETS}?offset=4", 12)],
)
async def test_a_page_of_tickets_reads_its_people_in_its_one_statement(
    counted: tuple[FastAPI, list[str]],
    accounts: Accounts,
    db: asyncpg.Connection,
    path: str,
    count: int,
) -> None:
    app, statements = counted
    reader = await accounts.create("agent")
    requesters = [await accounts.create() for _ in range(3)]
    agents = [await accounts.create("agent") for _ in range(3)]
    for requester, agent in zip(requesters, agents, strict=True):
        await insert_tickets(db, requester.id, 4, assignee_id=agent.id, due=-OVERDUE)
    await insert_tickets(db, requesters[0].id, 4, due=-OVERDUE)

    async with asgi_client(app) as client:
        statements.clear()
        response = await client.get(path, headers=reader.headers)

    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert len(items) == count
    assert {item["requester"]["email"] for item in items} == {r.email for r in requesters}
    assert all(item["requester"]["id"] == item["requester_id"] for item in items)
    assert {item["assignee"]["email"] for item in items if item["assignee"]} == {
        a.email for a in agents
    }
    # The caller (who is asking), then the page with its people.
    assert len(statements) == 2, statements
    assert "FROM tickets" in statements[1]
