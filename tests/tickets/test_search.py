"""GET /api/tickets?query=: full-text search over titles, descriptions and comments."""

import asyncio
from typing import Any

import asyncpg
import httpx
import pytest

from tests.support.accounts import Account
from tests.support.db import count_rows
from tests.support.responses import assert_error
from tests.support.tickets import (
    BREACHED,
    TICKETS,
    TITLE,
    add_comment,
    create_ticket,
    list_ids,
    patch_ticket,
    set_status,
)


async def search(
    client: httpx.AsyncClient, account: Account, query: str, **params: Any
) -> list[int]:
    return await list_ids(client, account, {"query": query, **params})


# --- what a query finds ------------------------------------------------------------------


Fields = str | dict[str, str]  # a ticket's fields, or only its title


def _fields(ticket: Fields) -> dict[str, str]:
    return {"title": ticket} if isinstance(ticket, str) else ticket


def finds(
    rule: str,
    ticket: Fields,
    queries: str | list[str],
    *others: Fields,
    comments: tuple[str, ...] = (),
) -> Any:
    """A case: each of `queries` finds `ticket` (with `comments` on it), and none of the
    `others` beside it."""
    return pytest.param(
        _fields(ticket),
        comments,
        [_fields(other) for other in others],
        [queries] if isinstance(queries, str) else queries,
        id=rule,
    )


WORDS = [
    finds("a word in the title", "Printer out of toner", "toner", "VPN drops every hour"),
    finds(
        "a word in the description",
        {"title": "Laptop issue", "description": "The battery swells when charging"},
        "battery",
        {"title": "Other", "description": "Screen flickers"},
    ),
    finds(
        "every word of the query must match, in any order",
        "Printer jammed on floor 3",
        ["printer jammed", "jammed printer"],
        "Printer out of toner",
        "Door jammed",
    ),
    finds(
        "several words across title and description",
        {"title": "Printer problem", "description": "The paper is jammed"},
        "printer jammed",
    ),
    finds(
        "punctuation between words",
        "Printer jammed on floor 3",
        ["printer, jammed!", "  printer   "],
    ),
    finds(
        "common words do not hide results",
        "Printer jammed on floor 3",
        "the printer is jammed",
    ),
    finds("a non-ascii word", "Café machine leaks", ["café", "CAFÉ"], "Cafeteria lights off"),
    # Not "printer OR NOT jammed": every word still has to match.
    finds("operators are words", "Printer jammed", "printer | !jammed", "Printer out of toner"),
]
IN_COMMENTS = [
    finds(
        "a word in a comment",
        "Cannot log in",
        "keycard",
        "Cannot print",
        comments=("Reset the keycard at reception",),
    ),
    finds(
        "a word in any of several comments",
        "Cannot log in",
        "mailbox",
        comments=("Tried twice already", "Your mailbox quota is full"),
    ),
    finds(
        "listed once, found in its title and its comments",
        "Monitor is dead",
        "monitor",
        comments=("The monitor still does not turn on", "Monitor cable swapped, no luck"),
    ),
]
UNRELATED = "Unrelated keyboard problem"
FORMS = [
    finds("crashed by crashes", "Outlook crashed on startup", "crashes", UNRELATED),
    finds("crash by crashes", "Outlook crash on startup", "crashes", UNRELATED),
    finds("crashes by crashed", "Outlook crashes on startup", "crashed", UNRELATED),
    finds("printers by printer", "Printers on floor 3", "printer", UNRELATED),
    finds("connecting by connection", "Connecting to Wi-Fi fails", "connection", UNRELATED),
    *[
        finds(
            f"the start of a word: {query}",
            {"title": "Printer configuration lost", "description": ""},
            query,
            UNRELATED,
        )
        for query in ("printe", "prin", "configur")
    ],
    *[
        finds(f"any case: {query}", "printer jammed", query)
        for query in ("PRINTER", "Printer", "pRiNtEr")
    ],
]
# A word typed as it stands in the ticket finds it, and so does the word in the other case:
# PostgreSQL lower-cases both sides (Python's "İ".lower() is "i" and a combining dot).
SCRIPTS = [
    finds("turkish-dotted-capital-i", "İzmir printer", ["İzmir", "izmir", "İZMİR", "izm"], TITLE),
    finds("turkish-lower-case", "izmir printer", ["izmir", "İzmir", "IZMIR"], TITLE),
    finds("german-sharp-s", "Straße gesperrt", ["Straße", "straße", "STRASSE", "strasse"], TITLE),
    finds(
        "german-ss-found-by-sharp-s", "STRASSE gesperrt", ["STRASSE", "strasse", "Straße"], TITLE
    ),
    finds("greek-final-sigma", "Η οδός κλειστή", ["οδός", "ΟΔΌΣ", "οδό"], TITLE),
    finds("greek-capitals", "ΟΔΟΣ ΚΛΕΙΣΤΗ", ["ΟΔΟΣ", "οδος", "οδοσ", "κλειστη"], TITLE),
    finds("accents", "Résumé naïve café", ["Résumé", "RÉSUMÉ", "naïve", "NAÏVE", "café"], TITLE),
    finds("decomposed-accents", "Cafe\u0301 ouvert", ["café", "Cafe\u0301", "CAFÉ"], TITLE),
    finds("cyrillic", "Принтер сломался", ["Принтер", "принтер", "ПРИНТЕР"], TITLE),
    # A dotless i is not a dotted one, nor the other way round.
    finds("dotless-i", "ılık su yok", "ılık", "ilik kemik"),
    finds("dotted-i", "ilik kemik", "ilik", "ılık su yok"),
]


@pytest.mark.parametrize(
    ("ticket", "comments", "others", "queries"), [*WORDS, *IN_COMMENTS, *FORMS, *SCRIPTS]
)
async def test_a_query_finds_the_ticket_that_holds_its_words(
    client: httpx.AsyncClient,
    requester: Account,
    agent: Account,
    ticket: dict[str, str],
    comments: tuple[str, ...],
    others: list[dict[str, str]],
    queries: list[str],
) -> None:
    found = await create_ticket(client, requester, **ticket)
    for text in comments:
        await add_comment(client, agent, found["id"], text)
    for other in others:
        await create_ticket(client, requester, **other)

    for query in queries:
        assert await search(client, requester, query) == [found["id"]], query


# --- words in comments, and words nowhere ------------------------------------------------


async def test_query_words_may_be_spread_over_the_ticket_and_its_comments(
    client: httpx.AsyncClient, requester: Account, agent: Account
) -> None:
    ticket = await create_ticket(client, requester, title="Outlook keeps asking")
    other = await create_ticket(client, requester, title="Outlook is slow")
    await add_comment(client, requester, ticket["id"], "It wants my password again")
    await add_comment(client, agent, ticket["id"], "Clear the credential manager")
    await add_comment(client, agent, other["id"], "Archive old folders")

    assert await search(client, requester, "outlook credential password") == [ticket["id"]]
    assert await search(client, requester, "credential archive") == []


async def test_comments_added_at_once_are_all_found(
    client: httpx.AsyncClient, requester: Account, agent: Account
) -> None:
    """Each comment extends its ticket's words in its own transaction; concurrent ones
    must not overwrite each other's."""
    ticket = await create_ticket(client, requester, title="Many replies")
    words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"]
    await asyncio.gather(
        *(add_comment(client, agent, ticket["id"], f"Word {word}") for word in words)
    )

    for word in words:
        assert await search(client, requester, word) == [ticket["id"]], word


async def test_query_does_not_find_a_word_nowhere_in_the_ticket(
    client: httpx.AsyncClient, requester: Account
) -> None:
    await create_ticket(client, requester, title="Printer jammed", description="Paper stuck")

    assert await search(client, requester, "keyboard") == []


async def test_blank_query_lists_everything(client: httpx.AsyncClient, requester: Account) -> None:
    first = await create_ticket(client, requester, title="Printer jammed")
    second = await create_ticket(client, requester, title="VPN drops")

    assert await search(client, requester, "   ") == [second["id"], first["id"]]


# --- hostile input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "'; DROP TABLE tickets; --",
        "a & b | !c",
        "printer & | !",
        "printer:*",
        "printer <-> jammed",
        "' OR 1=1 --",
        '"printer"',
        "🖨️ printer",
        "%_%",
        "printer\\",
        "x" * 500,
    ],
)
async def test_hostile_query_is_answered_safely(
    client: httpx.AsyncClient, requester: Account, db: asyncpg.Connection, query: str
) -> None:
    await create_ticket(client, requester, title="Printer jammed")

    response = await client.get(TICKETS, params={"query": query}, headers=requester.headers)

    assert response.status_code == 200, response.text
    assert set(response.json()) == {"items", "next_offset", "next_cursor"}
    assert await count_rows(db, "tickets") == 1


@pytest.mark.parametrize(
    "query", ["!!!", ":*", "((", "\\", "&", "|", "!", "<->", "'", "🖨️", "🔥💥", "_", "\u0000"]
)
async def test_query_without_any_word_finds_nothing(
    client: httpx.AsyncClient, requester: Account, query: str
) -> None:
    await create_ticket(client, requester, title="Printer jammed")

    assert await search(client, requester, query) == []


async def test_sql_in_the_query_is_treated_as_words(
    client: httpx.AsyncClient, requester: Account, db: asyncpg.Connection
) -> None:
    await create_ticket(client, requester, title="Printer jammed")
    ticket = await create_ticket(client, requester, title="Cannot drop table reservations")

    found = await search(client, requester, "'; DROP TABLE --")

    assert found == [ticket["id"]]
    assert await count_rows(db, "tickets") == 2


# --- visibility, length, combining with filters ----------------------------------------------


async def test_users_search_does_not_reveal_others_tickets_through_comments(
    client: httpx.AsyncClient, requester: Account, other_user: Account, agent: Account
) -> None:
    theirs = await create_ticket(client, other_user, title="Cannot log in")
    await add_comment(client, agent, theirs["id"], "Reset the keycard at reception")

    assert await search(client, requester, "keycard") == []
    assert await search(client, agent, "keycard") == [theirs["id"]]


async def test_query_of_500_characters_is_accepted(
    client: httpx.AsyncClient, requester: Account
) -> None:
    query = ("printer " * 63)[:500]
    assert len(query) == 500

    response = await client.get(TICKETS, params={"query": query}, headers=requester.headers)

    assert response.status_code == 200, response.text


async def test_query_longer_than_500_characters_is_invalid(
    client: httpx.AsyncClient, requester: Account
) -> None:
    response = await client.get(TICKETS, params={"query": "x" * 501}, headers=requester.headers)

    assert_error(response, 400, "FIELD_INVALID", "query")


async def test_query_combines_with_the_status_filter(
    client: httpx.AsyncClient, requester: Account, db: asyncpg.Connection
) -> None:
    open_printer = await create_ticket(client, requester, title="Printer jammed")
    resolved_printer = await create_ticket(client, requester, title="Printer out of toner")
    resolved_other = await create_ticket(client, requester, title="VPN drops")
    await set_status(db, [resolved_printer["id"], resolved_other["id"]], "resolved")

    assert await search(client, requester, "printer", status="resolved") == [resolved_printer["id"]]
    assert await search(client, requester, "printer", status="open") == [open_printer["id"]]
    assert await search(client, requester, "printer", status="open,resolved") == [
        resolved_printer["id"],
        open_printer["id"],
    ]


async def test_query_combines_with_paging(client: httpx.AsyncClient, requester: Account) -> None:
    printers = [
        (await create_ticket(client, requester, title=f"Printer {n} jammed"))["id"]
        for n in range(3)
    ]
    await create_ticket(client, requester, title="VPN drops")

    response = await client.get(
        TICKETS,
        params={"query": "printer", "limit": 2},
        headers=requester.headers,
    )

    body = response.json()
    assert [t["id"] for t in body["items"]] == printers[::-1][:2]
    assert body["next_offset"] == 2


async def test_query_on_the_breached_list(client: httpx.AsyncClient, agent: Account) -> None:
    overdue = await create_ticket(client, agent, title="Printer jammed", sla_minutes=0)
    await create_ticket(client, agent, title="Printer out of toner", sla_minutes=60)
    await create_ticket(client, agent, title="VPN drops", sla_minutes=0)

    response = await client.get(BREACHED, params={"query": "printer"}, headers=agent.headers)

    assert response.status_code == 200, response.text
    assert [t["id"] for t in response.json()["items"]] == [overdue["id"]]


async def test_search_sees_a_title_change(client: httpx.AsyncClient, requester: Account) -> None:
    ticket = await create_ticket(client, requester, title="Printer jammed")

    response = await patch_ticket(client, requester, ticket["id"], {"title": "Scanner jammed"})
    assert response.status_code == 200, response.text

    assert await search(client, requester, "scanner") == [ticket["id"]]
    assert await search(client, requester, "printer") == []
