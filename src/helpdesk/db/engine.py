"""SQLAlchemy's engine, for what needs SQLAlchemy's own connection: Alembic's migrations
(migrate.py) and the tests that compare the models with a migrated database. The service
itself runs no ORM session and holds no engine: its statements run on the asyncpg pool
(db/pool.py)."""

from typing import Any
from uuid import uuid4

from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from helpdesk.db.pool import DATABASE_TIMEOUT_SECONDS


def create_engine(url: str, *, statement_cache_size: int = 0) -> AsyncEngine:
    """One connection at a time, none kept. No statement is kept past its transaction
    either: the same on PostgreSQL itself and behind PgBouncer in transaction mode, where
    the statements SQLAlchemy prepares get names no other client's can clash with
    (SQLAlchemy's asyncpg dialect, "Prepared Statement Name with PGBouncer")."""
    driver: dict[str, Any] = {}
    if statement_cache_size == 0:
        driver = {
            "statement_cache_size": 0,
            "prepared_statement_cache_size": 0,
            "prepared_statement_name_func": _unique_statement_name,
        }
    return create_async_engine(
        url,
        pool_size=1,
        max_overflow=0,
        # A database error's text would otherwise carry the statement's values into logs.
        hide_parameters=True,
        pool_timeout=DATABASE_TIMEOUT_SECONDS,
        connect_args={"timeout": DATABASE_TIMEOUT_SECONDS, "server_settings": {"timezone": "UTC"}}
        | driver,
    )


def _unique_statement_name() -> str:
    return f"__asyncpg_{uuid4().hex}__"
