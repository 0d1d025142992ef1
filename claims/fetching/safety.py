"""SSRF guard: decide whether an address is on the public internet before we connect to it."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from typing import Any

from claims.fetching.errors import DNSFailure, UnsafeDestination

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
            return f"{inner} (written as IPv6)" if inner else None
        if ip.teredo:
            return "a Teredo tunnel address"
        if ip.sixtofour is not None:
            return "a 6to4 tunnel address"
    return _plain_reason(ip)


def _plain_reason(ip: IPAddress) -> str | None:
    checks = (
        (ip.is_unspecified, "the unspecified address"),
        (ip.is_loopback, "a loopback address (this machine)"),
        (ip.is_link_local, "a link-local (cloud metadata) address"),
        (ip.is_multicast, "a multicast address"),
        (ip.version == 4 and ip == ipaddress.IPv4Address("255.255.255.255"), "the broadcast address"),
        (ip.version == 4 and ip in CGNAT, "a carrier-grade NAT (100.64/10) address"),
        (ip.version == 6 and ip.is_site_local, "a site-local address"),
        (
            ip.version == 6 and ip in ipaddress.ip_network("fc00::/7"),
            "a private network address (unique local)",
        ),
        (ip.is_private, "a private network address"),
        (ip.is_reserved, "a reserved address"),
        (not ip.is_global, "an address that is not on the public internet"),
    )
    return next((reason for unsafe, reason in checks if unsafe), None)


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
    raise UnsafeDestination(
        f"The address uses port {port}, which is not a web port (80 or 443); fetching it could reach another kind "
        "of service, so it is refused."
    )


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
        reason = classify_address(ip, allowed_networks)
        if reason:
            shown = host if host.strip("[]") == str(ip) else f"{host} ({ip})"
            raise UnsafeDestination(
                f"The address {shown} is {reason}; fetching it could reach an internal system, so it is refused."
            )
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
        raise DNSFailure(
            f"The site name {host} could not be looked up; check the address for a typo.", transient=transient
        ) from exc
    except UnicodeError as exc:
        raise DNSFailure(f"The site name {host} is not a valid domain name.", transient=False) from exc
    addresses: list[IPAddress] = []
    for family, _type, _proto, _canon, sockaddr in infos:
        if family not in (socket.AF_INET, socket.AF_INET6):
            continue
        ip = ipaddress.ip_address(sockaddr[0].split("%", 1)[0])
        if ip not in addresses:
            addresses.append(ip)
    if not addresses:
        raise DNSFailure(f"The site name {host} has no internet address.", transient=False)
    return addresses
