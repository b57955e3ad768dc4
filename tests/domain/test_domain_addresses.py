"""Which addresses a webhook may go to: every non-public range, and every IPv6 form
that embeds an IPv4, judged by the IPv4 it reaches."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv6Address, IPv6Network, ip_address, ip_network

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from gateway.domain.addresses import embedded_ipv4, is_public_destination

GLOBAL_UNICAST = IPv6Network("2000::/3")
NAT64_WELL_KNOWN = IPv6Network("64:ff9b::/96")

PUBLIC_IPV4 = ["93.184.216.34", "8.8.8.8", "1.1.1.1", "203.0.114.1", "100.128.0.1", "198.20.0.1"]
PUBLIC_IPV6 = ["2606:4700::1", "2001:4860:4860::8888", "2a00:1450:4001:82b::200e", "2400:cb00::1"]

# One example at each end of every refused IPv4 range.
NON_PUBLIC_IPV4 = {
    "0.0.0.0/8 this network": ["0.0.0.0", "0.255.255.255"],  # noqa: S104
    "10/8 private": ["10.0.0.1", "10.255.255.254"],
    "100.64/10 shared (CGN)": ["100.64.0.1", "100.127.255.254"],
    "127/8 loopback": ["127.0.0.1", "127.255.255.254"],
    "169.254/16 link-local": ["169.254.169.254", "169.254.0.1"],
    "172.16/12 private": ["172.16.0.1", "172.31.255.254"],
    "192.0.0/24 IETF": ["192.0.0.1", "192.0.0.9", "192.0.0.170"],
    "192.0.2/24 documentation": ["192.0.2.1", "192.0.2.255"],
    "192.88.99/24 6to4 relay": ["192.88.99.1"],
    "192.168/16 private": ["192.168.0.1", "192.168.255.254"],
    "198.18/15 benchmarking": ["198.18.0.1", "198.19.255.254"],
    "198.51.100/24 documentation": ["198.51.100.7"],
    "203.0.113/24 documentation": ["203.0.113.7"],
    "224/4 multicast": ["224.0.0.1", "239.255.255.250"],
    "240/4 reserved": ["240.0.0.1", "255.255.255.254", "255.255.255.255"],
}

NON_PUBLIC_IPV6 = {
    "unspecified": ["::"],
    "loopback": ["::1"],
    "IPv4-compatible ::/96, even of a public IPv4": ["::7f00:1", "::a00:1", "::5db8:d822"],
    "IPv4-translated ::ffff:0:0:0/96": ["::ffff:0:7f00:1", "::ffff:0:5db8:d822"],
    "discard-only 100::/64": ["100::1"],
    "local-use NAT64 64:ff9b:1::/48, even of a public IPv4": [
        "64:ff9b:1::a00:1",
        "64:ff9b:1:5db8:d8:2200::",
        "64:ff9b:1::5db8:d822",
    ],
    "IETF protocol assignments 2001::/23": ["2001:2::1", "2001:10::1", "2001:20::1", "2001:1::1"],
    "documentation 2001:db8::/32": ["2001:db8::1", "2001:db8:ffff::1"],
    "documentation 3fff::/20": ["3fff::1", "3fff:fff::1"],
    "SRv6 5f00::/16": ["5f00::1"],
    "unique-local fc00::/7": ["fc00::1", "fd12:3456:789a::1"],
    "link-local fe80::/10": ["fe80::1", "febf::1"],
    "site-local fec0::/10": ["fec0::1", "feff::1"],
    "multicast ff00::/8": ["ff02::1", "ff0e::fb"],
    "unassigned outside 2000::/3": ["4000::1", "8000::1", "e000::1"],
}

# IPv6 forms that reach the embedded IPv4, with a private one inside.
EMBEDDING_PRIVATE = {
    "IPv4-mapped loopback": "::ffff:127.0.0.1",
    "IPv4-mapped metadata": "::ffff:169.254.169.254",
    "IPv4-mapped private": "::ffff:10.0.0.1",
    "NAT64 loopback": "64:ff9b::7f00:1",
    "NAT64 private": "64:ff9b::c0a8:101",
    "NAT64 shared": "64:ff9b::6440:1",
    "6to4 loopback": "2002:7f00:1::1",
    "6to4 private": "2002:a00:1::",
    "6to4 metadata": "2002:a9fe:a9fe:1234:5678::1",
    "6to4 benchmarking": "2002:c612:1::1",
    # Teredo: server 65.54.227.120 (public), client 192.0.2.45 (documentation), RFC 4380.
    "Teredo, documentation client": "2001:0:4136:e378:8000:63bf:3fff:fdd2",
    # Server 93.184.216.34, client 127.0.0.1 (~0x7f000001 = 0x80fffffe).
    "Teredo, loopback client": "2001:0:5db8:d822::80ff:fffe",
    # Server 10.0.0.1, client 93.184.216.34 (~0x5db8d822 = 0xa24727dd).
    "Teredo, private server": "2001:0:a00:1::a247:27dd",
}

EMBEDDING_PUBLIC = {
    "IPv4-mapped": ("::ffff:93.184.216.34", ["93.184.216.34"]),
    "NAT64 well-known prefix": ("64:ff9b::5db8:d822", ["93.184.216.34"]),
    "6to4": ("2002:5db8:d822:1::1", ["93.184.216.34"]),
    "Teredo": ("2001:0:5db8:d822::f7f7:f7f7", ["93.184.216.34", "8.8.8.8"]),
}


def _cases(table: dict[str, list[str]]) -> list[object]:
    return [
        pytest.param(address, id=f"{name}: {address}")
        for name, ids in table.items()
        for address in ids
    ]


@pytest.mark.parametrize("address", PUBLIC_IPV4 + PUBLIC_IPV6)
def test_public_unicast_is_a_destination(address: str) -> None:
    assert is_public_destination(ip_address(address))


@pytest.mark.parametrize("address", _cases(NON_PUBLIC_IPV4) + _cases(NON_PUBLIC_IPV6))
def test_non_public_ranges_are_refused(address: str) -> None:
    assert not is_public_destination(ip_address(address))


@pytest.mark.parametrize("address", list(EMBEDDING_PRIVATE.values()), ids=list(EMBEDDING_PRIVATE))
def test_an_embedded_private_ipv4_is_refused(address: str) -> None:
    assert not is_public_destination(IPv6Address(address))


@pytest.mark.parametrize(
    ("address", "reaches"), list(EMBEDDING_PUBLIC.values()), ids=list(EMBEDDING_PUBLIC)
)
def test_an_embedded_public_ipv4_is_a_destination(address: str, reaches: list[str]) -> None:
    ipv6 = IPv6Address(address)
    assert embedded_ipv4(ipv6) == tuple(IPv4Address(a) for a in reaches)
    assert is_public_destination(ipv6)


def test_teredo_reaches_the_server_and_the_inverted_client() -> None:
    # RFC 4380 section 4's example.
    server, client = embedded_ipv4(IPv6Address("2001:0:4136:e378:8000:63bf:3fff:fdd2"))
    assert (server, client) == (IPv4Address("65.54.227.120"), IPv4Address("192.0.2.45"))


# --------------------------------------------------------------------------- properties

ipv4s = st.builds(IPv4Address, st.integers(0, 2**32 - 1))
ipv6s = st.builds(IPv6Address, st.integers(0, 2**128 - 1))


def _within(network: str) -> st.SearchStrategy[IPv4Address | IPv6Address]:
    parsed = ip_network(network)
    first = int(parsed.network_address)
    return st.integers(first, first + parsed.num_addresses - 1).map(
        IPv4Address if parsed.version == 4 else IPv6Address
    )


REFUSED_NETWORKS = [
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.0.0.0/24",
    "192.0.2.0/24",
    "192.168.0.0/16",
    "198.18.0.0/15",
    "198.51.100.0/24",
    "203.0.113.0/24",
    "224.0.0.0/4",
    "240.0.0.0/4",
    "::/96",
    "::ffff:0:0:0/96",
    "64:ff9b:1::/48",
    "100::/64",
    "2001:db8::/32",
    "3fff::/20",
    "fc00::/7",
    "fe80::/10",
    "fec0::/10",
    "ff00::/8",
]


@pytest.mark.parametrize("network", REFUSED_NETWORKS)
@given(data=st.data())
def test_every_address_of_a_refused_range_is_refused(network: str, data: st.DataObject) -> None:
    assert not is_public_destination(data.draw(_within(network)))


@given(ipv4s)
def test_ipv4_mapped_is_judged_by_its_ipv4(ipv4: IPv4Address) -> None:
    mapped = IPv6Address((0xFFFF << 32) | int(ipv4))
    assert is_public_destination(mapped) == is_public_destination(ipv4)


@given(ipv4s)
def test_nat64_is_judged_by_its_ipv4(ipv4: IPv4Address) -> None:
    nat64 = IPv6Address(int(NAT64_WELL_KNOWN.network_address) | int(ipv4))
    assert is_public_destination(nat64) == is_public_destination(ipv4)


@given(ipv4s, st.integers(0, 2**80 - 1))
def test_6to4_is_judged_by_its_ipv4(ipv4: IPv4Address, rest: int) -> None:
    six_to_four = IPv6Address((0x2002 << 112) | (int(ipv4) << 80) | rest)
    assert embedded_ipv4(six_to_four) == (ipv4,)
    assert is_public_destination(six_to_four) == is_public_destination(ipv4)


@given(ipv4s, ipv4s, st.integers(0, 2**16 - 1), st.integers(0, 2**16 - 1))
def test_teredo_is_judged_by_server_and_client(
    server: IPv4Address, client: IPv4Address, flags: int, port: int
) -> None:
    teredo = IPv6Address(
        (0x20010000 << 96)
        | (int(server) << 64)
        | (flags << 48)
        | (port << 32)
        | (int(client) ^ 0xFFFFFFFF)
    )
    assert embedded_ipv4(teredo) == (server, client)
    expected = is_public_destination(server) and is_public_destination(client)
    assert is_public_destination(teredo) == expected


@given(ipv6s)
def test_ipv6_outside_global_unicast_is_refused_unless_it_maps_or_translates(
    address: IPv6Address,
) -> None:
    assume(address not in GLOBAL_UNICAST)
    assume(address.ipv4_mapped is None and address not in NAT64_WELL_KNOWN)
    assert not is_public_destination(address)


@given(ipv6s)
def test_global_unicast_is_public_outside_its_special_blocks(address: IPv6Address) -> None:
    special = ["2001::/23", "2001:db8::/32", "2002::/16", "3fff::/20"]
    global_unicast = IPv6Address(int(address) % 2**125 + int(GLOBAL_UNICAST.network_address))
    assume(not any(global_unicast in IPv6Network(network) for network in special))
    assert is_public_destination(global_unicast)
