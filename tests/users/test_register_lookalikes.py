"""POST /api/register: one account per address as people read it. An email is stored in
one spelling (NFKC, lower case); invisible characters and a local part mixing scripts are
refused; names are stored in one spelling with nothing invisible in them. And anyone may
sign up as a user, whatever token their browser still holds."""

import asyncpg
import httpx
import pytest

from tests.support.accounts import (
    NEW_ACCOUNT,
    Account,
    bearer,
    expired_token,
    register,
    token_signed_elsewhere,
)
from tests.support.responses import assert_error


async def emails(db: asyncpg.Connection) -> list[str]:
    return [row["email"] for row in await db.fetch("SELECT email FROM users ORDER BY id")]


@pytest.mark.parametrize(
    "lookalike",
    ["\uff41\uff44\uff4d\uff49\uff4e@my", "admin@\uff4d\uff59", "ADMIN@MY", " admin@my "],
    ids=["full-width-local-part", "full-width-domain", "upper-case", "spaces"],
)
async def test_an_email_that_reads_as_a_taken_one_is_email_taken(
    client: httpx.AsyncClient, db: asyncpg.Connection, lookalike: str
) -> None:
    assert (await register(client, email="admin@my")).status_code == 201
    assert_error(await register(client, email=lookalike), 409, "EMAIL_TAKEN", "email")
    assert await emails(db) == ["admin@my"]


async def test_a_full_width_email_is_stored_in_its_plain_spelling_and_logs_in(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    response = await register(client, email="\uff47\uff52\uff41\uff43\uff45@example.test")
    assert response.status_code == 201, response.text
    assert response.json()["email"] == "grace@example.test"
    assert await emails(db) == ["grace@example.test"]
    for typed in ("grace@example.test", "\uff47\uff52\uff41\uff43\uff45@example.test"):
        login = await client.post(
            "/api/login", json={"email": typed, "password": NEW_ACCOUNT["password"]}
        )
        assert login.status_code == 200, login.text


@pytest.mark.parametrize(
    "email",
    [
        "\u200badmin@my",  # zero-width space
        "admin\u00ad@my",  # soft hyphen
        "ad\u200dmin@my",  # zero-width joiner
        "admin@m\u200cy",  # zero-width non-joiner, in the domain
        "\u202eadmin@my",  # right-to-left override
        "admin\ufeff@my",  # byte order mark
        "admin\u2060@my",  # word joiner
        "ad\u034fmin@my",  # combining grapheme joiner
        "admin\u3164@my",  # Hangul filler
    ],
    ids=["zwsp", "soft-hyphen", "zwj", "zwnj-domain", "rlo", "bom", "word-joiner", "cgj", "filler"],
)
async def test_an_email_with_an_invisible_character_is_refused(
    client: httpx.AsyncClient, db: asyncpg.Connection, email: str
) -> None:
    assert (await register(client, email="admin@my")).status_code == 201
    assert_error(await register(client, email=email), 400, "FIELD_INVALID", "email")
    assert await emails(db) == ["admin@my"]


@pytest.mark.parametrize(
    "email",
    [
        "\u0430dmin@my",  # Cyrillic a
        "admi\u0578@my",  # Armenian vo, like an n
        "p\u0430ypal@example.test",
        "adm\u03b9n@my",  # Greek iota
        "admin@\u0435xample.test",  # Cyrillic e in a label of the domain
    ],
    ids=["cyrillic-a", "armenian-n", "paypal", "greek-iota", "domain-label"],
)
async def test_an_email_mixing_scripts_in_one_part_is_refused(
    client: httpx.AsyncClient, db: asyncpg.Connection, email: str
) -> None:
    assert_error(await register(client, email=email), 400, "FIELD_INVALID", "email")
    assert await emails(db) == []


@pytest.mark.parametrize(
    "email",
    [
        "\u0430\u0434\u043c\u0438\u043d@example.test",  # all Cyrillic
        "\u03b1\u03bb\u03b5\u03be@example.test",  # all Greek
        "jos\u00e9.garc\u00eda@example.test",  # Latin with accents
        "\u5c71\u7530\u305f\u308d\u3046@example.jp",  # Han and Hiragana: Japanese
        "anna-2@\u043f\u0440\u0438\u043c\u0435\u0440.test",  # a Cyrillic domain label
    ],
    ids=["cyrillic", "greek", "accents", "japanese", "cyrillic-domain"],
)
async def test_an_email_in_one_script_per_part_is_accepted(
    client: httpx.AsyncClient, db: asyncpg.Connection, email: str
) -> None:
    response = await register(client, email=email)
    assert response.status_code == 201, response.text
    assert await emails(db) == [email]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Ada\u200b Lovelace", "Ada Lovelace"),
        ("\u202eAda Lovelace", "Ada Lovelace"),
        ("Ada\u00ad Lovelace", "Ada Lovelace"),
        ("\uff21\uff44\uff41 Lovelace", "Ada Lovelace"),
        ("\u2800Ada Lovelace\u2800", "Ada Lovelace"),
        ("Jos\u0065\u0301", "Jos\u00e9"),
    ],
    ids=["zwsp", "rlo", "soft-hyphen", "full-width", "blank-braille", "decomposed"],
)
async def test_a_name_is_stored_in_one_spelling_without_invisible_characters(
    client: httpx.AsyncClient, db: asyncpg.Connection, typed: str, stored: str
) -> None:
    response = await register(client, name=typed)
    assert response.status_code == 201, response.text
    assert response.json()["name"] == stored
    assert await db.fetchval("SELECT name FROM users") == stored


async def test_a_name_of_only_invisible_characters_is_missing(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    response = await register(client, name="\u200b\u200d\u00ad")
    assert_error(response, 400, "FIELD_REQUIRED", "name")
    assert await emails(db) == []


# --- a token that sign-up does not need is not checked ---------------------------------------


STALE_TOKENS = {
    "garbage": lambda account: {"Authorization": "Bearer not-a-token"},
    "expired": lambda account: bearer(expired_token(account)),
    "wrong-signature": lambda account: bearer(token_signed_elsewhere(account)),
    "not-bearer": lambda account: {"Authorization": "Basic YWRtaW46YWRtaW4="},
}


@pytest.mark.parametrize("kind", STALE_TOKENS)
@pytest.mark.parametrize("role", [None, "user"])
async def test_signing_up_as_a_user_ignores_a_stale_or_broken_token(
    client: httpx.AsyncClient,
    db: asyncpg.Connection,
    requester: Account,
    kind: str,
    role: str | None,
) -> None:
    headers = STALE_TOKENS[kind](requester)
    extra = {} if role is None else {"role": role}
    response = await register(client, headers, email="new@example.test", **extra)
    assert response.status_code == 201, response.text
    assert response.json()["role"] == "user"
    assert await emails(db) == [requester.email, "new@example.test"]


@pytest.mark.parametrize("kind", ["garbage", "expired", "wrong-signature"])
async def test_asking_for_a_staff_role_with_a_bad_token_stays_unauthorized(
    client: httpx.AsyncClient, db: asyncpg.Connection, admin: Account, kind: str
) -> None:
    response = await register(client, STALE_TOKENS[kind](admin), role="agent")
    assert_error(response, 401, "UNAUTHORIZED")
    assert await emails(db) == [admin.email]


async def test_a_revoked_admin_token_cannot_create_staff(
    client: httpx.AsyncClient, db: asyncpg.Connection, admin: Account
) -> None:
    await db.execute("UPDATE users SET token_version = 1 WHERE id = $1", admin.id)
    response = await register(client, admin.headers, role="admin")
    assert_error(response, 401, "UNAUTHORIZED")
    assert await emails(db) == [admin.email]
