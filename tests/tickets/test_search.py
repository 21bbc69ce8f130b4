"""GET /api/tickets?query=: full-text search over titles, descriptions and comments."""

import asyncio
from typing import Any

import asyncpg
import httpx
import pytest

from tests.conftest import Account, Accounts, assert_error, create_ticket


async def search(
    client: httpx.AsyncClient, account: Account, query: str, **params: Any
) -> list[int]:
    response = await client.get(
        "/api/tickets", params={"query": query, **params}, headers=account.headers
    )
    assert response.status_code == 200, response.text
    return [ticket["id"] for ticket in response.json()["items"]]


async def add_comment(
    client: httpx.AsyncClient, account: Account, ticket_id: int, body: str
) -> None:
    response = await client.post(
        f"/api/tickets/{ticket_id}/comments", json={"body": body}, headers=account.headers
    )
    assert response.status_code == 201, response.text


# --- where words are found -------------------------------------------------------------------


async def test_query_finds_a_word_in_the_title(
    client: httpx.AsyncClient, requester: Account
) -> None:
    printer = await create_ticket(client, requester, title="Printer out of toner")
    await create_ticket(client, requester, title="VPN drops every hour")

    assert await search(client, requester, "toner") == [printer["id"]]


async def test_query_finds_a_word_in_the_description(
    client: httpx.AsyncClient, requester: Account
) -> None:
    laptop = await create_ticket(
        client, requester, title="Laptop issue", description="The battery swells when charging"
    )
    await create_ticket(client, requester, title="Other", description="Screen flickers")

    assert await search(client, requester, "battery") == [laptop["id"]]


async def test_query_finds_a_word_in_a_comment(
    client: httpx.AsyncClient, requester: Account, agent: Account
) -> None:
    commented = await create_ticket(client, requester, title="Cannot log in")
    await create_ticket(client, requester, title="Cannot print")
    await add_comment(client, agent, commented["id"], "Reset the keycard at reception")

    assert await search(client, requester, "keycard") == [commented["id"]]


async def test_query_finds_a_word_in_any_of_several_comments(
    client: httpx.AsyncClient, requester: Account, agent: Account
) -> None:
    ticket = await create_ticket(client, requester, title="Cannot log in")
    await add_comment(client, requester, ticket["id"], "Tried twice already")
    await add_comment(client, agent, ticket["id"], "Your mailbox quota is full")

    assert await search(client, requester, "mailbox") == [ticket["id"]]


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


async def test_ticket_found_in_title_and_comment_is_listed_once(
    client: httpx.AsyncClient, requester: Account
) -> None:
    ticket = await create_ticket(client, requester, title="Monitor is dead")
    await add_comment(client, requester, ticket["id"], "The monitor still does not turn on")
    await add_comment(client, requester, ticket["id"], "Monitor cable swapped, no luck")

    assert await search(client, requester, "monitor") == [ticket["id"]]


async def test_query_does_not_find_a_word_nowhere_in_the_ticket(
    client: httpx.AsyncClient, requester: Account
) -> None:
    await create_ticket(client, requester, title="Printer jammed", description="Paper stuck")

    assert await search(client, requester, "keyboard") == []


# --- word forms, prefixes, case, several words -----------------------------------------------


@pytest.mark.parametrize(
    ("title", "query"),
    [
        ("Outlook crashed on startup", "crashes"),
        ("Outlook crash on startup", "crashes"),
        ("Outlook crashes on startup", "crashed"),
        ("Printers on floor 3", "printer"),
        ("Connecting to Wi-Fi fails", "connection"),
    ],
)
async def test_query_matches_other_forms_of_a_word(
    client: httpx.AsyncClient, requester: Account, title: str, query: str
) -> None:
    ticket = await create_ticket(client, requester, title=title)
    await create_ticket(client, requester, title="Unrelated keyboard problem")

    assert await search(client, requester, query) == [ticket["id"]]


@pytest.mark.parametrize("query", ["printe", "prin", "configur"])
async def test_query_matches_the_start_of_a_word(
    client: httpx.AsyncClient, requester: Account, query: str
) -> None:
    ticket = await create_ticket(
        client, requester, title="Printer configuration lost", description=""
    )
    await create_ticket(client, requester, title="Unrelated keyboard problem")

    assert await search(client, requester, query) == [ticket["id"]]


@pytest.mark.parametrize("query", ["PRINTER", "Printer", "pRiNtEr"])
async def test_query_is_case_insensitive(
    client: httpx.AsyncClient, requester: Account, query: str
) -> None:
    ticket = await create_ticket(client, requester, title="printer jammed")

    assert await search(client, requester, query) == [ticket["id"]]


async def test_every_word_of_the_query_must_match(
    client: httpx.AsyncClient, requester: Account
) -> None:
    both = await create_ticket(client, requester, title="Printer jammed on floor 3")
    await create_ticket(client, requester, title="Printer out of toner")
    await create_ticket(client, requester, title="Door jammed")

    assert await search(client, requester, "printer jammed") == [both["id"]]
    assert await search(client, requester, "jammed printer") == [both["id"]]


async def test_several_words_across_title_and_description_match(
    client: httpx.AsyncClient, requester: Account
) -> None:
    ticket = await create_ticket(
        client, requester, title="Printer problem", description="The paper is jammed"
    )

    assert await search(client, requester, "printer jammed") == [ticket["id"]]


async def test_query_with_punctuation_between_words_still_finds_them(
    client: httpx.AsyncClient, requester: Account
) -> None:
    ticket = await create_ticket(client, requester, title="Printer jammed on floor 3")

    assert await search(client, requester, "printer, jammed!") == [ticket["id"]]
    assert await search(client, requester, "  printer   ") == [ticket["id"]]


async def test_common_words_in_the_query_do_not_hide_results(
    client: httpx.AsyncClient, requester: Account
) -> None:
    ticket = await create_ticket(client, requester, title="Printer jammed on floor 3")

    assert await search(client, requester, "the printer is jammed") == [ticket["id"]]


async def test_query_with_a_non_ascii_word_finds_it(
    client: httpx.AsyncClient, requester: Account
) -> None:
    ticket = await create_ticket(client, requester, title="Café machine leaks")
    await create_ticket(client, requester, title="Cafeteria lights off")

    assert await search(client, requester, "café") == [ticket["id"]]
    assert await search(client, requester, "CAFÉ") == [ticket["id"]]


# A word typed as it stands in the ticket finds it, and so does the word in the other case:
# PostgreSQL lower-cases both sides (Python's "İ".lower() is "i" and a combining dot).
SCRIPTS = {
    "turkish-dotted-capital-i": ("İzmir printer", ["İzmir", "izmir", "İZMİR", "izm"]),
    "turkish-lower-case": ("izmir printer", ["izmir", "İzmir", "IZMIR"]),
    "german-sharp-s": ("Straße gesperrt", ["Straße", "straße", "STRASSE", "strasse"]),
    "german-ss-found-by-sharp-s": ("STRASSE gesperrt", ["STRASSE", "strasse", "Straße"]),
    "greek-final-sigma": ("Η οδός κλειστή", ["οδός", "ΟΔΌΣ", "οδό"]),
    "greek-capitals": ("ΟΔΟΣ ΚΛΕΙΣΤΗ", ["ΟΔΟΣ", "οδος", "οδοσ", "κλειστη"]),
    "accents": ("Résumé naïve café", ["Résumé", "RÉSUMÉ", "naïve", "NAÏVE", "café"]),
    "decomposed-accents": ("Cafe\u0301 ouvert", ["café", "Cafe\u0301", "CAFÉ"]),
    "cyrillic": ("Принтер сломался", ["Принтер", "принтер", "ПРИНТЕР"]),
}


@pytest.mark.parametrize(("title", "queries"), SCRIPTS.values(), ids=SCRIPTS.keys())
async def test_a_word_is_found_as_it_stands_and_in_the_other_case(
    client: httpx.AsyncClient, requester: Account, title: str, queries: list[str]
) -> None:
    ticket = await create_ticket(client, requester, title=title)
    await create_ticket(client, requester, title="Printer on floor 3 is jammed")

    for query in queries:
        assert await search(client, requester, query) == [ticket["id"]], query


async def test_a_dotless_i_word_is_not_confused_with_the_dotted_one(
    client: httpx.AsyncClient, requester: Account
) -> None:
    dotless = await create_ticket(client, requester, title="ılık su yok")
    dotted = await create_ticket(client, requester, title="ilik kemik")

    assert await search(client, requester, "ılık") == [dotless["id"]]
    assert await search(client, requester, "ilik") == [dotted["id"]]


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

    response = await client.get("/api/tickets", params={"query": query}, headers=requester.headers)

    assert response.status_code == 200, response.text
    assert set(response.json()) == {"items", "next_offset", "next_cursor"}
    assert await db.fetchval("SELECT count(*) FROM tickets") == 1


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
    assert await db.fetchval("SELECT count(*) FROM tickets") == 2


async def test_query_operators_are_treated_as_words(
    client: httpx.AsyncClient, requester: Account
) -> None:
    both = await create_ticket(client, requester, title="Printer jammed")
    await create_ticket(client, requester, title="Printer out of toner")

    # Not "printer OR NOT jammed": every word still has to match.
    assert await search(client, requester, "printer | !jammed") == [both["id"]]


# --- visibility, length, combining with filters ----------------------------------------------


async def test_users_search_returns_only_their_own_tickets(
    client: httpx.AsyncClient, requester: Account, other_user: Account
) -> None:
    mine = await create_ticket(client, requester, title="Printer jammed")
    await create_ticket(client, other_user, title="Printer jammed too")

    assert await search(client, requester, "printer") == [mine["id"]]


async def test_users_search_does_not_reveal_others_tickets_through_comments(
    client: httpx.AsyncClient, requester: Account, other_user: Account, agent: Account
) -> None:
    theirs = await create_ticket(client, other_user, title="Cannot log in")
    await add_comment(client, agent, theirs["id"], "Reset the keycard at reception")

    assert await search(client, requester, "keycard") == []
    assert await search(client, agent, "keycard") == [theirs["id"]]


@pytest.mark.parametrize("role", ["agent", "admin"])
async def test_staff_search_covers_every_ticket(
    client: httpx.AsyncClient,
    accounts: Accounts,
    requester: Account,
    other_user: Account,
    role: str,
) -> None:
    staff = await accounts.create(role)
    a = await create_ticket(client, requester, title="Printer jammed")
    b = await create_ticket(client, other_user, title="Printer out of toner")

    assert await search(client, staff, "printer") == [b["id"], a["id"]]


async def test_query_of_500_characters_is_accepted(
    client: httpx.AsyncClient, requester: Account
) -> None:
    query = ("printer " * 63)[:500]
    assert len(query) == 500

    response = await client.get("/api/tickets", params={"query": query}, headers=requester.headers)

    assert response.status_code == 200, response.text


async def test_query_longer_than_500_characters_is_invalid(
    client: httpx.AsyncClient, requester: Account
) -> None:
    response = await client.get(
        "/api/tickets", params={"query": "x" * 501}, headers=requester.headers
    )

    assert_error(response, 400, "FIELD_INVALID", "query")


async def test_query_combines_with_the_status_filter(
    client: httpx.AsyncClient, requester: Account, db: asyncpg.Connection
) -> None:
    open_printer = await create_ticket(client, requester, title="Printer jammed")
    resolved_printer = await create_ticket(client, requester, title="Printer out of toner")
    resolved_other = await create_ticket(client, requester, title="VPN drops")
    await db.execute(
        "UPDATE tickets SET status = 'resolved' WHERE id = ANY($1::int[])",
        [resolved_printer["id"], resolved_other["id"]],
    )

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
        "/api/tickets",
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

    response = await client.get(
        "/api/tickets/breached", params={"query": "printer"}, headers=agent.headers
    )

    assert response.status_code == 200, response.text
    assert [t["id"] for t in response.json()["items"]] == [overdue["id"]]


async def test_search_sees_a_title_change(client: httpx.AsyncClient, requester: Account) -> None:
    ticket = await create_ticket(client, requester, title="Printer jammed")

    response = await client.patch(
        f"/api/tickets/{ticket['id']}",
        json={"title": "Scanner jammed"},
        headers={**requester.headers, "If-Match": '"1"'},
    )
    assert response.status_code == 200, response.text

    assert await search(client, requester, "scanner") == [ticket["id"]]
    assert await search(client, requester, "printer") == []
