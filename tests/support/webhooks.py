"""Webhooks registered through the API, and the worker's RSS, for the delivery tests."""

from pathlib import Path
from typing import Any

import httpx

from tests.support.accounts import Account

WEBHOOKS = "/api/webhooks"


async def register(
    client: httpx.AsyncClient, admin: Account, url: str, events: list[str] | None = None
) -> dict[str, Any]:
    response = await client.post(
        WEBHOOKS, json={"url": url, "events": events or ["*"]}, headers=admin.headers
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def resident_bytes(pid: int) -> int:
    """The process's resident memory (VmRSS), in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError(f"no VmRSS for {pid}")
