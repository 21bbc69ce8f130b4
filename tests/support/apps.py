"""Apps served in the test's own process: an HTTP client that calls the app directly."""

import httpx
from fastapi import FastAPI


def asgi_client(app: FastAPI, address: str = "127.0.0.1") -> httpx.AsyncClient:
    """A client for `app` over ASGI, seen by the app as coming from `address`. Errors the
    app does not handle come back as its 500, as a real client would see them."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")
