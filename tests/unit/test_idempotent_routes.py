"""@idempotent wraps a creating route: the route keeps its own parameters (what FastAPI
documents), gains the Idempotency-Key dependency, and shares the one Response FastAPI gives
a route, so the headers it sets are the ones remembered."""

import inspect

import pytest
from fastapi import Response
from pydantic import BaseModel

from helpdesk.idempotency.dependencies import idempotent


class Body(BaseModel):
    title: str


def test_a_route_without_exactly_one_body_model_is_refused() -> None:
    async def no_body(count: int) -> Body:
        return Body(title=str(count))

    async def two_bodies(first: Body, second: Body) -> Body:
        return first

    for route in (no_body, two_bodies):
        with pytest.raises(TypeError, match="one body model"):
            idempotent(route)


def test_the_route_keeps_its_parameters_and_gains_the_key_and_one_response() -> None:
    async def with_response(data: Body, response: Response) -> Body:
        return data

    async def without(data: Body) -> Body:
        return data

    taken = inspect.signature(idempotent(with_response)).parameters
    added = inspect.signature(idempotent(without)).parameters

    assert list(taken)[:2] == ["data", "response"]
    assert [p.name for p in taken.values() if p.annotation is Response] == ["response"]
    assert list(added)[:1] == ["data"]
    assert len([p for p in added.values() if p.annotation is Response]) == 1
    assert len(taken) == len(added) == 3  # and the key's dependency, in both
