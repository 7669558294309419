"""The client's address, trusting ``X-Forwarded-For`` only from known proxies.

Anyone can send an ``X-Forwarded-For`` header, so it says nothing unless the peer
that sent the request (``REMOTE_ADDR``) is one of our own reverse proxies, listed in
``settings.GROUPBUY_TRUSTED_PROXIES`` (addresses or networks). Each proxy appends the
address it received the request from, so the header is read right to left, skipping
our proxies: the first address that is not one of them is the client. Rate limits
and login lockouts key on ``limit_address``: the same, but an IPv6 client's
whole /64.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def trusted_proxy_networks() -> tuple[Network, ...]:
    """Return the configured proxies as networks (a bare address is a /32 or /128)."""
    entries = getattr(settings, "GROUPBUY_TRUSTED_PROXIES", ()) or ()
    return _networks(tuple(entry.strip() for entry in entries if entry.strip()))


def _parse(text: str) -> Address | None:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    # An IPv4 client reaching an IPv6 socket shows as ::ffff:a.b.c.d.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _is_trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address in network for network in networks)


def client_address(request) -> str:
    """Return the address of the client that sent ``request`` ("" when unknown)."""
    peer_text = request.META.get("REMOTE_ADDR", "") or ""
    peer = _parse(peer_text)
    networks = trusted_proxy_networks()
    if peer is None:
        return peer_text.strip()
    if not networks or not _is_trusted(peer, networks):
        return str(peer)
    client = peer
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed(forwarded.split(",")):
        address = _parse(hop)
        if address is None:
            # Garbage in the chain: the last proxy we trust is all we know.
            break
        client = address
        if not _is_trusted(address, networks):
            break
    return str(client)


# What one IPv6 subscriber is given: a home line or a phone picks its addresses
# from a /64 at will, so a limit per address would give it 2**64 allowances.
IPV6_LIMIT_PREFIX = 64


def limit_address(request) -> str:
    """Return the address rate limits and login lockouts count ``request``
    under: the client's address (``client_address``), but for IPv6 the first
    address of its /64, so rotating through one's own addresses counts as one."""
    address = client_address(request)
    parsed = _parse(address)
    if not isinstance(parsed, ipaddress.IPv6Address):
        return address
    network = ipaddress.IPv6Network((parsed, IPV6_LIMIT_PREFIX), strict=False)
    return str(network.network_address)
