"""Where a webhook may point: http(s) to a host that resolves only to public addresses.
Checked when an endpoint is registered or changed, and again before each delivery, since
what a name resolves to can change (a name that resolved to a public address at
registration may resolve to 127.0.0.1 later)."""

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

MAX_URL_LENGTH = 2000


class TargetRefused(ValueError):
    """Not a URL a webhook may be sent to; the message says why."""


def _forbidden(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


def check_form(url: str) -> str:
    """The URL's host, when the URL has a form a webhook may take."""
    if len(url) > MAX_URL_LENGTH:
        raise TargetRefused(f"at most {MAX_URL_LENGTH} characters")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise TargetRefused("must be an http:// or https:// URL")
    if not parts.hostname:
        raise TargetRefused("must name a host")
    try:
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        raise TargetRefused("has an invalid port") from None
    return parts.hostname


async def check_target(url: str, *, allow_private: bool) -> None:
    """Refuse a URL whose host is, or resolves to, a loopback, private, link-local,
    multicast or otherwise non-public address (unless allow_private)."""
    host = check_form(url)
    if allow_private:
        return
    try:
        literal = ipaddress.ip_address(host)
        addresses = [literal]
    except ValueError:
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                host, None, type=socket.SOCK_STREAM
            )
        except OSError:
            raise TargetRefused(f"the host {host} does not resolve") from None
        addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
    for address in addresses:
        if _forbidden(address):
            raise TargetRefused(
                f"resolves to {address}, a loopback, private, link-local or multicast address"
            )
