"""The matrix covers every route (see matrix.py), and the open routes answer everyone alike."""

import importlib
import pkgutil

import httpx
import pytest
from fastapi import FastAPI

import tests.authz
from tests.authz.matrix import COVERED, World, covers


@covers("GET /api/health", "GET /api/ui-config")
@pytest.mark.parametrize("url", ["/api/health", "/api/ui-config"])
@pytest.mark.parametrize("caller", ["anonymous", "user", "agent", "admin"])
async def test_open_to_everyone(
    client: httpx.AsyncClient, world: World, url: str, caller: str
) -> None:
    response = await client.get(url, headers=world.headers(caller))
    assert response.status_code == 200, response.text
    # The same answer whoever asks: nothing in it depends on the caller.
    anonymous = await client.get(url)
    assert response.json() == anonymous.json()


def _import_every_part() -> None:
    """Each part of the matrix records the routes it covers when imported, and pytest may
    have been asked to collect only this one."""
    for part in pkgutil.iter_modules(tests.authz.__path__):
        if part.name.startswith("test_"):
            importlib.import_module(f"{tests.authz.__name__}.{part.name}")


def test_every_api_route_is_in_the_matrix(app: FastAPI) -> None:
    _import_every_part()
    # From the OpenAPI document: FastAPI's included routers are not plain APIRoutes in
    # app.routes. (A route hidden from the schema would escape this check.)
    routes = {
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        if path.startswith("/api/")
        for method in operations
    }
    assert routes == set(COVERED), "add the new route's cases to the matrix"
