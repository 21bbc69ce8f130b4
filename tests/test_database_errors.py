"""A database error is logged by what it was (its class, SQLSTATE, statement and stack),
never by its message: PostgreSQL's and the driver's messages quote the values they
refused, and the statement's parameters are hidden for the same reason."""

import logging

import pytest
from fastapi import FastAPI
from sqlalchemy import Integer, bindparam, cast, exc, select
from starlette.requests import Request

SECRET = "the-value-0042-that-must-not-be-logged"


def _request(app: FastAPI) -> Request:
    return Request({"type": "http", "method": "GET", "path": "/api/x", "app": app, "headers": []})


async def _error_from_the_database(app: FastAPI) -> exc.DBAPIError:
    statement = select(cast(bindparam("value", SECRET), Integer))
    async with app.state.sessionmaker() as session:
        with pytest.raises(exc.DBAPIError) as raised:
            await session.execute(statement)
    assert SECRET in str(raised.value.orig)  # PostgreSQL's message does quote it
    return raised.value


async def test_a_database_error_is_logged_without_the_values_in_its_message(
    app: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    error = await _error_from_the_database(app)
    handler = app.exception_handlers[exc.DBAPIError]
    with caplog.at_level(logging.INFO, logger="helpdesk.db"):
        response = await handler(_request(app), error)  # type: ignore[misc]
    assert response.status_code == 500
    assert SECRET.encode() not in response.body
    [record] = caplog.records
    logged = record.getMessage() + str(record.__dict__)
    assert "22P02" in logged  # invalid_text_representation: what it was
    assert "CAST" in record.__dict__["statement"]
    assert SECRET not in logged
