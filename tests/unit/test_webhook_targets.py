"""Which addresses a webhook may reach: global unicast ones only, including none that
tunnels or translates to another address."""

import ipaddress

import pytest

from helpdesk.webhooks.targets import forbidden


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.5.5",
        "192.168.0.10",
        "169.254.169.254",
        "100.64.0.1",  # carrier-grade NAT
        "0.0.0.0",  # noqa: S104 - an address refused, not bound
        "192.0.0.1",
        "192.0.0.9",  # IETF protocol assignments: all of 192.0.0.0/24
        "192.0.0.170",
        "192.0.2.1",
        "192.88.99.1",  # 6to4 relay anycast
        "198.18.0.1",
        "224.0.0.1",
        "233.252.0.1",  # multicast, global scope
        "240.0.0.1",
        "255.255.255.255",
        "::",
        "::1",
        "::ffff:127.0.0.1",
        "::127.0.0.1",  # IPv4-compatible
        "2002::1",  # 6to4, which carries any IPv4 address
        "2002:7f00:1::",
        "2002:808:808::",
        "64:ff9b::7f00:1",  # NAT64
        "64:ff9b::808:808",
        "64:ff9b:1::1",
        "2001::1",  # Teredo
        "2001:db8::1",
        "fc00::1",
        "fe80::1",
        "ff0e::1",
        "100::1",
    ],
)
def test_refused(address: str) -> None:
    assert forbidden(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "address", ["8.8.8.8", "93.184.215.14", "1.1.1.1", "2606:4700::1111", "2001:4860::1"]
)
def test_accepted(address: str) -> None:
    assert not forbidden(ipaddress.ip_address(address))
