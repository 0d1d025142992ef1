"""The SSRF guard: only public addresses are fetched, whatever form the address takes."""

import ipaddress
import socket

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claims.fetching.errors import DNSFailure, UnsafeDestination
from claims.fetching.safety import (
    check_host,
    check_port,
    classify_address,
    parse_allowed_ports,
)

LOOPBACK_ONLY = (ipaddress.ip_network("127.0.0.1/32"),)


@pytest.mark.parametrize(
    ("address", "words"),
    [
        ("10.0.0.1", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "cloud metadata"),
        ("100.64.0.1", "carrier-grade NAT"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("255.255.255.255", "broadcast"),
        ("127.0.0.2", "loopback"),
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fe80::1", "link-local"),
        ("fc00::1", "private"),
        ("::ffff:10.0.0.1", "private"),
        ("::ffff:127.0.0.1", "loopback"),
        ("2002:0a00:0001::1", "private"),
        ("64:ff9b::a00:1", "private"),
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo"),
        ("192.0.2.10", "private"),
    ],
)
def test_internal_addresses_are_refused_with_a_plain_reason(address, words):
    reason = classify_address(ipaddress.ip_address(address))
    assert reason is not None and words in reason


@pytest.mark.parametrize(
    "address", ["93.184.216.34", "8.8.8.8", "2606:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"]
)
def test_public_addresses_are_allowed(address):
    assert classify_address(ipaddress.ip_address(address)) is None


def test_allowlist_opens_only_the_listed_network():
    assert classify_address(ipaddress.ip_address("127.0.0.1"), LOOPBACK_ONLY) is None
    assert classify_address(ipaddress.ip_address("127.0.0.2"), LOOPBACK_ONLY) is not None
    assert classify_address(ipaddress.ip_address("::1"), LOOPBACK_ONLY) is not None


@given(st.integers(min_value=0, max_value=2**24 - 1))
def test_every_address_in_10_slash_8_is_refused_in_ipv4_mapped_and_nat64_forms(offset):
    ipv4 = ipaddress.IPv4Address(int(ipaddress.IPv4Address("10.0.0.0")) + offset)
    mapped = ipaddress.IPv6Address(f"::ffff:{ipv4}")
    nat64 = ipaddress.IPv6Address(int(ipaddress.IPv6Address("64:ff9b::")) + int(ipv4))
    assert classify_address(ipv4) and classify_address(mapped) and classify_address(nat64)


def stub_resolver(*answers):
    """A getaddrinfo stand-in answering each call with the next list of addresses."""
    calls = []

    def resolve(host, port, *args, **kwargs):
        calls.append(host)
        addresses = answers[min(len(calls), len(answers)) - 1]
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port or 80))
            for a in addresses
        ]

    resolve.calls = calls
    return resolve


def test_host_resolving_to_a_public_address_passes():
    resolver = stub_resolver(["93.184.216.34"])
    assert check_host("news.example", resolver) == [ipaddress.ip_address("93.184.216.34")]


def test_host_is_refused_if_any_of_its_addresses_is_internal():
    resolver = stub_resolver(["93.184.216.34", "10.0.0.1"])
    with pytest.raises(UnsafeDestination) as caught:
        check_host("news.example", resolver)
    assert "10.0.0.1" in caught.value.reason and "news.example" in caught.value.reason


def test_host_is_resolved_exactly_once():
    resolver = stub_resolver(["93.184.216.34"], ["10.0.0.1"])
    check_host("rebind.example", resolver)
    assert resolver.calls == ["rebind.example"]


def test_ip_literals_are_checked_without_dns():
    resolver = stub_resolver(["93.184.216.34"])
    with pytest.raises(UnsafeDestination):
        check_host("[::1]", resolver)
    assert resolver.calls == []


def test_unknown_host_is_a_dns_failure_not_worth_retrying():
    def nxdomain(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    with pytest.raises(DNSFailure) as caught:
        check_host("no-such-site.example", nxdomain)
    assert not caught.value.transient


def test_web_ports_are_always_allowed():
    for port in (80, 443):
        check_port(port)


@pytest.mark.parametrize("port", [6379, 5432, 25, 22, 8080, 8443])
def test_other_ports_are_refused_unless_allowed(port):
    with pytest.raises(UnsafeDestination, match=f"port {port}, which is not a web port"):
        check_port(port)
    check_port(port, parse_allowed_ports(f"{port}"))


def test_allowed_ports_setting_takes_ports_and_ranges_and_names_bad_entries():
    allowed = parse_allowed_ports(" 8080, 9000-9099 ,")
    assert allowed == (range(8080, 8081), range(9000, 9100))
    check_port(9099, allowed)
    with pytest.raises(UnsafeDestination):
        check_port(9100, allowed)
    assert parse_allowed_ports("") == ()
    for bad in ("http", "0", "70000", "9099-9000", "-1", "80-"):
        with pytest.raises(ValueError, match=f"FETCH_ALLOWED_PORTS: '{bad}'"):
            parse_allowed_ports(bad)
