"""The request mixes the benchmark drives, who sends them, and what each run measures."""

from dataclasses import dataclass, field, replace

import dataset
import vocabulary

CURSOR_MIX = "list_deep_cursor"


@dataclass(frozen=True)
class Mix:
    name: str
    kind: str  # read | search | write | login
    request: str
    caller: str  # agent | requester | anonymous
    script: str
    paths: tuple[str, ...] = ()  # list.lua's BENCH_PATHS; {offset}: a deep offset

    @property
    def explained(self) -> bool:
        return self.script == "list.lua"


def mixes(built: dataset.Built) -> list[Mix]:
    rare, common = built.rare_word, built.common_word
    return [
        Mix("get_ticket", "read", "GET /api/tickets/{id}", "agent", "get_ticket.lua"),
        Mix("list", "read", "GET /api/tickets", "agent", "list.lua", ("/api/tickets",)),
        Mix(
            "list_status",
            "read",
            "GET /api/tickets?status=open,in_progress",
            "agent",
            "list.lua",
            ("/api/tickets?status=open,in_progress",),
        ),
        Mix(
            "list_mine",
            "read",
            "GET /api/tickets?assignee=me",
            "agent",
            "list.lua",
            ("/api/tickets?assignee=me",),
        ),
        Mix(
            "list_deep_offset",
            "read",
            "GET /api/tickets?offset={40-50% of the tickets}",
            "agent",
            "list.lua",
            ("/api/tickets?offset={offset}",),
        ),
        # Its paths come from the API (next_cursor); left out while the API has none.
        Mix(
            CURSOR_MIX,
            "read",
            "GET /api/tickets?cursor={40-50% of the tickets}",
            "agent",
            "list.lua",
            ("{cursor}",),
        ),
        Mix(
            "search_common",
            "search",
            f"GET /api/tickets?query={common}",
            "agent",
            "list.lua",
            (f"/api/tickets?query={common}",),
        ),
        Mix(
            "search_rare",
            "search",
            f"GET /api/tickets?query={rare}",
            "agent",
            "list.lua",
            (f"/api/tickets?query={rare}",),
        ),
        # Two rare words never seen together: nothing found, the worst case of a list
        # walked in date order until 21 matches turn up.
        Mix(
            "search_no_match",
            "search",
            f"GET /api/tickets?query={rare}+{rare_pair_word()}",
            "agent",
            "list.lua",
            (f"/api/tickets?query={rare}+{rare_pair_word()}",),
        ),
        # A requester's search: their own tickets, each match checked again against its
        # public text (without the internal notes' words).
        Mix(
            "search_requester",
            "search",
            f"GET /api/tickets?query={common}",
            "requester",
            "list.lua",
            (f"/api/tickets?query={common}",),
        ),
        Mix(
            "breached",
            "read",
            "GET /api/tickets/breached",
            "agent",
            "list.lua",
            ("/api/tickets/breached",),
        ),
        # The same filter as a list parameter, and its first-response twin: each an
        # instant compared with now(), served by a partial index.
        Mix(
            "list_breached",
            "read",
            "GET /api/tickets?breached=true",
            "agent",
            "list.lua",
            ("/api/tickets?breached=true",),
        ),
        Mix(
            "list_first_response_breached",
            "read",
            "GET /api/tickets?first_response_breached=true",
            "agent",
            "list.lua",
            ("/api/tickets?first_response_breached=true",),
        ),
        # The queue's other orders (sort=), each walked down its own index.
        *[
            Mix(
                f"list_sort_{name}",
                "read",
                f"GET /api/tickets?sort={sort}",
                "agent",
                "list.lua",
                (f"/api/tickets?sort={sort}",),
            )
            for name, sort in (
                ("due", "due_at"),
                ("priority", "-priority"),
                ("updated", "-updated_at"),
            )
        ],
        Mix(
            "create_ticket",
            "write",
            "POST /api/tickets (Idempotency-Key)",
            "requester",
            "create_ticket.lua",
        ),
        Mix(
            "update_ticket",
            "write",
            "PATCH /api/tickets/{id} (If-Match)",
            "agent",
            "update_ticket.lua",
        ),
        Mix("add_comment", "write", "POST /api/tickets/{id}/comments", "agent", "add_comment.lua"),
        Mix("login", "login", "POST /api/login (bcrypt 12)", "anonymous", "login.lua"),
    ]


def with_cursor_paths(listed: list[Mix], cursor_paths: tuple[str, ...]) -> list[Mix]:
    """`listed` with the cursor mix given its paths (from the API's next_cursor), or
    without it when the API gave none."""
    if not cursor_paths:
        return [mix for mix in listed if mix.name != CURSOR_MIX]
    return [replace(mix, paths=cursor_paths) if mix.name == CURSOR_MIX else mix for mix in listed]


def rare_pair_word() -> str:
    """A second tail word to go with the rare one."""
    return vocabulary.words()[vocabulary.RARE_WORD_RANK - 1000]


# Who the mixes sign in as (each is a bcrypt-12 login when a server starts).
CALLERS = {
    "agent": f"agent1@{dataset.EMAIL_DOMAIN}",
    "requester": f"user1@{dataset.EMAIL_DOMAIN}",
}
AGENT_ID = dataset.ADMIN_ID + 1  # agent1


def caller_accounts(size: dataset.Size) -> dict[str, tuple[int, str]]:
    """The user id and role of each account in CALLERS (user1 is the first requester)."""
    return {"agent": (AGENT_ID, "agent"), "requester": (size.first_user_id, "user")}


def deep_offsets(tickets: int) -> tuple[int, int]:
    """The offsets of the deep pages: 40 to 50% down the list."""
    return int(tickets * 0.4), int(tickets * 0.5)


@dataclass
class Figures:
    requests: int = 0
    rps: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    errors: int = 0
    error_detail: str = ""


@dataclass
class MixResult:
    mix: str
    kind: str
    request: str
    caller: str
    api: Figures
    ceiling: Figures | None = None
    statements: int = 0
    verdicts: list[str] = field(default_factory=list)
    profile: str = ""


@dataclass
class Memory:
    peak_mb: dict[str, float] = field(default_factory=dict)  # per worker pid
    end_mb: dict[str, float] = field(default_factory=dict)
