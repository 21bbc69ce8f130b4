"""SQLAlchemy Core statements compiled once, run on asyncpg: the SQL stays written as
select()/update() beside the models, and a request pays for neither composing nor
compiling it, only for running it."""

import re
from typing import Any, cast

from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

_DIALECT: Dialect = asyncpg_dialect()  # type: ignore[no-untyped-call]  # SQLAlchemy's own

# Where SQLAlchemy's compiler leaves a value to write in at execution (its format is
# internal to SQLAlchemy: tests/db/test_compiled.py pins it).
POSTCOMPILE = re.compile(r"__\[POSTCOMPILE_(\w+)\]")


def _string_literal(value: str) -> str:
    """A PostgreSQL string constant (standard_conforming_strings, the default since 9.1)."""
    if "\x00" in value:
        raise ValueError("a NUL cannot be in a string constant")
    return "'" + value.replace("'", "''") + "'"


class Compiled:
    """A statement's SQL ($1, $2, ...) and how to order its parameters: the values bound
    when it was written (literals, labels) and the named bindparam()s given per call. A
    bindparam(literal_execute=True), a text the planner must see (tickets/search.py), is
    written into the SQL per call instead."""

    def __init__(self, statement: ClauseElement) -> None:
        compiled = cast(SQLCompiler, statement.compile(dialect=_DIALECT))
        self._sql = compiled.string
        self._literals = frozenset(bind.key for bind in compiled.literal_execute_params)
        placeholders = POSTCOMPILE.findall(self._sql)
        if set(placeholders) != self._literals:
            # An expanding IN (asyncpg takes `= ANY($1)` with a list instead), or a
            # placeholder format this class does not know: fail on import, not on a request.
            raise ValueError(
                f"texts to write in {sorted(self._literals)}, placeholders {placeholders}"
            )
        self._names = tuple(
            name for name in compiled.positiontup or () if name not in self._literals
        )
        self._bound: dict[str, Any] = dict(compiled.params)
        self._required = frozenset(name for name, bind in compiled.binds.items() if bind.required)

    def _check(self, values: dict[str, Any]) -> None:
        if values.keys() - self._bound.keys() or self._required - values.keys():
            raise TypeError(
                f"the statement takes {sorted(self._required)}, was given {sorted(values)}"
            )

    def sql(self, **values: Any) -> str:
        """The SQL, with the literal texts among `values` written in."""
        if not self._literals:
            return self._sql
        self._check(values)

        def written(placeholder: re.Match[str]) -> str:
            name = placeholder[1]
            return _string_literal(str(values.get(name, self._bound[name])))

        # One pass: a text written in is never searched for placeholders itself.
        return POSTCOMPILE.sub(written, self._sql)

    def args(self, **values: Any) -> list[Any]:
        """The parameters in order; a named one not given is an error, not a NULL."""
        self._check(values)
        bound = self._bound | values
        return [bound[name] for name in self._names]
