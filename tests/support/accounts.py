"""Accounts made straight in the database, each with the suite's password and a token of
its own; and tokens crafted by hand, for the tests of what a token must carry."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import bcrypt
import httpx
import jwt

from helpdesk.auth.tokens import issue_token
from helpdesk.config import Settings
from tests.support.server import TEST_JWT_SECRET

PASSWORD = "Password123"
# Hashed once for the whole suite, at bcrypt's lowest cost.
_PASSWORD_HASH = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(4)).decode()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Account:
    id: int
    email: str
    role: str
    token: str
    name: str = ""

    @property
    def is_staff(self) -> bool:
        return self.role in ("agent", "admin")

    @property
    def person(self) -> dict[str, object]:
        """How a ticket names this account to a requester (and in events): its requester,
        assignee, a comment's author, an entry's actor."""
        return {"id": self.id, "name": self.name, "role": self.role}

    def seen_by(self, reader: "Account") -> dict[str, object]:
        """How a ticket names this account to `reader`: with the email for staff."""
        return self.person | ({"email": self.email} if reader.is_staff else {})

    @property
    def headers(self) -> dict[str, str]:
        return bearer(self.token)


def claims_for(account: Account, **overrides: Any) -> dict[str, Any]:
    """The claims of a valid token for `account`; an override of None leaves a claim out."""
    now = datetime.now(UTC)
    claims: dict[str, Any] = {
        "sub": str(account.id),
        "role": account.role,
        "ver": 0,
        "iat": now,
        "exp": now + timedelta(minutes=5),
        "iss": "helpdesk",
        "aud": "helpdesk-api",
    }
    claims.update(overrides)
    return {key: value for key, value in claims.items() if value is not None}


def sign(claims: dict[str, Any], secret: str = TEST_JWT_SECRET, algorithm: str = "HS256") -> str:
    return jwt.encode(claims, secret, algorithm=algorithm)


def token_signed_elsewhere(account: Account) -> str:
    """A token for `account`, right in every way but that another secret signed it."""
    return sign(claims_for(account), secret="another-secret-another-secret-12345678")


def expired_token(account: Account) -> str:
    """A token for `account`, right in every way but that it expired an hour ago."""
    now = datetime.now(UTC)
    return sign(claims_for(account, iat=now - timedelta(hours=2), exp=now - timedelta(hours=1)))


class Accounts:
    """Creates accounts straight in the database (password `PASSWORD`), with a token."""

    def __init__(self, db: asyncpg.Connection, settings: Settings) -> None:
        self._db = db
        self._settings = settings
        self._count = 0

    async def create(self, role: str = "user", email: str | None = None) -> Account:
        self._count += 1
        email = email or f"{role}{self._count}@example.test"
        name = f"{role.title()} {self._count}"
        user_id = await self._db.fetchval(
            "INSERT INTO users (name, email, password_hash, role) VALUES ($1, $2, $3, $4) "
            "RETURNING id",
            name,
            email,
            _PASSWORD_HASH,
            role,
        )
        token = issue_token(
            user_id=user_id, role=role, token_version=0, settings=self._settings
        ).token
        return Account(id=user_id, email=email, role=role, token=token, name=name)


# A sign-up that succeeds, unless a test changes a field of it.
NEW_ACCOUNT = {"name": "Ada Lovelace", "email": "ada@example.test", "password": "longenough"}


async def register(
    client: httpx.AsyncClient, headers: dict[str, str] | None = None, **fields: Any
) -> httpx.Response:
    """POST /api/register with NEW_ACCOUNT's fields, as changed by `fields`."""
    return await client.post("/api/register", json=NEW_ACCOUNT | fields, headers=headers or {})


# --- changing accounts through the API, and what is stored of them ---------------------------

# What every account in a response carries (UserOut): never its password or its hash.
USER_FIELDS = {"id", "name", "email", "role", "active", "created_at"}
# What the database holds of an account that a refused request must leave as it was.
ACCOUNT_COLUMNS = ("name", "email", "role", "active", "token_version", "password_hash")


async def stored_account(db: asyncpg.Connection, account_id: int) -> dict[str, Any] | None:
    """The account's row (ACCOUNT_COLUMNS), or None when there is none."""
    row = await db.fetchrow(
        f"SELECT {', '.join(ACCOUNT_COLUMNS)} FROM users WHERE id = $1",  # noqa: S608 (constants)
        account_id,
    )
    return None if row is None else dict(row)


async def stored_accounts(db: asyncpg.Connection) -> dict[int, dict[str, Any]]:
    """Every account's row (ACCOUNT_COLUMNS), by id."""
    rows = await db.fetch(f"SELECT id, {', '.join(ACCOUNT_COLUMNS)} FROM users")  # noqa: S608
    return {row["id"]: {column: row[column] for column in ACCOUNT_COLUMNS} for row in rows}


async def active_admins(db: asyncpg.Connection) -> list[int]:
    """The ids of the active admins, ascending."""
    rows = await db.fetch("SELECT id FROM users WHERE role = 'admin' AND active ORDER BY id")
    return [row["id"] for row in rows]


async def patch_user(
    client: httpx.AsyncClient, caller: Account | None, user_id: int | str, body: Any
) -> httpx.Response:
    """PATCH /api/users/{user_id} as `caller` (None: without a token)."""
    headers = caller.headers if caller is not None else {}
    return await client.patch(f"/api/users/{user_id}", json=body, headers=headers)


async def login(
    client: httpx.AsyncClient, account: Account, password: str = PASSWORD
) -> httpx.Response:
    """POST /api/login with the account's email."""
    return await client.post("/api/login", json={"email": account.email, "password": password})
