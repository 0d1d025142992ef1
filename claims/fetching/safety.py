"""SSRF guard: decide whether an address is on the public internet before we connect to it."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from typing import Any

from claims.fetching import reasons as R
from claims.fetching.errors import DNSFailure, UnsafeDestination
from claims.fetching.reasons import reason

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
#: socket.getaddrinfo or a stand-in: (family, type, proto, canonname, sockaddr) tuples.
Resolver = Callable[..., list[tuple[Any, ...]]]

#: The ports of the web, always fetched; any other needs FETCH_ALLOWED_PORTS. 8080 and 8443 are left out on
#: purpose: they are where admin consoles, proxies and development servers listen, not where news is published.
WEB_PORTS = (80, 443)
CGNAT = ipaddress.ip_network("100.64.0.0/10")
NAT64_WELL_KNOWN = ipaddress.ip_network("64:ff9b::/96")


def classify_address(ip: IPAddress, allowed_networks: Iterable[IPNetwork] = ()) -> str | None:
    """Return why `ip` must not be fetched, in plain words, or None when it is a public address.

    Addresses inside `allowed_networks` (the FETCH_ALLOWED_NETWORKS setting) are always allowed; IPv6 forms
    that carry an IPv4 address (mapped, NAT64, 6to4) are judged by the address they carry.
    """
    allowed_networks = tuple(allowed_networks)
    if _is_allowed(ip, allowed_networks):
        return None
    if ip.version == 6:
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            inner = classify_address(embedded, allowed_networks)
            return reason(R.ADDRESS_AS_IPV6, kind=inner) if inner else None
        if ip.teredo:
            return reason(R.ADDRESS_TEREDO)
        if ip.sixtofour is not None:
            return reason(R.ADDRESS_6TO4)
    return _plain_reason(ip)


def _plain_reason(ip: IPAddress) -> str | None:
    checks = (
        (ip.is_unspecified, R.ADDRESS_UNSPECIFIED),
        (ip.is_loopback, R.ADDRESS_LOOPBACK),
        (ip.is_link_local, R.ADDRESS_LINK_LOCAL),
        (ip.is_multicast, R.ADDRESS_MULTICAST),
        (ip.version == 4 and ip == ipaddress.IPv4Address("255.255.255.255"), R.ADDRESS_BROADCAST),
        (ip.version == 4 and ip in CGNAT, R.ADDRESS_CGNAT),
        (ip.version == 6 and ip.is_site_local, R.ADDRESS_SITE_LOCAL),
        (
            ip.version == 6 and ip in ipaddress.ip_network("fc00::/7"),
            R.ADDRESS_UNIQUE_LOCAL,
        ),
        (ip.is_private, R.ADDRESS_PRIVATE),
        (ip.is_reserved, R.ADDRESS_RESERVED),
        (not ip.is_global, R.ADDRESS_NOT_GLOBAL),
    )
    return next((reason(kind) for unsafe, kind in checks if unsafe), None)


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in NAT64_WELL_KNOWN:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.sixtofour is not None and classify_address(ip.sixtofour) is not None:
        return ip.sixtofour
    return None


def _is_allowed(ip: IPAddress, allowed_networks: tuple[IPNetwork, ...]) -> bool:
    return any(ip.version == net.version and ip in net for net in allowed_networks)


def parse_allowed_ports(value: str) -> tuple[range, ...]:
    """Parse the FETCH_ALLOWED_PORTS setting ("8080, 8443, 9000-9099"); raise ValueError naming the bad entry."""
    ports = []
    for item in (part.strip() for part in value.split(",")):
        if not item:
            continue
        low, _dash, high = item.partition("-")
        low, high = low.strip(), (high.strip() if _dash else low.strip())
        if not (low.isdigit() and high.isdigit() and 1 <= int(low) <= int(high) <= 65535):
            raise ValueError(
                f"FETCH_ALLOWED_PORTS: {item!r} is not a port (1-65535) or a range of ports such as 9000-9099"
            )
        ports.append(range(int(low), int(high) + 1))
    return tuple(ports)


def check_port(port: int, allowed_ports: Iterable[range] = ()) -> None:
    """Refuse (UnsafeDestination) a port that is neither a web port nor allowed by FETCH_ALLOWED_PORTS.

    The address guard decides which machines may be reached; this decides which services on them. A GET sent to
    a Redis, an SMTP or a database port of an allowed (or public) machine is refused before any connection.
    """
    if port in WEB_PORTS or any(port in ports for ports in allowed_ports):
        return
    raise UnsafeDestination(reason(R.PORT_REFUSED, port=port))


def check_host(
    host: str,
    resolver: Resolver = socket.getaddrinfo,
    allowed_networks: Iterable[IPNetwork] = (),
    *,
    port: int | None = None,
) -> list[IPAddress]:
    """Resolve `host` once and return its addresses, refusing (UnsafeDestination) if ANY of them is unsafe.

    The caller must connect to one of the returned addresses and never resolve the name again, so a DNS
    answer that changes between check and connect (DNS rebinding) cannot redirect the connection.
    """
    allowed_networks = tuple(allowed_networks)
    addresses = _resolve(host.strip("[]"), port, resolver)
    for ip in addresses:
        kind = classify_address(ip, allowed_networks)
        if kind:
            shown = host if host.strip("[]") == str(ip) else f"{host} ({ip})"
            raise UnsafeDestination(reason(R.ADDRESS_REFUSED, address=shown, kind=kind))
    return addresses


def _resolve(host: str, port: int | None, resolver: Resolver) -> list[IPAddress]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = resolver(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        transient = exc.errno in (socket.EAI_AGAIN, getattr(socket, "EAI_SYSTEM", None))
        raise DNSFailure(reason(R.DNS_LOOKUP_FAILED, host=host), transient=transient) from exc
    except UnicodeError as exc:
        raise DNSFailure(reason(R.DNS_INVALID_NAME, host=host), transient=False) from exc
    addresses: list[IPAddress] = []
    for family, _type, _proto, _canon, sockaddr in infos:
        if family not in (socket.AF_INET, socket.AF_INET6):
            continue
        ip = ipaddress.ip_address(sockaddr[0].split("%", 1)[0])
        if ip not in addresses:
            addresses.append(ip)
    if not addresses:
        raise DNSFailure(reason(R.DNS_NO_ADDRESS, host=host), transient=False)
    return addresses
