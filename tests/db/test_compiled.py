"""Statements compiled once and run on asyncpg (db/compiled.py): parameters in the
order the SQL numbers them, a named one never silently NULL, and a text written into the
SQL quoted so that nothing in it can end the string."""

import asyncpg
import pytest
from sqlalchemy import Text, bindparam, column, literal, select

from helpdesk.db.compiled import Compiled, CompiledCache


async def test_parameters_go_in_the_order_the_sql_numbers_them(db: asyncpg.Connection) -> None:
    statement = Compiled(
        select(
            literal("fixed").label("fixed"),
            bindparam("b", type_=Text).label("b"),
            bindparam("a", type_=Text).label("a"),
        )
    )
    row = await db.fetchrow(statement.sql(), *statement.args(a="first", b="second"))
    assert dict(row) == {"fixed": "fixed", "b": "second", "a": "first"}


def test_a_parameter_not_given_or_unknown_is_refused() -> None:
    statement = Compiled(select(bindparam("wanted", type_=Text).label("x")))
    with pytest.raises(TypeError):
        statement.args()
    with pytest.raises(TypeError):
        statement.args(wanted="x", unwanted="y")


@pytest.mark.parametrize("text", ["it's", "'; DROP TABLE users; --", "back\\slash", "$1", "ünï"])
async def test_a_literal_text_is_written_in_quoted(db: asyncpg.Connection, text: str) -> None:
    statement = Compiled(
        select(bindparam("words", type_=Text, literal_execute=True).label("words"))
    )
    sql = statement.sql(words=text)
    assert "POSTCOMPILE" not in sql
    assert await db.fetchval(sql, *statement.args(words=text)) == text


def test_a_shape_is_compiled_once_and_the_cache_stays_bounded() -> None:
    cache = CompiledCache(size=2)
    built: list[str] = []

    def build(name: str) -> object:
        built.append(name)
        return select(column(name))

    first = cache.get("a", lambda: build("a"))
    assert cache.get("a", lambda: build("a")) is first
    cache.get("b", lambda: build("b"))
    cache.get("c", lambda: build("c"))  # past the size: starts again
    cache.get("a", lambda: build("a"))
    assert built == ["a", "b", "c", "a"]
