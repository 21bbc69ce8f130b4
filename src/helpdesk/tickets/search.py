"""Full-text search over titles, descriptions and comments, with PostgreSQL's own
text search: stemmed words ("crashed" finds "crash") and prefixes ("confi" finds
"configuration").

Every ticket carries one search vector: its title, its description and the words of all
its comments (`comment_words` for public replies, `note_words` for internal notes, each
extended in the same transaction as the comment). A query's words may be spread over the
ticket and its comments, and one GIN index answers every query, whether its words are
common, rare, or never found together. A requester's search must also match without the
internal notes' words: the index finds the candidates, and each is checked again against
its public text (a requester's own tickets only, so a few rows)."""

import re
import unicodedata

import asyncpg
from sqlalchemy import (
    ColumnClause,
    ColumnElement,
    Text,
    and_,
    bindparam,
    func,
    literal_column,
    update,
)

from helpdesk.db.compiled import Compiled
from helpdesk.text import canonical, without_invisible
from helpdesk.tickets.models import (
    SEARCH_CONFIG,
    TICKET_COLUMNS,
    Ticket,
    TicketRow,
    returning_shown,
    ticket_row,
)

MAX_QUERY_LENGTH = 500
MAX_QUERY_WORDS = 16
_CONFIG: ColumnClause[str] = literal_column(f"'{SEARCH_CONFIG}'::regconfig")
_SIGMA, _FINAL_SIGMA = "\u03c3", "\u03c2"
_SIGMAS = frozenset((_SIGMA, _FINAL_SIGMA, "\u03a3"))


def _words(query: str) -> list[str]:
    """Runs of letters, marks and digits, composed (NFC) as keyboards type them. Nothing
    else reaches to_tsquery, so nothing the caller types can reach its syntax."""
    text = canonical(without_invisible(query))  # no variation selector left as a "word"
    kept = (char if unicodedata.category(char)[0] in "LMN" else " " for char in text)
    return "".join(kept).split()


def _spellings(word: str) -> list[str]:
    """The word as typed, and the spellings a ticket may hold it in that lower-casing alone
    does not reach. PostgreSQL lower-cases both sides (the ticket's words in its search
    vector, the query's in to_tsquery), one rule for both: Python's lower() would not agree
    with it ("İ" is "i" there, "i" and a combining dot here)."""
    spellings = [word]
    if word[-1] in _SIGMAS:  # "ΟΔΟΣ" is stored with a sigma, "οδος" with a final sigma
        spellings += [word[:-1] + _SIGMA, word[:-1] + _FINAL_SIGMA]
    spellings += [each.replace("ß", "ss").replace("ẞ", "ss") for each in spellings]
    if re.search("ss", word, flags=re.IGNORECASE):
        spellings.append(re.sub("ss", "ß", word, flags=re.IGNORECASE))
    return list(dict.fromkeys(spellings))  # once each, in order


def to_tsquery_text(query: str) -> str | None:
    """'Printer crashes!' -> 'Printer:* & crashes:*', each word a prefix; a word a ticket
    may spell otherwise is one of its spellings: 'Straße' -> '(Straße:* | Strasse:*)'.
    None when there is no word to find."""
    words = _words(query)[:MAX_QUERY_WORDS]
    if not words:
        return None
    terms = []
    for word in words:
        spellings = [f"{spelling}:*" for spelling in _spellings(word)]
        terms.append(spellings[0] if len(spellings) == 1 else f"({' | '.join(spellings)})")
    return " & ".join(terms)


def _public_document() -> ColumnElement[str]:
    """The ticket's words a requester may search: all but its internal notes'."""
    return (
        func.setweight(func.to_tsvector(_CONFIG, Ticket.title), literal_column("'A'"))
        .op("||")(
            func.setweight(func.to_tsvector(_CONFIG, Ticket.description), literal_column("'B'"))
        )
        .op("||")(Ticket.comment_words)
    )


# The bound name of a search's terms (to_tsquery_text's): written into the SQL per call.
TERMS = "search_terms"


def matches(*, public_only: bool = False) -> ColumnElement[bool]:
    """Tickets that hold every word of the terms bound as TERMS, in their title,
    description or comments.

    The words are written into the statement, not sent as a parameter: the planner must
    see them to choose between the GIN index (rare words) and the list's order (common
    ones). A prepared statement's generic plan, which PostgreSQL adopts after five runs,
    would choose once for every word, and walk the date index for a rare one. The text is
    letters, marks, digits and the operators to_tsquery_text writes, and is quoted as a
    string constant all the same (db/compiled.py)."""
    terms = bindparam(TERMS, type_=Text, literal_execute=True)
    query = func.to_tsquery(_CONFIG, terms)
    found = Ticket.search_vector.op("@@")(query)
    if not public_only:
        return found
    return and_(found, _public_document().op("@@")(query))


def _add_words(column: str) -> Compiled:
    """UPDATE tickets SET <column> = <column> || the body's lexemes, RETURNING the ticket;
    compiled once (a comment's every write runs it), the body and the ticket parameters."""
    words = getattr(Ticket, column)
    return Compiled(
        returning_shown(
            update(Ticket)
            .where(Ticket.id == bindparam("comment_ticket_id"))
            .values(
                {
                    column: words.op("||")(
                        func.strip(func.to_tsvector(_CONFIG, bindparam("comment_body", type_=Text)))
                    )
                }
            )
            .returning(*TICKET_COLUMNS)
        )
    )


_ADD_COMMENT_WORDS = _add_words("comment_words")
_ADD_NOTE_WORDS = _add_words("note_words")


async def add_comment_words(
    connection: asyncpg.Connection, *, ticket_id: int, body: str, internal: bool
) -> TicketRow:
    """Make a new comment's words findable on its ticket (an internal note's by staff
    only), and return the ticket as it now stands, locked until the transaction ends.
    Lexemes only (strip): nothing ranks by position, and the vector then grows with the
    words used, not the text."""
    statement = _ADD_NOTE_WORDS if internal else _ADD_COMMENT_WORDS
    row = await connection.fetchrow(
        statement.sql(), *statement.args(comment_ticket_id=ticket_id, comment_body=body)
    )
    assert row is not None  # the caller holds the ticket, and tickets are never deleted
    return ticket_row(row)
