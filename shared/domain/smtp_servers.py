"""Where a tenant's SMTP settings may point, and when a login may cross the network.

A tenant admin is a customer, not an operator: their SMTP host must be a public address.
Loopback, private, link-local, unspecified and other non-global addresses (IPv4 written
inside IPv6 too: `::ffff:127.0.0.1`) are refused unless the operator lists them in
`SMTP_ALLOWED_PRIVATE_HOSTS` (host names, IP addresses or CIDR networks). Names are resolved
before the check, every address they resolve to must pass, and the mail-service connects to
the address it checked (`checked_addresses`), so a name re-pointed after the check (DNS
rebinding) gains nothing.

A login over an unencrypted connection (`security: none`) would hand the password to anyone
on the path: refused, but for a loopback server in development.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from dataclasses import dataclass

from shared.infra.settings import Settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_HOST_NAME = re.compile(r"[a-z0-9]([a-z0-9.-]*[a-z0-9])?")
# IPv6 prefixes that carry an IPv4 address in their last 32 bits (NAT64).
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


class HostNotAllowedError(ValueError):
    """The SMTP host is (or resolves to) an address tenants may not use; safe to show."""


@dataclass(frozen=True)
class ServerRules:
    """The operator's exceptions: host names and networks tenants may point SMTP at."""

    allowed_names: frozenset[str] = frozenset()
    allowed_networks: tuple[IPNetwork, ...] = ()
    development: bool = False

    @classmethod
    def from_settings(cls, settings: Settings) -> ServerRules:
        return cls.parse(settings.smtp_allowed_private_hosts, development=settings.is_development)

    @classmethod
    def parse(cls, allowed: str, *, development: bool = False) -> ServerRules:
        """From `SMTP_ALLOWED_PRIVATE_HOSTS` (comma-separated); raises ValueError naming a bad
        entry."""
        names: set[str] = set()
        networks: list[IPNetwork] = []
        for raw in allowed.split(","):
            entry = raw.strip().strip("[]").lower().rstrip(".")
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
                continue
            except ValueError:
                pass
            if not _HOST_NAME.fullmatch(entry):
                raise ValueError(f"not a host name, IP address or CIDR network: {raw.strip()!r}")
            names.add(entry)
        return cls(frozenset(names), tuple(networks), development)

    def address_allowed(self, address: IPAddress) -> bool:
        address = _embedded_ipv4(address)
        if address.is_global and not address.is_multicast:
            return True
        return any(address in network for network in self._networks_for(address))

    def _networks_for(self, address: IPAddress) -> list[IPNetwork]:
        return [n for n in self.allowed_networks if n.version == address.version]

    async def checked_addresses(self, host: str, port: int) -> list[str]:
        """The addresses to connect to for `host`, every one allowed; raises
        HostNotAllowedError, or socket.gaierror when the name does not resolve."""
        name = host.strip("[]").lower().rstrip(".")
        addresses = await _resolve(name, port)
        if name in self.allowed_names:
            return [str(a) for a in addresses]
        refused = [a for a in addresses if not self.address_allowed(a)]
        if refused:
            shown = host if _is_literal(name) else f"{host} ({_embedded_ipv4(refused[0])})"
            raise HostNotAllowedError(
                f"{shown} is a loopback, private or link-local address: SMTP servers must be "
                "reachable on the internet (an operator may allow a private one)"
            )
        return [str(a) for a in addresses]

    def unencrypted_login_refusal(
        self, host: str, security: str, username: str | None
    ) -> str | None:
        """Why a login may not go over this connection, or None when it may (or none is made)."""
        if security != "none" or not username:
            return None
        if self.development and _is_loopback_name(host):
            return None
        return (
            "security is none: the username and password would cross the network "
            "unencrypted; choose starttls or ssl (an unencrypted login is only allowed to a "
            "loopback server in development)"
        )


def _embedded_ipv4(address: IPAddress) -> IPAddress:
    """The IPv4 address an IPv6 one merely wraps (mapped, 6to4, NAT64), or the address."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address.sixtofour is not None:
            return address.sixtofour
        if address in _NAT64:
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address


def _is_literal(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def _is_loopback_name(host: str) -> bool:
    name = host.strip("[]").lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return _embedded_ipv4(ipaddress.ip_address(name)).is_loopback
    except ValueError:
        return False


async def _resolve(name: str, port: int) -> list[IPAddress]:
    """The addresses to connect to; IPv4-mapped IPv6 ones as the IPv4 address they are."""
    if _is_literal(name):
        address = ipaddress.ip_address(name)
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            return [address.ipv4_mapped]
        return [address]
    infos = await asyncio.get_running_loop().getaddrinfo(
        name, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
    )
    # A scope id (`fe80::1%eth0`) is not part of the address.
    found = {ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos}
    return sorted(found, key=lambda a: (a.version, int(a)))
