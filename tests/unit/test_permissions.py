"""tickets/permissions.py: who may see, create and change which ticket, on unsaved objects."""

from typing import Any

import pytest

from helpdesk.auth.models import Role, User
from helpdesk.errors import Forbidden
from helpdesk.tickets.models import Ticket
from helpdesk.tickets.permissions import can_view, check_create, check_update

REQUESTER, OTHER_USER, AGENT, OTHER_AGENT, ADMIN = 1, 2, 3, 4, 5
ROLES = {
    REQUESTER: Role.user,
    OTHER_USER: Role.user,
    AGENT: Role.agent,
    OTHER_AGENT: Role.agent,
    ADMIN: Role.admin,
}


def user(user_id: int) -> User:
    return User(id=user_id, role=ROLES[user_id], name="Someone", email=f"{user_id}@x.test")


def ticket(assignee_id: int | None = None) -> Ticket:
    return Ticket(id=10, requester_id=REQUESTER, assignee_id=assignee_id, title="Printer")


def forbidden_field(caller: int, on: Ticket, changes: dict[str, Any]) -> str | None:
    """The field check_update names in its refusal."""
    with pytest.raises(Forbidden) as refused:
        check_update(user(caller), on, changes)
    assert refused.value.status_code == 403
    return refused.value.field


# --- who sees a ticket ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("caller", "sees"),
    [(REQUESTER, True), (OTHER_USER, False), (AGENT, True), (OTHER_AGENT, True), (ADMIN, True)],
)
def test_requesters_see_their_own_tickets_and_staff_see_every_ticket(
    caller: int, sees: bool
) -> None:
    assert can_view(user(caller), ticket(assignee_id=OTHER_AGENT)) is sees


# --- who sets what at creation ----------------------------------------------------------------


@pytest.mark.parametrize("field", ["assignee_id", "sla_minutes"])
def test_a_requester_may_not_set_the_staff_fields_at_creation(field: str) -> None:
    with pytest.raises(Forbidden) as refused:
        check_create(user(REQUESTER), fields_set={"title", field}, values={field: 30})
    assert refused.value.field == field


def test_a_requester_may_send_the_staff_fields_empty_or_not_at_all() -> None:
    check_create(user(REQUESTER), fields_set={"title", "assignee_id"}, values={"assignee_id": None})
    check_create(user(REQUESTER), fields_set={"title"}, values={"sla_minutes": 1440})


@pytest.mark.parametrize("caller", [AGENT, ADMIN])
def test_staff_may_set_every_field_at_creation(caller: int) -> None:
    values: dict[str, object] = {"assignee_id": OTHER_AGENT, "sla_minutes": 30}
    check_create(user(caller), fields_set={"title", *values}, values=values)


# --- who changes what -------------------------------------------------------------------------


@pytest.mark.parametrize("assignee", [None, AGENT, OTHER_AGENT])
def test_an_admin_may_change_every_field_of_any_ticket(assignee: int | None) -> None:
    every_field = {
        "title": "A",
        "description": "B",
        "status": "closed",
        "priority": "low",
        "assignee_id": OTHER_AGENT,
        "sla_minutes": 5,
    }
    check_update(user(ADMIN), ticket(assignee), every_field)


def test_a_requester_may_change_the_title_and_description_of_their_own_ticket() -> None:
    check_update(user(REQUESTER), ticket(), {"title": "A", "description": "B"})


@pytest.mark.parametrize("field", ["status", "priority", "assignee_id", "sla_minutes"])
def test_a_requester_may_change_nothing_else_and_the_refusal_names_the_field(field: str) -> None:
    assert forbidden_field(REQUESTER, ticket(), {"title": "A", field: None}) == field


def test_a_requester_may_not_change_someone_elses_ticket_and_no_field_is_named() -> None:
    assert forbidden_field(OTHER_USER, ticket(), {"title": "A"}) is None


@pytest.mark.parametrize(
    "changes",
    [
        {"status": "resolved"},
        {"priority": "low"},
        {"assignee_id": OTHER_AGENT},
        {"assignee_id": None},
    ],
)
def test_an_agent_may_change_status_priority_and_assignee_of_a_ticket_assigned_to_them(
    changes: dict[str, Any],
) -> None:
    check_update(user(AGENT), ticket(assignee_id=AGENT), changes)


@pytest.mark.parametrize("field", ["title", "description", "sla_minutes"])
def test_an_agent_may_not_change_the_other_fields_of_their_ticket(field: str) -> None:
    assert forbidden_field(AGENT, ticket(assignee_id=AGENT), {"status": "open", field: 1}) == field


@pytest.mark.parametrize(
    "changes",
    [
        {"assignee_id": AGENT},
        {"status": "in_progress", "assignee_id": AGENT},
        {"priority": "high", "assignee_id": AGENT},
    ],
)
def test_an_agent_may_claim_an_unassigned_ticket_and_change_it_at_once(
    changes: dict[str, Any],
) -> None:
    check_update(user(AGENT), ticket(), changes)


@pytest.mark.parametrize(
    ("assignee", "changes", "named"),
    [
        # Not claimed: an unassigned ticket is not the agent's to change.
        (None, {"status": "in_progress"}, "status"),
        (None, {"assignee_id": OTHER_AGENT}, "assignee_id"),
        # Claimed, but with a field the agent may not change.
        (None, {"title": "A", "assignee_id": AGENT}, "title"),
        # Another agent's ticket: nobody else's to take, the first field named.
        (OTHER_AGENT, {"assignee_id": AGENT}, "assignee_id"),
        (OTHER_AGENT, {"status": "in_progress", "assignee_id": AGENT}, "status"),
    ],
)
def test_an_agent_may_not_change_a_ticket_that_is_not_theirs_nor_claimed(
    assignee: int | None, changes: dict[str, Any], named: str
) -> None:
    assert forbidden_field(AGENT, ticket(assignee), changes) == named
