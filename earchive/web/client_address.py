"""Which address a request comes from: the peer, unless the peer is a proxy the operator named.

``EARCHIVE_TRUSTED_PROXIES`` lists addresses or networks (``10.0.0.5, 10.1.0.0/16``). Only when
the peer is one of them is ``X-Forwarded-For`` read, right to left, skipping the trusted proxies:
the first address not trusted is the client (a client cannot forge the entries a trusted proxy
appends after its own). Without trusted proxies the header is ignored entirely, from loopback too
— the server itself runs with its own proxy-header handling off (``earchive serve``), so this
middleware is the one place that decides. The address feeds the login limits and the event log.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["ClientAddressMiddleware", "Network", "forwarded_client", "parse_trusted"]

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_trusted(spec: str) -> tuple[Network, ...]:
    """The networks of ``EARCHIVE_TRUSTED_PROXIES`` (``ValueError`` for an unreadable entry)."""
    return tuple(
        ipaddress.ip_network(p.strip(), strict=False) for p in spec.split(",") if p.strip()
    )


def _trusted(address: str, networks: Iterable[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def forwarded_client(peer: str, forwarded_for: str, networks: tuple[Network, ...]) -> str:
    """The client address of a request from ``peer`` carrying ``X-Forwarded-For``."""
    if not networks or not _trusted(peer, networks):
        return peer
    hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, networks):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return peer  # a malformed entry: believe nothing further
    return hops[0] if hops else peer


class ClientAddressMiddleware:
    """Sets ``scope["client"]`` to the client address (see the module docstring)."""

    def __init__(self, app: ASGIApp, trusted: tuple[Network, ...] = ()) -> None:
        self.app = app
        self.trusted = trusted

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        if scope["type"] in ("http", "websocket") and client and self.trusted:
            forwarded = b",".join(v for k, v in scope["headers"] if k.lower() == b"x-forwarded-for")
            if forwarded:
                address = forwarded_client(
                    str(client[0]), forwarded.decode("latin-1"), self.trusted
                )
                scope = {**scope, "client": (address, client[1])}
        await self.app(scope, receive, send)
