"""The seed's demo accounts. Created by `make run` on the embedded database, and in
production only when someone runs `helpdesk seed-demo` on purpose."""

from helpdesk.auth import service as accounts
from helpdesk.auth.models import Role
from helpdesk.db.pool import Database

DEMO_PASSWORD = "Password123"  # noqa: S105 (public, documented demo password)
DEMO_ACCOUNTS = (
    ("Ada Admin", "admin@my", Role.admin),
    ("Alan Agent", "agent@my", Role.agent),
    ("Uma User", "user@my", Role.user),
)


async def seed_demo_accounts(database: Database, *, bcrypt_rounds: int) -> list[str]:
    """The emails of the accounts that were missing and are now created."""
    created = []
    for name, email, role in DEMO_ACCOUNTS:
        if await accounts.create_user_if_missing(
            database,
            name=name,
            email=email,
            password=DEMO_PASSWORD,
            role=role,
            bcrypt_rounds=bcrypt_rounds,
        ):
            created.append(email)
    return created
