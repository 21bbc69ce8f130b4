"""Where a webhook may point: http(s) to a host that resolves only to global addresses.
Checked when an endpoint is registered or changed, and again at each delivery, where the
address checked is the address connected to: a name resolved a second time to connect could
answer 127.0.0.1 the second time (DNS rebinding)."""

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_URL_LENGTH = 2000

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

# Global by the IANA registry as this Python reads it, yet a path to any address: 6to4 and
# NAT64 carry an IPv4 address inside (2002:7f00:1:: reaches 127.0.0.1 through a relay),
# IPv4-compatible addresses are IPv4 ones, and 192.0.0.0/24 (anycast services, the 6to4
# relay's 192.88.99.0/24) is protocol plumbing, never a receiver.
TRANSLATED_OR_PROTOCOL = tuple(
    ipaddress.ip_network(network)
    for network in (
        "2002::/16",
        "64:ff9b::/96",
        "64:ff9b:1::/48",
        "::/96",
        "192.0.0.0/24",
        "192.88.99.0/24",
    )
)


class TargetRefused(ValueError):
    """Not a URL a webhook may be sent to; the message says why."""


@dataclass(frozen=True)
class Target:
    """A checked URL's host and the one address to connect to for it."""

    host: str
    address: Address


def forbidden(address: Address) -> bool:
    """Anything but a global unicast address."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return (
        not address.is_global
        or address.is_multicast
        or any(address in network for network in TRANSLATED_OR_PROTOCOL)
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


async def _addresses(host: str) -> list[Address]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise TargetRefused(f"the host {host} does not resolve") from None
    addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
    if not addresses:
        raise TargetRefused(f"the host {host} does not resolve")
    return addresses


async def resolve(url: str, *, allow_private: bool) -> Target:
    """The URL's host, resolved once, and the address to connect to: every address the name
    resolves to must be global (unless allow_private), the first is the one."""
    host = check_form(url)
    addresses = await _addresses(host)
    if not allow_private:
        for address in addresses:
            if forbidden(address):
                raise TargetRefused(f"resolves to {address}, which is not a global address")
    return Target(host=host, address=addresses[0])


async def check_target(url: str, *, allow_private: bool) -> None:
    """Refuse a URL whose host is, or resolves to, anything but global unicast addresses
    (with allow_private, only its form is checked)."""
    if allow_private:
        check_form(url)
        return
    await resolve(url, allow_private=False)
