"""One attempt at a delivery, over HTTP: the target resolved and checked once, the request
sent to that checked address, and at most a prefix of the answer read, all within one
deadline. No database here: the worker holds no transaction while it waits on a receiver."""

import asyncio
import json
import time
from dataclasses import dataclass

import httpx

from helpdesk.events.models import Event
from helpdesk.events.retry import printable
from helpdesk.events.service import payload, public_id
from helpdesk.webhooks import signing
from helpdesk.webhooks.targets import Target, TargetRefused, resolve

# The whole attempt, from resolving the name to the last byte of the answer read.
TIMEOUT_SECONDS = 10
# Of an answer's body, what is read (for last_error); the rest is never downloaded.
RESPONSE_PREFIX_BYTES = 1024


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    error: str | None  # None: delivered


def client() -> httpx.AsyncClient:
    """The worker's client. No connection is kept: one to a checked address, with one host's
    TLS name, must not carry another host's request that resolves to the same address."""
    return httpx.AsyncClient(
        timeout=TIMEOUT_SECONDS,
        follow_redirects=False,
        limits=httpx.Limits(max_keepalive_connections=0),
    )


async def attempt(
    client: httpx.AsyncClient, *, url: str, secret: str, event: Event, allow_private: bool
) -> Outcome:
    body = json.dumps(payload(event), separators=(",", ":")).encode()
    headers = signing.headers(
        secret, message_id=public_id(event.id), timestamp=int(time.time()), body=body
    )
    try:
        async with asyncio.timeout(TIMEOUT_SECONDS):
            target = await resolve(url, allow_private=allow_private)
            return await _post(client, url, target, body=body, headers=headers)
    except TargetRefused as refused:
        return Outcome(None, f"target refused: {refused}")
    except TimeoutError:
        return Outcome(None, f"no complete answer within {TIMEOUT_SECONDS} s")
    except httpx.InvalidURL as invalid:
        return Outcome(None, printable(f"target refused: {invalid}"))
    except httpx.HTTPError as error:
        return Outcome(None, printable(f"{type(error).__name__}: {error}") or type(error).__name__)


async def _post(
    client: httpx.AsyncClient, url: str, target: Target, *, body: bytes, headers: dict[str, str]
) -> Outcome:
    """POST to the checked address; the Host header and the TLS name (SNI and the name the
    certificate must carry) stay the URL's."""
    named = httpx.URL(url)
    request = client.build_request(
        "POST",
        named.copy_with(host=str(target.address)),
        content=body,
        # identity: a compressed answer would be inflated to be read, a bomb's whole size.
        headers={**headers, "Host": named.netloc.decode("ascii"), "Accept-Encoding": "identity"},
        extensions={"sni_hostname": named.raw_host.decode("ascii")},
    )
    response = await client.send(request, stream=True)
    try:
        prefix = await _prefix(response)
    finally:
        # Closing an answer not read to its end drops the connection.
        await response.aclose()
    if 200 <= response.status_code < 300:
        return Outcome(response.status_code, None)
    said = printable(prefix.decode("utf-8", errors="replace"))
    error = f"HTTP {response.status_code}" + (f": {said}" if said else "")
    return Outcome(response.status_code, printable(error))


async def _prefix(response: httpx.Response) -> bytes:
    prefix = bytearray()
    async for chunk in response.aiter_raw():
        prefix += chunk[: RESPONSE_PREFIX_BYTES - len(prefix)]
        if len(prefix) >= RESPONSE_PREFIX_BYTES:
            break
    return bytes(prefix)
