"""The ticket list's statements are cached on a `Where`, built from it alone: every field of
it changes the SQL (none is left out of the key while still shaping the clause), and a
requester's search is the one that leaves internal notes out."""

from dataclasses import fields, replace
from typing import Any

import pytest
from sqlalchemy.dialects import postgresql

from helpdesk.auth.models import User
from helpdesk.tickets.listing import (
    AssignedTo,
    Assignee,
    Search,
    TicketFilters,
    Where,
    _list,
    _matching,
    _where,
)
from helpdesk.tickets.models import Status
from helpdesk.tickets.search import TERMS
from helpdesk.tickets.sorting import Sort

BASE = Where(own=False)

# For each field of Where, values other than BASE's.
CHANGES: dict[str, list[Any]] = {
    "own": [True],
    "statuses": [(Status.open,), (Status.open, Status.pending)],
    "assignee": [Assignee.nobody, Assignee.someone],
    "breached": [True, False],
    "first_response_breached": [True, False],
    "search": [Search.nothing, Search.public, Search.everything],
}


def _sql(where: Where) -> str:
    return str(_matching(where).compile(dialect=postgresql.dialect()))


def test_every_field_of_the_key_has_its_changes_listed() -> None:
    assert {field.name for field in fields(Where)} == CHANGES.keys()


@pytest.mark.parametrize(
    ("name", "value"), [(name, value) for name, values in CHANGES.items() for value in values]
)
def test_every_field_of_the_key_changes_the_sql(name: str, value: Any) -> None:
    changed = replace(BASE, **{name: value})

    assert _sql(changed) != _sql(BASE)
    others = [replace(BASE, **{name: other}) for other in CHANGES[name] if other != value]
    assert all(_sql(changed) != _sql(other) for other in others)


def test_the_page_kind_and_sort_change_the_statement_and_the_same_key_reuses_it() -> None:
    statements = {
        _list(BASE, sort, after=after, deep=deep)
        for sort in Sort
        for after in (False, True)
        for deep in (False, True)
    }
    assert len(statements) == len(Sort) * 4
    assert _list(BASE, Sort.newest, after=False, deep=False) is _list(
        replace(BASE), Sort.newest, after=False, deep=False
    )


def _caller(role: str) -> User:
    return User(id=7, role=role, name="Someone", email="someone@x.test")


def test_a_requesters_search_leaves_internal_notes_out_and_staffs_does_not() -> None:
    filters = TicketFilters(query="printer", assignee=AssignedTo(3))

    mine, mine_values = _where(_caller("requester"), filters)
    staff, staff_values = _where(_caller("agent"), filters)

    assert (mine.own, mine.search, staff.own, staff.search) == (
        True,
        Search.public,
        False,
        Search.everything,
    )
    # The public document: title, description and the words of public comments only.
    assert "comment_words" in _sql(mine)
    assert "comment_words" not in _sql(staff)
    assert mine_values == {"requester_id": 7, "assignee_id": 3, TERMS: staff_values[TERMS]}
    assert staff_values.keys() == {"assignee_id", TERMS}


def test_a_query_with_nothing_searchable_finds_nothing_and_binds_no_terms() -> None:
    where, values = _where(_caller("agent"), TicketFilters(query="!!!"))

    assert where.search is Search.nothing
    assert values == {}
