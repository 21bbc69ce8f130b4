"""Statements compiled once and run on asyncpg (db/compiled.py): parameters in the
order the SQL numbers them, a named one never silently NULL, and a text written into the
SQL quoted so that nothing in it can end the string."""

import asyncpg
import pytest
from sqlalchemy import Text, bindparam, column, literal, select
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect

from helpdesk.db.compiled import POSTCOMPILE, Compiled


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


def test_sqlalchemy_leaves_a_literal_text_as_the_placeholder_compiled_rewrites() -> None:
    """The rewrite depends on SQLAlchemy's internal placeholder format: pinned here, so an
    upgrade that changes it fails this test, not a search in production."""
    statement = select(bindparam("words", type_=Text, literal_execute=True).label("words"))
    compiled = statement.compile(dialect=asyncpg_dialect())  # type: ignore[no-untyped-call]

    assert compiled.string == "SELECT __[POSTCOMPILE_words] AS words"
    assert [match[1] for match in POSTCOMPILE.finditer(compiled.string)] == ["words"]
    assert Compiled(statement).sql(words="it's") == "SELECT 'it''s' AS words"


def test_a_text_written_in_is_not_searched_for_placeholders() -> None:
    statement = Compiled(
        select(
            bindparam("a", type_=Text, literal_execute=True).label("a"),
            bindparam("b", type_=Text, literal_execute=True).label("b"),
        )
    )

    # Each text is the other's placeholder: whichever is written in first, the other
    # must not be written into it.
    sql = statement.sql(a="__[POSTCOMPILE_b]", b="__[POSTCOMPILE_a]")

    assert sql == "SELECT '__[POSTCOMPILE_b]' AS a, '__[POSTCOMPILE_a]' AS b"


def test_a_placeholder_it_cannot_write_in_is_refused_when_compiled() -> None:
    # An expanding IN would need its values written in as a list: asyncpg takes = ANY($1).
    with pytest.raises(ValueError, match="placeholders"):
        Compiled(select(column("x")).where(column("x").in_(bindparam("ids", expanding=True))))
