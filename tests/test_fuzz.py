"""Property-based fuzzing of the whole API with Schemathesis, from /openapi.json, signed in
as each role: no 5xx, every response matches its documented status, content type, headers
and schema, and every error carries the project's error format.

One test per operation and role. The schema is read at import (from an app that touches no
database) rather than through `schemathesis.pytest.from_fixture`, whose runner breaks on
pytest 9.2 (it sets the removed `Node._nodeid`). Requests go in-process over ASGI to an
app of the module's own, served from Schemathesis's event-loop thread."""

import os
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
import hypothesis
import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck
from schemathesis import Case, CheckContext, CheckFunction, Response
from schemathesis.checks import not_a_server_error
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    allow_header_conformance,
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from helpdesk.config import Settings
from helpdesk.main import create_app
from tests.support.accounts import PASSWORD, Account, Accounts
from tests.support.server import TEST_JWT_SECRET
from tests.support.tickets import add_comment, create_ticket

T = TypeVar("T")
ROLES = ("anonymous", "user", "agent", "admin")
# Random examples per operation and role, on top of the coverage phase's boundary cases:
# the whole file takes a minute or two. FUZZ_EXAMPLES=2000 FUZZ_RANDOM=1 digs deeper.
MAX_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "50"))
ERROR_FIELDS = {"code", "message", "field"}


@dataclass(frozen=True)
class Seeded:
    """What the fuzzed requests should often hit, so not everything is a 404."""

    headers: dict[str, str]
    ticket_ids: list[int]
    staff_ids: list[int]
    emails: list[str]


def error_format(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """Every 4xx and 5xx is exactly {"error": {"code": str, "message": str, "field"?: str}}."""
    if response.status_code < 400:
        return None
    body = response.json()
    assert isinstance(body, dict) and set(body) == {"error"}, f"not the error format: {body}"
    error = body["error"]
    assert isinstance(error, dict), f"not the error format: {body}"
    allowed = ERROR_FIELDS | ({"request_id"} if response.status_code == 500 else set())
    assert {"code", "message"} <= set(error) <= allowed, f"not the error format: {body}"
    assert all(isinstance(value, str) and value for value in error.values()), body
    return True


CHECKS: list[CheckFunction] = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    error_format,
    # Invalid input is refused, an Allow lists the documented methods, and a 2xx needs the
    # token (ignored_auth sends the request again without it).
    negative_data_rejection,
    allow_header_conformance,
    ignored_auth,
]
# Not run: positive_data_acceptance (a valid request may meet a documented 428, or text the
# API trims or refuses, NUL or blank, which JSON Schema cannot say) and unsupported_method
# (the web app's catch-all answers GET on a POST-only API path with 404, not 405).


def _documented_api() -> dict[str, Any]:
    """The schema, read at collection (one test per operation): from an app configured
    like the suite's, whose database is not touched to build it."""
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        helpdesk_env="development",
        database_url="postgresql+asyncpg://unused@127.0.0.1:1/unused",
        jwt_secret=TEST_JWT_SECRET,
        redis_url=None,
    )
    return create_app(settings).openapi()


# The live stream never ends: tests/events/test_stream.py reads it from a real server.
SCHEMA = schemathesis.openapi.from_dict(_documented_api()).exclude(path="/api/events/stream")
# The caller's identity is the role's token (none for anonymous), never a generated one:
# a generated case "without Authorization" that also breaks something else would still be
# sent with the role's token, and then judged as if it had none.
SCHEMA.config.generation.update(with_security_parameters=False)


@pytest.fixture(scope="module")
def fuzz_app(settings: Settings) -> Iterator[FastAPI]:
    """An app of its own: Schemathesis serves it from its own event loop thread, so its
    database pool must not be the one the session app's tests use."""
    app = create_app(settings)
    assert app.openapi() == SCHEMA.raw_schema
    yield app
    asgi.shutdown_lifespans()


@pytest.fixture(params=ROLES)
def role(request: pytest.FixtureRequest) -> str:
    value: str = request.param
    return value


@pytest.fixture
async def seeded(role: str, accounts: Accounts, client: httpx.AsyncClient) -> Seeded:
    """An admin, an agent, a requester and the caller (of the role), and tickets of each
    kind: the caller's or another requester's, assigned to the caller or to someone else,
    with comments. The tables are emptied before each test, so each operation and role
    starts from this."""
    admin = await accounts.create("admin")
    agent = await accounts.create("agent")
    other_user = await accounts.create("user")
    caller: Account | None = None
    if role == "user":
        caller = await accounts.create("user")
    elif role == "agent":
        caller = await accounts.create("agent")
    elif role == "admin":
        caller = admin
    requester = caller if caller is not None and caller.role == "user" else other_user
    staff = [admin.id, agent.id] + ([caller.id] if caller and caller.role == "agent" else [])

    tickets = [
        await create_ticket(client, requester, description="Paper everywhere"),
        await create_ticket(client, other_user, priority="urgent"),
        await create_ticket(client, admin, assignee_id=staff[-1], sla_minutes=0),
        await create_ticket(client, admin, assignee_id=agent.id, priority="low"),
    ]
    for ticket in tickets[:2]:
        await add_comment(client, admin, ticket["id"], "Still jammed")
    return Seeded(
        headers=caller.headers if caller is not None else {},
        ticket_ids=[ticket["id"] for ticket in tickets],
        staff_ids=staff,
        emails=[account.email for account in (admin, agent, other_user, caller) if account],
    )


def _pick(value: object, choices: Sequence[T]) -> T | None:
    """One of `choices` for three generated values in four, chosen by the value itself (so
    a failure replays and shrinks the same way); None to leave the value as generated."""
    digest = zlib.crc32(repr(value).encode())
    return choices[digest // 4 % len(choices)] if digest % 4 else None


def _aim(case: Case, seeded: Seeded) -> None:
    """Point generated requests at what exists: a seeded ticket, a plausible version, a
    staff assignee, an account. Each part is replaced whole, not edited in place, so that
    Schemathesis re-checks whether it is still the invalid part it generated."""
    ticket_id = (case.path_parameters or {}).get("ticket_id")
    if isinstance(ticket_id, int) and ticket_id >= 1:
        picked = _pick(ticket_id, seeded.ticket_ids)
        if picked is not None:
            case.path_parameters = {**case.path_parameters, "ticket_id": picked}
    if case.method == "PATCH":
        # Mostly a version the ticket may have: without one, nearly every PATCH is a 428.
        if_match = (case.headers or {}).get("if-match")
        version = _pick(if_match or case.body, ['"1"', "2", 'W/"3"', '"4"'])
        if version is not None and (if_match is None or isinstance(if_match, str)):
            case.headers = {**(case.headers or {}), "if-match": version}
    if not isinstance(case.body, dict):
        return
    body = dict(case.body)
    assignee_id = body.get("assignee_id")
    if isinstance(assignee_id, int) and assignee_id >= 1:
        picked = _pick(assignee_id, seeded.staff_ids)
        if picked is not None:
            body["assignee_id"] = picked
    email = body.get("email")
    if isinstance(email, str):
        # An account that exists (login) or a new address (register), with a valid password.
        new_address = f"new{zlib.crc32(email.encode())}@example.test"
        picked_email = _pick(email, [*seeded.emails, new_address])
        if picked_email is not None:
            body["email"] = picked_email
            if isinstance(body.get("password"), str):
                body["password"] = PASSWORD
    if body != case.body:
        case.body = body


@SCHEMA.parametrize()
@hypothesis.settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    # The same cases on every run of the suite; FUZZ_RANDOM=1 for new ones.
    derandomize=not os.environ.get("FUZZ_RANDOM"),
    database=None,
    # What the examples create is meant to carry over to the next ones (the seeded fixture
    # is not reset between them), and a busy machine is slow.
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case: Case, seeded: Seeded, fuzz_app: FastAPI) -> None:
    # The schema was read at collection, before this app existed; checks that send a request
    # of their own (ignored_auth) send it to the operation's and the schema's app.
    case.operation.app = case.operation.schema.app = fuzz_app
    _aim(case, seeded)
    case.call_and_validate(headers=seeded.headers, checks=CHECKS)
