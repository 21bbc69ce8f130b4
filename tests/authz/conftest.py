import asyncpg
import pytest

from tests.authz.matrix import World, ticket_for
from tests.support.accounts import Accounts


@pytest.fixture
async def world(accounts: Accounts, db: asyncpg.Connection) -> World:
    demoted = await accounts.create("admin")
    await db.execute("UPDATE users SET role = 'user' WHERE id = $1", demoted.id)
    return World(
        user=await accounts.create("user"),
        other_user=await accounts.create("user"),
        agent=await accounts.create("agent"),
        other_agent=await accounts.create("agent"),
        third_agent=await accounts.create("agent"),
        admin=await accounts.create("admin"),
        demoted=demoted,
    )


@pytest.fixture
async def ticket_id(db: asyncpg.Connection, world: World, caller: str, relation: str) -> int:
    """The ticket of the case's relation to its caller (matrix.RELATIONS), or no ticket's id."""
    return await ticket_for(db, world, caller, relation)
