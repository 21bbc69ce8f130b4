"""A database error is logged by what it was (its class, SQLSTATE and stack), never by its
message: PostgreSQL's and the driver's messages quote the values they refused."""

import logging

import asyncpg
import pytest
from fastapi import FastAPI
from starlette.requests import Request

SECRET = "the-value-0042-that-must-not-be-logged"


def _request(app: FastAPI) -> Request:
    return Request({"type": "http", "method": "GET", "path": "/api/x", "app": app, "headers": []})


async def _error_from_the_database(app: FastAPI) -> asyncpg.PostgresError:
    async with app.state.database.connection() as connection:
        with pytest.raises(asyncpg.PostgresError) as raised:
            await connection.fetchval("SELECT CAST($1::text AS integer)", SECRET)
    assert SECRET in str(raised.value)  # PostgreSQL's message does quote it
    return raised.value


async def test_a_database_error_is_logged_without_the_values_in_its_message(
    app: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    error = await _error_from_the_database(app)
    handler = app.exception_handlers[asyncpg.PostgresError]
    with caplog.at_level(logging.INFO, logger="helpdesk.db"):
        response = await handler(_request(app), error)  # type: ignore[misc]
    assert response.status_code == 500
    assert SECRET.encode() not in response.body
    [record] = caplog.records
    logged = record.getMessage() + str(record.__dict__)
    assert "22P02" in logged  # invalid_text_representation: what it was
    assert SECRET not in logged
