"""Every dependency of every route is async. FastAPI runs a plain `def` dependency in its
thread pool: a thread hop per dependency, on every request, for a few lines of Python."""

import inspect
from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for sub in dependant.dependencies:
        if sub.call is not None:
            yield sub.call
        yield from _calls(sub)


def _api_routes(routes: list[BaseRoute]) -> Iterator[APIRoute]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        # FastAPI 0.165 keeps an included router whole, behind a private wrapper.
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from _api_routes(included.routes)


def _runs_on_the_loop(call: Callable[..., Any]) -> bool:
    target = call if inspect.isroutine(call) else type(call).__call__  # HTTPBearer()
    return inspect.iscoroutinefunction(target) or inspect.isasyncgenfunction(target)


def test_every_route_and_dependency_runs_on_the_event_loop(app: FastAPI) -> None:
    routes = list(_api_routes(app.routes))
    assert len(routes) > 10
    in_threads = sorted(
        {
            f"{route.path}: {getattr(call, '__qualname__', call)}"
            for route in routes
            for call in (route.endpoint, *_calls(route.dependant))
            if not _runs_on_the_loop(call)
        }
    )
    assert in_threads == []
